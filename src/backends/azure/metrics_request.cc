#include "backends/azure/metrics_request.h"

#include <algorithm>

namespace tinkr::azure {

namespace w = metrics_wire;

const w::Grain& choose_interval(const TimeRange& range, Nanos requested_step) {
  const Nanos length = std::max(range.length(), Nanos(0));
  const Nanos wanted = requested_step.count() > 0 ? requested_step : length / kDefaultPointsPerSeries;
  // length / grain <= kMaxPointsPerSeries.
  const Nanos floor_for_cap = length / kMaxPointsPerSeries;
  const Nanos need = std::max(wanted, floor_for_cap);
  for (const auto& g : w::kGrains) {
    if (Nanos(g.length) >= need) return g;
  }
  return w::kGrains.back();
}

std::string format_timespan(const TimeRange& range) {
  return format_rfc3339(range.from) + "/" + format_rfc3339(range.to);
}

std::string join_metric_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ',';
    for (char c : n) {
      if (c == ',') out += w::kCommaInName;
      else out += c;
    }
  }
  return out;
}

Result<QueryParams> build_metrics_params(const MetricPlan& plan, const TimeRange& range, const w::Grain& interval,
                                         std::string_view api_version) {
  if (range.from >= range.to) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "the time range is empty: Azure metrics need a start before the end (--since 1h, or --from/--to)");
  }
  std::vector<std::string> names = {plan.metric};
  if (!plan.denominator.empty()) names.push_back(plan.denominator);
  QueryParams params = {
      {std::string(w::kParamApiVersion), std::string(api_version)},
      {std::string(w::kParamMetricNames), join_metric_names(names)},
      {std::string(w::kParamTimespan), format_timespan(range)},
      {std::string(w::kParamInterval), std::string(interval.iso)},
  };
  if (plan.aggregation) params.emplace_back(w::kParamAggregation, aggregation_name(*plan.aggregation));
  // Split by a dimension (statusCodeCategory: at most five values, within the default top of 10).
  if (!plan.filter.empty()) params.emplace_back(w::kParamFilter, plan.filter);
  // A metric with fewer grains (FileSystemUsage: PT6H and up) answers at its
  // closest one instead of failing; the answer says which.
  params.emplace_back(w::kParamAutoAdjust, "true");
  return params;
}

}  // namespace tinkr::azure
