#include "analysis/diff.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "analysis/anomaly_json.h"

namespace tinkr::diff {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Timestamp at(const char* text) { return *parse_rfc3339(text); }

TEST(Diff, WindowsFollowTheCommandDefaults) {
  const auto w = diff_windows(at("2026-11-23T12:00:00Z"), hours(2), hours(1));
  EXPECT_EQ(w.compare, (TimeRange{at("2026-11-23T11:00:00Z"), at("2026-11-23T12:00:00Z")}));
  EXPECT_EQ(w.baseline, (TimeRange{at("2026-11-23T09:00:00Z"), at("2026-11-23T10:00:00Z")}));
}

TEST(Diff, MetricChangesHaveDirection) {
  auto up = compare_values("error_count", "", 12.0, 847.0);
  EXPECT_EQ(up.direction, Direction::kUp);
  EXPECT_NEAR(*up.percent_change, 6958.33, 0.01);
  EXPECT_EQ(up.absolute_change, 835);
  auto down = compare_values("request_rate", "req/min", 1240.0, 1190.0);
  EXPECT_EQ(down.direction, Direction::kFlat);  // −4% is within the 5% band
  EXPECT_EQ(compare_values("x", "", 100.0, 80.0).direction, Direction::kDown);
  auto from_zero = compare_values("x", "", 0.0, 3.0);
  EXPECT_FALSE(from_zero.percent_change.has_value());
  EXPECT_EQ(from_zero.direction, Direction::kUp);

  MetricSeries b, c;
  b.name = c.name = "latency_p99";
  b.unit = c.unit = "s";
  b.points = {{at("2026-11-23T09:00:00Z"), 0.3}, {at("2026-11-23T09:01:00Z"), 0.34}};
  c.points = {{at("2026-11-23T11:00:00Z"), 3.2}};
  const auto rows = diff_metrics({b}, {c}, stats::Aggregation::kMean);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NEAR(*rows[0].baseline, 0.32, 1e-12);
  EXPECT_NEAR(*rows[0].percent_change, 900, 1e-9);
}

TEST(Diff, PatternsAreMarked) {
  using anomaly::TemplateCount;
  const std::vector<TemplateCount> baseline{{"p1", "Request processed", Level::kInfo, 1240},
                                            {"p2", "Validation failed", Level::kError, 12},
                                            {"p3", "Cache warm", Level::kInfo, 300}};
  const std::vector<TemplateCount> compare{{"p1", "Request processed", Level::kInfo, 1190},
                                           {"p4", "Payment charge failed: card_declined", Level::kError, 847},
                                           {"p5", "Stripe API timeout", Level::kError, 203},
                                           {"p3", "Cache warm", Level::kInfo, 100}};
  const auto rows = diff_patterns(baseline, compare, hours(1), hours(1));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].id, "p4");
  EXPECT_EQ(mark_symbol(rows[0].mark), '+');
  EXPECT_TRUE(rows[0].is_new);
  EXPECT_EQ(rows[1].id, "p5");
  EXPECT_EQ(rows[2].id, "p3");
  EXPECT_EQ(mark_symbol(rows[2].mark), '-');
  EXPECT_EQ(rows[3].id, "p2");
  EXPECT_TRUE(rows[3].is_gone);
  EXPECT_EQ(rows[4].id, "p1");
  EXPECT_EQ(mark_symbol(rows[4].mark), '~');
}

TEST(Diff, PatternCountsAreNormalisedByWindowLength) {
  using anomaly::TemplateCount;
  // 200 in a 2h baseline is 100 per hour: 110 in the 1h compare window is unchanged.
  const auto rows = diff_patterns({{"p", "x", Level::kInfo, 200}}, {{"p", "x", Level::kInfo, 110}}, hours(2), hours(1));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].mark, PatternMark::kUnchanged);
}

TEST(Diff, JsonShape) {
  DiffReport r;
  r.service = "payments-api";
  r.windows = diff_windows(at("2026-11-23T12:00:00Z"), hours(2), hours(1));
  r.metrics.push_back(compare_values("error_count", "", 12.0, 847.0));
  r.patterns = diff_patterns({}, {{"p4", "Stripe API timeout", Level::kError, 203}}, hours(1), hours(1));
  r.unavailable.push_back({"cpu", make_error(ErrorCode::kUnimplemented, "no cpu alias")});
  const auto j = to_json(r);
  EXPECT_EQ(j.at("metrics").at(0).at("direction").as_string(), "up");
  EXPECT_EQ(j.at("patterns").at(0).at("mark").as_string(), "+");
  EXPECT_EQ(j.at("unavailable").at(0).at("error").as_string(), "unimplemented");
  EXPECT_EQ(j.at("baseline").at("from").as_string(), "2026-11-23T09:00:00Z");

  anomaly::AnomalyReport ar;
  ar.service = "payments-api";
  ar.slot = minutes(10);
  Anomaly a;
  a.kind = "error_spike";
  ar.anomalies.push_back(a);
  ar.unavailable.push_back({"memory", make_error(ErrorCode::kBackend, "boom")});
  const auto aj = anomaly::to_json(ar);
  EXPECT_EQ(aj.at("anomalies").at(0).at("kind").as_string(), "error_spike");
  EXPECT_EQ(aj.at("slot").as_string(), "10m");
  EXPECT_EQ(aj.at("unavailable").at(0).at("signal").as_string(), "memory");
}

}  // namespace
}  // namespace tinkr::diff
