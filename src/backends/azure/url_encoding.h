// Percent-encoding for Azure request URLs, done by libcurl: one path segment
// or one query value at a time, so user text can never add a '/', '?', '&'
// or '#' to a URL. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tinkr::azure {

// Query parameters in order; values are raw (encoded when the URL is built).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding of everything but unreserved characters
// (A-Z a-z 0-9 - . _ ~): "a b/c" -> "a%20b%2Fc".
std::string percent_encode(std::string_view text);

// "a=1&b=x%20y": each name and value percent-encoded.
std::string encode_query(const QueryParams& params);

}  // namespace tinkr::azure
