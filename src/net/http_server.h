// HttpServer: an HTTP/1.1 server on Boost.Beast/Asio that hands each request
// to one handler function, running it on a bounded worker pool (handlers may
// block: backends do HTTP calls), never on the I/O thread — except requests
// the `run_inline` predicate marks as cheap and non-blocking (/health).
//
// The server enforces the limits itself: request body (413), header size
// (431), header/idle/body timeouts (connection closed), worker queue (503).
// Its own error answers use the JSON error body of core/json.h.
// Streaming answers (SSE): a handler returns an ServerResponse with `stream`
// set; the headers go out with chunked encoding, then `stream` runs on the
// worker thread and writes through an EventSink, each write one flushed chunk.
//
// stop() is graceful: stop accepting, close idle keep-alive connections, let
// in-flight requests finish (streams are told to end), then return. All public
// methods are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace tinkr::net {

struct ServerRequest {
  std::string method;                                        // "GET", "POST", …
  std::string target;                                        // as received: "/api/v1/events?service=a"
  std::string path;                                          // target before '?', not decoded
  std::string query;                                         // target after '?', not decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;

  // The first header with this name (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
  // The percent-decoded value of a query parameter ('+' is a space), or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
};

// Where a streaming handler writes. Not thread-safe: one writer (the handler).
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Sends `data` as one chunk and waits until it is written; false when the
  // client went away, the write timed out, or the server is stopping.
  virtual bool write(std::string_view data) = 0;
  // False once the client went away or the server is stopping.
  virtual bool open() const = 0;
  // Sleeps up to `d`; returns early with false when the stream closed.
  virtual bool wait(std::chrono::milliseconds d) = 0;
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  // When set, `body` is ignored: the answer is streamed with chunked encoding
  // and this function produces it on the worker thread. The connection is
  // closed afterwards.
  std::function<void(EventSink&)> stream;
};

using ServerHandler = std::function<ServerResponse(ServerRequest& request)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0: the system picks a free port (see HttpServer::port)
  size_t io_threads = 1;
  size_t worker_threads = 4;
  size_t max_queued = 256;                           // requests waiting for a worker beyond this: 503
  size_t body_limit = size_t{1024} * 1024;           // bytes; larger bodies: 413
  uint32_t header_limit = 16 * 1024;                 // bytes; larger headers: 431
  std::chrono::milliseconds header_timeout{10'000};  // first request's headers must arrive within this
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive: the next request within this
  std::chrono::milliseconds body_timeout{30'000};    // the body, once headers are in
  std::chrono::milliseconds write_timeout{30'000};   // each write to the client
  std::chrono::milliseconds shutdown_grace{30'000};  // stop(): how long in-flight work may take
  // Requests for which this returns true run on the I/O thread (cheap, never blocking).
  std::function<bool(const ServerRequest&)> run_inline;
  // How the server writes its own error answers (413, 431, 503, 400, 500);
  // default error_response(). A protocol with its own error body (OTLP's
  // google.rpc.Status) sets this; the status stays the error code's.
  std::function<ServerResponse(const Error&)> error_body;
  // Called for every answer the server produces itself without the handler
  // (413, 431, 503 busy, 400 malformed): status and request (may be partial).
  std::function<void(const ServerRequest&, int status)> on_rejected;
};

class HttpServer {
 public:
  // Binds, listens and starts serving. The error says which address could not
  // be bound and why.
  static Result<std::unique_ptr<HttpServer>> start(HttpServerOptions options, ServerHandler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (useful with port 0) and host.
  uint16_t port() const;
  const std::string& host() const;

  // Graceful stop (see above); idempotent, may be called from any thread
  // except a handler's.
  void stop();
  // Blocks until stop() has completed.
  void wait();

  struct Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

// The JSON error answer ({"error":{"code","message"}}) with the code's status.
ServerResponse error_response(const Error& error);
// A JSON answer from serialized text.
ServerResponse json_response(int status, std::string body);

}  // namespace tinkr::net
