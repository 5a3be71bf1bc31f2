#include "backends/azure/metrics_series.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/strings.h"

namespace tinkr::azure {
namespace {

using Points = std::map<int64_t, double>;  // unix ns -> value

std::optional<double> value_of(const AzureDataPoint& p, const std::optional<Aggregation>& agg) {
  return agg ? p.get(*agg) : p.any();
}

// The sum of every series of a metric, point by point (only points with data).
Points summed(const AzureMetric& m, const std::optional<Aggregation>& agg) {
  Points out;
  for (const auto& ts : m.timeseries) {
    for (const auto& p : ts.data) {
      if (auto v = value_of(p, agg)) out[to_unix_nanos(p.time)] += *v;
    }
  }
  return out;
}

std::vector<MetricPoint> to_points(const Points& pts) {
  std::vector<MetricPoint> out;
  out.reserve(pts.size());
  for (const auto& [t, v] : pts) out.push_back({from_unix_nanos(t), v});
  return out;
}

Result<const AzureMetric*> find(const AzureMetricsResponse& answer, std::string_view name) {
  const AzureMetric* found = nullptr;
  for (const auto& m : answer.metrics) {
    if (m.name == name) return &m;
    if (!found && iequals(m.name, name)) found = &m;
  }
  if (found) return found;
  return make_error(ErrorCode::kBackend,
                    fmt::format("Azure Monitor's answer has no metric {} although it was asked for: retry, and report "
                                "it if it persists",
                                name));
}

Status check_metric(const AzureMetric& m, std::string_view other) {
  if (m.ok()) return ok_status();
  return make_error(ErrorCode::kBackend,
                    fmt::format("Azure Monitor could not compute {} ({}): {}{}", m.name, m.error_code,
                                m.error_message.empty() ? std::string("no message") : m.error_message,
                                other.empty() ? std::string() : fmt::format(" ({} was answered)", other)));
}

Nanos answered_grain(const AzureMetricsResponse& answer, Nanos asked) {
  if (answer.interval.empty()) return asked;
  auto d = parse_duration(answer.interval);
  return d.ok() && d->count() > 0 ? *d : asked;
}

std::string unit_for(const MetricPlan& plan, const AzureMetric& m) {
  return !plan.unit.empty() ? plan.unit : unit_from_azure(m.unit);
}

Attributes base_labels(const MetricPlan& plan, const Attributes& labels, std::string azure_metric) {
  Attributes out = labels;
  out["azure_metric"] = std::move(azure_metric);
  if (plan.aggregation) out["aggregation"] = std::string(aggregation_name(*plan.aggregation));
  return out;
}

}  // namespace

Result<std::vector<MetricSeries>> to_series(const MetricPlan& plan, const AzureMetricsResponse& answer,
                                            Nanos asked_grain, const Attributes& labels) {
  TINKR_ASSIGN_OR_RETURN(const AzureMetric* num, find(answer, plan.metric));
  const AzureMetric* den = nullptr;
  if (!plan.denominator.empty()) {
    TINKR_ASSIGN_OR_RETURN(den, find(answer, plan.denominator));
  }
  TINKR_RETURN_IF_ERROR(check_metric(*num, den && den->ok() ? den->name : ""));
  if (den) TINKR_RETURN_IF_ERROR(check_metric(*den, num->name));

  std::vector<MetricSeries> out;
  switch (plan.derivation) {
    case Derivation::kValue:
    case Derivation::kPerSecond: {
      const double seconds = std::chrono::duration<double>(answered_grain(answer, asked_grain)).count();
      const double factor = plan.derivation == Derivation::kPerSecond ? plan.scale / seconds : plan.scale;
      for (const auto& ts : num->timeseries) {
        MetricSeries s;
        s.name = plan.series_name;
        s.unit = unit_for(plan, *num);
        s.labels = base_labels(plan, labels, num->name);
        for (const auto& [k, v] : ts.dimensions) s.labels.emplace(k, v);
        for (const auto& p : ts.data) {
          if (auto v = value_of(p, plan.aggregation)) s.points.push_back({p.time, *v * factor});
        }
        std::sort(s.points.begin(), s.points.end(),
                  [](const MetricPoint& a, const MetricPoint& b) { return a.time < b.time; });
        out.push_back(std::move(s));
      }
      return out;
    }
    case Derivation::kRatio:
    case Derivation::kShare: {
      const Points n = summed(*num, plan.aggregation), d = summed(*den, plan.aggregation);
      Points r;
      for (const auto& [t, dv] : d) {
        auto it = n.find(t);
        const double nv = it == n.end() ? 0.0 : it->second;
        const double whole = plan.derivation == Derivation::kRatio ? dv : nv + dv;
        if (whole > 0) r[t] = nv / whole * plan.scale;
      }
      MetricSeries s;
      s.name = plan.series_name;
      s.unit = plan.unit;
      const std::string formula = plan.derivation == Derivation::kRatio
                                      ? fmt::format("{}/{}", num->name, den->name)
                                      : fmt::format("{0}/({0}+{1})", num->name, den->name);
      s.labels = base_labels(plan, labels, formula);
      s.points = to_points(r);
      out.push_back(std::move(s));
      return out;
    }
    case Derivation::kDimensionShare: {
      Points all = summed(*num, plan.aggregation), part;
      for (const auto& ts : num->timeseries) {
        bool match = false;
        for (const auto& [k, v] : ts.dimensions)
          match = match || (iequals(k, plan.dimension) && iequals(v, plan.dimension_value));
        if (!match) continue;
        for (const auto& p : ts.data) {
          if (auto v = value_of(p, plan.aggregation)) part[to_unix_nanos(p.time)] += *v;
        }
      }
      Points r;
      for (const auto& [t, total] : all) {
        auto it = part.find(t);
        if (total > 0) r[t] = (it == part.end() ? 0.0 : it->second) / total * plan.scale;
      }
      MetricSeries s;
      s.name = plan.series_name;
      s.unit = plan.unit;
      s.labels = base_labels(plan, labels,
                             fmt::format("{}[{}={}]/{}", num->name, plan.dimension, plan.dimension_value, num->name));
      s.points = to_points(r);
      out.push_back(std::move(s));
      return out;
    }
  }
  return out;
}

}  // namespace tinkr::azure
