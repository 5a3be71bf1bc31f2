#include "cli/render_analysis.h"

#include <gtest/gtest.h>

#include "cli/terminal.h"
#include "core/json.h"

namespace tinkr::cli {
namespace {

boost::json::value parse(const char* text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : boost::json::value();
}

bool has(const std::string& out, std::string_view needle) { return out.find(needle) != std::string::npos; }

const char* kDiff = R"J({
  "service": "payments-api",
  "baseline": {"from": "2026-11-23T07:15:00Z", "to": "2026-11-23T08:15:00Z"},
  "compare":  {"from": "2026-11-23T09:15:00Z", "to": "2026-11-23T10:15:00Z"},
  "metrics": [
    {"name": "error_count", "unit": "", "baseline": 2.0, "compare": 587.0, "change": 585.0, "change_percent": 29250.0, "direction": "up"},
    {"name": "latency_p99", "unit": "s", "baseline": 0.18, "compare": 5.02, "change": 4.84, "change_percent": 2688.9, "direction": "up"},
    {"name": "request_rate", "unit": "req/s", "baseline": 25.1, "compare": 24.0, "change": -1.1, "change_percent": -4.4, "direction": "flat"},
    {"name": "cpu", "unit": "%", "baseline": 40.0, "compare": 20.0, "change": -20.0, "change_percent": -50.0, "direction": "down"},
    {"name": "queue_depth", "unit": "", "baseline": null, "compare": 12.0, "change": 12.0, "change_percent": null, "direction": "up"},
    {"name": "memory", "unit": "By", "baseline": null, "compare": null, "change": 0.0, "change_percent": null, "direction": "flat"}
  ],
  "patterns": [
    {"mark": "+", "id": "a", "text": "Charge failed for order <*>: fraud-check did not answer\n  at charge (pay.js:12)", "level": "ERROR", "baseline_count": 0.0, "compare_count": 254.0, "new": true, "gone": false},
    {"mark": "-", "id": "b", "text": "Cache warmed in <*>", "level": "INFO", "baseline_count": 1200.0, "compare_count": 0.0, "new": false, "gone": true},
    {"mark": "~", "id": "c", "text": "POST <*>", "level": "INFO", "baseline_count": 812.0, "compare_count": 803.0, "new": false, "gone": false}
  ],
  "unavailable": [{"signal": "memory", "error": "not_found", "message": "no memory series for payments-api"}],
  "notes": ["log patterns were mined from the newest 10000 lines of each window"]
})J";

TEST(RenderDiff, WindowsMetricsArrowsAndPatternMarks) {
  const std::string out = render_diff(parse(kDiff), RenderStyle{});
  EXPECT_TRUE(has(out, "Diff for payments-api\n")) << out;
  EXPECT_TRUE(has(out, "Baseline: 3h–2h ago    Compare: 1h–now")) << out;
  EXPECT_TRUE(has(out, "METRIC")) << out;
  EXPECT_TRUE(has(out, "+29250%  ▲")) << out;
  EXPECT_TRUE(has(out, "5.02s")) << out;
  EXPECT_TRUE(has(out, "180ms")) << out;
  EXPECT_TRUE(has(out, "-4.4%  ─ flat")) << out;
  EXPECT_TRUE(has(out, "-50%  ▼")) << out;
  EXPECT_TRUE(has(out, "new  ▲")) << out;   // no baseline to compare with
  EXPECT_TRUE(has(out, "no data")) << out;  // memory: neither window
  EXPECT_TRUE(has(out, "  + [0 → 254]    ERROR  Charge failed for order <*>: fraud-check did not answer | at charge"))
      << out;
  EXPECT_TRUE(has(out, "(new)")) << out;
  EXPECT_TRUE(has(out, "  - [1,200 → 0]  INFO   Cache warmed in <*>  (gone)")) << out;
  EXPECT_TRUE(has(out, "  ~ [812 → 803]")) << out;
  EXPECT_TRUE(has(out, "memory: no memory series for payments-api")) << out;
  EXPECT_TRUE(has(out, "Note: log patterns were mined")) << out;
  EXPECT_FALSE(has(out, "\x1b[")) << "no colour without a TTY";
}

TEST(RenderDiff, ColumnsAreAligned) {
  const std::string out = render_diff(parse(kDiff), RenderStyle{});
  // Every metric row starts its BASELINE column at the same display column.
  size_t header = out.find("METRIC");
  ASSERT_NE(header, std::string::npos);
  std::string header_line = out.substr(header, out.find('\n', header) - header);
  const size_t change_col = display_width(header_line.substr(0, header_line.find("CHANGE") + 6));
  for (const char* row : {"error_count", "latency_p99", "cpu "}) {
    size_t at = out.find(row);
    ASSERT_NE(at, std::string::npos) << row;
    std::string line = out.substr(at, out.find('\n', at) - at);
    // CHANGE is right-aligned: its last character sits under the header's last.
    size_t pct = line.rfind('%');
    ASSERT_NE(pct, std::string::npos) << line;
    EXPECT_EQ(display_width(line.substr(0, pct + 1)), change_col) << line;
  }
}

