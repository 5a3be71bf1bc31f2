#include "backends/azure/endpoint_url.h"

#include <curl/curl.h>

#include <memory>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

#include "core/strings.h"

namespace tinkr::azure {
namespace {

using CurlUrl = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;

std::string part(CURLU* u, CURLUPart which) {
  char* value = nullptr;
  std::string out;
  if (curl_url_get(u, which, &value, 0) == CURLUE_OK && value) {
    out = value;
    curl_free(value);
  }
  return out;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (iequals(host, "localhost")) return true;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

std::string url_host(std::string_view url) {
  CurlUrl u(curl_url(), curl_url_cleanup);
  if (!u) return "";
  const std::string text(url);
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) return "";
  return part(u.get(), CURLUPART_HOST);
}

Result<std::string> normalize_endpoint_url(std::string_view value, std::string_view setting) {
  std::string url(value);
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t')) url.pop_back();
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.erase(0, 1);
  if (url.empty()) {
    return make_error(ErrorCode::kConfig, fmt::format("{} is empty; give an https:// URL or leave it unset", setting));
  }
  if (url.find("://") == std::string::npos) url = "https://" + url;
  while (url.size() > 1 && url.back() == '/') url.pop_back();

  CurlUrl u(curl_url(), curl_url_cleanup);
  if (!u) return make_error(ErrorCode::kInternal, "out of memory parsing a URL");
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("{} is not a valid URL; use the form https://host[:port][/path]", setting));
  }
  const std::string scheme = part(u.get(), CURLUPART_SCHEME);
  const std::string host = part(u.get(), CURLUPART_HOST);
  if (!part(u.get(), CURLUPART_USER).empty() || !part(u.get(), CURLUPART_QUERY).empty() ||
      !part(u.get(), CURLUPART_FRAGMENT).empty()) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("{} must be a plain https://host[:port][/path] URL, without user info, query or "
                                  "fragment",
                                  setting));
  }
  if (host.empty()) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("{} has no host; use the form https://host[:port][/path]", setting));
  }
  if (iequals(scheme, "https")) return url;
  if (iequals(scheme, "http")) {
    if (is_loopback_host(host)) return url;
    return make_error(ErrorCode::kConfig,
                      fmt::format("{} uses plain http:// to '{}': tokens would travel unencrypted; use https:// "
                                  "(http:// is accepted only for loopback hosts such as 127.0.0.1)",
                                  setting, host));
  }
  return make_error(ErrorCode::kConfig,
                    fmt::format("{} uses the scheme '{}'; use https:// (or http:// to a loopback host)", setting,
                                scheme));
}

}  // namespace tinkr::azure
