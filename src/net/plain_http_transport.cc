// HttpClient's built-in transport for plain http:// (PlainHttp::kBuiltin in
// net/http_client.h): Boost.Beast's HTTP/1.1 serializer and parser over an
// Asio TCP socket, a new connection per attempt ("Connection: close"), with
// the libcurl transport's limits, retry classification and error texts
// (net/http_attempt.h).
//
// Each attempt drives a private io_context from the calling thread in slices
// of at most kPollSlice, so that the cancel flag is polled and a deadline is
// enforced by closing the socket. Name resolution (getaddrinfo) cannot be
// interrupted: it runs on a detached thread, and the attempt stops waiting for
// it at the connect deadline or on cancel. IP literals skip it.
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/write.hpp>

#include "core/strings.h"
#include "net/content_encoding.h"
#include "net/http_attempt.h"

namespace tinkr::net::detail {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

// How often a blocked attempt looks at the cancel flag (HttpRequest::cancel
// promises at least once a second).
constexpr auto kPollSlice = std::chrono::milliseconds(100);
// The largest answer head accepted: libcurl's CURL_MAX_HTTP_HEADER.
constexpr uint32_t kHeaderLimit = 100 * 1024;
constexpr size_t kReadChunk = size_t{64} * 1024;

struct Lookup {
  int rc = 0;  // getaddrinfo's
  std::vector<tcp::endpoint> endpoints;
};

Lookup resolve(const std::string& host, unsigned short port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  Lookup out;
  out.rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (out.rc != 0) return out;
  for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    tcp::endpoint endpoint;
    if (ai->ai_addrlen > endpoint.capacity()) continue;
    std::memcpy(endpoint.data(), ai->ai_addr, ai->ai_addrlen);
    endpoint.resize(ai->ai_addrlen);
    endpoint.port(port);
    if (std::find(out.endpoints.begin(), out.endpoints.end(), endpoint) == out.endpoints.end()) {
      out.endpoints.push_back(endpoint);
    }
  }
  freeaddrinfo(found);
  return out;
}

// getaddrinfo on a thread of its own, which outlives the attempt if it must.
std::optional<std::future<Lookup>> resolve_in_background(std::string host, unsigned short port) {
  auto promise = std::make_shared<std::promise<Lookup>>();
  std::future<Lookup> future = promise->get_future();
  try {
    std::thread([promise, host = std::move(host), port] { promise->set_value(resolve(host, port)); }).detach();
  } catch (const std::system_error&) {
    return std::nullopt;
  }
  return future;
}

std::string connect_reason(const error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::host_unreachable) return "host unreachable";
  if (ec == asio::error::network_unreachable) return "network unreachable";
  if (ec == asio::error::timed_out) return "timed out";
  return "connection failed";
}

bool is_identity_coding(std::string_view coding) {
  return coding.empty() || iequals(coding, "identity") || iequals(coding, "none");
}

class Exchange {
 public:
  Exchange(const HttpClientOptions& options, const HttpRequest& request, const UrlParts& url, Millis timeout,
           SseParser* sse)
      : options_(options), r_(request), url_(url), timeout_(timeout), sse_(sse) {}

  Attempt run() {
    const auto start = Clock::now();
    answer_deadline_ = timeout_.count() > 0 ? start + timeout_ : Clock::time_point::max();
    connect_deadline_ =
        r_.connect_timeout.count() > 0 ? std::min(answer_deadline_, start + r_.connect_timeout) : answer_deadline_;
    Attempt out;
    out.result = exchange();
    out.bytes_received = bytes_received_;
    out.retryable = out.result.ok() ? is_retryable_status(out.result->status) : retryable_;
    return out;
  }

 private:
  enum class Wait { kDone, kCancelled, kTimedOut };

  bool cancel_requested() const { return r_.cancel && r_.cancel->load(); }

  // Runs the io_context until `done`, the cancel flag or the deadline; in the
  // last two cases the socket is closed and the pending operation drained.
  Wait wait(const bool& done, Clock::time_point deadline) {
    while (!done) {
      Wait stop = Wait::kDone;
      const auto now = Clock::now();
      if (cancel_requested()) stop = Wait::kCancelled;
      else if (now >= deadline) stop = Wait::kTimedOut;
      if (stop != Wait::kDone) {
        error_code ignored;
        socket_.close(ignored);
        while (!done) {
          if (io_.stopped()) io_.restart();
          io_.run_one();
        }
        return stop;
      }
      if (io_.stopped()) io_.restart();
      io_.run_one_for(std::min<Clock::duration>(deadline - now, kPollSlice));
    }
    return Wait::kDone;
  }

