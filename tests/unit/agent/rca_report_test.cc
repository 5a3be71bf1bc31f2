// The evidence-based report on the shared incident scenario: it must name the
// payments-api deploy and the fraud-check timeout as the root cause and cite
// the evidence; with a backend whose metrics fail it must still be written,
// with the gap stated.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include <boost/json.hpp>

#include "agent/rca/report.h"
#include "backends/local/ingest.h"
#include "backends/local/local_backend.h"
#include "scenario/scenario.h"
#include "store/events_store.h"
#include "store/telemetry_store.h"
#include "testing/tempdir.h"
#include "unit/agent/scenario_backend.h"

namespace tinkr::rca {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Timestamp kNow = parse_rfc3339("2026-11-23T15:00:00Z").value();

const scenario::Scenario& shared_scenario() {
  static const scenario::Scenario s = [] {
    scenario::ScenarioOptions o;
    o.now = kNow;
    return scenario::generate(o);
  }();
  return s;
}

std::unique_ptr<store::EventsStore> events_with_scenario_deploys() {
  auto store = store::EventsStore::open(":memory:");
  EXPECT_TRUE(store.ok());
  for (const auto& e : shared_scenario().events) {
    store::ChangeEvent c;
    c.service = e.service;
    c.kind = e.kind;
    c.time = e.time;
    auto v = e.attributes.find("version");
    if (v != e.attributes.end()) c.version = v->second;
    auto d = e.attributes.find("description");
    if (d != e.attributes.end()) c.description = d->second;
    c.source = "test";
    EXPECT_TRUE((*store)->add(c).ok());
  }
  return std::move(store).value();
}

// The real thing: the scenario written as OTLP/JSON files and imported into a
// temporary local store, read back through the `local` backend.
struct LocalScenario {
  tinkr::testing::TempDir dir{"rca-local"};
  std::unique_ptr<local::LocalBackend> backend;

