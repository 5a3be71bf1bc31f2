// HttpClient: the one way Tinkr makes outgoing HTTP(S) calls: libcurl (loaded
// on the first request: net/curl_library.h) or, for plain http:// URLs when
// the options ask for it, a built-in Boost.Beast transport (PlainHttp below).
//
// send() returns the peer's answer for every HTTP status (a 404 is a Response,
// not an Error); an Error means there was no usable answer: the URL was not
// http/https (kInvalidArgument), the peer could not be reached (kUnavailable,
// "could not connect to http://127.0.0.1:3100 (connection refused): is Loki
// running? check loki_url"), it did not answer in time (kDeadlineExceeded), the
// answer was larger than the cap (kPayloadTooLarge), or the caller cancelled
// (kCancelled). Answers 429/500/502/503/504 and connection errors are retried with
// exponential backoff and full jitter, honouring Retry-After, within the
// policy's attempts and total deadline; the last answer is returned when they
// run out.
//
// Both transports behave alike: same errors and messages, retries, caps,
// cancellation, gzip/deflate answers, chunked answers and SSE streams (the
// unit tests run against each).
//
// Thread-safety: an HttpClient is immutable after construction and may be used
// from several threads at once (each call uses its own curl easy handle, whose
// connections are reused per thread, or its own connection). Secrets never appear in errors or logs:
// URLs are shown without user info or query string, headers are never shown.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "net/retry.h"
#include "net/sse_parser.h"

namespace tinkr::net {

// HTTP header fields in order; lookups ignore case.
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string, std::string>> items);

  // Appends a field (repeats allowed).
  void add(std::string name, std::string value);
  // Replaces every field of that name with one.
  void set(std::string name, std::string value);
  // The first value of that name, case-insensitive; nullopt when absent.
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // http:// or https:// only
  Headers headers;
  std::string body;
  Millis timeout{30000};  // one attempt, from connect to last byte (0: none, for streams)
  Millis connect_timeout{10000};
  std::optional<RetryPolicy> retry;  // the client's policy when unset

  // For error messages: what the peer is ("Loki", "the Tinkr server") and the
  // setting that holds its address ("loki_url"). Both optional.
  std::string peer_name;
  std::string config_key;

  // Set to true from any thread (or a signal handler) to abort the call with
  // kCancelled. Checked while waiting for data (at least once a second) and
  // between retries.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
};

// How plain http:// URLs are fetched (https:// always goes through libcurl:
// TLS, CA bundles).
//
// kBuiltin: Boost.Beast (Asio) over a new TCP connection per attempt, unless a
// proxy variable (http_proxy, HTTP_PROXY, all_proxy, ALL_PROXY) is set, then
// libcurl. The CLI uses it to reach its server: loading libcurl and its ~30
// dependencies and initialising them cost ~14 ms of CPU per command, more
// than the rest of `tinkr logs` (bench/RESULTS.md, "logs end to end").
//
// kLibcurl (the default): tinkr-server and the backends. The server is linked
// with libcurl anyway (auth, backends), pays its start-up once, and calls
// the same backends again and again: libcurl keeps their connections alive
// (one handle per thread) where the built-in transport opens one per
// request, and it knows proxies and NO_PROXY.
enum class PlainHttp { kLibcurl, kBuiltin };

struct HttpClientOptions {
  std::string user_agent = "tinkr/0.1";
  std::string ca_file;                           // PEM bundle to trust instead of the system store
  bool verify_tls = true;                        // false only for explicit insecure test setups
  RetryPolicy retry;                             // default policy for requests without their own
  size_t max_response_bytes = size_t{64} << 20;  // 64 MiB
  PlainHttp plain_http = PlainHttp::kLibcurl;    // see PlainHttp
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});

  // One request, with retries per policy. See the header comment for errors.
  Result<HttpResponse> send(const HttpRequest& request) const;

  // GET url; POST url with a JSON body (Content-Type: application/json).
  Result<HttpResponse> get(std::string url, Headers headers = {}) const;
  Result<HttpResponse> post_json(std::string url, std::string json_body, Headers headers = {}) const;

  // Streams a text/event-stream answer: on_event is called per event as it
  // arrives; returning false ends the stream (not an error). Not retried once
  // bytes have arrived. A non-2xx answer is returned (body included, no
  // events parsed); a 2xx answer is returned with an empty body when the
  // stream ends. Ends with kCancelled when request.cancel is set.
  Result<HttpResponse> stream_sse(const HttpRequest& request,
                                  const std::function<bool(const SseEvent&)>& on_event) const;

  const HttpClientOptions& options() const { return options_; }

 private:
  HttpClientOptions options_;
};

// "Basic base64(user:password)", for an Authorization header.
std::string basic_auth(std::string_view user, std::string_view password);
// "Bearer <token>".
std::string bearer_auth(std::string_view token);

// The URL as shown to people: scheme://host[:port]/path, without user info,
// query or fragment (they may hold secrets). The input when it cannot be parsed.
std::string display_url(std::string_view url);

// An Error for a non-2xx answer: the code from the status, and a message
// naming the peer, the status and the start of the body ("Loki answered 400
// Bad Request: parse error at line 1…"). Our own {"error":{…}} bodies keep
// their code and message.
Error error_from_response(const HttpResponse& response, std::string_view peer_name);

}  // namespace tinkr::net
