// Robust statistics over plain numbers and metric series: median, MAD, robust
// z-scores, and the slicing of a MetricSeries into fixed time slots that the
// anomaly detector, the SLO and the diff all compare.
//
// Everything here is pure, deterministic (same input, same bits out: sums run
// in input order) and thread-safe. Empty inputs give nullopt or 0 as stated;
// nothing throws.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/model.h"
#include "core/time.h"

namespace tinkr::stats {

// The scale factor that makes a MAD estimate the standard deviation of a
// normal distribution (1 / Φ⁻¹(3/4)).
inline constexpr double kMadToSigma = 1.4826;

// The median of the values (mean of the two middle ones for an even count);
// nullopt for an empty input.
std::optional<double> median(std::span<const double> values);
// The median absolute deviation from the median (unscaled); nullopt when empty.
std::optional<double> mad(std::span<const double> values);
// The q-quantile (0..1) by linear interpolation; nullopt when empty.
std::optional<double> quantile(std::span<const double> values, double q);
// The arithmetic mean; nullopt when empty.
std::optional<double> mean(std::span<const double> values);

// A robust summary of a baseline: its centre and spread (MAD × 1.4826).
struct RobustSummary {
  double median = 0;
  double sigma = 0;  // MAD-based estimate of the standard deviation
  size_t count = 0;
};
// nullopt when values is empty.
std::optional<RobustSummary> robust_summary(std::span<const double> values);

// How a slot reduces the points that fall in it.
enum class Aggregation {
  kSum,   // counts (log lines per bucket, requests per bucket)
  kMean,  // gauges and rates (latency, req/s, CPU %)
  kMax,
};

// The series cut into `count` slots of `slot` length starting at `start`:
// slot i covers [start + i·slot, start + (i+1)·slot). A slot without any point
// is nullopt (no data), which is different from a zero count.
std::vector<std::optional<double>> slot_values(const MetricSeries& series, Timestamp start, Nanos slot, size_t count,
                                               Aggregation agg);

// The values of the non-empty slots, in order.
std::vector<double> present(std::span<const std::optional<double>> slots);

// Element-wise sum of several series (same slotting), e.g. ERROR + CRITICAL
// log counts. A slot is present when any input has it.
std::vector<std::optional<double>> add_slots(std::span<const std::vector<std::optional<double>>> inputs);

}  // namespace tinkr::stats
