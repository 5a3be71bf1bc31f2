// A tiny blocking HTTP/1.1 client over Beast for the server tests, and a
// fake ObservabilityBackend whose log lines the test controls.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "backends/backend.h"

namespace tinkr::server::testing {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // transport failure
};

inline Reply http_call(int port, const std::string& method, const std::string& target, const std::string& body = "",
                       const std::string& token = "", const std::map<std::string, std::string>& extra = {}) {
  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  Reply out;
  try {
    asio::io_context ioc;
    asio::ip::tcp::socket sock(ioc);
    sock.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty() || method == "POST") {
      req.set(http::field::content_type, "application/json");  // `extra` may override it
      req.body() = body;
      req.prepare_payload();
    }
    for (auto& [k, v] : extra) req.set(k, v);
    req.keep_alive(false);
    http::write(sock, req);
    boost::beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(uint64_t{64} * 1024 * 1024);
    http::read(sock, buf, parser);
    auto& res = parser.get();
    out.status = res.result_int();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

// Opens a streaming request and collects raw bytes until `stop` says enough or the timeout passes.
template <typename Stop>
std::string stream_until(int port, const std::string& target, const std::string& body, const std::string& token,
                         Stop stop, std::chrono::seconds timeout = std::chrono::seconds(10)) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  std::string req = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n" + body;
  asio::write(sock, asio::buffer(req));
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (!stop(got) && std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    sock.non_blocking(true);
    size_t n = sock.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (ec) break;
    got.append(buf, n);
  }
  return got;
}

inline size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + needle.size())) ++n;
  return n;
}

// A backend whose logs the test appends to; query_logs may be held until released.
class FakeBackend : public ObservabilityBackend {
 public:
  std::string_view name() const override { return "fake"; }

  void add_log(LogEntry e) {
    std::lock_guard lock(mu_);
    logs_.push_back(std::move(e));
  }
  void hold_queries() { held_ = true; }
  void release_queries() {
    std::lock_guard lock(mu_);
    held_ = false;
    cv_.notify_all();
  }
  bool wait_until_query_started(std::chrono::seconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return queries_started_ > 0; });
  }
  LogQuery last_query() {
    std::lock_guard lock(mu_);
    return last_;
  }

  Result<std::vector<LogEntry>> query_logs(const LogQuery& q) override {
    std::unique_lock lock(mu_);
    last_ = q;
    ++queries_started_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !held_; });
    std::vector<LogEntry> out;
    for (const auto& e : logs_) {
      if (q.range.contains(e.time) && (q.service.empty() || e.service == q.service)) out.push_back(e);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
    if (out.size() > q.limit) {
      if (q.newest_first) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(q.limit));
      else out.resize(q.limit);
    }
    return out;
  }
  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) override {
    MetricSeries s;
    s.name = q.metric;
    s.points.push_back({q.range.from, 1.5});
    return std::vector<MetricSeries>{s};
  }
  Result<std::vector<Trace>> get_traces(const TraceQuery&) override { return std::vector<Trace>{}; }
  Result<Trace> get_trace(std::string_view id) override {
    if (id == "missing") return make_error(ErrorCode::kNotFound, "no such trace");
    Trace t;
    t.trace_id = std::string(id);
    return t;
  }
  Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery&) override { return std::vector<MetricSeries>{}; }
  Result<std::vector<std::string>> list_services(const TimeRange&) override {
    return std::vector<std::string>{"checkout", "payments"};
  }
  Result<std::string> explain_logs(const LogQuery& q) override { return "FAKE service=" + q.service; }
  Status check() override { return ok_status(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<LogEntry> logs_;
  std::atomic<bool> held_{false};
  int queries_started_ = 0;
  LogQuery last_;
};

}  // namespace tinkr::server::testing
