#include "net/http_attempt.h"

#include <string>

namespace tinkr::net::detail {
namespace {

std::string peer_hint(const HttpRequest& r) {
  std::string out;
  const std::string peer = r.peer_name.empty() ? "the server" : r.peer_name;
  out += ": is " + peer + " running";
  if (!r.config_key.empty()) out += "? check " + r.config_key;
  else out += " and is the URL right?";
  return out;
}

}  // namespace

std::string origin_of(std::string_view url) {
  auto p = parse_url(url);
  if (!p) return std::string(url);
  std::string out = p->scheme + "://" + p->host;
  if (!p->port.empty()) out += ":" + p->port;
  return out;
}

std::string_view trim_whitespace(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string seconds_text(Millis ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + "s";
  return std::to_string(ms.count()) + "ms";
}

Error connect_failed(const HttpRequest& r, std::string_view reason) {
  return make_error(ErrorCode::kUnavailable,
                    "could not connect to " + origin_of(r.url) + " (" + std::string(reason) + ")" + peer_hint(r));
}

Error resolve_failed(const HttpRequest& r) {
  return make_error(ErrorCode::kUnavailable,
                    "could not resolve the host of " + origin_of(r.url) +
                        (r.config_key.empty() ? ": is the URL right?" : ": check " + r.config_key));
}

Error connect_timed_out(const HttpRequest& r) {
  return make_error(ErrorCode::kDeadlineExceeded, "could not connect to " + origin_of(r.url) + " within " +
                                                      seconds_text(r.connect_timeout) + peer_hint(r));
}

Error answer_timed_out(const HttpRequest& r) {
  return make_error(ErrorCode::kDeadlineExceeded,
                    "no complete answer from " + display_url(r.url) + " within " + seconds_text(r.timeout) +
                        ": the query may be too broad; narrow the time range or retry later");
}

Error answer_too_large(const HttpRequest& r, const HttpClientOptions& options) {
  const size_t mib = options.max_response_bytes >> 20;
  const std::string cap =
      mib > 0 ? std::to_string(mib) + " MiB" : std::to_string(options.max_response_bytes) + " bytes";
  return make_error(ErrorCode::kPayloadTooLarge, "answer from " + display_url(r.url) + " exceeded the " + cap +
                                                     " cap; narrow the time range or lower --limit");
}

Error request_cancelled(const HttpRequest& r) {
  return make_error(ErrorCode::kCancelled, "request to " + display_url(r.url) + " cancelled");
}

Error request_failed(const HttpRequest& r, std::string_view detail) {
  return make_error(ErrorCode::kUnavailable, "request to " + display_url(r.url) + " failed: " + std::string(detail));
}

}  // namespace tinkr::net::detail
