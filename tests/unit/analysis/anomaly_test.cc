// Anomaly detection: the pure detectors over realistic series (daily
// seasonality, real spikes, tiny counts, traffic drops) and the shared
// backend-driven detector over an in-memory backend.
#include "analysis/anomaly.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>

#include "analysis/anomaly_new_pattern.h"

namespace tinkr::anomaly {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Timestamp at(const char* text) { return *parse_rfc3339(text); }

// Deterministic noise in [-0.5, 0.5).
double noise(uint64_t i) { return static_cast<double>((i * 2654435761ULL) % 1000) / 1000.0 - 0.5; }

bool in_daily(Timestamp t, int from_minute, int to_minute) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const auto m = std::chrono::duration_cast<minutes>(t - day).count();
  return m >= from_minute && m < to_minute;
}

// Eight days of per-minute p99 latency (seconds) ending at `end`, with a daily
// peak 12:00–12:30 UTC (0.2s normally, 0.5s at the peak) and ±5ms of noise.
MetricSeries seasonal_latency(Timestamp end) {
  MetricSeries s;
  s.name = "latency_p99";
  s.unit = "s";
  uint64_t i = 0;
  for (Timestamp t = end - hours(24 * 8); t < end; t += minutes(1), ++i) {
    const double base = in_daily(t, 12 * 60, 12 * 60 + 30) ? 0.5 : 0.2;
    s.points.push_back({t, base + 0.01 * noise(i)});
  }
  return s;
}

SignalSpec latency_spec() {
  SignalSpec spec;
  spec.metric = "latency_p99";
  spec.kind_up = "latency";
  spec.unit = "s";
  spec.min_delta = 0.05;
  return spec;
}

TEST(Anomaly, DailyPeakIsNotAnIncident) {
  const Timestamp end = at("2026-11-23T13:00:00Z");
  const TimeRange window{at("2026-11-23T12:00:00Z"), end};
  const auto found = detect_in_series(seasonal_latency(end), window, latency_spec(), "payments-api");
  EXPECT_TRUE(found.empty()) << found.front().reason;
}

TEST(Anomaly, DailyPeakWithoutSeasonalHistoryIsFlagged) {
  // The same peak with only two hours of history looks like a rise: this is
  // what the seasonal baseline protects against.
  const Timestamp end = at("2026-11-23T13:00:00Z");
  MetricSeries s = seasonal_latency(end);
  std::erase_if(s.points, [&](const MetricPoint& p) { return p.time < end - hours(3); });
  const auto found = detect_in_series(s, {at("2026-11-23T12:00:00Z"), end}, latency_spec(), "payments-api");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "latency");
}

TEST(Anomaly, RealLatencySpikeOnTopOfSeasonalityIsFlagged) {
  const Timestamp end = at("2026-11-23T13:00:00Z");
  MetricSeries s = seasonal_latency(end);
  for (auto& p : s.points)
    if (p.time >= at("2026-11-23T12:40:00Z") && p.time < at("2026-11-23T12:50:00Z")) p.value = 3.2;
  const auto found = detect_in_series(s, {at("2026-11-23T12:00:00Z"), end}, latency_spec(), "payments-api");
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.kind, "latency");
  EXPECT_EQ(a.metric, "latency_p99");
  EXPECT_GE(a.severity, Severity::kHigh);
  EXPECT_EQ(a.start, at("2026-11-23T12:40:00Z"));
  EXPECT_EQ(a.end, at("2026-11-23T12:50:00Z"));
  EXPECT_NEAR(a.observed, 3.2, 1e-9);
  EXPECT_NEAR(a.baseline, 0.2, 0.01);  // the 12:40 slot is off-peak every day
  EXPECT_NE(a.reason.find("latency_p99 3.2s vs baseline 20"), std::string::npos) << a.reason;
}

// Error counts per minute: `per_slot` errors every 10 minutes spread over the
// slot (one point per minute), for `days` days.
MetricSeries error_counts(Timestamp end, double per_ten_minutes, Nanos history) {
  MetricSeries s;
  s.name = "error_count";
  uint64_t i = 0;
  for (Timestamp t = end - history; t < end; t += minutes(1), ++i) {
    s.points.push_back({t, per_ten_minutes / 10.0});
  }
  return s;
}

SignalSpec error_spec() {
  SignalSpec spec;
  spec.metric = "error_count";
  spec.kind_up = "error_spike";
  spec.aggregation = stats::Aggregation::kSum;
  spec.is_count = true;
  spec.noun = "errors";
  spec.min_volume = 10;
  spec.min_delta = 5;
  spec.rise_ratios = {2, 4, 10, 50};
  return spec;
}

TEST(Anomaly, ThreeErrorsAgainstOneIsNotASpike) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MetricSeries s = error_counts(end, 1, hours(3));
  // The last slot holds three errors: 200% more, and still nothing.
  for (auto& p : s.points)
    if (p.time >= end - minutes(10)) p.value = 0.3;
  EXPECT_TRUE(detect_in_series(s, {end - hours(1), end}, error_spec(), "svc").empty());
  // Even without the volume guard, Poisson noise keeps it quiet.
  SignalSpec unguarded = error_spec();
  unguarded.min_volume = 0;
  unguarded.min_delta = 0;
  EXPECT_TRUE(detect_in_series(s, {end - hours(1), end}, unguarded, "svc").empty());
}

