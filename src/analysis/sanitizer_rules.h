// The sanitizer's rule table: one RE2 pattern per kind of secret, personal
// datum or injection phrase, in priority order (the earlier rule wins when two
// findings start at the same place). Internal to analysis/sanitizer.cc; exposed
// for tests and benchmarks.
#pragma once

#include <span>
#include <string_view>

#include "analysis/sanitizer.h"

namespace tinkr::sanitize {

// A post-match check for candidates a pattern alone cannot decide.
enum class Check {
  kNone,
  kLuhn,           // payment card: issuer prefix, 13–19 digits, Luhn sum
  kBasicAuth,      // base64 that decodes to printable "user:password"
  kNotPlaceholder  // a value that is not "***", "<…>", "${…}", "null", "redacted", …
};

struct Rule {
  std::string_view kind;
  Category category;
  std::string_view pattern;  // RE2 syntax
  int group;                 // 0: redact the whole match; n: redact capture group n
  Check check;
  // Non-empty: the rule spans lines and runs on the whole text, only when the
  // text contains this literal (the other rules run line block by line block).
  std::string_view whole_text_trigger = {};
};

// Every rule, in priority order.
std::span<const Rule> rules();

}  // namespace tinkr::sanitize
