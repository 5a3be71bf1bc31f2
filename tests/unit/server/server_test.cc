// The server end to end in-process: App + HttpServer on a free loopback port
// with a fake backend, spoken to over real sockets.
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <sstream>

#include <boost/json/serialize.hpp>
#include <thread>

#include "auth/api_keys.h"
#include "core/json.h"
#include "net/http_server.h"
#include "server/app.h"
#include "server/commands.h"
#include "test_client.h"
#include "testing/tempdir.h"

namespace tinkr::server {
namespace {

using testing::count_of;
using testing::FakeBackend;
using testing::http_call;

constexpr const char* kViewer = "tkr_viewer_token";
constexpr const char* kOncall = "tkr_oncall_token";

struct Running {
  std::unique_ptr<App> app;
  std::unique_ptr<net::HttpServer> server;
  FakeBackend* backend = nullptr;
  int port() const { return server->port(); }
};

Running start(bool with_backend = true, size_t body_limit = size_t{1024} * 1024,
              std::map<std::string, std::string> env = {}) {
  AppOptions o;
  o.env = config::Environment::from_map(std::move(env));
  o.config = *config::parse_config("", "test.toml", o.env);
  o.config.api_keys = {{auth::sha256_hex(kViewer), "vera", {"viewer"}},
                       {auth::sha256_hex(kOncall), "otto", {"oncall"}}};
  o.events_db = ":memory:";
  Running r;
  if (with_backend) {
    auto fake = std::make_unique<FakeBackend>();
    r.backend = fake.get();
    o.backend = std::move(fake);
  }
  auto app = App::create(std::move(o));
  EXPECT_TRUE(app.ok()) << app.error().to_string();
  r.app = std::move(*app);
  net::HttpServerOptions http;
  http.port = 0;
  http.body_limit = body_limit;
  http.worker_threads = 4;
  App* a = r.app.get();
  http.run_inline = [a](const net::ServerRequest& q) { return a->is_cheap(q); };
  http.on_rejected = [a](const net::ServerRequest& q, int s) { a->on_rejected(q, s); };
  auto server = net::HttpServer::start(std::move(http), [a](net::ServerRequest& q) { return a->handle(q); });
  EXPECT_TRUE(server.ok()) << server.error().to_string();
  r.server = std::move(*server);
  return r;
}

json::value body_of(const testing::Reply& r) {
  auto v = parse_json(r.body);
  EXPECT_TRUE(v.ok()) << r.body;
  return v.ok() ? *v : json::value();
}

std::string error_code_of(const testing::Reply& r) {
  auto e = error_from_json(body_of(r));
  return e ? std::string(error_code_name(e->code)) : "";
}

TEST(ServerTest, HealthNeedsNoToken) {
  auto s = start();
  auto r = http_call(s.port(), "GET", "/health");
  ASSERT_EQ(r.status, 200) << r.error;
  auto b = body_of(r);
  EXPECT_EQ(get_string(b, "status"), "ok");
  EXPECT_EQ(get_string(b, "backend"), "local");
  EXPECT_EQ(get_string(b, "profile"), "default");
  EXPECT_FALSE(get_string(b, "version").empty());
  EXPECT_NE(find_field(b, "uptime_seconds"), nullptr);
}

TEST(ServerTest, MissingOrWrongTokenIs401WithChallenge) {
  auto s = start();
  auto none = http_call(s.port(), "GET", "/api/v1/whoami");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.headers["www-authenticate"].rfind("Bearer", 0), 0u);
  EXPECT_EQ(error_code_of(none), "unauthenticated");
  auto wrong = http_call(s.port(), "GET", "/api/v1/whoami", "", "tkr_wrong");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.headers["www-authenticate"].find("invalid_token"), std::string::npos);
  auto basic = http_call(s.port(), "GET", "/api/v1/whoami", "", "", {{"Authorization", "Basic dTpw"}});
  EXPECT_EQ(basic.status, 401);
  // The token never appears in an answer.
  EXPECT_EQ(wrong.body.find("tkr_wrong"), std::string::npos);
}

