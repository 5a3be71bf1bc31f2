// The OTLP/HTTP receiver over a real local store on a loopback port: paths,
// methods, content types, gzip, size limits, partial success, Status bodies
// and the token rule for non-loopback binding.
#include <gtest/gtest.h>

#include <memory>

#include <fmt/format.h>

#include "backends/local/local_backend.h"
#include "core/json.h"
#include "server/app.h"
#include "server/otlp_receiver.h"
#include "test_client.h"
#include "testing/compression.h"
#include "testing/tempdir.h"

namespace tinkr::server {
namespace {

namespace json = boost::json;

constexpr const char* kViewer = "tk_otlp_viewer_0123456789";
constexpr const char* kOncall = "tk_otlp_oncall_0123456789";

using tinkr::testing::gzip;

std::string logs_body(std::string_view service, std::string_view message, int64_t t_ns, bool with_bad_record = false) {
  std::string records =
      fmt::format(R"({{"timeUnixNano":"{}","severityNumber":17,"severityText":"ERROR","body":{{"stringValue":"{}"}}}})",
                  t_ns, message);
  if (with_bad_record) records += R"(,{"severityText":"INFO","body":{"stringValue":"no time"}})";
  return fmt::format(
      R"({{"resourceLogs":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{}"}}}}]}},"scopeLogs":[{{"logRecords":[{}]}}]}}]}})",
      service, records);
}

std::string traces_body(std::string_view service, int64_t t_ns) {
  return fmt::format(
      R"({{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{}"}}}}]}},"scopeSpans":[{{"spans":[{{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"POST /charge","kind":2,"startTimeUnixNano":"{}","endTimeUnixNano":"{}","status":{{"code":2}}}}]}}]}}]}})",
      service, t_ns, t_ns + 250'000'000);
}

std::string metrics_body(std::string_view service, int64_t t_ns) {
  return fmt::format(
      R"({{"resourceMetrics":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{}"}}}}]}},"scopeMetrics":[{{"metrics":[{{"name":"queue_depth","unit":"1","gauge":{{"dataPoints":[{{"timeUnixNano":"{}","asDouble":7.5}}]}}}}]}}]}}]}})",
      service, t_ns);
}

class OtlpReceiverTest : public ::testing::Test {
 protected:
  void start(bool require_token = false, size_t max_body = kOtlpMaxBody) {
    auto store = store::TelemetryStore::open(dir_ / "local.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto local = std::make_unique<local::LocalBackend>(std::shared_ptr<store::TelemetryStore>(std::move(*store)));
    local_ = local.get();
    AppOptions o;
    o.env = config::Environment::from_map({});
    o.config = *config::parse_config("", "test.toml", o.env);
    o.config.api_keys = {{auth::sha256_hex(kViewer), "vera", {"viewer"}},
                         {auth::sha256_hex(kOncall), "otto", {"oncall"}}};
    o.events_db = ":memory:";
    o.backend = std::move(local);
    auto app = App::create(std::move(o));
    ASSERT_TRUE(app.ok()) << app.error().message;
    app_ = std::move(*app);
    OtlpReceiverOptions ro;
    ro.require_token = require_token;
    ro.max_body = max_body;
    ServerState* st = &app_->state();
    auto server = net::HttpServer::start(otlp_server_options("127.0.0.1", 0, ro),
                                         [st, ro](net::ServerRequest& r) { return handle_otlp_request(*st, ro, r); });
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
  }

  testing::Reply post(const std::string& path, const std::string& body,
                      const std::map<std::string, std::string>& headers = {}, const std::string& token = "") {
    return testing::http_call(server_->port(), "POST", path, body, token, headers);
  }

  std::vector<LogEntry> logs_of(const std::string& service) {
    LogQuery q;
    q.service = service;
    q.range = {now() - std::chrono::hours(1), now() + std::chrono::minutes(1)};
    auto r = local_->query_logs(q);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<LogEntry>{};
  }

  static json::value body_of(const testing::Reply& r) {
    auto v = parse_json(r.body);
    EXPECT_TRUE(v.ok()) << r.body;
    return v.ok() ? *v : json::value();
  }
  // The reply is a google.rpc.Status JSON object with a message.
  static void expect_status_body(const testing::Reply& r, int rpc_code) {
    EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "", "application/json");
    auto v = body_of(r);
    EXPECT_EQ(get_int(v, "code", -1), rpc_code) << r.body;
    EXPECT_FALSE(get_string(v, "message").empty()) << r.body;
    EXPECT_EQ(find_field(v, "error"), nullptr) << "the Tinkr API error shape leaked: " << r.body;
  }

