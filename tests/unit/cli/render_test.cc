#include "cli/render.h"

#include <gtest/gtest.h>

namespace tinkr::cli {
namespace {

Timestamp at(const char* text) { return *parse_rfc3339(text); }

TEST(Render, FormatValueIsUnitAware) {
  EXPECT_EQ(format_value(1.2, "s"), "1.2s");
  EXPECT_EQ(format_value(0.34, "s"), "340ms");
  EXPECT_EQ(format_value(850, "ms"), "850ms");
  EXPECT_EQ(format_value(4200, "ms"), "4.2s");
  EXPECT_EQ(format_value(1536 * 1024, "By"), "1.5 MiB");
  EXPECT_EQ(format_value(512, "By"), "512 B");
  EXPECT_EQ(format_value(42, "%"), "42.0%");
  EXPECT_EQ(format_value(1240, "req/s"), "1240 req/s");
  EXPECT_EQ(format_value(0.053, "1"), "0.053");
  EXPECT_EQ(format_span_duration(std::chrono::microseconds(850)), "850µs");
}

TEST(Render, LogsOldestFirstWithColumns) {
  std::vector<LogEntry> entries(2);
  entries[0].time = at("2026-04-09T14:01:03Z");
  entries[0].level = Level::kWarn;
  entries[0].service = "payments-api";
  entries[0].message = "Retry queue depth 847";
  entries[1].time = at("2026-04-09T14:01:14.5Z");
  entries[1].level = Level::kError;
  entries[1].service = "payments-api";
  entries[1].message = "Payment charge failed:\ninsufficient_funds";
  EXPECT_EQ(render_logs(entries, {}),
            "TIME                 LEVEL  SERVICE       MESSAGE\n"
            "2026-04-09 14:01:03  WARN   payments-api  Retry queue depth 847\n"
            "2026-04-09 14:01:14  ERROR  payments-api  Payment charge failed: insufficient_funds\n");
  RenderStyle color;
  color.color = true;
  EXPECT_NE(render_logs(entries, color).find("\x1b[31mERROR\x1b[0m"), std::string::npos);
  EXPECT_EQ(render_logs({}, {}), "No log lines in this window.\n");
}

TEST(Render, TailLine) {
  LogEntry e;
  e.time = at("2026-04-09T14:01:03Z");
  e.level = Level::kError;
  e.message = "card_declined";
  EXPECT_EQ(render_tail_line(e, {}), "14:01:03  ERROR     card_declined\n");
}

TEST(Render, Sparkline) {
  EXPECT_EQ(sparkline({0, 1, 2, 3, 4, 5, 6, 7}), "▁▂▃▄▅▆▇█");
  EXPECT_EQ(sparkline({5, 5}), "▄▄");
}

TEST(Render, MetricsChartWithSummaryAndDrop) {
  MetricSeries s;
  s.name = "request_rate";
  s.unit = "req/s";
  const Timestamp t0 = at("2026-04-09T14:00:00Z");
  const double values[] = {100, 100, 40, 100};
  for (int i = 0; i < 4; ++i) s.points.push_back({t0 + std::chrono::minutes(5 * i), values[i]});
  const std::string out = render_metrics({s}, "payments-api", "1h", {});
  EXPECT_EQ(out,
            "Metric: request_rate  Service: payments-api  Window: 1h\n"
            "  ██▁█\n"
            "  min 40 req/s   max 100 req/s   last 100 req/s\n"
            "\n"
            "  14:00  ████████████████████  100 req/s\n"
            "  14:05  ████████████████████  100 req/s\n"
            "  14:10  ████████░░░░░░░░░░░░   40 req/s   ← drop\n"
            "  14:15  ████████████████████  100 req/s   ← spike\n");
}

Trace sample_trace() {
  Trace t;
  t.trace_id = "7f3a2b1c4d5e6f78";
  t.root_service = "payments-api";
  const Timestamp t0 = at("2026-04-09T14:00:00Z");
  auto span = [&](const char* id, const char* parent, const char* name, int start_ms, int dur_ms) {
    Span s;
    s.trace_id = t.trace_id;
    s.span_id = id;
    s.parent_span_id = parent;
    s.service = "payments-api";
    s.name = name;
    s.start = t0 + std::chrono::milliseconds(start_ms);
    s.duration = std::chrono::milliseconds(dur_ms);
    return s;
  };
  t.spans.push_back(span("a", "", "POST /v1/charges", 0, 4000));
  t.spans.push_back(span("b", "a", "validate_card", 0, 500));
  t.spans.push_back(span("c", "a", "stripe.charge", 500, 3000));
  t.spans.back().service = "stripe";
  t.spans.back().status = SpanStatus::kError;
  t.spans.push_back(span("d", "c", "http.post", 600, 2000));
  summarize_trace(t);
  return t;
}

TEST(Render, WaterfallIsATreeWithProportionalBars) {
  const std::string out = render_waterfall(sample_trace(), {}, 8);
  EXPECT_EQ(out,
            "Slowest trace: 7f3a2b1c4d5e6f78  4s\n"
            "\n"
            "  ┌ POST /v1/charges (payments-api)  ████████       4s\n"
            "  ├── validate_card                  █           500ms\n"
            "  └── stripe.charge (stripe)          ██████        3s  ← slow  ✗ error\n"
            "      └── http.post                   ████          2s  ← slow\n");
}

TEST(Render, TracesTable) {
  const Trace t = sample_trace();
  const std::string out = render_traces({t}, "payments-api", "1h", {});
  EXPECT_EQ(out,
            "Traces for payments-api (last 1h, 1 result)\n\n"
            "  TRACE ID          OPERATION         DURATION  SPANS  STATUS  START\n"
            "  7f3a2b1c4d5e6f78  POST /v1/charges        4s      4  ERROR   2026-04-09 14:00:00\n");
}

TEST(Render, Anomalies) {
  Anomaly a;
  a.metric = "error_count";
  a.severity = Severity::kHigh;
  a.start = at("2026-04-09T14:00:00Z");
  a.end = at("2026-04-09T14:10:00Z");
  a.reason = "847 errors in 10m vs baseline 12 ± 4";
  EXPECT_EQ(render_anomalies({a}, "payments-api", "1h", {}),
            "Anomalies detected for payments-api (since 1h)\n\n"
            "  HIGH  error_count  14:00–14:10  847 errors in 10m vs baseline 12 ± 4\n");
  EXPECT_EQ(render_anomalies({}, "payments-api", "1h", {}), "✓ No anomalies for payments-api (since 1h)\n");
}

TEST(Render, RcaSections) {
  EXPECT_EQ(render_rca_header("payments-api", "1h", at("2026-04-07T14:05:30Z"), {}),
            "## Root Cause Analysis — payments-api\nGenerated: 2026-04-07 14:05 UTC   Window: 1h\n");
  EXPECT_EQ(render_rca_section(1, "Summary", "Stripe is down.\n", {}), "\n### 1. Summary\nStripe is down.\n");
}

}  // namespace
}  // namespace tinkr::cli
