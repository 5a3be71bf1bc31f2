// Service level objectives from request and error counts: availability, the
// error budget (total, consumed, remaining, in requests and in minutes), burn
// rates over 5m…72h with the time to exhaustion at each rate, and the
// multi-window burn-rate alerts of the Google SRE workbook (page: 1h & 5m at
// 14.4, 6h & 30m at 6; ticket: 24h & 2h at 3, 72h & 6h at 1 — thresholds for a
// 30-day window, scaled linearly for other windows but never below 1: a burn
// rate under 1 cannot exhaust the budget within the window).
//
// availability = (requests - errors) / requests; burn rate = error ratio /
// (1 - target). Zero traffic gives no availability (stated, budget untouched);
// data that starts after the window does (retention) is stated and the report
// covers what exists.
//
// compute_slo(SloInput) is pure; compute_slo(backend, …) fetches log volume by
// level (requests = all lines, errors = ERROR and above) through the interface.
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "backends/backend.h"
#include "core/model.h"
#include "core/result.h"

namespace tinkr::slo {

struct SloInput {
  double target_percent = 99.9;
  Nanos window{std::chrono::hours(24 * 30)};
  Timestamp end{};        // the window is [end - window, end)
  MetricSeries requests;  // counts per bucket, ascending (all requests)
  MetricSeries errors;    // counts per bucket, ascending (failed requests)
};

struct BurnRate {
  Nanos window{0};
  double requests = 0;
  double errors = 0;
  bool has_traffic = false;
  double error_ratio = 0;
  double burn_rate = 0;
  std::optional<Nanos> time_to_exhaustion;  // at this rate, from the remaining budget; nullopt: never
  std::string status;                       // "ok", "warning", "critical", "no_traffic"
};

// One multi-window alert: fires when both windows burn at or above threshold.
struct BurnAlert {
  std::string severity;  // "page" or "ticket"
  Nanos long_window{0};
  Nanos short_window{0};
  double threshold = 0;
  double long_burn = 0;
  double short_burn = 0;
  bool firing = false;
};

struct SloReport {
  double target_percent = 0;
  Nanos window{0};
  TimeRange range;
  double requests = 0;
  double errors = 0;
  std::optional<double> availability_percent;  // nullopt: no traffic
  double allowed_errors = 0;                   // the budget in requests
  double budget_minutes = 0;                   // window × (1 - target)
  double consumed_minutes = 0;                 // window × (1 - availability)
  double remaining_minutes = 0;                // may be negative: over budget
  double consumed_percent = 0;                 // of the budget
  double remaining_percent = 100;
  std::vector<BurnRate> burn_rates;  // 5m, 30m, 1h, 2h, 6h, 24h, 72h
  std::vector<BurnAlert> alerts;
  Nanos covered{0};    // how much of the window the data covers
  std::string status;  // "ok", "warning", "critical", "exhausted", "no_traffic"
  std::vector<std::string> notes;
};

// Invalid target (not in (0, 100)) or window (<= 0) is an invalid-argument error.
Result<SloReport> compute_slo(const SloInput& input);

struct SloQuery {
  std::string service;
  double target_percent = 99.9;
  Nanos window{std::chrono::hours(24 * 30)};
  Timestamp end{};
};

// Fetches request and error counts from the log volume and computes the report.
Result<SloReport> compute_slo(ObservabilityBackend& backend, const SloQuery& query);

boost::json::value to_json(const SloReport& report);

}  // namespace tinkr::slo
