// Azure Monitor Metrics (Resource Manager "Metrics - List") wire vocabulary in
// one place: path, query parameters, JSON field names, aggregation and unit
// names, the allowed time grains. Nothing else in the backend spells these.
//
// Sources: https://learn.microsoft.com/rest/api/monitor/metrics/list and
// azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights/
// stable/2023-10-01/metrics_API.json (+ 2018-01-01, common-types Metric /
// TimeSeriesElement / MetricValue / Unit); samples and traps in
// shared/conformance/azure-metrics/.
#pragma once

#include <array>
#include <chrono>
#include <string_view>

namespace tinkr::azure::metrics_wire {

// GET {resourceUri}/providers/Microsoft.Insights/metrics?api-version=…
inline constexpr std::string_view kPathSuffix = "/providers/Microsoft.Insights/metrics";
inline constexpr std::string_view kApiVersion = "2023-10-01";

// Query parameters (names as the REST reference spells them).
inline constexpr std::string_view kParamApiVersion = "api-version";
inline constexpr std::string_view kParamMetricNames = "metricnames";  // comma list, at most 20
inline constexpr std::string_view kParamTimespan = "timespan";        // "start/end", ISO 8601
inline constexpr std::string_view kParamInterval = "interval";        // ISO 8601 duration or FULL
inline constexpr std::string_view kParamAggregation = "aggregation";  // comma list
inline constexpr std::string_view kParamFilter = "$filter";           // "dim eq '*'"
inline constexpr std::string_view kParamTop = "top";                  // only with $filter; default 10
inline constexpr std::string_view kParamAutoAdjust = "AutoAdjustTimegrain";
inline constexpr std::string_view kParamMetricNamespace = "metricnamespace";
inline constexpr int kMaxMetricNames = 20;
// A comma inside one metric name is written "%2" (the documented special case);
// the comma itself separates names.
inline constexpr std::string_view kCommaInName = "%2";
inline constexpr std::string_view kIntervalFull = "FULL";

// Response fields. Traps: "timeStamp" (capital S), "timeseries" and
// "metadatavalues" all lower-case, "name" is an object {value, localizedValue}.
inline constexpr std::string_view kCost = "cost";
inline constexpr std::string_view kTimespan = "timespan";
inline constexpr std::string_view kInterval = "interval";
inline constexpr std::string_view kNamespace = "namespace";
inline constexpr std::string_view kResourceRegion = "resourceregion";
inline constexpr std::string_view kValue = "value";
inline constexpr std::string_view kId = "id";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kLocalizedValue = "localizedValue";
inline constexpr std::string_view kDisplayDescription = "displayDescription";
inline constexpr std::string_view kUnit = "unit";
inline constexpr std::string_view kErrorCode = "errorCode";  // "Success" when the metric worked
inline constexpr std::string_view kErrorMessage = "errorMessage";
inline constexpr std::string_view kSuccess = "Success";
inline constexpr std::string_view kTimeseries = "timeseries";
inline constexpr std::string_view kMetadataValues = "metadatavalues";
inline constexpr std::string_view kData = "data";
inline constexpr std::string_view kTimeStamp = "timeStamp";
inline constexpr std::string_view kMetricsType = "Microsoft.Insights/metrics";

// Aggregations: request names (lower case, comma list) and data point keys are
// the same words. A point with no data carries none of them.
inline constexpr std::string_view kAverage = "average";
inline constexpr std::string_view kMinimum = "minimum";
inline constexpr std::string_view kMaximum = "maximum";
inline constexpr std::string_view kTotal = "total";
inline constexpr std::string_view kCount = "count";

// Error bodies. The 2023-10-01 spec documents the ARM envelope
// {"error":{"code","message","target"?,"details"?}}; the Insights provider's
// own validation errors are observed (and specified in 2018-01-01) as the flat
// {"code","message"}. Both are read.
inline constexpr std::string_view kError = "error";
inline constexpr std::string_view kErrorFieldCode = "code";
inline constexpr std::string_view kErrorFieldMessage = "message";

// The time grains Azure Monitor platform metrics accept (metric definitions'
// metricAvailabilities; "Commonly allowed time grains: 00:01:00,00:05:00,
// 00:15:00,00:30:00,01:00:00,06:00:00,12:00:00" plus one day).
struct Grain {
  std::chrono::minutes length;
  std::string_view iso;       // the interval parameter
  std::string_view timespan;  // .NET TimeSpan form Azure uses in its error messages
};
inline constexpr std::array<Grain, 8> kGrains = {{
    {std::chrono::minutes(1), "PT1M", "00:01:00"},
    {std::chrono::minutes(5), "PT5M", "00:05:00"},
    {std::chrono::minutes(15), "PT15M", "00:15:00"},
    {std::chrono::minutes(30), "PT30M", "00:30:00"},
    {std::chrono::minutes(60), "PT1H", "01:00:00"},
    {std::chrono::minutes(360), "PT6H", "06:00:00"},
    {std::chrono::minutes(720), "PT12H", "12:00:00"},
    {std::chrono::minutes(1440), "P1D", "1.00:00:00"},
}};

// Resource Manager token audiences (the "aud" claim ARM accepts, per its
// InvalidAuthenticationTokenAudience message) for the public cloud.
inline constexpr std::array<std::string_view, 4> kPublicAudiences = {"https://management.core.windows.net/",
                                                                     "https://management.core.windows.net",
                                                                     "https://management.azure.com/",
                                                                     "https://management.azure.com"};

}  // namespace tinkr::azure::metrics_wire
