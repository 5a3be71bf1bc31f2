#include "analysis/stats.h"

#include <algorithm>
#include <cmath>

namespace tinkr::stats {

std::optional<double> median(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  std::vector<double> v(values.begin(), values.end());
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

std::optional<double> mad(std::span<const double> values) {
  auto m = median(values);
  if (!m) return std::nullopt;
  std::vector<double> dev;
  dev.reserve(values.size());
  for (double x : values) dev.push_back(std::fabs(x - *m));
  return median(dev);
}

std::optional<double> quantile(std::span<const double> values, double q) {
  if (values.empty()) return std::nullopt;
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  q = std::clamp(q, 0.0, 1.0);
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const auto hi = static_cast<size_t>(std::ceil(pos));
  const double frac = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

std::optional<double> mean(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  double sum = 0;
  for (double x : values) sum += x;
  return sum / static_cast<double>(values.size());
}

std::optional<RobustSummary> robust_summary(std::span<const double> values) {
  auto m = median(values);
  if (!m) return std::nullopt;
  return RobustSummary{*m, *mad(values) * kMadToSigma, values.size()};
}

std::vector<std::optional<double>> slot_values(const MetricSeries& series, Timestamp start, Nanos slot, size_t count,
                                               Aggregation agg) {
  std::vector<std::optional<double>> out(count);
  if (count == 0 || slot.count() <= 0) return out;
  std::vector<size_t> n(count, 0);
  const Timestamp end = start + slot * static_cast<int64_t>(count);
  for (const MetricPoint& p : series.points) {
    if (p.time < start || p.time >= end) continue;
    if (!std::isfinite(p.value)) continue;
    const auto i = static_cast<size_t>((p.time - start) / slot);
    auto& cell = out[i];
    if (!cell) {
      cell = p.value;
    } else if (agg == Aggregation::kMax) {
      cell = std::max(*cell, p.value);
    } else {
      *cell += p.value;
    }
    ++n[i];
  }
  if (agg == Aggregation::kMean) {
    for (size_t i = 0; i < count; ++i)
      if (out[i]) *out[i] /= static_cast<double>(n[i]);
  }
  return out;
}

std::vector<double> present(std::span<const std::optional<double>> slots) {
  std::vector<double> out;
  out.reserve(slots.size());
  for (const auto& s : slots)
    if (s) out.push_back(*s);
  return out;
}

std::vector<std::optional<double>> add_slots(std::span<const std::vector<std::optional<double>>> inputs) {
  size_t n = 0;
  for (const auto& in : inputs) n = std::max(n, in.size());
  std::vector<std::optional<double>> out(n);
  for (const auto& in : inputs) {
    for (size_t i = 0; i < in.size(); ++i) {
      if (!in[i]) continue;
      out[i] = out[i].value_or(0.0) + *in[i];
    }
  }
  return out;
}

}  // namespace tinkr::stats
