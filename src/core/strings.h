// Small string helpers shared by every module. Pure, thread-safe.
#pragma once

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

}  // namespace tinkr
