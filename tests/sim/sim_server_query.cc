#include "sim/sim_server_query.h"

#include <curl/curl.h>

namespace tinkr::sim {
namespace {

std::string unescape(std::string_view s) {
  std::string plus(s);
  for (char& c : plus) {
    if (c == '+') c = ' ';
  }
  int n = 0;
  char* out = curl_easy_unescape(nullptr, plus.data(), static_cast<int>(plus.size()), &n);
  if (!out) return plus;
  std::string r(out, static_cast<size_t>(n));
  curl_free(out);
  return r;
}

}  // namespace

QueryMap decode_query(std::string_view query) {
  QueryMap out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string name = unescape(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string() : unescape(pair.substr(eq + 1));
    out[std::move(name)] = std::move(value);
  }
  return out;
}

std::optional<std::string> param(const QueryMap& q, std::string_view name) {
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  return it->second;
}

std::string go_unquote_body(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out += body[i];
      continue;
    }
    const char c = body[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      default: out += c;  // \\ \" and the rest
    }
  }
  return out;
}

}  // namespace tinkr::sim
