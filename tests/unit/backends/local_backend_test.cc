// The local backend end to end over the shared scenario: OTLP files written by
// the scenario, imported, then asked the questions the product asks.
#include <gtest/gtest.h>

#include "backends/local/ingest.h"
#include "backends/local/local_backend.h"
#include "scenario/scenario.h"
#include "testing/tempdir.h"

namespace tinkr::local {
namespace {

using std::chrono::minutes;

Timestamp fixed_now() { return *parse_rfc3339("2026-11-23T12:00:00Z"); }

class LocalBackendScenario : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("local-backend");
    scenario_ = new scenario::Scenario(scenario::generate({.now = fixed_now()}));
    ASSERT_TRUE(scenario::write_otlp(*scenario_, dir_->path() / "otlp").ok());
    auto store = store::TelemetryStore::open(dir_->path() / "db" / "local.db");
    ASSERT_TRUE(store.ok()) << store.error().to_string();
    std::shared_ptr<store::TelemetryStore> shared(std::move(*store));
    auto report = ingest_files(*shared, {dir_->path() / "otlp" / "logs.json", dir_->path() / "otlp" / "metrics.json",
                                         dir_->path() / "otlp" / "traces.json"});
    ASSERT_TRUE(report.ok()) << report.error().to_string();
    report_ = new IngestReport(*report);
    backend_ = new LocalBackend(shared);
  }
  static void TearDownTestSuite() {
    delete backend_;
    delete report_;
    delete scenario_;
    delete dir_;
  }
  TimeRange all() const { return scenario_->range; }

  static testing::TempDir* dir_;
  static scenario::Scenario* scenario_;
  static IngestReport* report_;
  static LocalBackend* backend_;
};
testing::TempDir* LocalBackendScenario::dir_ = nullptr;
scenario::Scenario* LocalBackendScenario::scenario_ = nullptr;
IngestReport* LocalBackendScenario::report_ = nullptr;
LocalBackend* LocalBackendScenario::backend_ = nullptr;

TEST_F(LocalBackendScenario, ImportsEverything) {
  EXPECT_EQ(report_->rejected, 0u);
  size_t spans = 0, points = 0;
  for (const auto& t : scenario_->traces) spans += t.spans.size();
  for (const auto& m : scenario_->metrics) points += m.points.size();
  EXPECT_EQ(report_->logs + report_->duplicates, scenario_->logs.size());
  EXPECT_EQ(report_->spans, spans);
  EXPECT_EQ(report_->points, points);
  EXPECT_TRUE(backend_->check().ok());
  auto services = backend_->list_services(all());
  ASSERT_TRUE(services.ok());
  EXPECT_EQ(*services, scenario_->services);
}

TEST_F(LocalBackendScenario, QueryLogsThroughTheTranslator) {
  LogQuery q;
  q.service = "payments-api";
  q.range = all();
  q.filter = "level:ERROR AND TimeoutError";
  q.limit = 100000;
  auto logs = backend_->query_logs(q);
  ASSERT_TRUE(logs.ok()) << logs.error().to_string();
  ASSERT_GT(logs->size(), 300u);
  for (const auto& e : *logs) {
    EXPECT_EQ(e.service, "payments-api");
    EXPECT_EQ(e.level, Level::kError);
    EXPECT_GE(e.time, scenario_->truth.onset);
  }
  EXPECT_TRUE(std::is_sorted(logs->begin(), logs->end(), [](auto& a, auto& b) { return a.time < b.time; }));
  size_t expected = 0;
  for (const auto& e : scenario_->logs)
    if (e.service == "payments-api" && e.level == Level::kError && e.message.find("TimeoutError") != std::string::npos)
      ++expected;
  EXPECT_EQ(logs->size(), expected);

  q.limit = 5;  // newest five, returned oldest first
  auto newest = backend_->query_logs(q);
  ASSERT_EQ(newest->size(), 5u);
  EXPECT_EQ(newest->back().time, logs->back().time);
  q.filter = "\"Deploying payments-api v2.15.0\"";
  auto deploy = backend_->query_logs(q);
  ASSERT_EQ(deploy->size(), 1u);
  EXPECT_EQ(deploy->front().time, scenario_->truth.onset);

  auto explain = backend_->explain_logs(q);
  ASSERT_TRUE(explain.ok());
  EXPECT_NE(explain->find("FROM logs WHERE"), std::string::npos);
  EXPECT_NE(explain->find("-- ?3 = 'payments-api'"), std::string::npos) << *explain;
}

