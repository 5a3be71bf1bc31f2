#include "analysis/slo.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tinkr::slo {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Timestamp at(const char* text) { return *parse_rfc3339(text); }

// 30 days of hourly buckets: 420 requests per hour (302,400 in all) and
// `errors_per_hour` errors, plus `recent_errors` in the last hour.
SloInput steady(double errors_per_hour, double recent_errors) {
  SloInput in;
  in.end = at("2026-11-23T09:00:00Z");
  for (Timestamp t = in.end - hours(24 * 30); t < in.end - hours(1); t += hours(1)) {
    in.requests.points.push_back({t, 420});
    in.errors.points.push_back({t, errors_per_hour});
  }
  // The last hour in 5-minute buckets, as the backend path fetches it.
  for (Timestamp t = in.end - hours(1); t < in.end; t += minutes(5)) {
    in.requests.points.push_back({t, 35});
    in.errors.points.push_back({t, recent_errors / 12});
  }
  return in;
}

TEST(Slo, AvailabilityBudgetAndBurnRates) {
  auto r = compute_slo(steady(847.0 / 720.0, 847.0 / 720.0));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_DOUBLE_EQ(r->requests, 302400);
  EXPECT_NEAR(r->errors, 847, 1e-6);
  ASSERT_TRUE(r->availability_percent.has_value());
  EXPECT_NEAR(*r->availability_percent, 99.71990, 1e-4);
  EXPECT_NEAR(r->budget_minutes, 43.2, 1e-9);  // 30d × 0.1%
  EXPECT_NEAR(r->consumed_percent, 280.09, 0.01);
  EXPECT_LT(r->remaining_minutes, 0);
  EXPECT_EQ(r->status, "exhausted");
  ASSERT_EQ(r->burn_rates.size(), 7u);
  EXPECT_EQ(r->burn_rates[2].window, hours(1));
  EXPECT_NEAR(r->burn_rates[2].burn_rate, 2.80, 0.01);
  ASSERT_TRUE(r->burn_rates[2].time_to_exhaustion.has_value());
  EXPECT_EQ(*r->burn_rates[2].time_to_exhaustion, Nanos(0));  // nothing left to burn
}

TEST(Slo, FastBurnPagesAndGivesTimeToExhaustion) {
  // A quiet month, then 8% errors in the last hour (burn 80× at 99.9%).
  auto r = compute_slo(steady(0, 0.08 * 420));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, "critical");
  const auto& page = r->alerts[0];
  EXPECT_EQ(page.severity, "page");
  EXPECT_DOUBLE_EQ(page.threshold, 14.4);
  EXPECT_TRUE(page.firing);
  const BurnRate& one_hour = r->burn_rates[2];
  EXPECT_NEAR(one_hour.burn_rate, 80, 1e-9);
  EXPECT_EQ(one_hour.status, "critical");
  ASSERT_TRUE(one_hour.time_to_exhaustion.has_value());
  // Remaining ≈ 1 − 33.6/302.4 of the budget, at 80× over a 30d window.
  const double expected_h = (1 - 33.6 / 302.4) * 720 / 80;
  const double got_h = std::chrono::duration<double, std::ratio<3600>>(*one_hour.time_to_exhaustion).count();
  EXPECT_NEAR(got_h, expected_h, 1e-6);
  EXPECT_TRUE(r->alerts[3].firing);  // 72h burn 80/72 ≥ 1 and 6h burn 13.3 ≥ 1: the slow pair fires too
}

TEST(Slo, ZeroTrafficIsStated) {
  SloInput in;
  in.end = at("2026-11-23T09:00:00Z");
  auto r = compute_slo(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, "no_traffic");
  EXPECT_FALSE(r->availability_percent.has_value());
  EXPECT_DOUBLE_EQ(r->remaining_minutes, r->budget_minutes);
  for (const auto& b : r->burn_rates) EXPECT_EQ(b.status, "no_traffic");
  ASSERT_FALSE(r->notes.empty());
  EXPECT_NE(r->notes[0].find("no requests"), std::string::npos);
  const auto j = to_json(*r);
  EXPECT_TRUE(j.at("availability_percent").is_null());
  EXPECT_EQ(j.at("status").as_string(), "no_traffic");
}

TEST(Slo, WindowLongerThanRetentionIsStated) {
  SloInput in = steady(0, 1);
  in.window = hours(24 * 90);
  auto r = compute_slo(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->covered, hours(24 * 30));
  bool stated = false;
  for (const auto& n : r->notes)
    stated = stated || n.find("covers only the last 30d of the 90d window") != std::string::npos;
  EXPECT_TRUE(stated) << (r->notes.empty() ? "" : r->notes[0]);
  EXPECT_NEAR(r->alerts[0].threshold, 14.4 * 3, 1e-9);
}

TEST(Slo, ShortWindowThresholdsNeverGoBelowOne) {
  // 2h window at 99%: 0.2% errors burns at 0.2×, which leaves 80% of the budget at the end of the window.
  SloInput in = steady(0.84, 0.84);  // 420 requests an hour
  in.target_percent = 99.0;
  in.window = hours(2);
  auto r = compute_slo(in);
  ASSERT_TRUE(r.ok());
  for (const auto& b : r->burn_rates) {
    if (b.has_traffic) {
      EXPECT_EQ(b.status, "ok") << format_duration(b.window) << " burn " << b.burn_rate;
    }
  }
  for (const auto& a : r->alerts) {
    EXPECT_GE(a.threshold, 1.0);
    EXPECT_FALSE(a.firing) << a.severity << " " << format_duration(a.long_window);
  }
  EXPECT_EQ(r->status, "ok");
}

TEST(Slo, InvalidTargetIsAnError) {
  SloInput in;
  in.target_percent = 100;
  EXPECT_EQ(compute_slo(in).error().code, ErrorCode::kInvalidArgument);
  in.target_percent = 99.9;
  in.window = Nanos(0);
  EXPECT_FALSE(compute_slo(in).ok());
}

}  // namespace
}  // namespace tinkr::slo
