#include "net/http_client.h"

#include <gtest/gtest.h>

#include <zlib.h>

#include <atomic>
#include <thread>

#include "testing/compression.h"
#include "testing/loopback_http_server.h"

namespace tinkr::net {
namespace {

using testing::LoopbackHttpServer;
using testing::ScriptedResponse;

// Every behaviour below holds for both transports of plain http://.
class HttpClientTest : public ::testing::TestWithParam<PlainHttp> {
 protected:
  HttpClientOptions opts() const {
    HttpClientOptions o;
    o.plain_http = GetParam();
    return o;
  }
  HttpClientOptions fast_retries(int attempts = 4) const {
    HttpClientOptions o = opts();
    o.retry.max_attempts = attempts;
    o.retry.base_delay = Millis(1);
    o.retry.max_delay = Millis(5);
    return o;
  }
};

INSTANTIATE_TEST_SUITE_P(Transports, HttpClientTest, ::testing::Values(PlainHttp::kLibcurl, PlainHttp::kBuiltin),
                         [](const auto& info) { return info.param == PlainHttp::kLibcurl ? "libcurl" : "builtin"; });

// A port with nothing listening: bind, read the port, close.
int closed_port() {
  LoopbackHttpServer s;
  return s.port();
}

TEST_P(HttpClientTest, GetAndPostRoundTrip) {
  LoopbackHttpServer server;
  server.route("GET", "/health", [](const auto&) { return ScriptedResponse::json(200, R"({"status":"ok"})"); });
  server.route("POST", "/echo", [](const testing::RecordedRequest& r) {
    auto resp = ScriptedResponse::text(201, r.body);
    resp.headers.emplace_back("X-Echo-Type", r.header("content-type"));
    return resp;
  });
  HttpClient client(opts());
  auto get = client.get(server.url() + "/health?x=1");
  ASSERT_TRUE(get.ok()) << get.error().message;
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, R"({"status":"ok"})");
  EXPECT_EQ(get->headers.get("content-type"), "application/json");  // case-insensitive

  auto post = client.post_json(server.url() + "/echo", R"({"a":1})", {{"Authorization", bearer_auth("t0k")}});
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 201);
  EXPECT_EQ(post->body, R"({"a":1})");
  EXPECT_EQ(post->headers.get("X-ECHO-TYPE"), "application/json");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].query, "x=1");
  EXPECT_EQ(reqs[1].header("authorization"), "Bearer t0k");
}

TEST_P(HttpClientTest, NonSuccessIsAResponseNotAnError) {
  LoopbackHttpServer server;
  HttpClient client(opts());
  auto r = client.get(server.url() + "/missing");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  const Error e = error_from_response(*r, "Loki");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.message, "no route in the test server");  // our own error body is kept
}

TEST_P(HttpClientTest, RetriesOn503ThenSucceeds) {
  LoopbackHttpServer server;
  server.enqueue("GET", "/q", ScriptedResponse::text(503, "busy"));
  server.enqueue("GET", "/q", ScriptedResponse::text(429, "slow down"));
  server.route("GET", "/q", [](const auto&) { return ScriptedResponse::text(200, "done"); });
  HttpClient client(fast_retries());
  auto r = client.get(server.url() + "/q");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.request_count(), 3u);
}

TEST_P(HttpClientTest, GivesUpAfterMaxAttemptsWithTheLastAnswer) {
  LoopbackHttpServer server;
  server.route("GET", "/q", [](const auto&) { return ScriptedResponse::text(502, "bad gateway"); });
  HttpClient client(fast_retries(3));
  auto r = client.get(server.url() + "/q");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(server.request_count(), 3u);
  const Error e = error_from_response(*r, "Loki");
  EXPECT_EQ(e.code, ErrorCode::kBackend);
  EXPECT_EQ(e.message, "Loki answered 502 Bad Gateway: bad gateway");
}

