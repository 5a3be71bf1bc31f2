// Inside HttpClient (not for other modules): one attempt of a request as the
// retry loop in http_client.cc sees it, the two transports that make one, and
// the error texts they share, so that a failure reads the same whichever
// transport met it (http_client.h lists them).
#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.h"
#include "net/http_client.h"
#include "net/sse_parser.h"
#include "net/url.h"

namespace tinkr::net::detail {

struct Attempt {
  Result<HttpResponse> result = make_error(ErrorCode::kInternal, "not run");
  bool retryable = false;     // a failure or an answer worth another try
  size_t bytes_received = 0;  // body bytes; a stream that got some is never replayed
};

// libcurl (net/curl_library.h): http and https, proxies, TLS, connection reuse.
Attempt curl_attempt(const HttpClientOptions& options, const HttpRequest& request, Millis timeout, SseParser* sse);

// Boost.Beast over a new TCP connection: plain http:// only, no proxy
// (net/plain_http_transport.cc).
Attempt plain_http_attempt(const HttpClientOptions& options, const HttpRequest& request, const UrlParts& url,
                           Millis timeout, SseParser* sse);

// "http://127.0.0.1:3100": scheme, host and port of the request's URL.
std::string origin_of(std::string_view url);
// "5s" or "250ms".
std::string seconds_text(Millis ms);
// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim_whitespace(std::string_view s);

// kUnavailable "could not connect to <origin> (<reason>): is <peer> running? check <key>".
Error connect_failed(const HttpRequest& r, std::string_view reason);
// kUnavailable "could not resolve the host of <origin>: check <key>".
Error resolve_failed(const HttpRequest& r);
// kDeadlineExceeded "could not connect to <origin> within <connect_timeout>: is <peer> running? …".
Error connect_timed_out(const HttpRequest& r);
// kDeadlineExceeded "no complete answer from <url> within <timeout>: …".
Error answer_timed_out(const HttpRequest& r);
// kPayloadTooLarge "answer from <url> exceeded the <cap> cap; …".
Error answer_too_large(const HttpRequest& r, const HttpClientOptions& options);
// kCancelled "request to <url> cancelled".
Error request_cancelled(const HttpRequest& r);
// kUnavailable "request to <url> failed: <detail>".
Error request_failed(const HttpRequest& r, std::string_view detail);

}  // namespace tinkr::net::detail
