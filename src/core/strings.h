// Small string helpers shared by every module. Pure, thread-safe.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace tinkr {

// ASCII case-insensitive equality (HTTP header names, keywords, enum names);
// bytes outside A–Z compare as they are, so UTF-8 is never case-folded.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// `text` on one line for an error message: CR, LF and tab become spaces, and
// at most `max` bytes are kept, followed by "…" when some were cut.
inline std::string one_line_prefix(std::string_view text, size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max) + 3);
  for (char c : text.substr(0, max)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (text.size() > max) out += "…";
  return out;
}

}  // namespace tinkr
