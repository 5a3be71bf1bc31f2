// The built-in plain-HTTP transport (PlainHttp::kBuiltin) on its own edges:
// a raw TCP peer writes scripted bytes, as a broken server or proxy could.
// What both transports share is tested in http_client_test.cc.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "testing/loopback_http_server.h"

namespace tinkr::net {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackHttpServer;
using testing::ScriptedResponse;

// Accepts connections on 127.0.0.1; for each: reads the request head, writes
// the steps (bytes, then a pause), then closes, or holds the connection open
// until the client leaves.
class RawPeer {
 public:
  struct Step {
    std::string bytes;
    std::chrono::milliseconds pause{0};
  };

  explicit RawPeer(std::vector<Step> steps, bool hold_open = false) : steps_(std::move(steps)), hold_(hold_open) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(listen(fd_, 16), 0);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RawPeer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }

 private:
  bool readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, ms) > 0;
  }

  void serve() {
    while (!stop_) {
      if (!readable(fd_, 20)) continue;
      const int conn = accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      ++connections_;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos && !stop_) {
        if (!readable(conn, 20)) continue;
        const ssize_t n = read(conn, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      for (const auto& step : steps_) {
        if (!step.bytes.empty()) (void)!send(conn, step.bytes.data(), step.bytes.size(), MSG_NOSIGNAL);
        for (auto waited = 0ms; waited < step.pause && !stop_; waited += 10ms) std::this_thread::sleep_for(10ms);
      }
      while (hold_ && !stop_) {
        if (readable(conn, 20) && read(conn, buf, sizeof buf) <= 0) break;  // the client left
      }
      close(conn);
    }
  }

  std::vector<Step> steps_;
  bool hold_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

HttpClient builtin_client(int attempts = 1) {
  HttpClientOptions o;
  o.plain_http = PlainHttp::kBuiltin;
  o.retry.max_attempts = attempts;
  o.retry.base_delay = Millis(1);
  o.retry.max_delay = Millis(5);
  return HttpClient(o);
}

class PlainHttpTransport : public ::testing::Test {
 protected:
  // A proxy variable in the test's environment would send requests through libcurl.
  void SetUp() override {
    for (const char* name : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) unsetenv(name);
  }
};

TEST_F(PlainHttpTransport, PeerClosingMidAnswerIsRetriedThenReported) {
  RawPeer peer({{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a few"}});
  auto r = builtin_client(3).get(peer.url() + "/q?secret=1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message,
            "request to " + peer.url() + "/q failed: the connection closed before the answer was complete");
  EXPECT_EQ(peer.connections(), 3);

  RawPeer chunked({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"}});
  auto r2 = builtin_client().get(chunked.url());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::kUnavailable);
}

TEST_F(PlainHttpTransport, EmptyReplyIsRetried) {
  RawPeer peer({});
  auto r = builtin_client(2).get(peer.url() + "/q");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message, "request to " + peer.url() + "/q failed: Empty reply from server");
  EXPECT_EQ(peer.connections(), 2);
}

TEST_F(PlainHttpTransport, GarbageAnswerIsNotRetried) {
  for (const char* garbage : {"SSH-2.0-OpenSSH_9.2p1\r\n\r\n", "HTTP/1.1 20x OK\r\n\r\n",
                              "HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n"}) {
    RawPeer peer({{garbage}});
    auto r = builtin_client(3).get(peer.url());
    ASSERT_FALSE(r.ok()) << garbage;
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << garbage;
    EXPECT_NE(r.error().message.find("the answer is not valid HTTP"), std::string::npos) << r.error().message;
    EXPECT_EQ(peer.connections(), 1) << garbage;
  }
}

TEST_F(PlainHttpTransport, OversizedHeadIsRejected) {
  RawPeer peer({{"HTTP/1.1 200 OK\r\nX-Big: " + std::string(size_t{200} * 1024, 'a') + "\r\n\r\n"}});
  auto r = builtin_client().get(peer.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("not valid HTTP"), std::string::npos) << r.error().message;
}

TEST_F(PlainHttpTransport, SlowBodyBeyondTheTimeoutIsDeadlineExceeded) {
  RawPeer peer({{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 3000ms}, {"defghij"}});
  HttpRequest req;
  req.url = peer.url() + "/slow";
  req.timeout = Millis(300);
  auto r = builtin_client().send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(r.error().message, "no complete answer from " + peer.url() +
                                   "/slow within 300ms: the query may be too broad; narrow the time range or retry "
                                   "later");
}

TEST_F(PlainHttpTransport, DeclaredOversizedAnswerFailsBeforeItsBody) {
  RawPeer peer({{"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\nxx"}}, /*hold_open=*/true);
  HttpClientOptions o;
  o.plain_http = PlainHttp::kBuiltin;
  o.max_response_bytes = size_t{1} << 20;
  HttpRequest req;
  req.url = peer.url() + "/big";
  req.timeout = Millis(20000);
  auto r = HttpClient(o).send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(r.error().message,
            "answer from " + peer.url() + "/big exceeded the 1 MiB cap; narrow the time range or lower --limit");
}

TEST_F(PlainHttpTransport, InterimAnswersAndCloseDelimitedBodies) {
  RawPeer interim({{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok"}});
  auto r = builtin_client().get(interim.url());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(r->headers.get("x-a"), "b");

  RawPeer until_close({{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it, until the close"}});
  auto r2 = builtin_client().get(until_close.url());
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->body, "all of it, until the close");
}

TEST_F(PlainHttpTransport, CancelDuringAStreamWithEventsFlowing) {
  RawPeer peer({{"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"},
                {"9\r\ndata: 1\n\n\r\n", 100ms},
                {"9\r\ndata: 2\n\n\r\n", 100ms},
                {"9\r\ndata: 3\n\n\r\n", 5000ms}},
               /*hold_open=*/true);
  std::atomic<bool> cancel{false};
  HttpRequest req;
  req.url = peer.url() + "/tail";
  req.timeout = Millis(0);
  req.cancel = &cancel;
  int events = 0;
  auto r = builtin_client(3).stream_sse(req, [&](const SseEvent&) {
    if (++events == 2) cancel = true;
    return true;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(events, 2);
  EXPECT_EQ(peer.connections(), 1);
}

TEST_F(PlainHttpTransport, CompressedStreamIsAClearError) {
  RawPeer peer({{"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc"}});
  HttpRequest req;
  req.url = peer.url() + "/s";
  auto r = builtin_client().stream_sse(req, [](const SseEvent&) { return true; });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("Content-Encoding: gzip"), std::string::npos) << r.error().message;
}

TEST_F(PlainHttpTransport, UnsupportedOrCorruptCodingIsAClearError) {
  RawPeer br({{"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc"}});
  auto r = builtin_client().get(br.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("Content-Encoding: br"), std::string::npos) << r.error().message;

  RawPeer corrupt({{"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc"}});
  auto r2 = builtin_client().get(corrupt.url());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r2.error().message.find("not valid gzip data"), std::string::npos) << r2.error().message;
}

TEST_F(PlainHttpTransport, WhatGoesOnTheWire) {
  LoopbackHttpServer server;
  server.fallback([](const auto&) { return ScriptedResponse::text(200, "ok"); });
  HttpRequest post;
  post.method = "POST";
  post.url = server.url() + "/a/b?x=1&q={service=\"a%20b\"}";
  post.headers = {{"Accept", "application/json"}, {"X-Many", "1"}, {"X-Many", "2"}};
  auto p = builtin_client().send(post);
  ASSERT_TRUE(p.ok()) << p.error().message;
  HttpRequest head;
  head.method = "HEAD";
  head.url = server.url() + "/h";
  auto h = builtin_client().send(head);
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->body, "");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/a/b?x=1&q={service=\"a%20b\"}");
  EXPECT_EQ(r.header("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(r.header("user-agent"), "tinkr/0.1");
  EXPECT_EQ(r.header("accept"), "application/json");  // the caller's replaces the default
  EXPECT_EQ(r.header("content-length"), "0");
  EXPECT_EQ(r.header("connection"), "close");
  int many = 0;
  for (const auto& [k, v] : r.headers) many += k == "X-Many";
  EXPECT_EQ(many, 2);
  EXPECT_EQ(requests[1].method, "HEAD");
}

TEST_F(PlainHttpTransport, HostNamesAreResolved) {
  LoopbackHttpServer server;  // 127.0.0.1 only: "localhost" may try ::1 first
  server.route("GET", "/x", [](const auto&) { return ScriptedResponse::text(200, "found"); });
  auto r = builtin_client().get("http://localhost:" + std::to_string(server.port()) + "/x");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "found");
}

bool libcurl_mapped() {
  std::ifstream maps("/proc/self/maps");
  const std::string text((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
  return text.find("libcurl") != std::string::npos;
}

// In a fresh process (the other tests here load libcurl): a request through
// the built-in transport leaves libcurl unloaded; with a proxy variable set,
// the request goes through libcurl (to that proxy, which is down here).
TEST(PlainHttpTransportDeathTest, LoadsLibcurlOnlyWhenAProxyIsSet) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        for (const char* name : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) unsetenv(name);
        LoopbackHttpServer server;
        server.route("GET", "/x", [](const auto&) { return ScriptedResponse::text(200, "x"); });
        auto r = builtin_client().get(server.url() + "/x");
        if (!r.ok() || r->status != 200) std::exit(1);
        std::exit(libcurl_mapped() ? 2 : 0);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      {
        const int closed_port = LoopbackHttpServer().port();
        LoopbackHttpServer server;
        server.route("GET", "/x", [](const auto&) { return ScriptedResponse::text(200, "x"); });
        const std::string proxy = "http://127.0.0.1:" + std::to_string(closed_port);
        setenv("http_proxy", proxy.c_str(), 1);
        auto r = builtin_client().get(server.url() + "/x");
        std::exit(!r.ok() && libcurl_mapped() ? 0 : 3);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace tinkr::net