TEST_P(HttpClientTest, RetryStatusesOffMakesAnswersFinalButStillRetriesConnections) {
  LoopbackHttpServer server;
  server.route("GET", "/q", [](const auto&) { return ScriptedResponse::text(503, "backend down"); });
  HttpClientOptions o = fast_retries(3);
  o.retry.retry_statuses = false;
  HttpClient client(o);
  auto r = client.get(server.url() + "/q");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(server.request_count(), 1u);

  LoopbackHttpServer dropping;
  ScriptedResponse drop;
  drop.drop_connection = true;
  dropping.enqueue("GET", "/q", drop);
  dropping.route("GET", "/q", [](const auto&) { return ScriptedResponse::text(200, "ok"); });
  auto r2 = client.get(dropping.url() + "/q");
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(dropping.request_count(), 2u);
}

TEST_P(HttpClientTest, DoesNotRetryClientErrors) {
  LoopbackHttpServer server;
  server.route("POST", "/q", [](const auto&) { return ScriptedResponse::text(400, "bad query"); });
  HttpClient client(fast_retries());
  auto r = client.post_json(server.url() + "/q", "{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST_P(HttpClientTest, HonoursRetryAfterAndGivesUpWhenTooLong) {
  LoopbackHttpServer server;
  auto too_long = ScriptedResponse::text(429, "later");
  too_long.headers.emplace_back("Retry-After", "3600");
  server.route("GET", "/q", [&](const auto&) { return too_long; });
  HttpClient client(fast_retries());
  auto r = client.get(server.url() + "/q");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(server.request_count(), 1u);  // an hour is beyond max_retry_after

  LoopbackHttpServer server2;
  auto zero = ScriptedResponse::text(503, "now");
  zero.headers.emplace_back("Retry-After", "0");
  server2.enqueue("GET", "/q", zero);
  server2.route("GET", "/q", [](const auto&) { return ScriptedResponse::text(200, "ok"); });
  auto r2 = client.get(server2.url() + "/q");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->status, 200);
}

TEST_P(HttpClientTest, RetryAfterReplacesTheBackoff) {
  // Retry-After: 5 is within max_retry_after but past the 1 s total deadline:
  // waiting what the peer asked means no second attempt. A client that
  // ignored the header would retry after its ~5 ms backoff.
  LoopbackHttpServer server;
  auto later = ScriptedResponse::text(429, "later");
  later.headers.emplace_back("Retry-After", "5");
  server.enqueue("GET", "/q", later);
  server.route("GET", "/q", [](const auto&) { return ScriptedResponse::text(200, "ok"); });
  HttpClientOptions o = fast_retries();
  o.retry.total_deadline = Millis(1000);
  HttpClient client(o);
  auto r = client.get(server.url() + "/q");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(server.request_count(), 1u);

  // Without the header the same client retries (and succeeds).
  LoopbackHttpServer plain;
  plain.enqueue("GET", "/q", ScriptedResponse::text(429, "later"));
  plain.route("GET", "/q", [](const auto&) { return ScriptedResponse::text(200, "ok"); });
  auto r2 = client.get(plain.url() + "/q");
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(plain.request_count(), 2u);
}

TEST_P(HttpClientTest, ConnectionRefusedSaysWhatToCheck) {
  const int port = closed_port();
  HttpClient client(fast_retries(2));
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/loki/api/v1/query_range?query=secret";
  req.peer_name = "Loki";
  req.config_key = "loki_url";
  auto r = client.send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message, "could not connect to http://127.0.0.1:" + std::to_string(port) +
                                   " (connection refused): is Loki running? check loki_url");
}

TEST_P(HttpClientTest, DroppedConnectionIsRetried) {
  LoopbackHttpServer server;
  ScriptedResponse drop;
  drop.drop_connection = true;
  server.enqueue("GET", "/q", drop);
  server.route("GET", "/q", [](const auto&) { return ScriptedResponse::text(200, "ok"); });
  HttpClient client(fast_retries());
  auto r = client.get(server.url() + "/q");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
}

