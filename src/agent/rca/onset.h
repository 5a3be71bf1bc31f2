// When did it start? Pure helpers that date a rise in a series: the error
// onset from log volume by level, and the summary of one metric across the
// baseline and incident windows.
//
// A rise is the first slot of the incident window above the baseline's
// median + max(3σ, floor) that is confirmed by at least one of the next two
// slots (a lone blip is not an onset). Pure, deterministic, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/rca/evidence.h"
#include "core/model.h"
#include "core/time.h"

namespace tinkr::rca {

struct VolumeOnset {
  std::optional<Timestamp> onset;  // start of the first rising bucket
  double baseline_per_bucket = 0;  // median error lines per bucket in the baseline
  double peak_per_bucket = 0;      // max in the incident window
  uint64_t baseline_total = 0;
  uint64_t incident_total = 0;
};

// From log_volume series (one per level, label "level"): ERROR and CRITICAL
// lines per bucket; a bucket without a point counts zero.
VolumeOnset error_volume_onset(const std::vector<MetricSeries>& volume, const TimeRange& baseline,
                               const TimeRange& incident, Nanos bucket);

// The first index >= from whose value exceeds threshold and is confirmed by
// one of the next two values (or is the last value); nullopt when none.
std::optional<size_t> first_sustained_rise(const std::vector<double>& values, size_t from, double threshold);

// Baseline median, incident median and peak, and the rise time of one series.
MetricEvidence summarize_metric(const std::string& name, const MetricSeries& series, const TimeRange& baseline,
                                const TimeRange& incident);

}  // namespace tinkr::rca
