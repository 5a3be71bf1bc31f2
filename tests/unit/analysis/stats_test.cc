#include "analysis/stats.h"

#include <gtest/gtest.h>

namespace tinkr::stats {
namespace {

TEST(Stats, MedianMadQuantile) {
  const std::vector<double> v{1, 2, 3, 4, 100};
  EXPECT_EQ(*median(v), 3);
  EXPECT_EQ(*mad(v), 1);
  EXPECT_EQ(*median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(*quantile(v, 0.5), 3);
  EXPECT_DOUBLE_EQ(*quantile(std::vector<double>{0, 10}, 0.25), 2.5);
  EXPECT_FALSE(median({}).has_value());
  EXPECT_FALSE(mad({}).has_value());
  EXPECT_DOUBLE_EQ(*mean(v), 22);
  const auto s = *robust_summary(v);
  EXPECT_EQ(s.median, 3);
  EXPECT_NEAR(s.sigma, kMadToSigma, 1e-12);  // the outlier does not move it
}

TEST(Stats, SlotValuesDistinguishNoDataFromZero) {
  MetricSeries s;
  const Timestamp t0 = *parse_rfc3339("2026-11-23T09:00:00Z");
  s.points = {{t0, 1}, {t0 + std::chrono::minutes(1), 2}, {t0 + std::chrono::minutes(25), 0}};
  const auto sums = slot_values(s, t0, std::chrono::minutes(10), 3, Aggregation::kSum);
  ASSERT_EQ(sums.size(), 3u);
  EXPECT_EQ(*sums[0], 3);
  EXPECT_FALSE(sums[1].has_value());
  EXPECT_EQ(*sums[2], 0);
  const auto means = slot_values(s, t0, std::chrono::minutes(10), 3, Aggregation::kMean);
  EXPECT_EQ(*means[0], 1.5);
  const auto maxes = slot_values(s, t0, std::chrono::minutes(10), 1, Aggregation::kMax);
  EXPECT_EQ(*maxes[0], 2);
  const std::vector<std::vector<std::optional<double>>> parts{sums, {std::nullopt, 4.0}};
  const auto added = add_slots(parts);
  EXPECT_EQ(*added[0], 3);
  EXPECT_EQ(*added[1], 4);
  EXPECT_EQ(present(added).size(), 3u);
}

}  // namespace
}  // namespace tinkr::stats
