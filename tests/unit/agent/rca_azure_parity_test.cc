// Parity on the shared scenario: the Azure backend (against the Log Analytics
// simulator serving the scenario rendered into App Insights tables) and the
// local backend (the scenario imported as OTLP) must give the same anomalies
// from logs and the same root cause — the payments-api v2.15.0 deploy and
// the fraud-check timeout. Metrics are out of both (the Azure backend reads
// Azure Monitor Metrics, which this simulator does not serve), so the
// comparison is on what the logs and traces say.
#include <gtest/gtest.h>

#include "agent/rca/report.h"
#include "analysis/anomaly_detect.h"
#include "backends/local/ingest.h"
#include "backends/local/local_backend.h"
#include "scenario/scenario.h"
#include "sim/azure_log_analytics_sim.h"
#include "store/events_store.h"
#include "store/telemetry_store.h"
#include "testing/tempdir.h"
#include "unit/agent/scenario_backend.h"
#include "unit/backends/azure_test_support.h"

namespace tinkr::rca {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Timestamp kNow = parse_rfc3339("2026-11-23T15:00:00Z").value();
const std::string kWorkspace = "63613592-b6f7-4c3d-a390-22ba13102111";

const scenario::Scenario& shared_scenario() {
  static const scenario::Scenario s = [] {
    scenario::ScenarioOptions o;
    o.now = kNow;
    return scenario::generate(o);
  }();
  return s;
}

std::unique_ptr<store::EventsStore> scenario_events() {
  auto store = store::EventsStore::open(":memory:");
  EXPECT_TRUE(store.ok());
  for (const auto& e : shared_scenario().events) {
    store::ChangeEvent c;
    c.service = e.service;
    c.kind = e.kind;
    c.time = e.time;
    if (auto v = e.attributes.find("version"); v != e.attributes.end()) c.version = v->second;
    if (auto d = e.attributes.find("description"); d != e.attributes.end()) c.description = d->second;
    c.source = "test";
    EXPECT_TRUE((*store)->add(c).ok());
  }
  return std::move(store).value();
}

struct Backends {
  tinkr::testing::TempDir dir{"rca-azure-parity"};
  std::unique_ptr<local::LocalBackend> local;
  std::unique_ptr<sim::AzureLogAnalyticsSim> la;
  std::unique_ptr<ObservabilityBackend> azure;

  Backends() {
    auto files = dir.path() / "otlp";
    EXPECT_TRUE(scenario::write_otlp(shared_scenario(), files).ok());
    auto store = store::TelemetryStore::open(dir.path() / "local.db");
    EXPECT_TRUE(store.ok());
    std::shared_ptr<store::TelemetryStore> shared = std::move(store).value();
    auto report = local::ingest_files(*shared, {files / "logs.json", files / "metrics.json", files / "traces.json"});
    EXPECT_TRUE(report.ok());
    local = std::make_unique<local::LocalBackend>(shared);

    sim::AzureLogAnalyticsSimOptions o;
    o.workspace_id = kWorkspace;
    o.now = kNow;
    la = std::make_unique<sim::AzureLogAnalyticsSim>(shared_scenario().logs, shared_scenario().traces, o);
    azure = tinkr::testing::azure_backend(la->url(), {{"workspace_id", kWorkspace}});
  }
};

Backends& backends() {
  static Backends* b = new Backends();
  return *b;
}

CollectorOptions fixed_clock() {
  CollectorOptions o;
  o.clock = [] { return kNow; };
  return o;
}

Error no_metrics() { return make_error(ErrorCode::kUnimplemented, "metrics are not part of this comparison"); }

TEST(AzureParity, SameAnomaliesFromLogsAsTheLocalBackend) {
  ASSERT_NE(backends().azure, nullptr);
  tinkr::testing::FailingBackend local(*backends().local, {"get_metrics"}, no_metrics());
  tinkr::testing::FailingBackend azure(*backends().azure, {"get_metrics"}, no_metrics());
  AnomalyQuery q;
  q.service = scenario::kPaymentsApi;
  q.range = {kNow - hours(1), kNow};
  auto a = anomaly::run_anomaly_detection(local, q);
  auto b = anomaly::run_anomaly_detection(azure, q);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_FALSE(a->anomalies.empty());
  ASSERT_EQ(a->anomalies.size(), b->anomalies.size());
  for (size_t i = 0; i < a->anomalies.size(); ++i) {
    const Anomaly& x = a->anomalies[i];
    const Anomaly& y = b->anomalies[i];
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.metric, y.metric);
    EXPECT_EQ(x.severity, y.severity);
    EXPECT_EQ(x.start, y.start);
    EXPECT_EQ(x.end, y.end);
    EXPECT_DOUBLE_EQ(x.observed, y.observed);
    EXPECT_DOUBLE_EQ(x.baseline, y.baseline);
  }
  bool error_spike = false;
  for (const auto& x : b->anomalies) error_spike = error_spike || x.kind == "error_spike";
  EXPECT_TRUE(error_spike);
}

TEST(AzureParity, SameRootCauseAsTheLocalBackend) {
  ASSERT_NE(backends().azure, nullptr);
  tinkr::testing::FailingBackend local(*backends().local, {"get_metrics"}, no_metrics());
  tinkr::testing::FailingBackend azure(*backends().azure, {"get_metrics"}, no_metrics());
  auto events = scenario_events();
  const TimeRange window{kNow - hours(1), kNow};
  auto a = run_rca(local, events.get(), "payments-api", window, {}, fixed_clock());
  auto b = run_rca(azure, events.get(), "payments-api", window, {}, fixed_clock());
  ASSERT_FALSE(b.analysis.hypotheses.empty());
  ASSERT_FALSE(a.analysis.hypotheses.empty());
  const Hypothesis& top = b.analysis.hypotheses.front();
  const auto& truth = shared_scenario().truth;
  EXPECT_EQ(top.kind, "deploy_regression");
  EXPECT_EQ(top.service, truth.root_cause_service);
  EXPECT_EQ(top.version, truth.bad_version);
  EXPECT_EQ(top.mechanism, "timeout");
  EXPECT_EQ(top.component, truth.root_cause_dependency);
  ASSERT_TRUE(top.time.has_value());
  EXPECT_EQ(*top.time, truth.onset);

  const Hypothesis& local_top = a.analysis.hypotheses.front();
  EXPECT_EQ(top.kind, local_top.kind);
  EXPECT_EQ(top.service, local_top.service);
  EXPECT_EQ(top.version, local_top.version);
  EXPECT_EQ(top.mechanism, local_top.mechanism);
  EXPECT_EQ(top.component, local_top.component);
  EXPECT_EQ(b.analysis.first_failing_service, a.analysis.first_failing_service);
  EXPECT_EQ(b.analysis.confidence, a.analysis.confidence);
  ASSERT_TRUE(b.analysis.onset.has_value() && a.analysis.onset.has_value());
  EXPECT_LE(std::chrono::abs(*b.analysis.onset - *a.analysis.onset), std::chrono::microseconds(1));
  EXPECT_NE(b.sections[2].content.find("fraud-check"), std::string::npos) << b.sections[2].content;
  EXPECT_NE(b.sections[2].content.find("v2.15.0"), std::string::npos) << b.sections[2].content;
}

}  // namespace
}  // namespace tinkr::rca
