// Anomaly detection over slotted time series: pure functions, no backend.
//
// A signal (error count, p99 latency, request rate, CPU…) is cut into fixed
// slots (10 minutes by default). Each slot of the window under inspection is
// compared with every baseline that is available:
//   - recent:   the slots just before the window (median ± 1.4826·MAD);
//   - seasonal: the same slot yesterday and the same weekday last week, so a
//               peak that happens every day at this time is not an incident.
// A slot is anomalous only when it deviates from *every* available baseline
// (the smallest robust z-score must pass the threshold), by a minimum ratio,
// and above minimum-volume guards (three errors against one is not a spike).
// Severity comes from both the z-score and the ratio, the weaker of the two;
// the reason states the numbers ("847 errors in 10m vs baseline 12 ± 4").
//
// All functions are pure, deterministic and thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "analysis/stats.h"
#include "core/model.h"
#include "core/time.h"

namespace tinkr::anomaly {

// What a signal is and which deviations of it matter.
struct SignalSpec {
  std::string metric;     // "error_count", "latency_p99", "request_rate", "cpu", …
  std::string series;     // label set of the series ("instance=a"); empty for one series
  std::string kind_up;    // Anomaly::kind of a rise; empty: rises are not anomalies
  std::string kind_down;  // Anomaly::kind of a drop; empty: drops are not anomalies
  stats::Aggregation aggregation = stats::Aggregation::kMean;
  bool is_count = false;  // counts per slot: Poisson noise floor, "N errors in 10m"
  std::string noun;       // for counts: "errors", "log lines"
  std::string unit;       // for formatting: "s", "ms", "%", "ratio", "By", "req/s", ""
  double min_volume = 0;  // a rise needs volume >= this in the slot; a drop needs baseline >= this
  double min_delta = 0;   // |observed - baseline| must reach this (in the signal's unit)
  // Ratio observed/baseline needed for low, medium, high, critical.
  std::array<double, 4> rise_ratios{1.5, 2.0, 4.0, 10.0};
  // For drops, the ratio must be at most these (low, medium, high, critical).
  std::array<double, 4> drop_ratios{0.5, 0.3, 0.15, 0.05};
  // Absolute levels (in the signal's unit) at which a rise is at least high /
  // critical whatever the baseline; 0 disables. `absolute_alone` flags a slot
  // at or above absolute_high even without a relative rise (saturation).
  double absolute_high = 0;
  double absolute_critical = 0;
  bool absolute_alone = false;
};

// Thresholds and shapes of the comparison.
struct DetectorOptions {
  std::array<double, 4> z_thresholds{3.0, 5.0, 8.0, 12.0};  // low, medium, high, critical
  double relative_noise_floor = 0.05;                       // sigma is at least 5% of the baseline level
  double absolute_noise_floor = 1e-9;
};

// One seasonal reference: values matched slot by slot with the window.
struct SeasonalSlots {
  std::string name;  // "same time yesterday", "same time last week"
  std::vector<std::optional<double>> values;
};

// A signal cut into slots around the window under inspection.
struct SignalHistory {
  TimeRange window;  // current[i] covers [window.from + i·slot, … + slot)
  Nanos slot{std::chrono::minutes(10)};
  std::vector<std::optional<double>> current;
  // The count behind each current slot when the signal is a ratio (errors
  // behind an error rate); empty: the value itself is the volume.
  std::vector<std::optional<double>> volume;
  std::vector<std::optional<double>> recent;  // the slots before the window
  std::string recent_name = "previous window";
  std::vector<SeasonalSlots> seasonal;
};

// Builds a history from one series that holds all points (window, the lookback
// before it, and the seasonal windows 1 day and 7 days earlier when present).
// recent_slots slots before the window form the recent baseline.
SignalHistory history_from_series(const MetricSeries& series, const TimeRange& window, Nanos slot, size_t recent_slots,
                                  stats::Aggregation agg, bool seasonal = true);

// The number of slots of `slot` length in the window (at least 1; a partial
// last slot counts).
size_t slot_count(const TimeRange& window, Nanos slot);

// The anomalies of one signal: at most one rise and one drop, each covering
// the flagged slots of the window, its numbers taken from the peak slot.
// `service` fills Anomaly::service. Empty when nothing passes, or when no
// baseline is available.
std::vector<Anomaly> detect_signal(const SignalHistory& history, const SignalSpec& spec, const std::string& service,
                                   const DetectorOptions& options = {});

// Convenience over one series: history_from_series + detect_signal with a
// recent baseline of max(window, 12 slots).
std::vector<Anomaly> detect_in_series(const MetricSeries& series, const TimeRange& window, const SignalSpec& spec,
                                      const std::string& service, Nanos slot = std::chrono::minutes(10),
                                      const DetectorOptions& options = {});

// "3.2s", "320ms", "82%", "1.2k", "4.5 MiB": a value in its unit for reasons.
std::string format_value(double value, const std::string& unit);

// Orders anomalies most severe first, then by kind, metric and start, so that
// output is the same whatever order signals were fetched in.
void sort_anomalies(std::vector<Anomaly>& anomalies);

}  // namespace tinkr::anomaly
