// Tokenizing and masking of log messages for the template miner.
//
// A message is split on whitespace into tokens. Inside each token, the
// variable parts are replaced by the wildcard "<*>" using character classes
// only (no regex): any compound word holding a digit (numbers, hex, ids,
// IPv4/IPv6 with ports, UUIDs, dates, times, hostnames), paths and URLs,
// empty values ("key=" → "key=<*>"), and day/month names next to a variable.
// Punctuation around and inside a token is kept, so "uid=10037," becomes
// "uid=<*>," and "blk_-6952295868487656571" becomes "<*>". A run of variable
// tokens collapses into one "<*>". Masking is generic: nothing in it knows a
// particular system.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tinkr::analysis {

inline constexpr std::string_view kWildcard = "<*>";

// Appends the masked tokens of `message` to `tokens` (cleared first).
// Tokens are views into `arena`, which is cleared and reused; keeping both
// alive across calls avoids allocation on the hot path.
void tokenize_and_mask(std::string_view message, std::string& arena, std::vector<std::string_view>& tokens);

// Convenience form for tests and callers off the hot path.
std::vector<std::string> tokenize_and_mask(std::string_view message);

// The masked form of one whitespace-free token ("<*>" when it is all variable).
std::string mask_token(std::string_view token);

}  // namespace tinkr::analysis
