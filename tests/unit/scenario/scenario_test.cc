#include "scenario/scenario.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/json.h"

namespace tinkr::scenario {
namespace {

Timestamp fixed_now() { return *parse_rfc3339("2026-11-23T12:00:00Z"); }

const Scenario& shared() {
  static const Scenario s = generate({.now = fixed_now()});
  return s;
}

TEST(Scenario, IsDeterministic) {
  Scenario a = generate({.now = fixed_now(), .volume = 0.2});
  Scenario b = generate({.now = fixed_now(), .volume = 0.2});
  EXPECT_EQ(a.logs, b.logs);
  EXPECT_EQ(a.metrics, b.metrics);
  EXPECT_EQ(a.traces, b.traces);
  Scenario c = generate({.now = fixed_now(), .seed = 7, .volume = 0.2});
  EXPECT_NE(a.logs, c.logs);
}

TEST(Scenario, ModerateVolumeInRangeAndSorted) {
  const Scenario& s = shared();
  EXPECT_GT(s.logs.size(), 20000u);
  EXPECT_LT(s.logs.size(), 80000u);
  EXPECT_GT(s.traces.size(), 1000u);
  EXPECT_EQ(s.services,
            (std::vector<std::string>{"auth-service", "inventory-service", "order-service", "payments-api"}));
  for (size_t i = 0; i < s.logs.size(); ++i) {
    ASSERT_TRUE(s.range.contains(s.logs[i].time));
    if (i) {
      ASSERT_LE(s.logs[i - 1].time, s.logs[i].time);
    }
  }
  EXPECT_EQ(s.metrics.size(), 4u * 6u);
  for (const auto& m : s.metrics) EXPECT_EQ(m.points.size(), 180u) << m.name;
}

TEST(Scenario, GroundTruthHolds) {
  const Scenario& s = shared();
  EXPECT_EQ(s.truth.onset, fixed_now() - std::chrono::minutes(45));
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].kind, "deploy");
  EXPECT_EQ(s.events[0].time, s.truth.onset);
  EXPECT_EQ(s.events[0].attributes.at("version"), "v2.15.0");
  size_t before_errors = 0, before = 0, timeouts_before = 0, timeouts_after = 0, order_errors_after = 0;
  bool deploy_line = false;
  for (const auto& e : s.logs) {
    bool timeout = e.message.find("TimeoutError") != std::string::npos;
    if (e.time < s.truth.onset) {
      ++before;
      if (e.level >= Level::kError) ++before_errors;
      if (timeout) ++timeouts_before;
    } else {
      if (timeout && e.service == "payments-api") ++timeouts_after;
      if (e.service == "order-service" && e.level >= Level::kError) ++order_errors_after;
    }
    if (e.message == "Deploying payments-api v2.15.0 (previous v2.14.0)") deploy_line = true;
  }
  EXPECT_TRUE(deploy_line);
  EXPECT_EQ(timeouts_before, 0u);
  EXPECT_GT(timeouts_after, 300u);
  EXPECT_GT(order_errors_after, 300u);
  EXPECT_LT(static_cast<double>(before_errors) / before, 0.01);
  // A python stack trace is in the message.
  auto it = std::find_if(s.logs.begin(), s.logs.end(), [](const LogEntry& e) {
    return e.message.find("Traceback (most recent call last):") != std::string::npos;
  });
  ASSERT_NE(it, s.logs.end());
  EXPECT_NE(it->message.find("TimeoutError: fraud-check request timed out after 5000ms"), std::string::npos);
}

TEST(Scenario, LatencyAndSlowTraces) {
  const Scenario& s = shared();
  for (const auto& m : s.metrics) {
    if (m.name != "http_server_latency_p99" || m.labels.at("service") != "payments-api") continue;
    double before = 0, after = 0;
    for (const auto& p : m.points) {
      double& slot = p.time < s.truth.onset - std::chrono::minutes(5) ? before : after;
      slot = std::max(slot, p.value);
    }
    EXPECT_LT(before, 1000);
    EXPECT_GT(after, 4900);
  }
  const Trace* slowest = nullptr;
  for (const auto& t : s.traces)
    if (!slowest || t.duration > slowest->duration) slowest = &t;
  ASSERT_NE(slowest, nullptr);
  EXPECT_GE(slowest->duration, std::chrono::milliseconds(5000));
  EXPECT_TRUE(slowest->has_error);
  EXPECT_GE(slowest->start, s.truth.onset);
  EXPECT_EQ(slowest->root_service, "order-service");
}

TEST(Scenario, WritesOtlpJson) {
  Scenario s = generate({.now = fixed_now(), .volume = 0.3});
  auto dir = std::filesystem::temp_directory_path() / ("tinkr_scenario_" + std::to_string(::getpid()));
  ASSERT_TRUE(write_otlp(s, dir).ok());
  for (const char* f : {"logs.json", "metrics.json", "traces.json", "events.json"}) {
    std::ifstream in(dir / f);
    std::stringstream ss;
    ss << in.rdbuf();
    auto v = parse_json(ss.str());
    ASSERT_TRUE(v.ok()) << f;
  }
  std::ifstream in(dir / "traces.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto v = *parse_json(ss.str());
  const auto& rs = v.as_object().at("resourceSpans").as_array().at(0);
  const auto& ss0 = rs.as_object().at("scopeSpans").as_array().at(0);
  const auto& span = ss0.as_object().at("spans").as_array().at(0).as_object();
  EXPECT_TRUE(span.at("startTimeUnixNano").is_string());
  EXPECT_TRUE(span.at("kind").is_int64());
  EXPECT_EQ(span.at("traceId").as_string().size(), 32u);
  std::filesystem::remove_all(dir);
}

TEST(Scenario, OpenMetricsRendering) {
  MetricSeries m{"http.rate", "req/s", {{"service", "a\"b"}}, {{from_unix_nanos(1'700'000'000'000'000'000), 1.5}}};
  std::string text = render_openmetrics({m});
  EXPECT_EQ(text, "# TYPE http_rate gauge\nhttp_rate{service=\"a\\\"b\"} 1.5 1700000000\n# EOF\n");
}

}  // namespace
}  // namespace tinkr::scenario
