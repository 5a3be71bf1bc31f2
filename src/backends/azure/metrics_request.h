// Building one Azure Monitor "Metrics - List" request from a metric plan: the
// interval (time grain), the timespan, the metricnames list and the query
// parameters. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backends/azure/metric_catalog.h"
#include "backends/azure/metrics_wire.h"
#include "backends/azure/url_encoding.h"
#include "core/result.h"
#include "core/time.h"

namespace tinkr::azure {

// About this many points per series when the caller leaves the step to us.
inline constexpr int64_t kDefaultPointsPerSeries = 300;
// Never more than this many points per series (a day at one minute).
inline constexpr int64_t kMaxPointsPerSeries = 1440;

// The interval: the smallest allowed grain (PT1M, PT5M, PT15M, PT30M, PT1H,
// PT6H, PT12H, P1D) that is at least the requested step (or range/300 when
// none is requested) and keeps the range within kMaxPointsPerSeries points;
// P1D when even that is not enough.
const metrics_wire::Grain& choose_interval(const TimeRange& range, Nanos requested_step);

// "2026-11-23T06:00:00Z/2026-11-23T09:00:00Z" (ISO 8601 start/end, UTC).
std::string format_timespan(const TimeRange& range);

// The metricnames value: names joined by ',', a comma inside a name written
// "%2" (Azure's documented special case). Percent-encoding happens later,
// with the rest of the query string.
std::string join_metric_names(const std::vector<std::string>& names);

// The query parameters of the request for `plan` over `range` at `interval`
// (api-version first). kInvalidArgument for an empty or reversed range.
Result<QueryParams> build_metrics_params(const MetricPlan& plan, const TimeRange& range,
                                         const metrics_wire::Grain& interval, std::string_view api_version);

}  // namespace tinkr::azure
