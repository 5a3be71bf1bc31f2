#include "net/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/url/authority_view.hpp>

namespace tinkr::net {
namespace {

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

}  // namespace

std::string UrlParts::host_address() const {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

unsigned short UrlParts::port_number() const {
  unsigned short n = 0;
  if (!port.empty()) {
    std::from_chars(port.data(), port.data() + port.size(), n);
    return n;
  }
  return scheme == "https" ? 443 : 80;
}

std::string UrlParts::target() const { return has_query ? path + "?" + query : path; }

std::optional<UrlParts> parse_url(std::string_view url) {
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return std::nullopt;
  }
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  const std::string_view scheme = url.substr(0, sep);
  if (!std::all_of(scheme.begin(), scheme.end(), is_scheme_char) ||
      !std::isalpha(static_cast<unsigned char>(scheme[0])))
    return std::nullopt;
  std::string_view rest = url.substr(sep + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  rest = rest.substr(0, rest.find('#'));

  auto parsed = boost::urls::parse_authority(authority);
  if (!parsed || parsed->encoded_host().empty()) return std::nullopt;
  UrlParts out;
  out.scheme.reserve(scheme.size());
  for (char c : scheme) out.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out.host = std::string(parsed->encoded_host());
  out.port = std::string(parsed->port());
  if (!out.port.empty()) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(out.port.data(), out.port.data() + out.port.size(), port);
    if (ec != std::errc() || end != out.port.data() + out.port.size() || port == 0 || port > 65535) return std::nullopt;
  }
  const size_t question = rest.find('?');
  out.path = std::string(rest.substr(0, question));
  if (out.path.empty()) out.path = "/";
  if (question != std::string_view::npos) {
    out.has_query = true;
    out.query = std::string(rest.substr(question + 1));
  }
  return out;
}

}  // namespace tinkr::net
