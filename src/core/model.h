// The telemetry model every backend maps into and every consumer reads:
// log entries, metric series, traces and spans, anomalies.
//
// Plain value types (copyable, no invariants beyond their fields); JSON
// conversion lives in core/model_json.h so that this header stays light.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace tinkr {

// Attribute and label maps, ordered so that output is deterministic.
using Attributes = std::map<std::string, std::string, std::less<>>;

// Log severity, normalised across vendors. Ordered: a >= kError test works.
enum class Level { kUnknown = 0, kTrace, kDebug, kInfo, kWarn, kError, kCritical };

// "UNKNOWN", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL".
std::string_view level_name(Level level);
// Parses vendor vocabularies case-insensitively: warn/warning, err/error,
// fatal/crit/critical/emerg/alert/panic, info/information/notice,
// debug/verbose, trace; syslog digits 0..7. Anything else is kUnknown.
Level parse_level(std::string_view text);
// Maps an OpenTelemetry SeverityNumber (1..24) to a Level.
Level level_from_otel_severity(int severity_number);

struct LogEntry {
  Timestamp time{};
  std::string service;
  Level level = Level::kUnknown;
  std::string message;
  std::string trace_id;
  std::string span_id;
  Attributes attributes;  // labels, structured metadata, parsed fields

  friend bool operator==(const LogEntry&, const LogEntry&) = default;
};

struct MetricPoint {
  Timestamp time{};
  double value = 0;

  friend bool operator==(const MetricPoint&, const MetricPoint&) = default;
};

struct MetricSeries {
  std::string name;  // the alias asked for ("latency_p99") or the raw metric name
  std::string unit;  // UCUM-like: "s", "ms", "By", "%", "1", "req/s"; empty if unknown
  Attributes labels;
  std::vector<MetricPoint> points;  // ascending time

  friend bool operator==(const MetricSeries&, const MetricSeries&) = default;
};

enum class SpanKind { kUnspecified = 0, kInternal, kServer, kClient, kProducer, kConsumer };
enum class SpanStatus { kUnset = 0, kOk, kError };

std::string_view span_kind_name(SpanKind kind);       // "internal", "server", …
SpanKind parse_span_kind(std::string_view text);      // accepts "SPAN_KIND_SERVER", "server", "2"
std::string_view span_status_name(SpanStatus s);      // "unset", "ok", "error"
SpanStatus parse_span_status(std::string_view text);  // accepts "STATUS_CODE_ERROR", "error", "2"

struct Span {
  std::string trace_id;        // lower-case hex, 32 digits
  std::string span_id;         // lower-case hex, 16 digits
  std::string parent_span_id;  // empty for a root span
  std::string service;
  std::string name;
  SpanKind kind = SpanKind::kUnspecified;
  Timestamp start{};
  Nanos duration{0};
  SpanStatus status = SpanStatus::kUnset;
  std::string status_message;
  Attributes attributes;

  Timestamp end() const { return start + duration; }
  friend bool operator==(const Span&, const Span&) = default;
};

struct Trace {
  std::string trace_id;
  std::string root_service;
  std::string root_name;
  Timestamp start{};
  Nanos duration{0};
  bool has_error = false;
  std::vector<Span> spans;  // may be empty in a search result (summary only)

  friend bool operator==(const Trace&, const Trace&) = default;
};

enum class Severity { kLow = 0, kMedium, kHigh, kCritical };
std::string_view severity_name(Severity s);  // "low", "medium", "high", "critical"
Result<Severity> parse_severity(std::string_view text);

struct Anomaly {
  std::string service;
  std::string kind;    // "error_spike", "error_rate", "latency", "request_rate_drop",
                       // "request_rate_spike", "saturation", "new_pattern"
  std::string metric;  // what was measured ("error_count", "latency_p99", a template id…)
  Severity severity = Severity::kLow;
  Timestamp start{};  // the window in which it was observed
  Timestamp end{};
  double observed = 0;
  double baseline = 0;
  double baseline_spread = 0;  // robust spread (MAD-based) of the baseline
  std::string reason;          // in numbers: "847 errors in 10m vs baseline 12 ± 4"
  std::vector<std::string> evidence;

  friend bool operator==(const Anomaly&, const Anomaly&) = default;
};

// Derives a Trace summary (root, start, duration, has_error) from its spans.
// The root is the span without a parent (the earliest one if several).
void summarize_trace(Trace& trace);

}  // namespace tinkr