TEST(RenderDiff, ManyPatternsAreSummarisedAndEmptyIsStated) {
  std::string many = R"({"service":"s","baseline":{"from":"2026-11-23T07:00:00Z","to":"2026-11-23T08:00:00Z"},
    "compare":{"from":"2026-11-23T09:00:00Z","to":"2026-11-23T10:00:00Z"},"metrics":[],"patterns":[)";
  for (int i = 0; i < 15; ++i) {
    many += std::string(i ? "," : "") + R"({"mark":")" + (i < 3 ? "+" : "~") + R"(","text":"p)" + std::to_string(i) +
            R"(","level":"INFO","baseline_count":1,"compare_count":1,"new":false,"gone":false})";
  }
  many += "]}";
  const std::string out = render_diff(parse(many.c_str()), RenderStyle{}, 5);
  EXPECT_TRUE(has(out, "… 10 more (0 changed, 10 unchanged)")) << out;

  const std::string empty =
      render_diff(parse(R"J({"service":"ghost","baseline":{"from":"2026-11-23T07:00:00Z","to":"2026-11-23T08:00:00Z"},
                "compare":{"from":"2026-11-23T09:00:00Z","to":"2026-11-23T10:00:00Z"},"metrics":[],"patterns":[]})J"),
                  RenderStyle{});
  EXPECT_TRUE(has(empty, "No metrics and no log lines for ghost in either window.")) << empty;
}

const char* kSlo = R"J({
  "service": "payments-api", "source": "metrics",
  "source_note": "request and error counts from the request_rate and error_rate metrics",
  "target_percent": 99.9, "window": "2h",
  "from": "2026-11-23T08:15:20Z", "to": "2026-11-23T10:15:20Z",
  "requests": 164138.97, "errors": 13895.69, "availability_percent": 91.534,
  "error_budget": {"allowed_errors": 164.14, "total_minutes": 0.12, "consumed_minutes": 10.159,
                   "remaining_minutes": -10.039, "consumed_percent": 8465.8, "remaining_percent": -8365.8},
  "burn_rates": [
    {"window": "5m", "requests": 5749.2, "errors": 1447.5, "error_ratio": 0.2518, "burn_rate": 251.77, "time_to_exhaustion_s": 0.0, "status": "critical"},
    {"window": "1h", "requests": 80000, "errors": 13000, "error_ratio": 0.16, "burn_rate": 166.3, "time_to_exhaustion_s": 0.0, "status": "critical"},
    {"window": "6h", "requests": 1, "errors": 0, "error_ratio": 0, "burn_rate": 0, "time_to_exhaustion_s": null, "status": "ok"}
  ],
  "alerts": [{"severity": "page", "long_window": "1h", "short_window": "5m", "threshold": 0.04,
              "long_burn_rate": 166.28, "short_burn_rate": 251.77, "firing": true},
             {"severity": "ticket", "long_window": "24h", "short_window": "2h", "threshold": 0.008,
              "long_burn_rate": 0, "short_burn_rate": 0, "firing": false}],
  "covered": "2h", "status": "exhausted",
  "notes": ["burn-rate alert thresholds scaled by 0.00278 for a 2h window (workbook values are for 30d)"]
})J";

TEST(RenderSlo, ShortRetentionIsStated) {
  std::string text = kSlo;
  text.replace(text.find(R"("covered": "2h")"), 15, R"("covered": "47m")");
  const std::string out = render_slo(parse(text.c_str()), RenderStyle{});
  EXPECT_TRUE(has(out, "Data covers:      only the last 47m of 2h")) << out;
}

TEST(RenderDiff, NewTagSurvivesTruncation) {
  const std::string out = render_diff(parse(kDiff), RenderStyle{false, 80});
  const size_t at = out.find("  + [0 → 254]");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string line = out.substr(at, out.find('\n', at) - at);
  EXPECT_LE(display_width(line), 80u) << line;
  EXPECT_EQ(line.substr(line.size() - 7), "  (new)") << line;
  EXPECT_NE(line.find("…"), std::string::npos) << line;
}

