// ApiClient: the CLI's calls to a tinkr-server (docs/api.md) over HttpClient.
//
// JSON in, JSON out. A non-2xx answer becomes an Error carrying the server's
// own {"error":{code,message}} (or, for a non-Tinkr peer, the status and the
// start of the body); a 401 without a token says how to supply one. Streams
// (tail, rca) deliver SSE events to a callback. Thread-compatible.
//
// An http:// server is reached through HttpClient's built-in transport
// (net::PlainHttp::kBuiltin), so that a command does not load libcurl and its
// ~30 libraries; https:// and proxied URLs go through libcurl.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "cli/client_config.h"
#include "core/result.h"
#include "net/http_client.h"

namespace tinkr::cli {

class ApiClient {
 public:
  explicit ApiClient(Connection connection, net::HttpClientOptions options = default_http_options());

  // The defaults with the built-in transport for http:// servers.
  static net::HttpClientOptions default_http_options();

  // GET path (e.g. "/health"); no Authorization header when `with_token` is false.
  Result<boost::json::value> get(std::string_view path, bool with_token = true) const;
  // POST path with a JSON body.
  Result<boost::json::value> post(std::string_view path, const boost::json::value& body) const;
  // The same, the 2xx answer's body returned as text (for a reader of its
  // own, e.g. cli/logs_answer.h); parse_body() then gives what post() would.
  Result<std::string> post_text(std::string_view path, const boost::json::value& body) const;
  Result<boost::json::value> parse_body(std::string_view text) const;
  // POST path and read an SSE answer until the server ends it, on_event
  // returns false, or *cancel becomes true (then kCancelled).
  Status stream(std::string_view path, const boost::json::value& body,
                const std::function<bool(const net::SseEvent&)>& on_event,
                const std::atomic<bool>* cancel = nullptr) const;

  const Connection& connection() const { return connection_; }

 private:
  net::HttpRequest make_request(std::string method, std::string_view path, bool with_token) const;
  Error answer_error(const net::HttpResponse& response) const;
  Result<boost::json::value> parse(const net::HttpResponse& response) const;

  Connection connection_;
  net::HttpClient http_;
};

}  // namespace tinkr::cli
