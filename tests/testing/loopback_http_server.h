// LoopbackHttpServer: a small scripted HTTP/1.1 server on 127.0.0.1 for
// client tests and vendor simulators (Boost.Beast, C++20 coroutines, one
// background thread).
//
// Answers come from handlers registered per method and path (query string
// ignored), or from a queue of scripted answers consumed in order before the
// handler; anything else gets 404. An answer can be delayed, streamed in
// chunks (for SSE), held open until the client goes away, or replaced by a
// dropped connection. Every request is recorded. All methods are thread-safe;
// handlers run on the server thread.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace tinkr::testing {

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::string path;    // without the query
  std::string query;   // after '?', empty when none
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};        // before anything is written
  std::vector<std::string> chunks;           // when set: a chunked answer, written one by one
  std::chrono::milliseconds chunk_delay{0};  // between chunks
  bool hold_open = false;                    // after the chunks, wait for the client to leave
  bool drop_connection = false;              // close without answering

  static ScriptedResponse json(int status, std::string body);
  static ScriptedResponse text(int status, std::string body);
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<ScriptedResponse(const RecordedRequest&)>;

  // Binds 127.0.0.1 on a free port and starts serving.
  LoopbackHttpServer();
  // Stops the thread and closes every connection.
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:<port>"

  void route(std::string_view method, std::string_view path, Handler handler);
  // Answers every request no route or queued answer matches (instead of 404).
  void fallback(Handler handler);
  // Queued answers for method+path are used first, oldest first.
  void enqueue(std::string_view method, std::string_view path, ScriptedResponse response);

  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;

  // Used by the server thread.
  ScriptedResponse answer(const RecordedRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::map<std::string, Handler> routes_;
  Handler fallback_;
  std::map<std::string, std::deque<ScriptedResponse>> queued_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace tinkr::testing
