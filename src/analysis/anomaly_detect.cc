#include "analysis/anomaly_detect.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace tinkr::anomaly {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct Plan {
  TimeRange window;
  Nanos slot{0};
  Nanos bucket{0};
  size_t recent_slots = 12;
  std::vector<std::pair<Nanos, std::string>> seasonal;  // offset, name
};

Timestamp floor_to(Timestamp t, Nanos step) {
  const int64_t ns = to_unix_nanos(t);
  const int64_t s = step.count();
  int64_t q = ns / s;
  if (ns % s < 0) --q;
  return from_unix_nanos(q * s);
}

Plan make_plan(const AnomalyQuery& q, const AnomalyDetectionOptions& opt) {
  Plan p;
  p.slot = opt.slot.count() > 0 ? opt.slot : default_slot(q.range.length());
  p.bucket = std::max<Nanos>(minutes(1), std::chrono::floor<minutes>(p.slot / 10));
  if (p.slot % p.bucket != Nanos(0)) p.bucket = p.slot;
  p.window = q.range;
  const Timestamp from = floor_to(q.range.from, p.bucket);
  const Timestamp to = floor_to(q.range.to, p.bucket);
  if (to - from >= p.bucket) p.window = {from, to};
  p.recent_slots = std::max<size_t>(slot_count(p.window, p.slot), 12);
  if (opt.seasonal) {
    if (p.window.length() <= hours(24)) p.seasonal.emplace_back(hours(24), "same time yesterday");
    if (p.window.length() <= hours(24 * 7)) p.seasonal.emplace_back(hours(24 * 7), "same time last week");
  }
  return p;
}

std::string label_key(const Attributes& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (k == "service" || k == "__name__") continue;
    if (!out.empty()) out += ',';
    out += k + "=" + v;
  }
  return out;
}