TEST(ServerTest, WhoamiReportsSubjectAndRoles) {
  auto s = start();
  auto r = http_call(s.port(), "GET", "/api/v1/whoami", "", kOncall);
  ASSERT_EQ(r.status, 200) << r.body;
  auto b = body_of(r);
  EXPECT_EQ(get_string(b, "subject"), "otto");
  EXPECT_EQ(json::serialize(*find_field(b, "roles")), R"(["oncall"])");
  EXPECT_FALSE(get_string(b, "server_time").empty());
}

TEST(ServerTest, ViewerCannotWriteEventsOncallCan) {
  auto s = start();
  const std::string event = R"({"service":"checkout","kind":"deploy","version":"v42"})";
  auto denied = http_call(s.port(), "POST", "/api/v1/events", event, kViewer);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(error_code_of(denied), "permission_denied");
  auto created = http_call(s.port(), "POST", "/api/v1/events", event, kOncall);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(get_string(body_of(created), "recorded_by"), "otto");
  auto list = http_call(s.port(), "GET", "/api/v1/events?service=checkout&since=1h", "", kViewer);
  ASSERT_EQ(list.status, 200) << list.body;
  auto list_body = body_of(list);
  auto events = find_field(list_body, "events");
  ASSERT_TRUE(events && events->is_array());
  ASSERT_EQ(events->as_array().size(), 1u);
  EXPECT_EQ(get_string(events->as_array()[0], "version"), "v42");
  auto other = http_call(s.port(), "GET", "/api/v1/events?service=payments", "", kViewer);
  EXPECT_EQ(find_field(body_of(other), "events")->as_array().size(), 0u);
  auto bad = http_call(s.port(), "POST", "/api/v1/events", R"({"kind":"deploy"})", kOncall);
  EXPECT_EQ(bad.status, 400);
}

TEST(ServerTest, UnknownRouteIs404WrongMethodIs405) {
  auto s = start();
  auto nf = http_call(s.port(), "GET", "/api/v1/nope", "", kViewer);
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(error_code_of(nf), "not_found");
  auto na = http_call(s.port(), "DELETE", "/api/v1/logs", "", kViewer);
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(na.headers["allow"], "POST");
  EXPECT_NE(error_from_json(body_of(na)), std::nullopt);
}

TEST(ServerTest, OversizedBodyIs413) {
  auto s = start(true, 1024);
  auto r = http_call(s.port(), "POST", "/api/v1/logs", std::string(4096, ' '), kViewer);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_code_of(r), "payload_too_large");
  auto ok = http_call(s.port(), "POST", "/api/v1/logs", R"({"service":"a"})", kViewer);
  EXPECT_EQ(ok.status, 200);
}

TEST(ServerTest, MalformedJsonIs400) {
  auto s = start();
  auto r = http_call(s.port(), "POST", "/api/v1/logs", "{nope", kViewer);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_code_of(r), "invalid_argument");
}

LogEntry line(std::string service, Timestamp t, std::string msg) {
  LogEntry e;
  e.service = std::move(service);
  e.time = t;
  e.level = Level::kError;
  e.message = std::move(msg);
  return e;
}

TEST(ServerTest, LogsCallTheBackendWithTheRequest) {
  auto s = start();
  Timestamp t = now() - std::chrono::minutes(1);
  s.backend->add_log(line("checkout", t, "boom"));
  s.backend->add_log(line("payments", t, "other"));
  auto r = http_call(s.port(), "POST", "/api/v1/logs",
                     R"({"service":"checkout","since":"10m","query":"level:error","limit":5})", kViewer);
  ASSERT_EQ(r.status, 200) << r.body;
  auto b = body_of(r);
  EXPECT_EQ(get_string(b, "query"), "FAKE service=checkout");
  ASSERT_EQ(find_field(b, "entries")->as_array().size(), 1u);
  EXPECT_EQ(get_string(find_field(b, "entries")->as_array()[0], "message"), "boom");
  auto q = s.backend->last_query();
  EXPECT_EQ(q.filter, "level:error");
  EXPECT_EQ(q.limit, 5u);
  EXPECT_EQ(q.range.length(), std::chrono::minutes(10));

  auto explain = http_call(s.port(), "POST", "/api/v1/logs", R"({"service":"checkout","explain":true})", kViewer);
  EXPECT_EQ(find_field(body_of(explain), "entries"), nullptr);
}

