// The shared anomaly detector every backend uses: fetches what it needs through
// the ObservabilityBackend interface (log volume by level, pushed down to the
// backend; metrics by alias), cuts each signal into slots and runs the pure
// detectors of analysis/anomaly.h over them.
//
// Signals: error count and log error rate (log_volume), latency_p99,
// request_rate (rises and drops), error_rate, cpu and memory (get_metrics), and
// new log templates when a template counter is given. A signal the backend
// cannot give is skipped and recorded in AnomalyReport::unavailable; only when
// every signal fails is the result an error. Baselines: the slots before the
// window, the same time yesterday and the same weekday last week (each fetched
// separately; one that is missing, e.g. beyond retention, is noted).
//
// Determinism: the window is aligned to whole buckets and results are sorted,
// so the same data gives the same anomalies on every backend. Thread-safe as
// far as the backend is.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analysis/anomaly.h"
#include "analysis/anomaly_new_pattern.h"
#include "backends/backend.h"
#include "core/result.h"

namespace tinkr::anomaly {

// Template counts for a range: the log-pattern miner, wired by the caller.
using TemplateCounter =
    std::function<Result<std::vector<TemplateCount>>(const std::string& service, const TimeRange& range)>;

struct AnomalyDetectionOptions {
  Nanos slot{0};  // 0: min(10m, window), widened so that a window has at most 144 slots
  std::vector<std::string> metrics{"latency_p99", "request_rate", "error_rate", "cpu", "memory"};
  // Native metric names treated as saturation (connection-pool use, disk, …).
  std::vector<std::string> saturation_metrics;
  bool seasonal = true;             // compare with the same time yesterday and last week
  double min_errors_per_slot = 10;  // minimum-volume guard for error spikes
  DetectorOptions detector;
  TemplateCounter count_templates;  // empty: no new-pattern detection
  NewPatternOptions new_patterns;
};

// A signal that could not be checked, and why.
struct UnavailableSignal {
  std::string signal;
  Error error;
};

struct AnomalyReport {
  std::string service;
  TimeRange window;  // aligned to whole buckets
  Nanos slot{0};
  std::vector<Anomaly> anomalies;  // most severe first, filtered by min_severity
  std::vector<std::string> signals_checked;
  std::vector<UnavailableSignal> unavailable;
  std::vector<std::string> notes;  // missing baselines and the like, in words
};

// Runs every detector; an error only when the window is invalid or no signal
// at all could be fetched.
Result<AnomalyReport> run_anomaly_detection(ObservabilityBackend& backend, const AnomalyQuery& query,
                                            const AnomalyDetectionOptions& options = {});

// The anomalies alone (ObservabilityBackend::detect_anomalies uses this).
Result<std::vector<Anomaly>> detect_anomalies(ObservabilityBackend& backend, const AnomalyQuery& query);

// The slot length the detector uses for a window of this length.
Nanos default_slot(Nanos window);

}  // namespace tinkr::anomaly