// Fetches the lookback+window range and every seasonal range, merging the
// points of series with the same labels. Seasonal failures become notes.
template <typename Fetch>
Result<std::vector<MetricSeries>> fetch_history(const Plan& plan, const std::string& signal, Fetch&& fetch,
                                                std::vector<std::string>& notes) {
  const TimeRange main{plan.window.from - plan.slot * static_cast<int64_t>(plan.recent_slots), plan.window.to};
  auto first = fetch(main);
  if (!first.ok()) return first.error();
  std::map<std::string, MetricSeries> merged;
  auto absorb = [&](std::vector<MetricSeries>& series) {
    for (auto& s : series) {
      auto [it, inserted] = merged.try_emplace(label_key(s.labels), s);
      if (!inserted) it->second.points.insert(it->second.points.end(), s.points.begin(), s.points.end());
    }
  };
  absorb(*first);
  for (const auto& [offset, name] : plan.seasonal) {
    auto r = fetch(TimeRange{plan.window.from - offset, plan.window.to - offset});
    if (!r.ok()) {
      notes.push_back(fmt::format("{}: no baseline for the {} ({})", signal, name, r.error().message));
      continue;
    }
    bool any = false;
    for (const auto& s : *r) any = any || !s.points.empty();
    if (!any) notes.push_back(fmt::format("{}: no data for the {} (beyond retention?)", signal, name));
    absorb(*r);
  }
  std::vector<MetricSeries> out;
  out.reserve(merged.size());
  for (auto& [key, s] : merged) {
    std::sort(s.points.begin(), s.points.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
    out.push_back(std::move(s));
  }
  return out;
}

SignalHistory history(const Plan& plan, const MetricSeries& s, stats::Aggregation agg) {
  return history_from_series(s, plan.window, plan.slot, plan.recent_slots, agg, !plan.seasonal.empty());
}

// Slots where the total is present but errors are not hold zero errors
// (backends omit empty buckets).
void fill_zero_counts(std::vector<std::optional<double>>& errors, const std::vector<std::optional<double>>& total) {
  for (size_t i = 0; i < errors.size() && i < total.size(); ++i)
    if (!errors[i] && total[i]) errors[i] = 0.0;
}

void fill_zero_counts(SignalHistory& errors, const SignalHistory& total) {
  fill_zero_counts(errors.current, total.current);
  fill_zero_counts(errors.recent, total.recent);
  for (size_t k = 0; k < errors.seasonal.size() && k < total.seasonal.size(); ++k)
    fill_zero_counts(errors.seasonal[k].values, total.seasonal[k].values);
}

std::vector<std::optional<double>> ratio_slots(const std::vector<std::optional<double>>& errors,
                                               const std::vector<std::optional<double>>& total, double min_total) {
  std::vector<std::optional<double>> out(errors.size());
  for (size_t i = 0; i < errors.size() && i < total.size(); ++i)
    if (total[i] && *total[i] >= min_total && *total[i] > 0) out[i] = errors[i].value_or(0.0) / *total[i];
  return out;
}

void detect_log_signals(const Plan& plan, const std::vector<MetricSeries>& volume, const std::string& service,
                        const AnomalyDetectionOptions& opt, std::vector<Anomaly>& out) {
  MetricSeries errors, total;
  errors.name = total.name = "log_count";
  for (const auto& s : volume) {
    auto it = s.labels.find("level");
    const Level level = it == s.labels.end() ? Level::kUnknown : parse_level(it->second);
    total.points.insert(total.points.end(), s.points.begin(), s.points.end());
    if (level >= Level::kError) errors.points.insert(errors.points.end(), s.points.begin(), s.points.end());
  }
  const SignalHistory tot = history(plan, total, stats::Aggregation::kSum);
  SignalHistory err = history(plan, errors, stats::Aggregation::kSum);
  // Keep the seasonal references aligned: errors take the total's seasonal set.
  if (err.seasonal.size() != tot.seasonal.size()) {
    SignalHistory aligned = tot;
    aligned.current =
        stats::slot_values(errors, plan.window.from, plan.slot, tot.current.size(), stats::Aggregation::kSum);
    aligned.recent = err.recent;
    for (size_t k = 0; k < aligned.seasonal.size(); ++k) {
      const Nanos offset = aligned.seasonal[k].name == "same time yesterday" ? hours(24) : hours(24 * 7);
      aligned.seasonal[k].values = stats::slot_values(errors, plan.window.from - offset, plan.slot, tot.current.size(),
                                                      stats::Aggregation::kSum);
    }
    err = std::move(aligned);
  }
  fill_zero_counts(err, tot);

  SignalSpec count;
  count.metric = "error_count";
  count.kind_up = "error_spike";
  count.aggregation = stats::Aggregation::kSum;
  count.is_count = true;
  count.noun = "errors";
  count.min_volume = opt.min_errors_per_slot;
  count.min_delta = opt.min_errors_per_slot / 2;
  count.rise_ratios = {2.0, 4.0, 10.0, 50.0};
  for (auto& a : detect_signal(err, count, service, opt.detector)) out.push_back(std::move(a));

  const double min_total = opt.min_errors_per_slot * 2;
  SignalHistory rate = err;
  rate.current = ratio_slots(err.current, tot.current, min_total);
  rate.volume = err.current;
  rate.recent = ratio_slots(err.recent, tot.recent, min_total);
  for (size_t k = 0; k < rate.seasonal.size() && k < tot.seasonal.size(); ++k)
    rate.seasonal[k].values = ratio_slots(err.seasonal[k].values, tot.seasonal[k].values, min_total);
  SignalSpec ratio;
  ratio.metric = "log_error_rate";
  ratio.kind_up = "error_rate";
  ratio.unit = "ratio";
  ratio.min_volume = opt.min_errors_per_slot;
  ratio.min_delta = 0.01;
  ratio.rise_ratios = {2.0, 3.0, 5.0, 10.0};
  ratio.absolute_high = 0.2;
  ratio.absolute_critical = 0.5;
  for (auto& a : detect_signal(rate, ratio, service, opt.detector)) out.push_back(std::move(a));
}

bool is_fraction_unit(const std::string& unit) { return unit == "1" || unit == "ratio"; }

SignalSpec metric_spec(const std::string& alias, const MetricSeries& s, bool saturation) {
  SignalSpec spec;
  spec.metric = alias;
  spec.series = label_key(s.labels);
  spec.unit = s.unit;
  spec.aggregation = stats::Aggregation::kMean;
  if (saturation || alias == "cpu" || alias == "memory") {
    spec.kind_up = "saturation";
    spec.rise_ratios = {1.3, 1.6, 2.0, 3.0};
    if (s.unit == "%") {
      spec.absolute_high = 90;
      spec.absolute_critical = 97;
      spec.absolute_alone = true;
      spec.min_delta = 5;
    } else if (is_fraction_unit(s.unit)) {
      spec.absolute_high = 0.9;
      spec.absolute_critical = 0.97;
      spec.absolute_alone = true;
      spec.min_delta = 0.05;
    }
  } else if (alias.starts_with("latency")) {
    spec.kind_up = "latency";
    spec.min_delta = s.unit == "ms" ? 50 : s.unit == "s" ? 0.05 : 0;
  } else if (alias == "request_rate") {
    spec.kind_up = "request_rate_spike";
    spec.kind_down = "request_rate_drop";
    spec.rise_ratios = {2.0, 3.0, 5.0, 10.0};
    spec.min_volume = 0.1;
  } else if (alias == "error_rate") {
    spec.kind_up = "error_rate";
    spec.rise_ratios = {2.0, 3.0, 5.0, 10.0};
    if (s.unit == "%") {
      spec.min_delta = 1;
      spec.absolute_high = 20;
      spec.absolute_critical = 50;
    } else if (is_fraction_unit(s.unit)) {
      spec.min_delta = 0.01;
      spec.absolute_high = 0.2;
      spec.absolute_critical = 0.5;
    }
  } else {
    spec.kind_up = "metric_spike";
    spec.kind_down = "metric_drop";
  }
  return spec;
}

}  // namespace

