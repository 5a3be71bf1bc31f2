// From an Azure Monitor metrics answer to our MetricSeries, following a
// metric plan: per-second rates use the interval Azure actually answered with,
// ratios are computed point by point, units map to our vocabulary, and a
// metric that failed on its own (HTTP 200, errorCode != "Success") is an
// Error that names it, never a silently missing series. Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "backends/azure/metric_catalog.h"
#include "backends/azure/metrics_response.h"
#include "core/model.h"
#include "core/result.h"

namespace tinkr::azure {

// Series for `plan` from `answer`. `asked_grain` is used when the answer
// carries no interval. `labels` are added to every series (e.g. service);
// each series also gets azure_metric, aggregation and Azure's dimensions.
// Points without the aggregate (Azure's "no data") are left out, not zeroed;
// a ratio's numerator counts as 0 where only the denominator has data.
Result<std::vector<MetricSeries>> to_series(const MetricPlan& plan, const AzureMetricsResponse& answer,
                                            Nanos asked_grain, const Attributes& labels);

}  // namespace tinkr::azure
