#include "agent/rca/onset.h"

#include <algorithm>
#include <cctype>

#include "analysis/stats.h"

namespace tinkr::rca {
namespace {

bool is_error_level_label(const MetricSeries& s) {
  auto it = s.labels.find("level");
  if (it == s.labels.end()) return false;
  Level l = parse_level(it->second);
  return l >= Level::kError;
}

size_t slots_in(Nanos length, Nanos bucket) {
  if (bucket.count() <= 0) return 0;
  return static_cast<size_t>((length.count() + bucket.count() - 1) / bucket.count());
}

}  // namespace

std::optional<size_t> first_sustained_rise(const std::vector<double>& values, size_t from, double threshold) {
  for (size_t i = from; i < values.size(); ++i) {
    if (values[i] <= threshold) continue;
    if (i + 1 == values.size()) return i;
    if (values[i + 1] > threshold || (i + 2 < values.size() && values[i + 2] > threshold)) return i;
  }
  return std::nullopt;
}

VolumeOnset error_volume_onset(const std::vector<MetricSeries>& volume, const TimeRange& baseline,
                               const TimeRange& incident, Nanos bucket) {
  VolumeOnset out;
  size_t n_base = slots_in(baseline.length(), bucket);
  size_t n_all = n_base + slots_in(incident.length(), bucket);
  if (n_all == 0) return out;
  std::vector<double> counts(n_all, 0.0);
  for (const auto& s : volume) {
    if (!is_error_level_label(s)) continue;
    auto slots = stats::slot_values(s, baseline.from, bucket, n_all, stats::Aggregation::kSum);
    for (size_t i = 0; i < n_all && i < slots.size(); ++i) counts[i] += slots[i].value_or(0);
  }
  std::vector<double> base(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(n_base));
  auto summary = stats::robust_summary(base);
  double median = summary ? summary->median : 0;
  double sigma = summary ? summary->sigma : 0;
  out.baseline_per_bucket = median;
  for (size_t i = 0; i < n_all; ++i) {
    auto c = static_cast<uint64_t>(counts[i]);
    if (i < n_base) {
      out.baseline_total += c;
    } else {
      out.incident_total += c;
      out.peak_per_bucket = std::max(out.peak_per_bucket, counts[i]);
    }
  }
  double threshold = median + std::max({3 * sigma, 2.0, 0.5 * median});
  if (auto i = first_sustained_rise(counts, n_base, threshold)) {
    out.onset = baseline.from + bucket * static_cast<int64_t>(*i);
  }
  return out;
}

MetricEvidence summarize_metric(const std::string& name, const MetricSeries& series, const TimeRange& baseline,
                                const TimeRange& incident) {
  MetricEvidence m;
  m.name = name;
  m.unit = series.unit;
  m.points = series.points.size();
  std::vector<double> base;
  std::vector<double> inc;
  std::vector<Timestamp> inc_times;
  for (const auto& p : series.points) {
    if (baseline.contains(p.time)) base.push_back(p.value);
    if (incident.contains(p.time)) {
      inc.push_back(p.value);
      inc_times.push_back(p.time);
    }
  }
  auto bs = stats::robust_summary(base);
  if (bs) m.baseline_median = bs->median;
  m.incident_median = stats::median(inc);
  for (size_t i = 0; i < inc.size(); ++i) {
    if (!m.incident_peak || inc[i] > *m.incident_peak) {
      m.incident_peak = inc[i];
      m.peak_time = inc_times[i];
    }
  }
  if (bs && !inc.empty()) {
    double floor = std::max(0.2 * std::abs(bs->median), 1e-9);
    double threshold = bs->median + std::max(3 * bs->sigma, floor);
    if (auto i = first_sustained_rise(inc, 0, threshold)) m.rise_time = inc_times[*i];
  }
  return m;
}

}  // namespace tinkr::rca
