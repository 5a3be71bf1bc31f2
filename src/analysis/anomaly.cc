#include "analysis/anomaly.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include <fmt/format.h>

namespace tinkr::anomaly {
namespace {

constexpr int kNone = -1;

// One baseline a slot is compared with.
struct Reference {
  std::string name;
  double expected = 0;
  double sigma = 0;
};

// The verdict on one slot in one direction.
struct SlotVerdict {
  int severity = kNone;
  double observed = 0;
  double z = 0;
  Reference binding;  // the most forgiving baseline (decides the verdict)
  std::vector<Reference> references;
  size_t slot = 0;
};

double noise_floor(double level, double sigma, const SignalSpec& spec, const DetectorOptions& opt) {
  double s = std::max({sigma, opt.relative_noise_floor * std::fabs(level), opt.absolute_noise_floor});
  if (spec.is_count) s = std::max(s, std::sqrt(std::max(level, 1.0)));
  return s;
}

int level_at_least(double value, const std::array<double, 4>& thresholds) {
  int level = kNone;
  for (int k = 0; k < 4; ++k)
    if (value >= thresholds[static_cast<size_t>(k)]) level = k;
  return level;
}

int level_at_most(double value, const std::array<double, 4>& thresholds) {
  int level = kNone;
  for (int k = 0; k < 4; ++k)
    if (value <= thresholds[static_cast<size_t>(k)]) level = k;
  return level;
}

std::string trim_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string plain_number(double v) {
  const double a = std::fabs(v);
  if (a >= 1e9) return trim_zeros(fmt::format("{:.1f}", v / 1e9)) + "G";
  if (a >= 1e6) return trim_zeros(fmt::format("{:.1f}", v / 1e6)) + "M";
  if (a >= 1e4) return trim_zeros(fmt::format("{:.1f}", v / 1e3)) + "k";
  if (a >= 100 || a == std::floor(a)) return fmt::format("{:.0f}", v);
  if (a >= 10) return trim_zeros(fmt::format("{:.1f}", v));
  if (a >= 0.01) return trim_zeros(fmt::format("{:.2f}", v));
  return fmt::format("{:.2g}", v);
}

// Counts read best as whole numbers; small baselines keep one decimal.
std::string count_number(double v) {
  if (std::fabs(v) >= 10) return plain_number(std::round(v));
  return trim_zeros(fmt::format("{:.1f}", v));
}

std::string percent_change(double observed, double expected) {
  if (expected == 0) return observed == 0 ? "0%" : "new";
  const double pct = (observed - expected) / std::fabs(expected) * 100.0;
  const std::string sign = pct >= 0 ? "+" : "\u2212";  // a real minus sign
  return sign + plain_number(std::round(std::fabs(pct))) + "%";
}

std::string describe_slot_range(const SignalHistory& h, size_t first, size_t last) {
  const Timestamp a = h.window.from + h.slot * static_cast<int64_t>(first);
  const Timestamp b = std::min(h.window.to, h.window.from + h.slot * static_cast<int64_t>(last + 1));
  return format_rfc3339(a, 0) + " \u2013 " + format_rfc3339(b, 0);
}

std::vector<Reference> references_for_slot(const SignalHistory& h, size_t i,
                                           const std::optional<stats::RobustSummary>& recent, const SignalSpec& spec,
                                           const DetectorOptions& opt) {
  std::vector<Reference> refs;
  if (recent) {
    refs.push_back({h.recent_name, recent->median, noise_floor(recent->median, recent->sigma, spec, opt)});
  }
  std::vector<double> vals;
  std::string names;
  for (const auto& s : h.seasonal) {
    if (i >= s.values.size() || !s.values[i]) continue;
    vals.push_back(*s.values[i]);
    names += names.empty() ? s.name : " / " + s.name;
  }
  if (!vals.empty()) {
    const double e = *stats::median(vals);
    double base = 0;
    if (recent) base = recent->median > 0 ? recent->sigma * (e / recent->median) : recent->sigma;
    const auto [lo, hi] = std::minmax_element(vals.begin(), vals.end());
    base = std::max(base, (*hi - *lo) / 2.0);
    refs.push_back({names, e, noise_floor(e, base, spec, opt)});
  }
  return refs;
}

SlotVerdict judge_rise(double x, double volume, const std::vector<Reference>& refs, const SignalSpec& spec,
                       const DetectorOptions& opt) {
  SlotVerdict v;
  v.observed = x;
  v.references = refs;
  double z = std::numeric_limits<double>::infinity();
  double ratio = std::numeric_limits<double>::infinity();
  double delta = std::numeric_limits<double>::infinity();
  for (const auto& r : refs) {
    const double zr = (x - r.expected) / r.sigma;
    if (zr < z) {
      z = zr;
      v.binding = r;
    }
    ratio = std::min(ratio, r.expected > 0 ? x / r.expected : std::numeric_limits<double>::infinity());
    delta = std::min(delta, x - r.expected);
  }
  v.z = z;
  if (volume < spec.min_volume) return v;
  int absolute = kNone;
  if (spec.absolute_critical > 0 && x >= spec.absolute_critical) absolute = 3;
  else if (spec.absolute_high > 0 && x >= spec.absolute_high) absolute = 2;
  const int relative = std::min(level_at_least(z, opt.z_thresholds), level_at_least(ratio, spec.rise_ratios));
  if (relative != kNone && delta >= spec.min_delta && delta > 0) {
    v.severity = std::max(relative, absolute);
  } else if (spec.absolute_alone && absolute != kNone) {
    v.severity = absolute;
  }
  return v;
}

SlotVerdict judge_drop(double x, const std::vector<Reference>& refs, const SignalSpec& spec,
                       const DetectorOptions& opt) {
  SlotVerdict v;
  v.observed = x;
  v.references = refs;
  double z = -std::numeric_limits<double>::infinity();
  double ratio = -std::numeric_limits<double>::infinity();
  double drop = std::numeric_limits<double>::infinity();
  double smallest_baseline = std::numeric_limits<double>::infinity();
  for (const auto& r : refs) {
    const double zr = (x - r.expected) / r.sigma;
    if (zr > z) {
      z = zr;
      v.binding = r;
    }
    ratio = std::max(ratio, r.expected > 0 ? x / r.expected : std::numeric_limits<double>::infinity());
    drop = std::min(drop, r.expected - x);
    smallest_baseline = std::min(smallest_baseline, r.expected);
  }
  v.z = z;
  if (smallest_baseline < spec.min_volume || smallest_baseline <= 0) return v;
  const int relative = std::min(level_at_least(-z, opt.z_thresholds), level_at_most(ratio, spec.drop_ratios));
  if (relative != kNone && drop >= spec.min_delta && drop > 0) v.severity = relative;
  return v;
}

std::string metric_label(const SignalSpec& spec) {
  return spec.series.empty() ? spec.metric : spec.metric + "{" + spec.series + "}";
}

Anomaly make_anomaly(const SignalHistory& h, const SignalSpec& spec, const std::string& service, bool rise,
                     const SlotVerdict& peak, size_t first, size_t last, size_t flagged, size_t considered,
                     double flagged_total) {
  Anomaly a;
  a.service = service;
  a.kind = rise ? spec.kind_up : spec.kind_down;
  a.metric = metric_label(spec);
  a.severity = static_cast<Severity>(peak.severity);
  a.start = h.window.from + h.slot * static_cast<int64_t>(first);
  a.end = std::min(h.window.to, h.window.from + h.slot * static_cast<int64_t>(last + 1));
  a.observed = peak.observed;
  a.baseline = peak.binding.expected;
  a.baseline_spread = peak.binding.sigma;
  const std::string slot = format_duration(h.slot);
  const std::string change = percent_change(peak.observed, peak.binding.expected);
  if (spec.is_count) {
    a.reason =
        fmt::format("{} {} in {} vs baseline {} \u00b1 {} ({}), {}", count_number(peak.observed), spec.noun, slot,
                    count_number(peak.binding.expected), count_number(peak.binding.sigma), peak.binding.name, change);
  } else {
    a.reason = fmt::format("{} {} vs baseline {} \u00b1 {} ({}), {}", a.metric, format_value(peak.observed, spec.unit),
                           format_value(peak.binding.expected, spec.unit), format_value(peak.binding.sigma, spec.unit),
                           peak.binding.name, change);
  }
  if (!rise && peak.observed == 0) a.reason += ": no traffic at all";
  for (const auto& r : peak.references) {
    a.evidence.push_back(fmt::format("{}: {} \u00b1 {} (robust z = {})", r.name, format_value(r.expected, spec.unit),
                                     format_value(r.sigma, spec.unit),
                                     plain_number(std::round((peak.observed - r.expected) / r.sigma * 10) / 10)));
  }
  a.evidence.push_back(fmt::format("{} of {} slots of {} flagged, {}; peak at {}", flagged, considered, slot,
                                   describe_slot_range(h, first, last),
                                   format_rfc3339(h.window.from + h.slot * static_cast<int64_t>(peak.slot), 0)));
  if (spec.is_count && flagged > 1) {
    a.evidence.push_back(fmt::format("{} {} in the flagged slots", plain_number(flagged_total), spec.noun));
  }
  return a;
}

}  // namespace

size_t slot_count(const TimeRange& window, Nanos slot) {
  if (slot.count() <= 0 || window.to <= window.from) return 1;
  const auto len = window.length();
  return static_cast<size_t>(std::max<int64_t>(1, (len + slot - Nanos(1)) / slot));
}

SignalHistory history_from_series(const MetricSeries& series, const TimeRange& window, Nanos slot, size_t recent_slots,
                                  stats::Aggregation agg, bool seasonal) {
  SignalHistory h;
  h.window = window;
  h.slot = slot;
  const size_t n = slot_count(window, slot);
  h.current = stats::slot_values(series, window.from, slot, n, agg);
  h.recent =
      stats::slot_values(series, window.from - slot * static_cast<int64_t>(recent_slots), slot, recent_slots, agg);
  h.recent_name = "previous " + format_duration(slot * static_cast<int64_t>(recent_slots));
  if (seasonal) {
    const std::pair<Nanos, const char*> offsets[] = {{std::chrono::hours(24), "same time yesterday"},
                                                     {std::chrono::hours(24 * 7), "same time last week"}};
    for (const auto& [offset, name] : offsets) {
      if (offset < window.length()) continue;  // would overlap the window itself
      auto vals = stats::slot_values(series, window.from - offset, slot, n, agg);
      if (std::any_of(vals.begin(), vals.end(), [](const auto& v) { return v.has_value(); }))
        h.seasonal.push_back({name, std::move(vals)});
    }
  }
  return h;
}

std::vector<Anomaly> detect_signal(const SignalHistory& h, const SignalSpec& spec, const std::string& service,
                                   const DetectorOptions& opt) {
  std::vector<Anomaly> out;
  const auto recent_values = stats::present(h.recent);
  const auto recent = stats::robust_summary(recent_values);

  for (const bool rise : {true, false}) {
    if ((rise ? spec.kind_up : spec.kind_down).empty()) continue;
    std::optional<SlotVerdict> peak;
    size_t first = 0, last = 0, flagged = 0, considered = 0;
    double flagged_total = 0;
    for (size_t i = 0; i < h.current.size(); ++i) {
      if (!h.current[i]) continue;
      const auto refs = references_for_slot(h, i, recent, spec, opt);
      if (refs.empty()) continue;
      ++considered;
      const double x = *h.current[i];
      const double volume = h.volume.empty() ? x : (i < h.volume.size() ? h.volume[i].value_or(0.0) : 0.0);
      SlotVerdict v = rise ? judge_rise(x, volume, refs, spec, opt) : judge_drop(x, refs, spec, opt);
      if (v.severity == kNone) continue;
      v.slot = i;
      if (flagged == 0) first = i;
      last = i;
      ++flagged;
      flagged_total += x;
      const auto key = [rise](const SlotVerdict& s) { return std::make_tuple(s.severity, rise ? s.z : -s.z); };
      if (!peak || key(v) > key(*peak)) peak = std::move(v);
    }
    if (peak)
      out.push_back(make_anomaly(h, spec, service, rise, *peak, first, last, flagged, considered, flagged_total));
  }
  return out;
}

std::vector<Anomaly> detect_in_series(const MetricSeries& series, const TimeRange& window, const SignalSpec& spec,
                                      const std::string& service, Nanos slot, const DetectorOptions& options) {
  const size_t n = slot_count(window, slot);
  const auto h = history_from_series(series, window, slot, std::max<size_t>(n, 12), spec.aggregation);
  return detect_signal(h, spec, service, options);
}

std::string format_value(double v, const std::string& unit) {
  if (unit == "s") {
    if (std::fabs(v) < 1.0 && v != 0) return plain_number(v * 1000.0) + "ms";
    return plain_number(v) + "s";
  }
  if (unit == "ms") {
    if (std::fabs(v) >= 1000.0) return plain_number(v / 1000.0) + "s";
    return plain_number(v) + "ms";
  }
  if (unit == "%") return plain_number(v) + "%";
  if (unit == "ratio") return plain_number(v * 100.0) + "%";
  if (unit == "By") {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t k = 0;
    double x = v;
    while (std::fabs(x) >= 1024.0 && k + 1 < std::size(units)) {
      x /= 1024.0;
      ++k;
    }
    return plain_number(x) + " " + units[k];
  }
  if (unit.empty() || unit == "1") return plain_number(v);
  return plain_number(v) + " " + unit;
}

void sort_anomalies(std::vector<Anomaly>& anomalies) {
  std::stable_sort(anomalies.begin(), anomalies.end(), [](const Anomaly& a, const Anomaly& b) {
    return std::make_tuple(-static_cast<int>(a.severity), a.kind, a.metric, a.start, a.service) <
           std::make_tuple(-static_cast<int>(b.severity), b.kind, b.metric, b.start, b.service);
  });
}

}  // namespace tinkr::anomaly
