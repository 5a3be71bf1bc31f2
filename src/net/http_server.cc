#include "net/http_server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "core/json.h"
#include "core/strings.h"

namespace tinkr::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string_view ServerRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

std::optional<std::string> ServerRequest::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    size_t eq = part.find('=');
    std::string key = percent_decode(part.substr(0, eq));
    if (key != name) continue;
    return eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1));
  }
  return std::nullopt;
}

ServerResponse error_response(const Error& error) {
  ServerResponse r;
  r.status = http_status(error.code);
  r.body = to_json_string(to_json(error));
  return r;
}

ServerResponse json_response(int status, std::string body) {
  ServerResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

class Session;

struct HttpServer::Impl {
  HttpServerOptions options;
  ServerHandler handler;

  std::mutex mu;
  std::condition_variable cv;
  std::map<Session*, std::weak_ptr<Session>> sessions;
  bool stopping = false;
  bool stopped = false;
  std::atomic<bool> stopping_flag{false};
  std::atomic<size_t> queued{0};
  std::once_flag stop_once;

  uint16_t bound_port = 0;
  asio::thread_pool pool;
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  std::vector<std::thread> io_threads;

  Impl(HttpServerOptions o, ServerHandler h)
      : options(std::move(o)),
        handler(std::move(h)),
        pool(std::max<size_t>(1, options.worker_threads)),
        acceptor(ioc) {}

  void do_accept();
  void reject(const ServerRequest& req, int status) {
    if (options.on_rejected) options.on_rejected(req, status);
  }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }

  ~Session() {
    std::lock_guard lock(server_->mu);
    server_->sessions.erase(this);
    server_->cv.notify_all();
  }

  void start() {
    {
      std::lock_guard lock(server_->mu);
      server_->sessions.emplace(this, weak_from_this());
    }
    read_header();
  }

  // On the session's strand: closes the connection if it waits for a request.
  void close_if_idle() {
    if (idle_) close();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  // Wakes a streaming handler sleeping in EventSink::wait.
  void notify_stop() {
    std::lock_guard lock(sink_mu_);
    sink_cv_.notify_all();
  }

  auto executor() { return stream_.get_executor(); }

 private:
  class Sink;

  const HttpServerOptions& opts() const { return server_->options; }

  void read_header() {
    if (server_->stopping_flag) return close();
    parser_.emplace();
    parser_->body_limit(opts().body_limit);
    parser_->header_limit(opts().header_limit);
    idle_ = true;
    stream_.expires_after(first_ ? opts().header_timeout : opts().idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    idle_ = false;
    if (ec) return on_read_error(ec);
    auto& msg = parser_->get();
    if (auto len = parser_->content_length(); len && *len > opts().body_limit) {
      return on_read_error(http::error::body_limit);
    }
    auto expect = msg[http::field::expect];
    if (iequals(expect, "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, msg.version());
      stream_.expires_after(opts().write_timeout);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, size_t) {
        if (wec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(opts().body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read_error(beast::error_code ec) {
    ServerRequest partial;
    if (parser_ && parser_->is_header_done()) {
      partial.method = std::string(parser_->get().method_string());
      partial.target = std::string(parser_->get().target());
      partial.path = partial.target.substr(0, partial.target.find('?'));
    }
    partial.remote_address = remote_;
    if (ec == http::error::body_limit) {
      return reject(partial, make_error(ErrorCode::kPayloadTooLarge,
                                        fmt::format("request body larger than {} bytes", opts().body_limit)));
    }
    if (ec == http::error::header_limit) {
      ServerResponse r = own_error(make_error(ErrorCode::kInvalidArgument, "request headers too large"));
      r.status = 431;
      return reject(partial, std::move(r));
    }
    if (ec.category() == beast::error_code(http::error::end_of_stream).category() && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      return reject(partial, make_error(ErrorCode::kInvalidArgument, "malformed HTTP request: " + ec.message()));
    }
    close();  // end of stream, timeout, reset, shutdown
  }

  void reject(const ServerRequest& partial, const Error& e) { reject(partial, own_error(e)); }
  ServerResponse own_error(const Error& e) const {
    if (!opts().error_body) return error_response(e);
    ServerResponse r = opts().error_body(e);
    r.status = http_status(e.code);
    return r;
  }
  void reject(const ServerRequest& partial, ServerResponse r) {
    server_->reject(partial, r.status);
    keep_alive_ = false;
    write(std::move(r));
  }

  void on_read(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    first_ = false;
    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive();
    auto req = std::make_shared<ServerRequest>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    size_t q = req->target.find('?');
    req->path = req->target.substr(0, q);
    if (q != std::string::npos) req->query = req->target.substr(q + 1);
    req->headers.reserve(8);
    for (const auto& f : msg) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(), lower);
      req->headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req->body = std::move(msg.body());
    req->remote_address = remote_;
    version_ = msg.version();

    if (server_->stopping_flag) {
      return reject(*req, make_error(ErrorCode::kUnavailable, "the server is shutting down; retry shortly"));
    }
    if (opts().run_inline && opts().run_inline(*req)) {
      ServerResponse res = call_handler(*req);
      if (res.stream) {
        return reject(*req, make_error(ErrorCode::kInternal, "a streaming route was marked to run inline"));
      }
      return write(std::move(res));
    }
    if (server_->queued.fetch_add(1) >= opts().max_queued) {
      server_->queued.fetch_sub(1);
      return reject(*req, make_error(ErrorCode::kUnavailable, "the server is busy; retry shortly"));
    }
    asio::post(server_->pool, [self = shared_from_this(), req] {
      self->server_->queued.fetch_sub(1);
      ServerResponse res = self->call_handler(*req);
      if (res.stream) return self->run_stream(res);
      asio::post(self->executor(), [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
    });
  }

  ServerResponse call_handler(ServerRequest& req) {
    try {
      return server_->handler(req);
    } catch (const std::exception& e) {
      return own_error(make_error(ErrorCode::kInternal, std::string("unhandled exception: ") + e.what()));
    } catch (...) {
      return own_error(make_error(ErrorCode::kInternal, "unhandled exception"));
    }
  }

  void write(ServerResponse r) {
    if (server_->stopping_flag) keep_alive_ = false;
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), version_);
    res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    stream_.expires_after(opts().write_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      if (ec || !self->keep_alive_) return self->close();
      self->read_header();
    });
  }

  // Runs `op(done)` on the strand and blocks the (worker) caller until done is called.
  template <typename Op>
  beast::error_code run_on_strand(Op op) {
    auto promise = std::make_shared<std::promise<beast::error_code>>();
    auto future = promise->get_future();
    asio::post(executor(), [self = shared_from_this(), op = std::move(op), promise]() mutable {
      op([promise](beast::error_code ec, size_t = 0) { promise->set_value(ec); });
    });
    return future.get();
  }

  bool sink_open() const { return !client_gone_ && !server_->stopping_flag; }

  void run_stream(const ServerResponse& r);

  beast::tcp_stream stream_;
  HttpServer::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_;
  unsigned version_ = 11;
  bool first_ = true;
  bool idle_ = false;
  bool keep_alive_ = true;
  std::atomic<bool> client_gone_{false};
  std::mutex sink_mu_;
  std::condition_variable sink_cv_;
};

class Session::Sink : public EventSink {
 public:
  explicit Sink(Session* s) : s_(s) {}
  bool write(std::string_view data) override {
    if (!s_->sink_open()) return false;
    if (data.empty()) return true;
    auto ec = s_->run_on_strand([s = s_, data](auto done) {
      s->stream_.expires_after(s->opts().write_timeout);
      asio::async_write(s->stream_, http::make_chunk(asio::const_buffer(data.data(), data.size())), done);
    });
    if (ec) s_->client_gone_ = true;
    return !ec;
  }
  bool open() const override { return s_->sink_open(); }
  bool wait(std::chrono::milliseconds d) override {
    std::unique_lock lock(s_->sink_mu_);
    s_->sink_cv_.wait_for(lock, d, [this] { return !s_->sink_open(); });
    return s_->sink_open();
  }

 private:
  Session* s_;
};

void Session::run_stream(const ServerResponse& r) {
  keep_alive_ = false;
  auto head = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(r.status), version_);
  head->set(http::field::content_type, r.content_type);
  head->set(http::field::cache_control, "no-cache");
  for (auto& [k, v] : r.headers) head->set(k, v);
  head->chunked(true);
  head->keep_alive(false);
  auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
  auto ec = run_on_strand([this, head, serializer](auto done) {
    stream_.expires_after(opts().write_timeout);
    http::async_write_header(stream_, *serializer, done);
  });
  if (!ec) {
    // A streaming client sends nothing more: readability means it went away.
    asio::post(executor(), [self = shared_from_this()] {
      self->stream_.socket().async_wait(tcp::socket::wait_read, [self](beast::error_code) {
        self->client_gone_ = true;
        self->notify_stop();
      });
    });
    Sink sink(this);
    try {
      r.stream(sink);
    } catch (...) {
      // A streaming handler must not throw; end the stream.
    }
    if (!client_gone_) {
      (void)run_on_strand([this](auto done) {
        stream_.expires_after(opts().write_timeout);
        asio::async_write(stream_, http::make_chunk_last(), done);
      });
    }
  }
  asio::post(executor(), [self = shared_from_this()] { self->close(); });
}

void HttpServer::Impl::do_accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor.is_open() || stopping_flag) return;
    } else if (!stopping_flag) {
      std::make_shared<Session>(std::move(socket), this)->start();
    }
    if (!stopping_flag) do_accept();
  });
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpServerOptions options, ServerHandler handler) {
  std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("--host '{}' is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)", options.host));
  }
  auto impl = std::make_shared<Impl>(std::move(options), std::move(handler));
  tcp::endpoint endpoint(address, impl->options.port);
  auto fail = [&](std::string_view what) {
    return make_error(ErrorCode::kUnavailable, fmt::format("cannot listen on {}:{}: {} failed: {}", host,
                                                           impl->options.port, what, ec.message()));
  };
  impl->acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  impl->acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  impl->bound_port = impl->acceptor.local_endpoint(ec).port();
  impl->work.emplace(impl->ioc.get_executor());
  impl->do_accept();
  for (size_t i = 0; i < std::max<size_t>(1, impl->options.io_threads); ++i) {
    impl->io_threads.emplace_back([raw = impl.get()] { raw->ioc.run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() { stop(); }

uint16_t HttpServer::port() const { return impl_->bound_port; }
const std::string& HttpServer::host() const { return impl_->options.host; }

void HttpServer::stop() {
  Impl* s = impl_.get();
  std::call_once(s->stop_once, [s] {
    s->stopping_flag = true;
    std::promise<void> closed;
    asio::post(s->ioc, [s, &closed] {
      beast::error_code ec;
      s->acceptor.close(ec);
      closed.set_value();
    });
    closed.get_future().wait();

    auto for_each_session = [s](auto fn) {
      std::vector<std::shared_ptr<Session>> live;
      {
        std::lock_guard lock(s->mu);
        for (auto& [raw, weak] : s->sessions) {
          if (auto p = weak.lock()) live.push_back(std::move(p));
        }
      }
      for (auto& p : live) fn(p);
    };
    for_each_session([](const std::shared_ptr<Session>& p) {
      p->notify_stop();
      asio::post(p->executor(), [p] { p->close_if_idle(); });
    });
    {
      std::unique_lock lock(s->mu);
      s->cv.wait_for(lock, s->options.shutdown_grace, [s] { return s->sessions.empty(); });
    }
    // Whatever is still open after the grace period is cut off.
    for_each_session([](const std::shared_ptr<Session>& p) { asio::post(p->executor(), [p] { p->close(); }); });
    s->pool.join();
    {
      std::unique_lock lock(s->mu);
      s->cv.wait_for(lock, std::chrono::seconds(5), [s] { return s->sessions.empty(); });
    }
    s->work.reset();
    s->ioc.stop();
    for (auto& t : s->io_threads) {
      if (t.joinable()) t.join();
    }
    std::lock_guard lock(s->mu);
    s->stopped = true;
    s->cv.notify_all();
  });
}

void HttpServer::wait() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopped; });
}

}  // namespace tinkr::net