TEST_P(HttpClientTest, TimeoutIsDeadlineExceeded) {
  LoopbackHttpServer server;
  auto slow = ScriptedResponse::text(200, "late");
  slow.delay = Millis(2000);
  server.route("GET", "/slow", [&](const auto&) { return slow; });
  HttpClient client(fast_retries(1));
  HttpRequest req;
  req.url = server.url() + "/slow";
  req.timeout = Millis(100);
  auto r = client.send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_NE(r.error().message.find(server.url() + "/slow"), std::string::npos);
}

TEST_P(HttpClientTest, ResponseSizeCap) {
  LoopbackHttpServer server;
  server.route("GET", "/big", [](const auto&) { return ScriptedResponse::text(200, std::string(5000, 'x')); });
  HttpClientOptions o = opts();
  o.max_response_bytes = 1000;
  HttpClient client(o);
  auto r = client.get(server.url() + "/big?token=abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(r.error().message,
            "answer from " + server.url() + "/big exceeded the 1000 bytes cap; narrow the time range or lower --limit");

  // Chunked (no Content-Length): counted while reading.
  ScriptedResponse chunked;
  chunked.chunks = {std::string(600, 'a'), std::string(600, 'b')};
  server.route("GET", "/chunked", [&](const auto&) { return chunked; });
  auto r2 = client.get(server.url() + "/chunked");
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::kPayloadTooLarge);
}

using tinkr::testing::compress;

TEST_P(HttpClientTest, DecodesGzipAndDeflateAnswers) {
  LoopbackHttpServer server;
  const std::string text = std::string(3000, 'z') + "{\"status\":\"ok\"}";
  server.route("GET", "/gz", [&](const testing::RecordedRequest& r) {
    EXPECT_NE(r.header("accept-encoding").find("gzip"), std::string::npos);
    auto resp = ScriptedResponse::text(200, compress(text, 16 + MAX_WBITS));
    resp.headers.emplace_back("Content-Encoding", "gzip");
    return resp;
  });
  server.route("GET", "/deflate", [&](const auto&) {
    auto resp = ScriptedResponse::text(200, compress(text, MAX_WBITS));
    resp.headers.emplace_back("Content-Encoding", "deflate");
    return resp;
  });
  HttpClient client(opts());
  for (const char* path : {"/gz", "/deflate"}) {
    auto r = client.get(server.url() + path);
    ASSERT_TRUE(r.ok()) << path << ": " << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, text) << path;
  }

  // The cap applies to the decoded answer.
  HttpClientOptions capped = opts();
  capped.max_response_bytes = 1000;
  auto r = HttpClient(capped).get(server.url() + "/gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPayloadTooLarge);
}

TEST_P(HttpClientTest, JoinsAChunkedAnswer) {
  LoopbackHttpServer server;
  ScriptedResponse chunked;
  chunked.headers = {{"Content-Type", "application/json"}, {"X-Tinkr", "1"}};
  chunked.chunks = {"{\"entries\":", "[1,2,", "3]}"};
  server.route("GET", "/c", [&](const auto&) { return chunked; });
  auto r = HttpClient(opts()).get(server.url() + "/c");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "{\"entries\":[1,2,3]}");
  EXPECT_EQ(r->headers.get("x-tinkr"), "1");
}

TEST_P(HttpClientTest, CancelFlagEndsAStreamWaitingForData) {
  LoopbackHttpServer server;
  ScriptedResponse sse;
  sse.chunks = {": nothing yet\n\n"};
  sse.hold_open = true;
  server.route("GET", "/s", [&](const auto&) { return sse; });
  std::atomic<bool> cancel{false};
  HttpRequest req;
  req.url = server.url() + "/s";
  req.timeout = Millis(0);
  req.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  auto r = HttpClient(opts()).stream_sse(req, [](const SseEvent&) { return true; });
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(r.error().message, "request to " + server.url() + "/s cancelled");
}

TEST_P(HttpClientTest, OnlyHttpAndHttps) {
  HttpClient client(opts());
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1", "not a url"}) {
    auto r = client.get(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << url;
  }
}