  tinkr::testing::TempDir dir_{"otlp-recv"};
  local::LocalBackend* local_ = nullptr;
  std::unique_ptr<App> app_;
  std::unique_ptr<net::HttpServer> server_;
  const int64_t t_ = to_unix_nanos(now() - std::chrono::minutes(5));
};

TEST_F(OtlpReceiverTest, LogsAreStoredAndAnsweredWithAnEmptyExportResponse) {
  start();
  auto r = post("/v1/logs", logs_body("checkout", "card declined by issuer", t_));
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  EXPECT_EQ(r.body, "{}");  // partialSuccess must be unset on full success
  EXPECT_EQ(r.headers["content-type"], "application/json");
  auto logs = logs_of("checkout");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].message, "card declined by issuer");
  EXPECT_EQ(logs[0].level, Level::kError);
}

TEST_F(OtlpReceiverTest, TracesAndMetricsAreStored) {
  start();
  ASSERT_EQ(post("/v1/traces", traces_body("checkout", t_)).status, 200);
  ASSERT_EQ(post("/v1/metrics", metrics_body("checkout", t_)).status, 200);
  auto trace = local_->get_trace("5b8efff798038103d269b633813fc60c");
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  ASSERT_EQ(trace->spans.size(), 1u);
  EXPECT_EQ(trace->spans[0].name, "POST /charge");
  MetricQuery q;
  q.service = "checkout";
  q.metric = "queue_depth";
  q.range = {now() - std::chrono::hours(1), now()};
  auto m = local_->get_metrics(q);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_FALSE(m->empty());
  ASSERT_FALSE(m->front().points.empty());
  EXPECT_DOUBLE_EQ(m->front().points.front().value, 7.5);
}

TEST_F(OtlpReceiverTest, MalformedRecordsAreAPartialSuccess) {
  start();
  auto r = post("/v1/logs", logs_body("checkout", "kept", t_, /*with_bad_record=*/true));
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = body_of(r);
  const json::value* partial = find_field(v, "partialSuccess");
  ASSERT_NE(partial, nullptr) << r.body;
  EXPECT_EQ(get_string(*partial, "rejectedLogRecords"), "1") << r.body;  // int64 as a JSON string
  EXPECT_NE(get_string(*partial, "errorMessage").find("timeUnixNano"), std::string::npos) << r.body;
  EXPECT_EQ(logs_of("checkout").size(), 1u);
}

TEST_F(OtlpReceiverTest, BadJsonIs400WithAStatusBody) {
  start();
  auto r = post("/v1/logs", R"({"resourceLogs": [)");
  EXPECT_EQ(r.status, 400);
  expect_status_body(r, 3);
  auto wrong_signal = post("/v1/traces", logs_body("checkout", "x", t_));
  EXPECT_EQ(wrong_signal.status, 400);
  expect_status_body(wrong_signal, 3);
  EXPECT_NE(wrong_signal.body.find("resourceLogs"), std::string::npos) << wrong_signal.body;
}

TEST_F(OtlpReceiverTest, ProtobufIs415AndSaysToSendJson) {
  start();
  auto r = post("/v1/logs", std::string("\x0a\x02\x08\x01", 4), {{"Content-Type", "application/x-protobuf"}});
  EXPECT_EQ(r.status, 415);
  expect_status_body(r, 12);
  EXPECT_NE(r.body.find("http/json"), std::string::npos) << r.body;
  auto text = post("/v1/logs", "hello", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415);
}