TEST_F(LocalBackendScenario, LogVolumeCountsMatchTheData) {
  LogVolumeQuery q;
  q.service = "order-service";
  q.range = all();
  q.bucket = minutes(10);
  auto v = backend_->log_volume(q);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  std::map<std::string, double> totals;
  for (const auto& s : *v) {
    EXPECT_EQ(s.name, "log_count");
    EXPECT_EQ(s.points.size(), 18u);
    for (const auto& p : s.points) totals[s.labels.at("level")] += p.value;
  }
  std::map<std::string, double> expected;
  for (const auto& e : scenario_->logs)
    if (e.service == "order-service") expected[std::string(level_name(e.level))] += 1;
  // Exact duplicates are stored once: none in the scenario for order-service errors.
  EXPECT_EQ(totals["ERROR"], expected["ERROR"]);
  EXPECT_EQ(totals["INFO"], expected["INFO"]);
  // The last hour holds many more errors than the first.
  const auto& err = *std::find_if(v->begin(), v->end(), [](auto& s) { return s.labels.at("level") == "ERROR"; });
  EXPECT_GT(err.points.back().value, 10 * (err.points.front().value + 1));
}

TEST_F(LocalBackendScenario, MetricAliases) {
  MetricQuery q;
  q.service = "payments-api";
  q.metric = "latency_p99";
  q.range = all();
  auto m = backend_->get_metrics(q);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].name, "latency_p99");
  EXPECT_EQ((*m)[0].unit, "ms");
  EXPECT_EQ((*m)[0].labels.at("service"), "payments-api");
  EXPECT_EQ((*m)[0].points.size(), 180u);
  EXPECT_LT((*m)[0].points.front().value, 1000);
  EXPECT_GT((*m)[0].points.back().value, 4900);
  for (const char* alias : {"request_rate", "error_rate", "latency_p50", "cpu", "memory"}) {
    q.metric = alias;
    auto r = backend_->get_metrics(q);
    ASSERT_TRUE(r.ok()) << alias;
    EXPECT_EQ(r->size(), 1u) << alias;
  }
  q.metric = "request_rate";
  q.step = minutes(10);
  EXPECT_EQ(backend_->get_metrics(q)->at(0).points.size(), 18u);
  q.metric = "no_such_metric";
  EXPECT_EQ(backend_->get_metrics(q).error().code, ErrorCode::kNotFound);
}

TEST_F(LocalBackendScenario, TracesSlowestFirst) {
  TraceQuery q;
  q.service = "payments-api";
  q.range = all();
  q.limit = 10;
  auto traces = backend_->get_traces(q);
  ASSERT_TRUE(traces.ok()) << traces.error().to_string();
  ASSERT_EQ(traces->size(), 10u);
  for (size_t i = 1; i < traces->size(); ++i) EXPECT_GE((*traces)[i - 1].duration, (*traces)[i].duration);
  EXPECT_GE(traces->front().duration, std::chrono::milliseconds(5000));
  EXPECT_TRUE(traces->front().has_error);
  EXPECT_EQ(traces->front().root_service, "order-service");
  EXPECT_FALSE(traces->front().spans.empty());

  q.errors_only = true;
  q.min_duration = std::chrono::milliseconds(4000);
  q.tags = {{"peer.service", "fraud-check"}};
  auto errors = backend_->get_traces(q);
  ASSERT_TRUE(errors.ok()) << errors.error().to_string();
  ASSERT_FALSE(errors->empty());
  for (const auto& t : *errors) EXPECT_TRUE(t.has_error);

  auto one = backend_->get_trace(traces->front().trace_id);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->spans.size(), traces->front().spans.size());
  EXPECT_EQ(backend_->get_trace("0123456789abcdef0123456789abcdef").error().code, ErrorCode::kNotFound);
}

