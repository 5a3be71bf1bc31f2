#include "testing/loopback_http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace tinkr::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using Awaitable = asio::awaitable<void>;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string key_of(std::string_view method, std::string_view path) {
  return std::string(method) + " " + std::string(path);
}

Awaitable sleep_for(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(kTuple);
}

Awaitable session(tcp::socket socket, LoopbackHttpServer* server) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    auto [ec, n] = co_await http::async_read(socket, buffer, req, kTuple);
    if (ec) co_return;
    RecordedRequest rec;
    rec.method = std::string(req.method_string());
    rec.target = std::string(req.target());
    const size_t q = rec.target.find('?');
    rec.path = rec.target.substr(0, q);
    rec.query = q == std::string::npos ? "" : rec.target.substr(q + 1);
    for (const auto& field : req)
      rec.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    rec.body = req.body();
    ScriptedResponse r = server->answer(rec);
    co_await sleep_for(r.delay);
    if (r.drop_connection) {
      boost::system::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
      co_return;
    }
    if (r.chunks.empty()) {
      http::response<http::string_body> res{static_cast<http::status>(r.status), req.version()};
      for (const auto& [k, v] : r.headers) res.set(k, v);
      res.body() = r.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(socket, res, kTuple);
      if (wec || !res.keep_alive()) co_return;
      continue;
    }
    http::response<http::empty_body> res{static_cast<http::status>(r.status), req.version()};
    for (const auto& [k, v] : r.headers) res.set(k, v);
    res.chunked(true);
    http::response_serializer<http::empty_body> sr{res};
    auto [hec, hn] = co_await http::async_write_header(socket, sr, kTuple);
    if (hec) co_return;
    for (size_t i = 0; i < r.chunks.size(); ++i) {
      if (i > 0) co_await sleep_for(r.chunk_delay);
      auto [cec, cn] = co_await asio::async_write(socket, http::make_chunk(asio::buffer(r.chunks[i])), kTuple);
      if (cec) co_return;
    }
    if (r.hold_open) {
      char byte;
      for (;;) {  // until the client goes away
        auto [rec2, rn] = co_await socket.async_read_some(asio::buffer(&byte, 1), kTuple);
        if (rec2) co_return;
      }
    }
    auto [lec, ln] = co_await asio::async_write(socket, http::make_chunk_last(), kTuple);
    if (lec) co_return;
  }
}

Awaitable listen(tcp::acceptor& acceptor, LoopbackHttpServer* server) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), server), asio::detached);
  }
}

}  // namespace

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequal(k, name)) return v;
  }
  return "";
}

ScriptedResponse ScriptedResponse::json(int status, std::string body) {
  ScriptedResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  return r;
}

ScriptedResponse ScriptedResponse::text(int status, std::string body) {
  ScriptedResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain"}};
  r.body = std::move(body);
  return r;
}

struct LoopbackHttpServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
};

LoopbackHttpServer::LoopbackHttpServer() : impl_(std::make_unique<Impl>()) {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, listen(impl_->acceptor, this), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string LoopbackHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void LoopbackHttpServer::route(std::string_view method, std::string_view path, Handler handler) {
  std::lock_guard lock(mu_);
  routes_[key_of(method, path)] = std::move(handler);
}

void LoopbackHttpServer::fallback(Handler handler) {
  std::lock_guard lock(mu_);
  fallback_ = std::move(handler);
}

void LoopbackHttpServer::enqueue(std::string_view method, std::string_view path, ScriptedResponse response) {
  std::lock_guard lock(mu_);
  queued_[key_of(method, path)].push_back(std::move(response));
}

std::vector<RecordedRequest> LoopbackHttpServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t LoopbackHttpServer::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

ScriptedResponse LoopbackHttpServer::answer(const RecordedRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    const std::string key = key_of(request.method, request.path);
    if (auto q = queued_.find(key); q != queued_.end() && !q->second.empty()) {
      ScriptedResponse r = std::move(q->second.front());
      q->second.pop_front();
      return r;
    }
    if (auto h = routes_.find(key); h != routes_.end()) handler = h->second;
    else handler = fallback_;
  }
  if (handler) return handler(request);
  return ScriptedResponse::json(404, R"({"error":{"code":"not_found","message":"no route in the test server"}})");
}

}  // namespace tinkr::testing