TEST(ServerTest, LogsFieldsChooseTheMembersOfEachEntry) {
  auto s = start();
  LogEntry e = line("checkout", now() - std::chrono::minutes(1), "boom");
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  e.attributes = {{"pod", "checkout-1"}};
  s.backend->add_log(e);

  auto r =
      http_call(s.port(), "POST", "/api/v1/logs", R"({"service":"checkout","fields":["level","message"]})", kViewer);
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value answer = body_of(r);
  const auto& entry = find_field(answer, "entries")->as_array().at(0).as_object();
  std::set<std::string> keys;
  for (const auto& member : entry) keys.emplace(member.key());
  EXPECT_EQ(keys, (std::set<std::string>{"time", "level", "message"}));  // time always
  EXPECT_EQ(entry.at("message").as_string(), "boom");

  auto all = http_call(s.port(), "POST", "/api/v1/logs", R"({"service":"checkout","fields":null})", kViewer);
  const json::value all_answer = body_of(all);
  const auto& full = find_field(all_answer, "entries")->as_array().at(0).as_object();
  EXPECT_EQ(full.at("trace_id").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(full.at("attributes").at("pod").as_string(), "checkout-1");

  for (const char* bad :
       {R"({"service":"checkout","fields":"message"})", R"({"service":"checkout","fields":["message","labels"]})",
        R"({"service":"checkout","fields":[1]})"}) {
    auto refused = http_call(s.port(), "POST", "/api/v1/logs", bad, kViewer);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(error_code_of(refused), "invalid_argument") << bad;
    EXPECT_NE(refused.body.find("trace_id, span_id, attributes"), std::string::npos) << refused.body;
  }
}

TEST(ServerTest, OtherDataRoutes) {
  auto s = start();
  auto m = http_call(s.port(), "POST", "/api/v1/metrics",
                     R"({"service":"checkout","metric":"latency_p99","step":"1m"})", kViewer);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(get_string(find_field(body_of(m), "series")->as_array()[0], "name"), "latency_p99");
  EXPECT_EQ(http_call(s.port(), "POST", "/api/v1/metrics", "{}", kViewer).status, 400);
  auto t =
      http_call(s.port(), "POST", "/api/v1/traces", R"({"service":"checkout","tags":{"http.route":"/pay"}})", kViewer);
  EXPECT_EQ(t.status, 200) << t.body;
  auto one = http_call(s.port(), "GET", "/api/v1/traces/4bf92f3577b34da6a3ce929d0e0e4736", "", kViewer);
  EXPECT_EQ(get_string(body_of(one), "trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(http_call(s.port(), "GET", "/api/v1/traces/missing", "", kViewer).status, 404);
  EXPECT_EQ(http_call(s.port(), "GET", "/api/v1/traces/bad%20id", "", kViewer).status, 400);
  auto svc = http_call(s.port(), "GET", "/api/v1/services", "", kViewer);
  EXPECT_EQ(json::serialize(*find_field(body_of(svc), "services")), R"(["checkout","payments"])");
}

TEST(ServerTest, MetricsEndpointCountsRequestsAndBackendCalls) {
  auto s = start();
  http_call(s.port(), "GET", "/health");
  http_call(s.port(), "GET", "/api/v1/services", "", kViewer);
  EXPECT_EQ(http_call(s.port(), "GET", "/metrics").status, 401);
  auto r = http_call(s.port(), "GET", "/metrics", "", kViewer);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"].rfind("text/plain; version=0.0.4", 0), 0u);
  EXPECT_NE(r.body.find("tinkr_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("tinkr_backend_calls_total{backend=\"fake\",operation=\"list_services\",outcome=\"ok\"} 1"),
            std::string::npos);
}

TEST(ServerTest, UnbuildableBackendRunsDegradedWith503) {
  auto s = start(false, size_t{1024} * 1024, {{"TINKR_BACKEND", "no-such-backend"}});
  auto h = http_call(s.port(), "GET", "/health");
  ASSERT_EQ(h.status, 200);
  auto b = body_of(h);
  EXPECT_EQ(get_string(b, "status"), "degraded");
  EXPECT_EQ(get_string(b, "backend"), "no-such-backend");
  EXPECT_NE(get_string(b, "reason").find("no-such-backend"), std::string::npos);
  auto logs = http_call(s.port(), "POST", "/api/v1/logs", R"({"service":"a"})", kViewer);
  EXPECT_EQ(logs.status, 503);
  EXPECT_NE(logs.body.find("no-such-backend"), std::string::npos);
  // Events do not need the backend.
  EXPECT_EQ(http_call(s.port(), "GET", "/api/v1/events", "", kViewer).status, 200);
}

TEST(ServerTest, TailStreamsNewLinesOnceEach) {
  auto s = start();
  Timestamp t0 = now() - std::chrono::seconds(30);
  s.backend->add_log(line("api", t0, "old-1"));
  s.backend->add_log(line("api", t0 + std::chrono::seconds(1), "old-2"));
  std::thread appender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    Timestamp t = now();
    s.backend->add_log(line("api", t, "new-a"));
    s.backend->add_log(line("api", t, "new-b"));  // same timestamp: both must arrive, once
  });
  std::string got =
      testing::stream_until(s.port(), "/api/v1/tail", R"({"service":"api","lines":10,"poll_seconds":0.1})", kViewer,
                            [](const std::string& text) {
                              return count_of(text, "event: log") >= 4 && count_of(text, "keep-alive") >= 3;
                            });
  appender.join();
  EXPECT_NE(got.find("text/event-stream"), std::string::npos);
  EXPECT_NE(got.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_EQ(count_of(got, "old-1"), 1u) << got;
  EXPECT_EQ(count_of(got, "old-2"), 1u);
  EXPECT_EQ(count_of(got, "new-a"), 1u);
  EXPECT_EQ(count_of(got, "new-b"), 1u);
  EXPECT_LT(got.find("old-1"), got.find("old-2"));
  // The client has gone; the server notices and frees the worker (stop() below must not hang).
}

TEST(ServerTest, TailFromResumesAfterTheClientsOwnHistory) {
  // The CLI showed history up to `from`; lines written after it, before the
  // stream opened, must still come (the one at `from` itself comes again).
  auto s = start();
  Timestamp t0 = now() - std::chrono::seconds(30);
  s.backend->add_log(line("api", t0, "shown-1"));
  s.backend->add_log(line("api", t0 + std::chrono::seconds(1), "shown-2"));
  s.backend->add_log(line("api", t0 + std::chrono::seconds(2), "written-meanwhile"));
  const std::string body = R"({"service":"api","lines":0,"poll_seconds":0.1,"from":")" +
                           format_rfc3339(t0 + std::chrono::seconds(1), 9) + R"("})";
  std::string got = testing::stream_until(s.port(), "/api/v1/tail", body, kViewer,
                                          [](const std::string& text) { return count_of(text, "keep-alive") >= 2; });
  EXPECT_EQ(count_of(got, "shown-1"), 0u) << got;
  EXPECT_EQ(count_of(got, "shown-2"), 1u) << got;
  EXPECT_EQ(count_of(got, "written-meanwhile"), 1u) << got;
}