TEST_F(LocalBackendScenario, InjectionAttemptsStayInert) {
  LogQuery q;
  q.range = all();
  q.limit = 10;
  q.service = "payments-api' OR '1'='1";
  auto r = backend_->query_logs(q);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  q.service = "";
  q.filter = "\"'); DROP TABLE logs; --\"";
  r = backend_->query_logs(q);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->empty());
  q.filter = "service:\"x\\\" OR 1=1 --\"";
  r = backend_->query_logs(q);
  if (r.ok()) {
    EXPECT_TRUE(r->empty());
  }
  TraceQuery t;
  t.range = all();
  t.service = "x' OR 1=1 --";
  EXPECT_TRUE(backend_->get_traces(t)->empty());
  t.service = "";
  t.tags = {{"a\") OR 1=1 --", "v"}};
  EXPECT_FALSE(backend_->get_traces(t).ok());
  MetricQuery m;
  m.range = all();
  m.service = "' OR ''='";
  m.metric = "http_server_request_rate";
  EXPECT_EQ(backend_->get_metrics(m).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(backend_->check().ok());  // the table is still there
  LogQuery all_logs;
  all_logs.range = all();
  all_logs.limit = 1;
  EXPECT_EQ(backend_->query_logs(all_logs)->size(), 1u);
}

TEST(LocalBackendDerived, MetricsFromServerSpansWhenNoneStored) {
  auto store = std::shared_ptr<store::TelemetryStore>(std::move(store::TelemetryStore::open(":memory:")).value());
  auto s = scenario::generate({.now = fixed_now(), .volume = 0.5});
  auto report = ingest_text(*store, scenario::otlp_traces_json(s.traces), Format::kUnknown, "traces.json");
  ASSERT_TRUE(report.ok());
  LocalBackend backend(store);
  MetricQuery q;
  q.service = "payments-api";
  q.range = s.range;
  q.step = minutes(15);
  q.metric = "latency_p99";
  auto p99 = backend.get_metrics(q);
  ASSERT_TRUE(p99.ok()) << p99.error().to_string();
  ASSERT_FALSE(p99->at(0).points.empty());
  EXPECT_EQ(p99->at(0).labels.at("source"), "spans");
  EXPECT_LT(p99->at(0).points.front().value, 1000);
  EXPECT_GT(p99->at(0).points.back().value, 4900);
  q.metric = "error_rate";
  auto err = backend.get_metrics(q);
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->at(0).points.front().value, 0);
  EXPECT_GT(err->at(0).points.back().value, 0.1);
  q.metric = "request_rate";
  EXPECT_GT(backend.get_metrics(q)->at(0).points.front().value, 0);
  q.metric = "cpu";
  EXPECT_EQ(backend.get_metrics(q).error().code, ErrorCode::kNotFound);
}

TEST(LocalBackendRegistry, BuildsFromProfileSettings) {
  testing::TempDir dir("local-registry");
  config::Profile p;
  p.name = "default";
  p.backend = "local";
  p.settings = {{"path", (dir / "sub" / "x.db").string()}, {"retention", "1d"}, {"max_size_mb", "5"}};
  auto b = builtin_backends().create(p, config::Environment::from_map({}));
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  EXPECT_EQ((*b)->name(), "local");
  EXPECT_TRUE(std::filesystem::exists(dir / "sub" / "x.db"));
  p.settings["max_size_mb"] = "lots";
  EXPECT_EQ(builtin_backends().create(p, config::Environment::from_map({})).error().code, ErrorCode::kConfig);
}

}  // namespace
}  // namespace tinkr::local
