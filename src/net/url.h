// Splitting an http(s) URL into the parts HttpClient needs: scheme, host,
// port, path and query. No libcurl (the CLI must be able to show and call
// http:// URLs without loading it, net/curl_library.h).
//
// Lenient where libcurl is: the path and query are taken as they are (a Loki
// query's `{`, `"` or `|` are not rejected); the authority ([user@]host[:port])
// is parsed by Boost.URL (RFC 3986). A URL with whitespace or control
// characters, no "scheme://", or no host does not parse. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tinkr::net {

struct UrlParts {
  std::string scheme;  // lower case ("http")
  std::string host;    // as written; an IPv6 literal keeps its brackets ("[::1]")
  std::string port;    // as written; empty when the URL has none
  std::string path;    // "/" when the URL has none
  std::string query;   // after '?', without it; empty when none
  bool has_query = false;

  // host without the brackets of an IPv6 literal: what to resolve or connect to.
  std::string host_address() const;
  // The port to connect to: the URL's, else 80 for http and 443 for https.
  unsigned short port_number() const;
  // path[?query]: the request target of HTTP/1.1's origin form.
  std::string target() const;
};

// nullopt when the URL does not parse (see the header comment).
std::optional<UrlParts> parse_url(std::string_view url);

}  // namespace tinkr::net