TEST(ServerTest, TailAppliesTheFilterToEveryPoll) {
  // `tinkr tail -q`: the query goes into each poll, oldest first from the cursor.
  auto s = start();
  s.backend->add_log(line("api", now() - std::chrono::seconds(5), "seen"));
  const std::string body = R"({"service":"api","lines":0,"poll_seconds":0.1,"query":"level:error AND timeout"})";
  testing::stream_until(s.port(), "/api/v1/tail", body, kViewer,
                        [](const std::string& text) { return count_of(text, "keep-alive") >= 2; });
  const LogQuery q = s.backend->last_query();
  EXPECT_EQ(q.filter, "level:error AND timeout");
  EXPECT_EQ(q.service, "api");
  EXPECT_FALSE(q.newest_first);
}

TEST(ServerTest, GracefulStopFinishesInFlightRequests) {
  auto s = start();
  s.backend->add_log(line("api", now() - std::chrono::seconds(5), "slow"));
  s.backend->hold_queries();
  auto in_flight = std::async(std::launch::async, [&] {
    return http_call(s.port(), "POST", "/api/v1/logs", R"({"service":"api"})", kViewer);
  });
  ASSERT_TRUE(s.backend->wait_until_query_started());
  auto stopping = std::async(std::launch::async, [&] { s.server->stop(); });
  // Stop waits for the request; new connections are no longer accepted.
  for (int i = 0; i < 100; ++i) {
    auto probe = http_call(s.port(), "GET", "/health");
    if (!probe.error.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(http_call(s.port(), "GET", "/health").error.empty());
  s.backend->release_queries();
  auto r = in_flight.get();
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.body.find("slow"), std::string::npos);
  stopping.get();
}

TEST(ServerStartupTest, NoKeysWithoutInsecureDevFailsWithHowTo) {
  AppOptions o;
  o.events_db = ":memory:";
  auto app = App::create(std::move(o));
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.error().message.find("tinkr-server keys create"), std::string::npos);
}

