// PromQL for the metric aliases, and the query_range parameters.
//
// An alias (request_rate, error_rate, latency_p99, latency_p50, cpu, memory,
// or any `metrics.<alias>` key of the profile) resolves to a PromQL template
// in which `{{service}}` is replaced by the service name escaped as the
// content of a double-quoted PromQL string (Go escaping: \\ \" \n \r \t).
// Anything else is taken as a raw PromQL expression (its `{{service}}`, if
// any, is filled the same way). Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace tinkr::grafana {

// The built-in templates (OpenTelemetry / Prometheus client conventions:
// http_requests_total, http_server_request_duration_seconds_bucket,
// process_cpu_seconds_total, process_resident_memory_bytes; service in `job`).
const std::map<std::string, std::string, std::less<>>& default_metric_templates();

// `text` escaped for the inside of a "…" PromQL string literal.
std::string escape_promql_string(std::string_view text);

struct ResolvedMetric {
  std::string promql;
  std::string name;  // the alias, or empty for raw PromQL
  std::string unit;  // from the alias; inferred from a raw metric name's suffix
  bool alias = false;
};

// Resolves `metric` for `service` with the profile's templates over the
// defaults. An alias without a service, or an empty metric, is kInvalidArgument.
Result<ResolvedMetric> resolve_metric(std::string_view metric, std::string_view service,
                                      const std::map<std::string, std::string, std::less<>>& overrides);

// The unit of a known alias ("s", "req/s", "1", "By"); empty when unknown.
std::string_view alias_unit(std::string_view alias);
// A unit from a metric name's suffix (_seconds "s", _bytes "By", _ratio "1",
// _total rates "1/s" are not guessed); empty when unknown.
std::string_view unit_from_metric_name(std::string_view name);

// The query_range step: `requested` when set, else about 1/300 of the range
// (at least 15 s); always at least 1 s and large enough that a series stays
// within Prometheus' 11,000 points. Whole seconds.
Nanos choose_step(const TimeRange& range, Nanos requested);

// Unix seconds with millisecond precision, as Prometheus accepts ("1700000000.123").
std::string prometheus_time(Timestamp t);

}  // namespace tinkr::grafana