Nanos default_slot(Nanos window) {
  if (window <= minutes(1)) return minutes(1);
  if (window <= minutes(10)) return std::chrono::ceil<minutes>(window);
  Nanos slot = minutes(10);
  if (window / slot > 144) slot = std::chrono::ceil<minutes>(window / 144);
  return slot;
}

Result<AnomalyReport> run_anomaly_detection(ObservabilityBackend& backend, const AnomalyQuery& q,
                                            const AnomalyDetectionOptions& opt) {
  if (q.range.to <= q.range.from)
    return make_error(ErrorCode::kInvalidArgument, "anomaly window is empty: 'from' must be before 'to'");
  const Plan plan = make_plan(q, opt);
  AnomalyReport report;
  report.service = q.service;
  report.window = plan.window;
  report.slot = plan.slot;
  std::vector<Anomaly> found;

  auto volume = fetch_history(
      plan, "log volume",
      [&](const TimeRange& r) {
        LogVolumeQuery lq;
        lq.service = q.service;
        lq.range = r;
        lq.bucket = plan.bucket;
        return backend.log_volume(lq);
      },
      report.notes);
  if (volume.ok()) {
    report.signals_checked.push_back("error_count");
    report.signals_checked.push_back("log_error_rate");
    detect_log_signals(plan, *volume, q.service, opt, found);
  } else {
    report.unavailable.push_back({"log_volume", volume.error()});
  }

  std::vector<std::pair<std::string, bool>> metrics;
  for (const auto& m : opt.metrics) metrics.emplace_back(m, false);
  for (const auto& m : opt.saturation_metrics) metrics.emplace_back(m, true);
  for (const auto& metric : metrics) {
    // Plain names, not a structured binding: clang before 16 (clang-tidy) cannot capture those in a lambda.
    const std::string& alias = metric.first;
    const bool saturation = metric.second;
    auto series = fetch_history(
        plan, alias,
        [&](const TimeRange& r) {
          MetricQuery mq;
          mq.service = q.service;
          mq.metric = alias;
          mq.range = r;
          mq.step = plan.bucket;
          return backend.get_metrics(mq);
        },
        report.notes);
    if (!series.ok()) {
      report.unavailable.push_back({alias, series.error()});
      continue;
    }
    report.signals_checked.push_back(alias);
    for (const auto& s : *series) {
      const SignalSpec spec = metric_spec(alias, s, saturation);
      for (auto& a : detect_signal(history(plan, s, spec.aggregation), spec, q.service, opt.detector))
        found.push_back(std::move(a));
    }
  }

  if (opt.count_templates) {
    const Nanos baseline_len = plan.slot * static_cast<int64_t>(plan.recent_slots);
    auto now_counts = opt.count_templates(q.service, plan.window);
    auto before = opt.count_templates(q.service, TimeRange{plan.window.from - baseline_len, plan.window.from});
    if (now_counts.ok() && before.ok()) {
      report.signals_checked.push_back("new_pattern");
      for (auto& a : detect_new_patterns(*now_counts, *before, plan.window, q.service, opt.new_patterns))
        found.push_back(std::move(a));
    } else {
      report.unavailable.push_back({"new_pattern", now_counts.ok() ? before.error() : now_counts.error()});
    }
  }

  if (report.signals_checked.empty()) {
    const Error& first = report.unavailable.front().error;
    return make_error(first.code, "no signal could be fetched for anomaly detection; first failure (" +
                                      report.unavailable.front().signal + "): " + first.message);
  }
  std::erase_if(found, [&](const Anomaly& a) { return a.severity < q.min_severity; });
  sort_anomalies(found);
  report.anomalies = std::move(found);
  std::set<std::string> seen;
  std::erase_if(report.notes, [&](const std::string& n) { return !seen.insert(n).second; });
  return report;
}

Result<std::vector<Anomaly>> detect_anomalies(ObservabilityBackend& backend, const AnomalyQuery& query) {
  auto report = run_anomaly_detection(backend, query);
  if (!report.ok()) return report.error();
  return std::move(report->anomalies);
}

}  // namespace tinkr::anomaly
