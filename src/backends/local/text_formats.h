// Line parsers for the text log and metric formats the local store imports.
// Internal to backends/local (ingest.cc); pure functions, thread-safe.
//
// Field names understood in JSON lines and logfmt (first match wins; the rest
// become attributes, nested JSON objects flattened with dots):
//   time:    time, timestamp, @timestamp, ts, t, datetime
//   level:   level, severity, lvl, loglevel, levelname, log.level, severity_text
//   message: msg, message, log, body, event
//   service: service, service.name, service_name, app, application, logger_service
//   trace:   trace_id, traceId, trace.id, traceid;  span: span_id, spanId, span.id, spanid
// Times: RFC 3339 (a space and a "," fraction accepted; no zone means UTC) or
// Unix epoch numbers (seconds, milliseconds, microseconds or nanoseconds,
// told apart by magnitude). Levels: words, syslog digits, pino numbers (10..60).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model.h"
#include "core/result.h"

namespace tinkr::local {

using Fields = std::vector<std::pair<std::string, std::string>>;

// A timestamp from text (see above); nullopt when it is not one.
std::optional<Timestamp> parse_log_time(std::string_view s);
// A level from a word or number; kUnknown when not recognised.
Level parse_log_level(std::string_view text);

// Builds an entry from named fields; the error says which field was missing.
Result<LogEntry> entry_from_fields(Fields&& fields, std::string_view default_service);

Result<LogEntry> parse_json_line(std::string_view line, std::string_view default_service);
Result<Fields> parse_logfmt(std::string_view line);

// A plain-text line starting with a timestamp: the timestamp and the rest.
std::optional<std::pair<Timestamp, std::string_view>> leading_timestamp(std::string_view line);
// The entry of a plain-text line whose timestamp was found.
LogEntry plain_entry(Timestamp t, std::string_view rest, std::string_view default_service);

// One Prometheus/OpenMetrics sample line: name, labels, value, timestamp (ns).
struct PromSample {
  std::string name;
  Attributes labels;
  double value = 0;
  std::optional<int64_t> time_ns;
};
// seconds_timestamps: OpenMetrics (true) or Prometheus 0.0.4 milliseconds (false).
Result<PromSample> parse_prometheus_sample(std::string_view line, bool seconds_timestamps);

}  // namespace tinkr::local
