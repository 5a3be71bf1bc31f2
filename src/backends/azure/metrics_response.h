// Reading Azure Monitor "Metrics - List" answers and Azure error bodies.
//
// parse_metrics_response() turns the 200 body into plain structs, keeping
// Azure's distinctions: a data point without an aggregate ("no data") has the
// optional unset, never 0; a metric that failed on its own (HTTP 200 with
// errorCode != "Success") keeps its errorCode/errorMessage and no series.
// parse_azure_error() reads both error shapes Azure sends: the ARM envelope
// {"error":{"code","message"}} and the flat {"code","message"}. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/azure/metric_catalog.h"
#include "core/model.h"
#include "core/result.h"
#include "core/time.h"

namespace tinkr::azure {

struct AzureDataPoint {
  Timestamp time{};
  std::optional<double> average, minimum, maximum, total, count;

  std::optional<double> get(Aggregation a) const;
  // The first aggregate present (average, total, maximum, minimum, count).
  std::optional<double> any() const;
};

struct AzureTimeSeries {
  Attributes dimensions;  // metadatavalues: name.value -> value (names as Azure sends them, often lower-cased)
  std::vector<AzureDataPoint> data;
};

struct AzureMetric {
  std::string name;        // name.value
  std::string unit;        // Azure's unit enum
  std::string error_code;  // "Success" when it worked
  std::string error_message;
  std::vector<AzureTimeSeries> timeseries;

  bool ok() const { return error_code.empty() || error_code == "Success"; }
};

struct AzureMetricsResponse {
  std::string timespan;
  std::string interval;  // may differ from the one asked for (AutoAdjustTimegrain)
  std::string metric_namespace;
  std::string region;
  std::vector<AzureMetric> metrics;
};

// kBackend-worthy failures come back as kInvalidArgument with what was wrong
// ("value[1].timeseries[0].data[2].timeStamp is not RFC 3339"); callers wrap them.
Result<AzureMetricsResponse> parse_metrics_response(std::string_view body);

struct AzureError {
  std::string code;
  std::string message;
};

// The code and message of an Azure error body; nullopt when it is neither shape.
std::optional<AzureError> parse_azure_error(std::string_view body);

}  // namespace tinkr::azure
