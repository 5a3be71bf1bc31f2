#include "net/http_client.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "core/json.h"
#include "core/strings.h"
#include "core/time.h"
#include "net/http_attempt.h"
#include "net/url.h"

namespace tinkr::net {
namespace {

// A proxy libcurl would use for an http:// URL (it reads http_proxy and
// ALL_PROXY/all_proxy; HTTP_PROXY too here, to be safe). The built-in
// transport does not speak to proxies, so any of them sends the request
// through libcurl, which also applies NO_PROXY.
bool proxy_configured() {
  for (const char* name : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);
    if (value && *value) return true;
  }
  return false;
}

std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

Result<HttpResponse> run_with_retries(const HttpClientOptions& options, const HttpRequest& r, SseParser* sse) {
  const auto parts = parse_url(r.url);
  if (!parts || (parts->scheme != "http" && parts->scheme != "https")) {
    return make_error(ErrorCode::kInvalidArgument, "'" + display_url(r.url) +
                                                       "' is not an http:// or https:// URL; check " +
                                                       (r.config_key.empty() ? std::string("the URL") : r.config_key));
  }
  const bool builtin = options.plain_http == PlainHttp::kBuiltin && parts->scheme == "http" && !proxy_configured();
  const RetryPolicy policy = r.retry.value_or(options.retry);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + policy.total_deadline;
  for (int attempt = 1;; ++attempt) {
    detail::Attempt a = builtin ? detail::plain_http_attempt(options, r, *parts, r.timeout, sse)
                                : detail::curl_attempt(options, r, r.timeout, sse);
    bool retry = a.retryable && attempt < std::max(1, policy.max_attempts);
    if (!a.result.ok() && !policy.retry_connection_errors) retry = false;
    if (a.result.ok() && !policy.retry_statuses) retry = false;
    if (sse && !a.result.ok() && a.bytes_received > 0) retry = false;  // never replay a stream
    if (!retry) return std::move(a.result);

    Millis delay = backoff_delay(policy, attempt, rng());
    if (a.result.ok()) {
      if (auto ra = a.result->headers.get("Retry-After")) {
        if (auto parsed = parse_retry_after(*ra, now())) {
          if (*parsed > policy.max_retry_after) return std::move(a.result);
          delay = *parsed;
        }
      }
    }
    if (std::chrono::steady_clock::now() + delay >= deadline) return std::move(a.result);
    // Sleep in slices so that cancellation is noticed.
    const auto wake = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < wake) {
      if (r.cancel && r.cancel->load()) {
        return detail::request_cancelled(r);
      }
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(50),
                                                        wake - std::chrono::steady_clock::now()));
    }
  }
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace

Headers::Headers(std::initializer_list<std::pair<std::string, std::string>> items) : items_(items) {}

void Headers::add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }

void Headers::set(std::string name, std::string value) {
  items_.erase(std::remove_if(items_.begin(), items_.end(), [&](const auto& kv) { return iequals(kv.first, name); }),
               items_.end());
  items_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {}

Result<HttpResponse> HttpClient::send(const HttpRequest& request) const {
  return run_with_retries(options_, request, nullptr);
}

Result<HttpResponse> HttpClient::get(std::string url, Headers headers) const {
  HttpRequest r;
  r.url = std::move(url);
  r.headers = std::move(headers);
  return send(r);
}

Result<HttpResponse> HttpClient::post_json(std::string url, std::string json_body, Headers headers) const {
  HttpRequest r;
  r.method = "POST";
  r.url = std::move(url);
  r.headers = std::move(headers);
  if (!r.headers.contains("Content-Type")) r.headers.add("Content-Type", "application/json");
  r.body = std::move(json_body);
  return send(r);
}

Result<HttpResponse> HttpClient::stream_sse(const HttpRequest& request,
                                            const std::function<bool(const SseEvent&)>& on_event) const {
  SseParser parser(on_event);
  return run_with_retries(options_, request, &parser);
}

std::string basic_auth(std::string_view user, std::string_view password) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in;
  in.reserve(user.size() + password.size() + 1);
  in.append(user).append(":").append(password);
  std::string out = "Basic ";
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string bearer_auth(std::string_view token) { return "Bearer " + std::string(token); }

std::string display_url(std::string_view url) {
  auto p = parse_url(url);
  if (!p || p->host.empty()) {
    // Not parseable: still drop the query, the fragment and any user info.
    std::string s(url.substr(0, url.find_first_of("?#")));
    const size_t scheme_end = s.find("://");
    const size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    if (const size_t at = s.find('@', host_start); at != std::string::npos) s.erase(host_start, at + 1 - host_start);
    return s;
  }
  std::string out = p->scheme + "://" + p->host;
  if (!p->port.empty()) out += ":" + p->port;
  if (p->path != "/") out += p->path;
  return out;
}

Error error_from_response(const HttpResponse& response, std::string_view peer_name) {
  const ErrorCode code = error_code_from_http_status(response.status);
  if (auto parsed = parse_json(response.body, "error body"); parsed.ok()) {
    if (auto ours = error_from_json(*parsed)) return *ours;
  }
  std::string message(peer_name.empty() ? "the server" : peer_name);
  message += " answered " + std::to_string(response.status);
  if (auto phrase = reason_phrase(response.status); !phrase.empty()) message += " " + std::string(phrase);
  const std::string snippet(detail::trim_whitespace(one_line_prefix(response.body, 300)));
  if (!snippet.empty()) message += ": " + snippet;
  return make_error(code, std::move(message));
}

}  // namespace tinkr::net