  Error waited_too_long(Wait why) const {
    if (why == Wait::kCancelled) return request_cancelled(r_);
    return connected_ ? answer_timed_out(r_) : connect_timed_out(r_);
  }

  Error retryable(Error e) {
    retryable_ = true;
    return e;
  }

  Result<std::vector<tcp::endpoint>> addresses() {
    const unsigned short port = url_.port_number();
    error_code ec;
    const auto literal = asio::ip::make_address(url_.host_address(), ec);
    if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(literal, port)};
    auto lookup = resolve_in_background(url_.host_address(), port);
    if (!lookup) return retryable(resolve_failed(r_));
    for (;;) {
      if (cancel_requested()) return request_cancelled(r_);
      const auto now = Clock::now();
      if (now >= connect_deadline_) return connect_timed_out(r_);
      const auto slice = std::min<Clock::duration>(connect_deadline_ - now, kPollSlice);
      if (lookup->wait_for(slice) == std::future_status::ready) break;
    }
    Lookup found = lookup->get();
    if (found.rc != 0 || found.endpoints.empty()) return retryable(resolve_failed(r_));
    return std::move(found.endpoints);
  }

  Status connect() {
    TINKR_ASSIGN_OR_RETURN(auto endpoints, addresses());
    error_code last;
    for (const auto& endpoint : endpoints) {
      bool done = false;
      error_code ec;
      socket_.async_connect(endpoint, [&](const error_code& e) {
        ec = e;
        done = true;
      });
      if (const Wait w = wait(done, connect_deadline_); w != Wait::kDone) return waited_too_long(w);
      if (!ec) {
        connected_ = true;
        socket_.set_option(tcp::no_delay(true), ec);
        return ok_status();
      }
      last = ec;
      error_code ignored;
      socket_.close(ignored);
    }
    return retryable(connect_failed(r_, connect_reason(last)));
  }

  Status send_request() {
    http::request<http::span_body<const char>> req;
    req.version(11);
    req.method_string(r_.method);
    req.target(url_.target());
    req.set(http::field::host, url_.port.empty() ? url_.host : url_.host + ":" + url_.port);
    req.set(http::field::user_agent, options_.user_agent);
    req.set(http::field::accept, sse_ ? "text/event-stream" : "*/*");
    // A stream is read as it arrives: it is asked for uncompressed.
    req.set(http::field::accept_encoding, sse_ ? "identity" : "gzip, deflate");
    // The caller's fields replace ours of the same name, as with libcurl;
    // their own repeats are kept.
    std::vector<std::string_view> replaced;
    for (const auto& field : r_.headers.items()) {
      const std::string& name = field.first;
      if (std::none_of(replaced.begin(), replaced.end(), [&](std::string_view n) { return iequals(n, name); })) {
        req.erase(name);
        replaced.push_back(name);
      }
      req.insert(name, field.second);
    }
    req.keep_alive(false);
    if (!r_.body.empty() || r_.method == "POST" || r_.method == "PUT" || r_.method == "PATCH") {
      req.body() = boost::span<const char>(r_.body.data(), r_.body.size());
      req.content_length(r_.body.size());
    }
    bool done = false;
    error_code ec;
    http::async_write(socket_, req, [&](const error_code& e, size_t) {
      ec = e;
      done = true;
    });
    if (const Wait w = wait(done, answer_deadline_); w != Wait::kDone) return waited_too_long(w);
    if (ec) return retryable(request_failed(r_, "sending the request failed: " + ec.message()));
    return ok_status();
  }

  // A failed read of the answer, in libcurl's classification: a closed or
  // reset connection is worth another try, an answer that is not HTTP is not.
  Error read_failed(const error_code& ec) {
    if (ec == http::error::end_of_stream) return retryable(request_failed(r_, "Empty reply from server"));
    if (ec == http::error::partial_message) {
      return retryable(request_failed(r_, "the connection closed before the answer was complete"));
    }
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
      return request_failed(r_, "the answer is not valid HTTP (" + ec.message() + ")");
    }
    return retryable(request_failed(r_, ec.message()));
  }

  using Parser = http::response_parser<http::buffer_body>;

  // Reads the answer's head into `response`, skipping interim (1xx) answers.
  Status read_head(std::optional<Parser>& parser, HttpResponse& response) {
    for (;;) {
      parser.emplace();
      parser->header_limit(kHeaderLimit);
      parser->body_limit(boost::none);  // the cap is applied to what is kept, below
      if (r_.method == "HEAD") parser->skip(true);
      bool done = false;
      error_code ec;
      http::async_read_header(socket_, buffer_, *parser, [&](const error_code& e, size_t) {
        ec = e;
        done = true;
      });
      if (const Wait w = wait(done, answer_deadline_); w != Wait::kDone) return waited_too_long(w);
      if (ec) return read_failed(ec);
      const int status = static_cast<int>(parser->get().result_int());
      if (status >= 100 && status < 200 && status != 101) continue;
      response.status = status;
      for (const auto& field : parser->get()) {
        response.headers.add(std::string(field.name_string()), std::string(field.value()));
      }
      return ok_status();
    }
  }

  Result<HttpResponse> exchange() {
    TINKR_RETURN_IF_ERROR(connect());
    TINKR_RETURN_IF_ERROR(send_request());
    // Beast reads as much as the buffer has room for (at least 512 bytes): a
    // large buffer makes a 400 KB answer ~10 reads instead of ~800.
    buffer_.reserve(kReadChunk);
    std::optional<Parser> parser;
    HttpResponse response;
    TINKR_RETURN_IF_ERROR(read_head(parser, response));

    const bool streaming = sse_ && response.ok();
    const std::string coding(response.headers.get("Content-Encoding").value_or(""));
    if (streaming && !is_identity_coding(coding)) {
      return request_failed(r_, "the event stream came with Content-Encoding: " + coding +
                                    ", which cannot be read as it arrives; configure the server or proxy to send it "
                                    "uncompressed");
    }
    if (!streaming) {
      if (auto length = parser->content_length()) {
        if (*length > options_.max_response_bytes) return answer_too_large(r_, options_);
        response.body.reserve(*length);
      }
    }

    std::vector<char> chunk(kReadChunk);
    while (!parser->is_done()) {
      parser->get().body().data = chunk.data();
      parser->get().body().size = chunk.size();
      bool done = false;
      error_code ec;
      http::async_read_some(socket_, buffer_, *parser, [&](const error_code& e, size_t) {
        ec = e;
        done = true;
      });
      if (const Wait w = wait(done, answer_deadline_); w != Wait::kDone) return waited_too_long(w);
      if (ec == http::error::need_buffer) ec = {};
      const size_t n = chunk.size() - parser->get().body().size;
      bytes_received_ += n;
      if (streaming) {
        if (n > 0 && !sse_->feed(std::string_view(chunk.data(), n))) return response;  // the caller has enough
      } else {
        if (response.body.size() + n > options_.max_response_bytes) return answer_too_large(r_, options_);
        response.body.append(chunk.data(), n);
      }
      if (cancel_requested()) return request_cancelled(r_);
      if (ec) return read_failed(ec);
    }

    if (!streaming && !is_identity_coding(coding)) {
      if (!is_supported_content_encoding(coding)) {
        return request_failed(r_, "the answer came with Content-Encoding: " + coding +
                                      ", which tinkr cannot decode (it asked for gzip or deflate)");
      }
      auto decoded = decode_content(coding, response.body, options_.max_response_bytes);
      if (!decoded.ok()) {
        if (decoded.error().code == ErrorCode::kPayloadTooLarge) return answer_too_large(r_, options_);
        return request_failed(r_, "the answer is not valid " + coding + " data (Content-Encoding: " + coding + ")");
      }
      response.body = std::move(*decoded);
    }
    return response;
  }

  const HttpClientOptions& options_;
  const HttpRequest& r_;
  const UrlParts& url_;
  const Millis timeout_;
  SseParser* const sse_;
  Clock::time_point answer_deadline_, connect_deadline_;
  asio::io_context io_{1};
  tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
  bool retryable_ = false;
  size_t bytes_received_ = 0;
};

}  // namespace

Attempt plain_http_attempt(const HttpClientOptions& options, const HttpRequest& request, const UrlParts& url,
                           Millis timeout, SseParser* sse) {
  return Exchange(options, request, url, timeout, sse).run();
}

}  // namespace tinkr::net::detail
