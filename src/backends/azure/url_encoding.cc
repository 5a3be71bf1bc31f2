#include "backends/azure/url_encoding.h"

#include <curl/curl.h>

#include <climits>
#include <memory>

namespace tinkr::azure {

std::string percent_encode(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() > static_cast<size_t>(INT_MAX)) return {};
  // A NULL handle is allowed since libcurl 7.82.
  std::unique_ptr<char, decltype(&curl_free)> out(curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())),
                                                  curl_free);
  return out ? std::string(out.get()) : std::string();
}

std::string encode_query(const QueryParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

}  // namespace tinkr::azure