TEST(HttpClient, DisplayUrlHidesSecrets) {
  EXPECT_EQ(display_url("https://user:pw@example.com:8443/a/b?api_key=s#f"), "https://example.com:8443/a/b");
  EXPECT_EQ(display_url("http://127.0.0.1:3100"), "http://127.0.0.1:3100");
  EXPECT_EQ(display_url("HTTP://[::1]:8080/x?q={a=\"b\"}"), "http://[::1]:8080/x");
  EXPECT_EQ(display_url("http://u:p@host/?token=t"), "http://host");
  EXPECT_EQ(display_url("no scheme?key=s"), "no scheme");
  EXPECT_EQ(display_url("http://u:p@bad host/p?k=s"), "http://bad host/p");
  EXPECT_EQ(basic_auth("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_auth("a", ""), "Basic YTo=");
  EXPECT_EQ(basic_auth("ab", ""), "Basic YWI6");
}

TEST_P(HttpClientTest, StreamsSseEventsAsTheyArrive) {
  LoopbackHttpServer server;
  ScriptedResponse sse;
  sse.headers = {{"Content-Type", "text/event-stream"}};
  sse.chunks = {"event: log\ndata: {\"n\":1}\n\n", ": keepalive\n\nevent: log\ndata: {\"n\":2}\n",
                "\nevent: done\ndata: {}\n\n"};
  server.route("POST", "/api/v1/rca", [&](const auto&) { return sse; });
  HttpClient client(opts());
  HttpRequest req;
  req.method = "POST";
  req.url = server.url() + "/api/v1/rca";
  req.body = "{}";
  std::vector<std::string> seen;
  auto r = client.stream_sse(req, [&](const SseEvent& e) {
    seen.push_back(e.event + ":" + e.data);
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(seen, (std::vector<std::string>{"log:{\"n\":1}", "log:{\"n\":2}", "done:{}"}));
  EXPECT_EQ(server.requests()[0].header("accept"), "text/event-stream");
}

TEST_P(HttpClientTest, SseCallbackStopsAnOpenStream) {
  LoopbackHttpServer server;
  ScriptedResponse sse;
  sse.chunks = {"data: 1\n\n", "data: 2\n\n"};
  sse.hold_open = true;
  server.route("GET", "/s", [&](const auto&) { return sse; });
  HttpClient client(opts());
  HttpRequest req;
  req.url = server.url() + "/s";
  req.timeout = Millis(0);
  int n = 0;
  auto r = client.stream_sse(req, [&](const SseEvent&) { return ++n < 2; });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(n, 2);
}

TEST_P(HttpClientTest, CancelFlagEndsAnOpenStream) {
  LoopbackHttpServer server;
  ScriptedResponse sse;
  sse.chunks = {"data: 1\n\n"};
  sse.hold_open = true;
  server.route("GET", "/s", [&](const auto&) { return sse; });
  HttpClient client(opts());
  std::atomic<bool> cancel{false};
  HttpRequest req;
  req.url = server.url() + "/s";
  req.timeout = Millis(0);
  req.cancel = &cancel;
  auto r = client.stream_sse(req, [&](const SseEvent&) {
    cancel = true;  // as a signal handler would
    return true;
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
}

TEST_P(HttpClientTest, SseErrorStatusReturnsBody) {
  LoopbackHttpServer server;
  server.route("POST", "/s", [](const auto&) {
    return ScriptedResponse::json(401, R"({"error":{"code":"unauthenticated","message":"missing token"}})");
  });
  HttpClient client(opts());
  HttpRequest req;
  req.method = "POST";
  req.url = server.url() + "/s";
  auto r = client.stream_sse(req, [](const SseEvent&) { return true; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(error_from_response(*r, "").message, "missing token");
}

TEST_P(HttpClientTest, UsableFromSeveralThreads) {
  LoopbackHttpServer server;
  server.route("GET", "/x", [](const auto&) { return ScriptedResponse::text(200, "x"); });
  HttpClient client(opts());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = client.get(server.url() + "/x");
        if (r.ok() && r->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
}

}  // namespace
}  // namespace tinkr::net