TEST(Anomaly, ErrorSpikeReasonIsInNumbers) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MetricSeries s;
  uint64_t i = 0;
  for (Timestamp t = end - hours(3); t < end; t += minutes(10), ++i)
    s.points.push_back({t, 12 + std::round(8 * noise(i))});
  s.points.back().value = 847;
  const auto found = detect_in_series(s, {end - hours(1), end}, error_spec(), "payments-api");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "error_spike");
  EXPECT_EQ(found[0].severity, Severity::kCritical);
  EXPECT_EQ(found[0].reason.rfind("847 errors in 10m vs baseline 12", 0), 0u) << found[0].reason;
  EXPECT_EQ(found[0].start, end - minutes(10));
}

MetricSeries request_rate(Timestamp end, Nanos history) {
  MetricSeries s;
  s.name = "request_rate";
  s.unit = "req/s";
  uint64_t i = 0;
  for (Timestamp t = end - history; t < end; t += minutes(1), ++i) s.points.push_back({t, 120 + 6 * noise(i)});
  return s;
}

SignalSpec rate_spec() {
  SignalSpec spec;
  spec.metric = "request_rate";
  spec.kind_up = "request_rate_spike";
  spec.kind_down = "request_rate_drop";
  spec.unit = "req/s";
  spec.min_volume = 0.1;
  spec.rise_ratios = {2, 3, 5, 10};
  return spec;
}

TEST(Anomaly, RequestRateDropIsFlagged) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MetricSeries s = request_rate(end, hours(24 * 8));
  for (auto& p : s.points)
    if (p.time >= end - minutes(20)) p.value = 9;
  const auto found = detect_in_series(s, {end - hours(1), end}, rate_spec(), "checkout");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, "request_rate_drop");
  EXPECT_EQ(found[0].severity, Severity::kHigh);  // 7.5% of normal traffic
  EXPECT_EQ(found[0].start, end - minutes(20));
  EXPECT_NE(found[0].reason.find("\u22129"), std::string::npos) << found[0].reason;
}

TEST(Anomaly, TrafficGoingToZeroIsCritical) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MetricSeries s = request_rate(end, hours(3));
  for (auto& p : s.points)
    if (p.time >= end - minutes(10)) p.value = 0;
  const auto found = detect_in_series(s, {end - hours(1), end}, rate_spec(), "checkout");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::kCritical);
  EXPECT_NE(found[0].reason.find("no traffic"), std::string::npos);
}

TEST(Anomaly, SteadyTrafficGivesNothing) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  EXPECT_TRUE(detect_in_series(request_rate(end, hours(24 * 8)), {end - hours(1), end}, rate_spec(), "x").empty());
}

TEST(Anomaly, SaturationAboveAbsoluteLevelIsFlaggedEvenWhenSteady) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MetricSeries s;
  s.unit = "%";
  for (Timestamp t = end - hours(3); t < end; t += minutes(1)) s.points.push_back({t, 98});
  SignalSpec spec;
  spec.metric = "cpu";
  spec.kind_up = "saturation";
  spec.unit = "%";
  spec.absolute_high = 90;
  spec.absolute_critical = 97;
  spec.absolute_alone = true;
  const auto found = detect_in_series(s, {end - hours(1), end}, spec, "x");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::kCritical);
}

TEST(Anomaly, NoBaselineMeansNoVerdict) {
  const Timestamp end = at("2026-11-23T09:00:00Z");
  MetricSeries s;
  for (Timestamp t = end - hours(1); t < end; t += minutes(1)) s.points.push_back({t, 1000});
  EXPECT_TRUE(detect_in_series(s, {end - hours(1), end}, error_spec(), "x").empty());
}

TEST(Anomaly, FormatValue) {
  EXPECT_EQ(format_value(0.32, "s"), "320ms");
  EXPECT_EQ(format_value(3.2, "s"), "3.2s");
  EXPECT_EQ(format_value(1240, "ms"), "1.24s");
  EXPECT_EQ(format_value(82, "%"), "82%");
  EXPECT_EQ(format_value(0.125, "ratio"), "12.5%");
  EXPECT_EQ(format_value(3 * 1024 * 1024, "By"), "3 MiB");
  EXPECT_EQ(format_value(1240, "req/s"), "1240 req/s");
  EXPECT_EQ(format_value(302400, ""), "302.4k");
}

TEST(NewPattern, TemplateAbsentFromBaselineIsAnAnomaly) {
  const TimeRange window{at("2026-11-23T08:00:00Z"), at("2026-11-23T09:00:00Z")};
  const std::vector<TemplateCount> baseline{{"t1", "Request processed in <*>ms", Level::kInfo, 12000},
                                            {"t2", "Validation failed: <*>", Level::kError, 12}};
  const std::vector<TemplateCount> current{{"t1", "Request processed in <*>ms", Level::kInfo, 11800},
                                           {"t3", "Payment charge failed: card_declined", Level::kError, 847},
                                           {"t4", "Stripe API timeout", Level::kError, 40},
                                           {"t5", "cache miss <*>", Level::kDebug, 2}};
  const auto found = detect_new_patterns(current, baseline, window, "payments-api");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].metric, "t3");
  EXPECT_EQ(found[0].severity, Severity::kHigh);
  EXPECT_EQ(found[0].kind, "new_pattern");
  EXPECT_EQ(found[0].reason, "new ERROR pattern: 847 occurrences in 1h, none in the baseline");
  EXPECT_EQ(found[1].metric, "t4");
  EXPECT_EQ(found[1].severity, Severity::kMedium);
}

}  // namespace
}  // namespace tinkr::anomaly