  LocalScenario() {
    auto files = dir.path() / "otlp";
    EXPECT_TRUE(scenario::write_otlp(shared_scenario(), files).ok());
    auto store = store::TelemetryStore::open(dir.path() / "local.db");
    EXPECT_TRUE(store.ok()) << store.error().to_string();
    std::shared_ptr<store::TelemetryStore> shared = std::move(store).value();
    auto report = local::ingest_files(*shared, {files / "logs.json", files / "metrics.json", files / "traces.json"});
    EXPECT_TRUE(report.ok()) << report.error().to_string();
    EXPECT_EQ(report->rejected, 0u);
    backend = std::make_unique<local::LocalBackend>(shared);
  }
};

LocalScenario& local_scenario() {
  static LocalScenario* s = new LocalScenario();  // shared by the tests of this file
  return *s;
}

CollectorOptions fixed_clock() {
  CollectorOptions o;
  o.clock = [] { return kNow; };  // no budget can run out in a test
  return o;
}

std::string all_text(const RcaReport& r) {
  std::string s;
  for (const auto& sec : r.sections) s += "## " + sec.title + "\n" + sec.content + "\n";
  return s;
}

void expect_deploy_and_timeout_named(ObservabilityBackend& backend) {
  auto events = events_with_scenario_deploys();
  const auto& truth = shared_scenario().truth;
  std::vector<std::string> streamed;
  auto r = run_rca(
      backend, events.get(), "payments-api", {kNow - hours(1), kNow},
      [&](const Section& s) {
        streamed.push_back(s.title);
        return true;
      },
      fixed_clock());
  if (std::getenv("TINKR_PRINT_REPORT") != nullptr) std::cout << all_text(r);
  ASSERT_EQ(streamed.size(), 6u);
  EXPECT_EQ(streamed[0], "Summary");
  EXPECT_EQ(streamed[2], "Root Cause");

  ASSERT_FALSE(r.analysis.hypotheses.empty()) << all_text(r);
  const Hypothesis& top = r.analysis.hypotheses.front();
  EXPECT_EQ(top.kind, "deploy_regression") << all_text(r);
  EXPECT_EQ(top.service, truth.root_cause_service);
  EXPECT_EQ(top.version, truth.bad_version);
  EXPECT_EQ(top.mechanism, "timeout") << all_text(r);
  EXPECT_EQ(top.component, truth.root_cause_dependency) << all_text(r);
  ASSERT_TRUE(top.time.has_value());
  EXPECT_EQ(*top.time, truth.onset);
  EXPECT_EQ(r.analysis.first_failing_service, "payments-api") << all_text(r);
  ASSERT_TRUE(r.analysis.onset.has_value());
  EXPECT_GE(*r.analysis.onset, truth.onset);
  EXPECT_LT(*r.analysis.onset, truth.onset + minutes(3));
  EXPECT_EQ(r.analysis.confidence, ConfidenceLevel::kHigh) << all_text(r);

  const std::string root = r.sections[2].content;
  EXPECT_NE(root.find("Classification: deploy_regression"), std::string::npos) << root;
  EXPECT_NE(root.find("v2.15.0"), std::string::npos) << root;
  EXPECT_NE(root.find("fraud-check"), std::string::npos) << root;
  EXPECT_NE(root.find("timeout"), std::string::npos) << root;
  // Cites the deploy time and the marker line.
  EXPECT_NE(root.find(format_rfc3339(truth.onset, 0)), std::string::npos) << root;
  EXPECT_NE(root.find("Deploying payments-api v2.15.0"), std::string::npos) << root;
  EXPECT_NE(root.find("TimeoutError"), std::string::npos) << root;

  const std::string code = r.sections[3].content;
  EXPECT_NE(code.find("TimeoutError"), std::string::npos) << code;
  EXPECT_NE(code.find("fraud.py"), std::string::npos) << code;

  const std::string actions = r.sections[4].content;
  EXPECT_NE(actions.find("Roll back payments-api"), std::string::npos) << actions;
}

TEST(RcaReport, NamesTheDeployAndTheDependencyTimeoutOnTheScenario) {
  testing::ScenarioBackend backend(shared_scenario());
  expect_deploy_and_timeout_named(backend);
}

TEST(RcaReport, NamesTheDeployAndTheDependencyTimeoutThroughTheLocalBackend) {
  expect_deploy_and_timeout_named(*local_scenario().backend);
}

TEST(RcaReport, LocalBackendWithFailingMetricsStatesTheGap) {
  testing::FailingBackend backend(*local_scenario().backend, {"get_metrics"},
                                  make_error(ErrorCode::kUnavailable, "metrics API unreachable (test)"));
  auto events = events_with_scenario_deploys();
  auto r = run_rca(backend, events.get(), "payments-api", {kNow - hours(1), kNow}, {}, fixed_clock());
  ASSERT_EQ(r.sections.size(), 6u);
  EXPECT_NE(r.sections[5].content.find("metrics API unreachable (test)"), std::string::npos) << r.sections[5].content;
  ASSERT_FALSE(r.analysis.hypotheses.empty());
  EXPECT_EQ(r.analysis.hypotheses.front().kind, "deploy_regression") << all_text(r);
}

TEST(RcaReport, MetricsFailureStillGivesAReportWithTheGapStated) {
  testing::ScenarioBackend inner(shared_scenario());
  testing::FailingBackend backend(inner, {"get_metrics"},
                                  make_error(ErrorCode::kUnavailable, "metrics API unreachable (test)"));
  auto events = events_with_scenario_deploys();
  auto r = run_rca(backend, events.get(), "payments-api", {kNow - hours(1), kNow}, {}, fixed_clock());
  ASSERT_EQ(r.sections.size(), 6u);
  EXPECT_TRUE(r.bundle.has_gap("metrics error_rate"));
  EXPECT_TRUE(r.bundle.has_gap("metrics latency_p99"));
  const std::string conf = r.sections[5].content;
  EXPECT_NE(conf.find("metrics API unreachable (test)"), std::string::npos) << conf;
  EXPECT_NE(conf.find("metrics latency_p99"), std::string::npos) << conf;
  ASSERT_FALSE(r.analysis.hypotheses.empty());
  EXPECT_EQ(r.analysis.hypotheses.front().kind, "deploy_regression") << all_text(r);

  // Everything failing: still six sections, low confidence, nothing claimed.
  testing::FailingBackend dead(inner, {"get_metrics", "get_traces", "query_logs", "log_volume", "detect_anomalies"},
                               make_error(ErrorCode::kUnavailable, "backend down (test)"));
  auto d = run_rca(dead, nullptr, "payments-api", {kNow - hours(1), kNow}, {}, fixed_clock());
  ASSERT_EQ(d.sections.size(), 6u);
  EXPECT_EQ(d.analysis.confidence, ConfidenceLevel::kLow);
  EXPECT_TRUE(d.analysis.hypotheses.empty()) << all_text(d);
  EXPECT_TRUE(d.bundle.has_gap("events store"));
  EXPECT_NE(d.sections[5].content.find("backend down (test)"), std::string::npos);
}

TEST(RcaReport, SinkCanStopTheStream) {
  testing::ScenarioBackend backend(shared_scenario());
  int seen = 0;
  auto r = run_rca(
      backend, nullptr, "payments-api", {kNow - hours(1), kNow}, [&](const Section&) { return ++seen < 2; },
      fixed_clock());
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(r.sections.size(), 2u);
}

TEST(RcaReport, BundleIsJsonSerialisable) {
  testing::ScenarioBackend backend(shared_scenario());
  auto events = events_with_scenario_deploys();
  EvidenceCollector c(backend, events.get(), fixed_clock());
  auto b = c.collect("payments-api", {kNow - hours(1), kNow});
  auto text = boost::json::serialize(to_json(b));
  auto v = boost::json::parse(text);
  ASSERT_TRUE(v.is_object());
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("service").as_string(), "payments-api");
  EXPECT_FALSE(o.at("changes").as_array().empty());
  EXPECT_FALSE(o.at("patterns").as_array().empty());
  EXPECT_FALSE(o.at("hotspots").as_array().empty());
  EXPECT_TRUE(o.at("gaps").is_array());
  EXPECT_EQ(o.at("incident").as_object().at("to").as_string(), format_rfc3339(kNow));
}

TEST(RcaReport, QuietServiceGivesNoCause) {
  testing::ScenarioBackend backend(shared_scenario());
  auto events = events_with_scenario_deploys();
  // inventory-service in the hour before the incident: nothing happened.
  auto r = run_rca(backend, events.get(), "inventory-service", {kNow - hours(2), kNow - hours(1)}, {}, fixed_clock());
  for (const auto& h : r.analysis.hypotheses) EXPECT_NE(h.kind, "deploy_regression") << all_text(r);
  EXPECT_NE(r.analysis.confidence, ConfidenceLevel::kHigh) << all_text(r);
}

}  // namespace
}  // namespace tinkr::rca
