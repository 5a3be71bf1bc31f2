// What Azure Monitor publishes for each resource type we support, and how our
// metric aliases map onto it.
//
// The definitions (REST name, unit, supported aggregations, time grains,
// dimensions) follow Microsoft's "Supported metrics" reference for
// Microsoft.Web/sites, Microsoft.App/containerApps and
// Microsoft.Sql/servers/databases. Function apps are Microsoft.Web/sites too:
// they share the list.
//
// Aliases (one series each; "/s" divides by the interval Azure answered with):
//   app_service    request_rate Requests total/s; error_rate Http5xx/Requests (totals);
//                  latency_p50 and latency_p99 HttpResponseTime average (s); cpu CpuTime total/s (cores);
//                  memory MemoryWorkingSet average
//   function_app   request_rate FunctionExecutionCount total/s; error_rate, latency_*, memory as app_service;
//                  cpu CpuPercentage average (%, Flex Consumption only)
//   container_app  request_rate Requests total/s; error_rate Requests with statusCodeCategory 5xx / all;
//                  latency_p50 ResponseTime average, latency_p99 ResponseTime maximum (ms);
//                  cpu UsageNanoCores average / 1e9 (cores); memory WorkingSetBytes average
//   sql_database   error_rate connection_failed / (connection_failed + connection_successful);
//                  cpu cpu_percent average (%); memory sql_instance_memory_percent average (%)
// Azure platform metrics carry no percentiles: latency_p50 is the average
// response time everywhere, and latency_p99 is the maximum of the per-minute
// samples where the metric offers Maximum (Container Apps ResponseTime) and
// the average where it does not (App Service HttpResponseTime). Each series
// says what it is in its labels (azure_metric, aggregation). True percentiles
// come from Application Insights (requests' DurationMs via Log Analytics).
//
// A raw metric name is accepted too, optionally with ":<aggregation>"
// ("HttpResponseTime:maximum"); names are matched exactly, or ignoring case
// when that is unambiguous (the original product documented "requests",
// "responseTime", "http5xx"). Anything else is an error listing the valid
// names. For other resource types (a resource_id of any type) raw names go to
// Azure unchecked. Pure data and functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/azure/resource_uri.h"
#include "core/result.h"

namespace tinkr::azure {

enum class Aggregation { kAverage, kMinimum, kMaximum, kTotal, kCount };

// "average", "minimum", "maximum", "total", "count" (the wire words).
std::string_view aggregation_name(Aggregation a);
// Case-insensitive; accepts "sum" for total and "avg"/"mean" for average.
std::optional<Aggregation> parse_aggregation(std::string_view text);

struct MetricDefinition {
  std::string_view name;                  // the REST name, case as Azure spells it
  std::string_view unit;                  // Azure's unit enum: Count, Bytes, Seconds, MilliSeconds, Percent, …
  std::vector<Aggregation> aggregations;  // supported; the first is the primary (default)
  std::vector<std::string_view> dimensions;
  std::vector<std::string_view> grains;  // allowed intervals when restricted; empty: all of metrics_wire::kGrains
};

// The published metrics of a kind (empty for kOther), in Microsoft's order.
const std::vector<MetricDefinition>& metric_definitions(ResourceKind kind);
// Exact-name lookup; nullptr when absent.
const MetricDefinition* find_metric(ResourceKind kind, std::string_view name);

// The documented defaults shown first: Requests, HttpResponseTime, Http5xx;
// Requests, ResponseTime; FunctionExecutionCount, FunctionExecutionUnits;
// dtu_consumption_percent, connection_failed.
std::vector<std::string_view> default_metrics(ResourceKind kind);
// The aliases a kind supports, in documentation order.
std::vector<std::string_view> supported_aliases(ResourceKind kind);

// How one series is computed from one metrics request.
enum class Derivation {
  kValue,           // the aggregate as is (times scale)
  kPerSecond,       // the aggregate divided by the interval in seconds (times scale)
  kRatio,           // metric / denominator, point by point
  kShare,           // metric / (metric + denominator)
  kDimensionShare,  // the series whose `dimension` is `dimension_value` / the sum of all series
};

struct MetricPlan {
  std::string series_name;                 // the alias asked for, or the canonical raw name
  std::string metric;                      // Azure metric queried (the numerator)
  std::string denominator;                 // kRatio / kShare: the second metric
  std::optional<Aggregation> aggregation;  // unset: Azure's primary (raw names of other types)
  Derivation derivation = Derivation::kValue;
  std::string filter;           // $filter ("statusCodeCategory eq '*'"), empty for none
  std::string dimension;        // kDimensionShare
  std::string dimension_value;  // kDimensionShare ("5xx")
  double scale = 1.0;
  std::string unit;  // our unit; empty: from Azure's answer
  bool alias = false;
};

// Resolves `metric` for a kind. Errors (kInvalidArgument) list the kind's
// aliases and metric names.
Result<MetricPlan> plan_metric(ResourceKind kind, std::string_view metric);

// Azure's unit enum in our UCUM-like vocabulary: Count "1", Bytes "By",
// Seconds "s", MilliSeconds "ms", Percent "%", CountPerSecond "1/s",
// BytesPerSecond "By/s", BitsPerSecond "bit/s", ByteSeconds "By.s",
// Cores "{core}", MilliCores "m{core}", NanoCores "n{core}", Unspecified "".
std::string unit_from_azure(std::string_view u);

}  // namespace tinkr::azure
