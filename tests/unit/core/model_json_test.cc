#include <gtest/gtest.h>

#include "core/json.h"

namespace tinkr {
namespace {

Timestamp t(const char* s) { return *parse_rfc3339(s); }

TEST(ModelJson, LogEntryRoundTrip) {
  LogEntry e{t("2026-11-23T09:00:00.000000001Z"),
             "payments-api",
             Level::kError,
             "boom \"quoted\" ü",
             "4bf92f3577b34da6a3ce929d0e0e4736",
             "00f067aa0ba902b7",
             {{"pod", "p-1"}, {"region", "eu"}}};
  auto back = from_json<LogEntry>(parse_json(to_json_string(to_json(e))).value());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, e);
}

TEST(ModelJson, MetricSeriesRoundTrip) {
  MetricSeries s{"latency_p99",
                 "s",
                 {{"service", "payments-api"}},
                 {{t("2026-11-23T09:00:00Z"), 0.25}, {t("2026-11-23T09:01:00Z"), 1.5}}};
  auto back = from_json<MetricSeries>(to_json(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, s);
}

TEST(ModelJson, TraceRoundTripAndSummary) {
  Trace tr;
  Span root{"4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            "",
            "payments-api",
            "POST /charge",
            SpanKind::kServer,
            t("2026-11-23T09:00:00Z"),
            std::chrono::milliseconds(1200),
            SpanStatus::kError,
            "timeout",
            {{"http.status_code", "504"}}};
  Span child{root.trace_id,
             "1111111111111111",
             root.span_id,
             "payments-api",
             "SELECT",
             SpanKind::kClient,
             t("2026-11-23T09:00:00.1Z"),
             std::chrono::milliseconds(1000),
             SpanStatus::kUnset,
             "",
             {}};
  tr.spans = {child, root};
  summarize_trace(tr);
  EXPECT_EQ(tr.trace_id, root.trace_id);
  EXPECT_EQ(tr.root_name, "POST /charge");
  EXPECT_EQ(tr.duration, std::chrono::milliseconds(1200));
  EXPECT_TRUE(tr.has_error);
  auto back = from_json<Trace>(to_json(tr));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, tr);
}

TEST(ModelJson, AnomalyRoundTrip) {
  Anomaly a{"payments-api",
            "error_spike",
            "error_count",
            Severity::kCritical,
            t("2026-11-23T09:00:00Z"),
            t("2026-11-23T09:10:00Z"),
            847,
            12,
            4,
            "847 errors in 10m vs baseline 12 ± 4",
            {"line 1", "line 2"}};
  auto back = from_json<Anomaly>(to_json(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, a);
}

TEST(ModelJson, ErrorsNameTheField) {
  auto r = from_json<LogEntry>(parse_json(R"({"time":"yesterday"})").value());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("time"), std::string::npos);
  auto arr = from_json_array<LogEntry>(parse_json(R"([{"time":"2026-11-23T09:00:00Z"},{}])").value());
  ASSERT_FALSE(arr.ok());
  EXPECT_NE(arr.error().message.find("item 1"), std::string::npos);
  auto bad = parse_json("{\"a\":", "Loki answer");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("Loki answer"), std::string::npos);
}

TEST(ModelJson, ErrorBody) {
  Error e{ErrorCode::kPermissionDenied, "role viewer cannot do this"};
  EXPECT_EQ(to_json_string(to_json(e)),
            R"({"error":{"code":"permission_denied","message":"role viewer cannot do this"}})");
  auto back = error_from_json(to_json(e));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->code, e.code);
}

TEST(Level, ParsesVendorVocabularies) {
  EXPECT_EQ(parse_level("WARNING"), Level::kWarn);
  EXPECT_EQ(parse_level("warn"), Level::kWarn);
  EXPECT_EQ(parse_level("Fatal"), Level::kCritical);
  EXPECT_EQ(parse_level("err"), Level::kError);
  EXPECT_EQ(parse_level("3"), Level::kError);
  EXPECT_EQ(parse_level("information"), Level::kInfo);
  EXPECT_EQ(parse_level("banana"), Level::kUnknown);
  EXPECT_EQ(level_from_otel_severity(17), Level::kError);
  EXPECT_EQ(level_from_otel_severity(9), Level::kInfo);
  EXPECT_EQ(parse_span_kind("SPAN_KIND_CLIENT"), SpanKind::kClient);
  EXPECT_EQ(parse_span_status("STATUS_CODE_ERROR"), SpanStatus::kError);
}

}  // namespace
}  // namespace tinkr
