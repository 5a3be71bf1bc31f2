// The shared backend-driven detector over an in-memory backend: it fetches log
// volume and metrics through the interface, skips signals the backend lacks
// and records them, and gives the same answer for the same data.
#include "analysis/anomaly_detect.h"

#include <gtest/gtest.h>

#include <map>

namespace tinkr {

// test_analysis links tinkr_analysis only, not tinkr_backends where this
// default lives (backends/backend.cc); the fake below needs the base vtable,
// so the test provides the same one-line definition.
Result<std::vector<Anomaly>> ObservabilityBackend::detect_anomalies(const AnomalyQuery& q) {
  return anomaly::detect_anomalies(*this, q);
}

namespace {

using std::chrono::hours;
using std::chrono::minutes;

Timestamp at(const char* text) { return *parse_rfc3339(text); }

// Holds per-minute log counts by level and per-minute metric series; answers
// range queries by filtering and re-bucketing, as a backend's aggregation would.
class MemoryBackend : public ObservabilityBackend {
 public:
  std::map<std::string, MetricSeries> volume_by_level;  // "ERROR" → counts per minute
  std::map<std::string, MetricSeries> metrics;          // alias → series
  int log_volume_calls = 0;

  std::string_view name() const override { return "memory"; }
  Result<std::vector<LogEntry>> query_logs(const LogQuery&) override { return std::vector<LogEntry>{}; }
  Result<std::vector<Trace>> get_traces(const TraceQuery&) override { return std::vector<Trace>{}; }
  Result<Trace> get_trace(std::string_view) override { return make_error(ErrorCode::kNotFound, "no"); }
  Result<std::vector<std::string>> list_services(const TimeRange&) override { return std::vector<std::string>{}; }
  Result<std::string> explain_logs(const LogQuery&) override { return std::string(); }
  Status check() override { return ok_status(); }

  Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery& q) override {
    ++log_volume_calls;
    std::vector<MetricSeries> out;
    for (const auto& [level, s] : volume_by_level) {
      MetricSeries b;
      b.name = "log_count";
      b.labels = {{"level", level}};
      std::map<Timestamp, double> buckets;
      for (const auto& p : s.points) {
        if (!q.range.contains(p.time)) continue;
        buckets[q.range.from + (p.time - q.range.from) / q.bucket * q.bucket] += p.value;
      }
      for (const auto& [t, v] : buckets) b.points.push_back({t, v});
      out.push_back(std::move(b));
    }
    return out;
  }

  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) override {
    auto it = metrics.find(q.metric);
    if (it == metrics.end())
      return make_error(ErrorCode::kUnimplemented, "metric alias '" + q.metric + "' is not mapped for this backend");
    MetricSeries s = it->second;
    std::erase_if(s.points, [&](const MetricPoint& p) { return !q.range.contains(p.time); });
    return std::vector<MetricSeries>{s};
  }
};

double wobble(int i) { return static_cast<double>((i * 7919) % 11) - 5.0; }

MemoryBackend incident_backend(Timestamp end) {
  MemoryBackend b;
  MetricSeries info, error, latency;
  latency.unit = "s";
  int i = 0;
  for (Timestamp t = end - hours(24 * 8); t < end; t += minutes(1), ++i) {
    info.points.push_back({t, 600 + wobble(i)});
    // ~12 errors per 10 minutes; 847 in the last ten minutes.
    const bool incident = t >= end - minutes(10);
    error.points.push_back({t, incident ? 84.7 : 1.2});
    latency.points.push_back({t, incident ? 3.2 : 0.32 + 0.001 * wobble(i)});
  }
  b.volume_by_level = {{"INFO", info}, {"ERROR", error}};
  b.metrics = {{"latency_p99", latency}};
  return b;
}