TEST(RenderSlo, BudgetBarBurnRatesAndAlerts) {
  const std::string out = render_slo(parse(kSlo), RenderStyle{});
  EXPECT_TRUE(has(out, "SLO Report — payments-api\n")) << out;
  EXPECT_TRUE(has(out, "Target: 99.9%   Window: 2h   Source: metrics (request_rate, error_rate)")) << out;
  EXPECT_TRUE(has(out, "Availability:     91.534%   ✗ below the target")) << out;
  EXPECT_TRUE(has(out, "0.12 min total (164 failed requests allowed)")) << out;
  EXPECT_TRUE(has(out, "████████████████████ 8466%   10.2 min used — EXHAUSTED")) << out;
  EXPECT_TRUE(has(out, "WINDOW  BURN RATE  STATUS    BUDGET GONE IN")) << out;
  EXPECT_TRUE(has(out, "  5m         251.8×  CRITICAL  already exhausted")) << out;
  EXPECT_FALSE(has(out, "  6h ")) << "windows longer than the SLO window are left out:\n" << out;
  EXPECT_TRUE(has(out, "Errors in window: 13,896")) << out;
  EXPECT_TRUE(has(out, "Total requests:   164,139")) << out;
  EXPECT_TRUE(has(out, "Alerts firing:    page (1h & 5m)\n")) << out;
  EXPECT_TRUE(has(out, "Note: burn-rate alert thresholds scaled")) << out;
}

TEST(RenderSlo, HealthyServiceShowsTimeToExhaustion) {
  const std::string out = render_slo(parse(R"J({
    "service": "api", "source": "metrics", "target_percent": 99.9, "window": "30d",
    "requests": 302400, "errors": 30, "availability_percent": 99.99,
    "error_budget": {"allowed_errors": 302.4, "total_minutes": 43.2, "consumed_minutes": 4.3,
                     "remaining_minutes": 38.9, "consumed_percent": 9.9, "remaining_percent": 90.1},
    "burn_rates": [{"window": "1h", "requests": 420, "errors": 1, "error_ratio": 0.00238, "burn_rate": 2.38,
                    "time_to_exhaustion_s": 1090000, "status": "warning"}],
    "alerts": [], "covered": "30d", "status": "ok", "notes": []})J"),
                                     RenderStyle{});
  EXPECT_TRUE(has(out, "99.990%   ✓ meets the target")) << out;
  EXPECT_TRUE(has(out, "██░░░░░░░░░░░░░░░░░░ 9.9%   4.30 min used, 38.9 min left")) << out;
  EXPECT_TRUE(has(out, "  1h           2.4×  WARNING  ~13d")) << out;
  EXPECT_TRUE(has(out, "Alerts firing:    none")) << out;
  EXPECT_FALSE(has(out, "Data covers")) << out;
}

TEST(RenderSlo, ZeroTrafficAndShortRetentionAreStated) {
  const std::string out = render_slo(parse(R"J({
    "service": "batch", "source": "log_volume", "source_note": "request and error counts from log volume because the metrics were not usable: no series",
    "target_percent": 99.5, "window": "30d", "requests": 0, "errors": 0, "availability_percent": null,
    "error_budget": {"allowed_errors": 0, "total_minutes": 216, "consumed_minutes": 0, "remaining_minutes": 216,
                     "consumed_percent": 0, "remaining_percent": 100},
    "burn_rates": [{"window": "1h", "requests": 0, "errors": 0, "error_ratio": 0, "burn_rate": 0,
                    "time_to_exhaustion_s": null, "status": "no_traffic"}],
    "alerts": [], "covered": "3h", "status": "no_traffic",
    "notes": ["no requests in the window: availability is undefined and the error budget is untouched"]})J"),
                                     RenderStyle{});
  EXPECT_TRUE(has(out, "Availability:     —  (no requests in the window)")) << out;
  EXPECT_TRUE(has(out, "untouched (no traffic)")) << out;
  EXPECT_TRUE(has(out, "NO TRAFFIC")) << out;
  EXPECT_FALSE(has(out, "Data covers")) << "no traffic is said once, not as a coverage problem:\n" << out;
  EXPECT_TRUE(has(out, "Source: log volume")) << out;
  EXPECT_TRUE(has(out, "because the metrics were not usable")) << out;
}

TEST(RenderAnalysis, NumbersForPeople) {
  EXPECT_EQ(group_thousands(164138.97), "164,139");
  EXPECT_EQ(group_thousands(999), "999");
  EXPECT_EQ(group_thousands(-1234), "-1,234");
  EXPECT_EQ(human_span(0), "now");
  EXPECT_EQ(human_span(45), "45s");
  EXPECT_EQ(human_span(3 * 3600), "3h");
  EXPECT_EQ(human_span(20 * 86400), "20d");
}

}  // namespace
}  // namespace tinkr::cli