TEST(ServerStartupTest, InsecureDevOnlyOnLoopback) {
  AppOptions o;
  o.events_db = ":memory:";
  o.insecure_dev = true;
  o.host = "0.0.0.0";
  EXPECT_FALSE(App::create(std::move(o)).ok());
  AppOptions ok;
  ok.config = *config::parse_config("", "test.toml", ok.env);
  ok.events_db = ":memory:";
  ok.insecure_dev = true;
  ok.host = "::1";
  auto app = App::create(std::move(ok));
  ASSERT_TRUE(app.ok());
  EXPECT_TRUE((*app)->state().insecure_dev);
}

TEST(ServerStartupTest, UnknownProfileFails) {
  AppOptions o;
  o.events_db = ":memory:";
  o.insecure_dev = true;
  o.profile = "prod";
  o.config = *config::parse_config("", "test.toml", o.env);
  EXPECT_FALSE(App::create(std::move(o)).ok());
}

TEST(InitCommandTest, WritesConfigAndPrivateEnvNeverOverwrites) {
  tinkr::testing::TempDir home("init");
  InitOptions o;
  o.home = home.path();
  o.backend = "grafana";
  o.profile = "prod";
  o.create_keys = {"alice:oncall"};
  std::istringstream in;
  std::ostringstream out, err;
  ASSERT_EQ(run_init(o, in, out, err), 0) << err.str();
  auto perms = std::filesystem::status(home / ".env").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto cfg = config::load_config(home / "config.toml", config::Environment::from_map({}), true);
  ASSERT_TRUE(cfg.ok()) << cfg.error().to_string();
  ASSERT_EQ(cfg->api_keys.size(), 1u);
  EXPECT_EQ(cfg->api_keys[0].subject, "alice");
  ASSERT_EQ(cfg->profiles.count("prod"), 1u);
  EXPECT_EQ(cfg->profiles.at("prod").backend, "grafana");
  // The printed token matches the stored hash.
  std::string text = out.str();
  auto pos = text.find("tkr_");
  ASSERT_NE(pos, std::string::npos);
  std::string token = text.substr(pos, 47);
  EXPECT_EQ(auth::sha256_hex(token), cfg->api_keys[0].hash);

  std::ostringstream out2, err2;
  EXPECT_EQ(run_init(o, in, out2, err2), 1);
  EXPECT_NE(err2.str().find("--force"), std::string::npos);
  o.force = true;
  EXPECT_EQ(run_init(o, in, out2, err2), 0);
}

TEST(InitCommandTest, InteractiveAnswers) {
  tinkr::testing::TempDir home("init");
  InitOptions o;
  o.home = home.path();
  o.interactive = true;
  std::istringstream in("local\nlaptop\nbob:viewer\n");
  std::ostringstream out, err;
  ASSERT_EQ(run_init(o, in, out, err), 0) << err.str();
  auto cfg = config::load_config(home / "config.toml", config::Environment::from_map({}), true);
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->profiles.count("laptop"), 1u);
  EXPECT_EQ(cfg->api_keys.at(0).roles, std::vector<std::string>{"viewer"});
}

TEST(KeysCommandTest, PrintsTokenOnceAndBothForms) {
  std::ostringstream out, err;
  ASSERT_EQ(run_keys_create({"alice", {"oncall"}}, out, err), 0);
  std::string text = out.str();
  EXPECT_EQ(count_of(text, "tkr_"), 1u);
  EXPECT_NE(text.find("{ hash = \""), std::string::npos);
  EXPECT_NE(text.find("[{\"hash\":\""), std::string::npos);
  std::ostringstream out2, err2;
  EXPECT_EQ(run_keys_create({"alice", {"root"}}, out2, err2), 2);
}

}  // namespace
}  // namespace tinkr::server