TEST(AnomalyDetect, FindsTheIncidentAndRecordsMissingSignals) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MemoryBackend b = incident_backend(end);
  AnomalyQuery q;
  q.service = "payments-api";
  q.range = {end - hours(1), end};
  auto report = anomaly::run_anomaly_detection(b, q);
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->slot, minutes(10));
  EXPECT_EQ(b.log_volume_calls, 3);  // lookback+window, yesterday, last week

  std::map<std::string, const Anomaly*> by_metric;
  for (const auto& a : report->anomalies) by_metric[a.metric] = &a;
  ASSERT_TRUE(by_metric.contains("error_count"));
  EXPECT_EQ(by_metric["error_count"]->kind, "error_spike");
  EXPECT_EQ(by_metric["error_count"]->reason.rfind("847 errors in 10m vs baseline 12", 0), 0u)
      << by_metric["error_count"]->reason;
  ASSERT_TRUE(by_metric.contains("log_error_rate"));
  ASSERT_TRUE(by_metric.contains("latency_p99"));
  EXPECT_EQ(by_metric["latency_p99"]->kind, "latency");
  for (const auto& a : report->anomalies) EXPECT_EQ(a.service, "payments-api");

  std::vector<std::string> missing;
  for (const auto& u : report->unavailable) missing.push_back(u.signal);
  EXPECT_EQ(missing, (std::vector<std::string>{"request_rate", "error_rate", "cpu", "memory"}));
  EXPECT_EQ(report->unavailable[0].error.code, ErrorCode::kUnimplemented);
}

TEST(AnomalyDetect, SameDataSameAnswerAndSeverityFilter) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MemoryBackend b = incident_backend(end);
  AnomalyQuery q;
  q.service = "payments-api";
  q.range = {end - hours(1), end};
  auto first = anomaly::detect_anomalies(b, q);
  auto second = b.detect_anomalies(q);  // the interface's default goes to the same detector
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  q.min_severity = Severity::kCritical;
  auto critical = anomaly::detect_anomalies(b, q);
  ASSERT_TRUE(critical.ok());
  for (const auto& a : *critical) EXPECT_EQ(a.severity, Severity::kCritical);
}

TEST(AnomalyDetect, QuietServiceHasNoAnomalies) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MemoryBackend b =
      incident_backend(end - hours(2));  // the incident was two hours before the window… and data ends there
  for (auto& [level, s] : b.volume_by_level) {
    for (Timestamp t = end - hours(2); t < end; t += minutes(1)) s.points.push_back({t, level == "INFO" ? 600 : 1.2});
  }
  AnomalyQuery q;
  q.range = {end - minutes(30), end};
  auto found = anomaly::detect_anomalies(b, q);
  ASSERT_TRUE(found.ok());
  for (const auto& a : *found) ADD_FAILURE() << a.metric << ": " << a.reason;
}

TEST(AnomalyDetect, EverySignalMissingIsAnError) {
  class Down : public MemoryBackend {
    Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery&) override {
      return make_error(ErrorCode::kUnavailable, "loki at 127.0.0.1:3100 refused the connection");
    }
  } b;
  AnomalyQuery q;
  q.range = {at("2026-11-23T08:00:00Z"), at("2026-11-23T09:00:00Z")};
  auto r = anomaly::detect_anomalies(b, q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("refused"), std::string::npos);
}

TEST(AnomalyDetect, TemplateCounterFeedsNewPatterns) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MemoryBackend b = incident_backend(end);
  anomaly::AnomalyDetectionOptions opt;
  opt.metrics.clear();
  opt.count_templates = [&](const std::string&, const TimeRange& r) -> Result<std::vector<anomaly::TemplateCount>> {
    std::vector<anomaly::TemplateCount> out{{"t1", "Request processed", Level::kInfo, 5000}};
    if (r.to == end) out.push_back({"t9", "Stripe API timeout", Level::kError, 203});
    return out;
  };
  AnomalyQuery q;
  q.range = {end - hours(1), end};
  auto report = anomaly::run_anomaly_detection(b, q, opt);
  ASSERT_TRUE(report.ok());
  bool found = false;
  for (const auto& a : report->anomalies) found = found || (a.kind == "new_pattern" && a.metric == "t9");
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace tinkr