TEST_F(OtlpReceiverTest, GzipBodiesAreDecoded) {
  start();
  auto r = post("/v1/logs", gzip(logs_body("checkout", "compressed line", t_)), {{"Content-Encoding", "gzip"}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(logs_of("checkout").size(), 1u);
  EXPECT_EQ(logs_of("checkout")[0].message, "compressed line");

  auto corrupt = post("/v1/logs", "not gzip at all", {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(corrupt.status, 400);
  expect_status_body(corrupt, 3);
  auto brotli = post("/v1/logs", "x", {{"Content-Encoding", "br"}});
  EXPECT_EQ(brotli.status, 415);
  expect_status_body(brotli, 3);
}

TEST_F(OtlpReceiverTest, BodyLimitAppliesBeforeAndAfterDecompression) {
  start(false, size_t{64} * 1024);
  auto big = post("/v1/logs", std::string(size_t{100} * 1024, ' '));
  EXPECT_EQ(big.status, 413);
  expect_status_body(big, 8);
  // 1 MiB of spaces gzips to ~1 KiB: small on the wire, too large once decoded.
  auto bomb = post("/v1/logs", gzip(std::string(size_t{1024} * 1024, ' ')), {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(bomb.status, 413);
  expect_status_body(bomb, 8);
}

TEST_F(OtlpReceiverTest, OtherPathsAre404AndOtherMethods405) {
  start();
  auto api = post("/api/v1/logs", "{}");
  EXPECT_EQ(api.status, 404);
  expect_status_body(api, 5);
  auto get = testing::http_call(server_->port(), "GET", "/v1/logs");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.headers["allow"], "POST");
  expect_status_body(get, 12);
}

TEST_F(OtlpReceiverTest, AnEmptyExportIsASuccess) {
  start();
  auto empty = post("/v1/metrics", "");
  EXPECT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.body, "{}");
  auto no_data = post("/v1/traces", "{}");
  EXPECT_EQ(no_data.status, 200) << no_data.body;
}

TEST_F(OtlpReceiverTest, NonLoopbackBindingNeedsAnOncallToken) {
  start(/*require_token=*/true);
  const std::string body = logs_body("checkout", "with token", t_);
  auto none = post("/v1/logs", body);
  EXPECT_EQ(none.status, 401);
  expect_status_body(none, 16);
  EXPECT_FALSE(none.headers["www-authenticate"].empty());
  auto wrong = post("/v1/logs", body, {}, "tk_nope");
  EXPECT_EQ(wrong.status, 401);
  auto viewer = post("/v1/logs", body, {}, kViewer);
  EXPECT_EQ(viewer.status, 403);
  expect_status_body(viewer, 7);
  EXPECT_TRUE(logs_of("checkout").empty());
  auto oncall = post("/v1/logs", body, {}, kOncall);
  EXPECT_EQ(oncall.status, 200) << oncall.body;
  EXPECT_EQ(logs_of("checkout").size(), 1u);
}

TEST_F(OtlpReceiverTest, ExportsAreCountedInTheServerMetrics) {
  start();
  ASSERT_EQ(post("/v1/logs", logs_body("checkout", "counted", t_)).status, 200);
  const std::string text = app_->state().metrics.render(app_->state().uptime_seconds());
  EXPECT_NE(text.find("otlp:/v1/logs"), std::string::npos) << text;
}

TEST(OtlpReceiverBackendTest, BackendsThatDoNotStoreTelemetryRefuse) {
  struct NoIngest : ObservabilityBackend {
    std::string_view name() const override { return "remote"; }
    Result<std::vector<LogEntry>> query_logs(const LogQuery&) override { return std::vector<LogEntry>{}; }
    Result<std::vector<MetricSeries>> get_metrics(const MetricQuery&) override { return std::vector<MetricSeries>{}; }
    Result<std::vector<Trace>> get_traces(const TraceQuery&) override { return std::vector<Trace>{}; }
    Result<Trace> get_trace(std::string_view) override { return Trace{}; }
    Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery&) override { return std::vector<MetricSeries>{}; }
    Result<std::vector<std::string>> list_services(const TimeRange&) override { return std::vector<std::string>{}; }
    Result<std::string> explain_logs(const LogQuery&) override { return std::string(); }
    Status check() override { return ok_status(); }
  } backend;
  EXPECT_FALSE(backend.accepts_otlp());
  auto a = backend.export_otlp("/v1/logs", "application/json", "{}");
  EXPECT_EQ(a.status, 501);
  EXPECT_NE(a.body.find("does not store pushed telemetry"), std::string::npos) << a.body;
}

}  // namespace
}  // namespace tinkr::server
