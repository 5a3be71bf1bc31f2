#include "core/time.h"

#include <gtest/gtest.h>

namespace tinkr {
namespace {

using namespace std::chrono_literals;

TEST(Rfc3339, ParsesUtcWithNanoseconds) {
  auto t = parse_rfc3339("2026-11-23T09:13:00.123456789Z");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(to_unix_nanos(*t), 1795425180123456789LL);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-23T09:13:00.123456789Z");
}

TEST(Rfc3339, ParsesOffsetsAndNormalisesToUtc) {
  auto t = parse_rfc3339("2026-11-23T11:13:00+02:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(format_rfc3339(*t), "2026-11-23T09:13:00Z");
  auto u = parse_rfc3339("2026-11-23 04:13:00.5-05:00");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(format_rfc3339(*u), "2026-11-23T09:13:00.500Z");
}

TEST(Rfc3339, ShortestExactFraction) {
  EXPECT_EQ(format_rfc3339(from_unix_nanos(1'000'000)), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(format_rfc3339(from_unix_nanos(1'000)), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(format_rfc3339(from_unix_nanos(0), 3), "1970-01-01T00:00:00.000Z");
}

TEST(Rfc3339, RejectsGarbageWithAUsefulMessage) {
  for (const char* bad : {"", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T25:00:00Z",
                          "2026-11-23T09:13:00", "2026-11-23T09:13:00Zjunk"}) {
    auto t = parse_rfc3339(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(t.error().message.find("RFC 3339"), std::string::npos);
  }
}

TEST(Rfc3339, RoundTripsBeforeTheEpoch) {
  auto t = parse_rfc3339("1969-12-31T23:59:59.5Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(to_unix_nanos(*t), -500'000'000);
  EXPECT_EQ(format_rfc3339(*t), "1969-12-31T23:59:59.500Z");
}

TEST(Duration, CompactForms) {
  EXPECT_EQ(*parse_duration("30s"), 30s);
  EXPECT_EQ(*parse_duration("15m"), 15min);
  EXPECT_EQ(*parse_duration("2h"), 2h);
  EXPECT_EQ(*parse_duration("7d"), 168h);
  EXPECT_EQ(*parse_duration("1w"), 168h);
  EXPECT_EQ(*parse_duration("1h30m"), 90min);
  EXPECT_EQ(*parse_duration("500ms"), 500ms);
}

TEST(Duration, Iso8601Forms) {
  EXPECT_EQ(*parse_duration("PT1H"), 1h);
  EXPECT_EQ(*parse_duration("P1D"), 24h);
  EXPECT_EQ(*parse_duration("PT1H30M"), 90min);
  EXPECT_EQ(*parse_duration("PT0.5S"), 500ms);
  EXPECT_EQ(*parse_duration("P1W"), 168h);
  EXPECT_EQ(*parse_duration("P1DT2H"), 26h);
}

TEST(Duration, Errors) {
  for (const char* bad : {"", "abc", "10", "5x", "-5m", "P", "P1M", "PT", "99999999999999999999h"}) {
    auto d = parse_duration(bad);
    EXPECT_FALSE(d.ok()) << bad;
  }
}

TEST(Duration, Formats) {
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(0s), "0s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(168h), "1w");
  EXPECT_EQ(format_iso8601_duration(1h), "PT1H");
  EXPECT_EQ(format_iso8601_duration(26h), "P1DT2H");
  EXPECT_EQ(format_iso8601_duration(500ms), "PT0.5S");
  EXPECT_EQ(*parse_duration(format_iso8601_duration(90min + 5s)), 90min + 5s);
}

TEST(Range, SinceAndFromTo) {
  Timestamp n = *parse_rfc3339("2026-11-23T12:00:00Z");
  auto r = resolve_range(std::string("30m"), std::nullopt, std::nullopt, n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->to, n);
  EXPECT_EQ(r->length(), 30min);

  auto d = resolve_range(std::nullopt, std::nullopt, std::nullopt, n);
  EXPECT_EQ(d->length(), 1h);

  auto ft = resolve_range(std::nullopt, std::string("2026-11-23T10:00:00Z"), std::string("now-1h"), n);
  ASSERT_TRUE(ft.ok()) << ft.error().message;
  EXPECT_EQ(ft->length(), 1h);

  EXPECT_FALSE(resolve_range(std::string("1h"), std::string("2026-11-23T10:00:00Z"), std::nullopt, n).ok());
  EXPECT_FALSE(resolve_range(std::nullopt, std::string("2026-11-23T13:00:00Z"), std::nullopt, n).ok());
  EXPECT_FALSE(resolve_range(std::nullopt, std::nullopt, std::string("now"), n).ok());
  EXPECT_FALSE(resolve_range(std::string("0s"), std::nullopt, std::nullopt, n).ok());
}

TEST(Instant, Forms) {
  Timestamp n = *parse_rfc3339("2026-11-23T12:00:00Z");
  EXPECT_EQ(*parse_instant("now", n), n);
  EXPECT_EQ(*parse_instant("now-2h", n), n - 2h);
  EXPECT_EQ(format_rfc3339(*parse_instant("2026-11-23", n)), "2026-11-23T00:00:00Z");
  EXPECT_EQ(format_rfc3339(*parse_instant("1795425180", n)), "2026-11-23T09:13:00Z");
}

}  // namespace
}  // namespace tinkr
