// Two windows side by side: metrics with absolute and percent change and a
// direction, and log patterns marked new/increased ("+"), gone/decreased ("-")
// or unchanged ("~").
//
// The windows follow `tinkr diff --baseline B --compare C`: compare is the last
// C, baseline is a window as long ending B ago ("3h–2h ago" vs "1h–now" for the
// defaults 2h and 1h). Pattern counts come from any miner as template counts
// per window; counts are normalised by window length before comparing.
//
// The diff_* functions are pure; compute_diff fetches through the backend
// interface. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "analysis/anomaly_detect.h"
#include "analysis/anomaly_new_pattern.h"
#include "analysis/stats.h"
#include "backends/backend.h"

namespace tinkr::diff {

struct DiffWindows {
  TimeRange baseline;
  TimeRange compare;
};
// compare = [now - compare_length, now); baseline = compare shifted back by baseline_offset.
DiffWindows diff_windows(Timestamp now, Nanos baseline_offset, Nanos compare_length);

enum class Direction { kUp, kDown, kFlat };
std::string_view direction_name(Direction d);  // "up", "down", "flat"

struct MetricChange {
  std::string name;  // "error_count", "latency_p99{instance=a}"
  std::string unit;
  std::optional<double> baseline;  // nullopt: no data in that window
  std::optional<double> compare;
  double absolute_change = 0;
  std::optional<double> percent_change;  // nullopt when the baseline is 0 or missing
  Direction direction = Direction::kFlat;
};

// Change between two values; changes under flat_percent are "flat".
MetricChange compare_values(std::string name, std::string unit, std::optional<double> baseline,
                            std::optional<double> compare, double flat_percent = 5.0);

// Each series summarised over its window (sum for counts, mean for gauges),
// matched by name and labels.
std::vector<MetricChange> diff_metrics(const std::vector<MetricSeries>& baseline,
                                       const std::vector<MetricSeries>& compare, stats::Aggregation aggregation);

enum class PatternMark { kIncreased, kDecreased, kUnchanged };
char mark_symbol(PatternMark m);  // '+', '-', '~'

struct PatternChange {
  std::string id;
  std::string text;
  Level level = Level::kUnknown;
  double baseline = 0;  // count in the baseline window
  double compare = 0;   // count in the compare window
  PatternMark mark = PatternMark::kUnchanged;
  bool is_new = false;   // absent from the baseline
  bool is_gone = false;  // absent from the compare window
};

struct PatternDiffOptions {
  double min_ratio = 1.5;  // a change must be at least this factor…
  double min_delta = 5;    // …and this many occurrences (after normalising)
};

// '+' first (by compare count), then '-' (by baseline count), then '~'.
std::vector<PatternChange> diff_patterns(const std::vector<anomaly::TemplateCount>& baseline,
                                         const std::vector<anomaly::TemplateCount>& compare, Nanos baseline_length,
                                         Nanos compare_length, const PatternDiffOptions& options = {});

struct DiffReport {
  std::string service;
  DiffWindows windows;
  std::vector<MetricChange> metrics;
  std::vector<PatternChange> patterns;
  std::vector<anomaly::UnavailableSignal> unavailable;
};

struct DiffQuery {
  std::string service;
  Nanos baseline_offset{std::chrono::hours(2)};
  Nanos compare_length{std::chrono::hours(1)};
  Timestamp now{};  // epoch: the current time
  std::vector<std::string> metrics{"latency_p99", "request_rate", "error_rate", "cpu", "memory"};
};

// error_count and log_count from log volume, the metric aliases from
// get_metrics, patterns from count_templates when given. A signal the backend
// lacks is recorded in `unavailable`; an error only when nothing could be fetched.
Result<DiffReport> compute_diff(ObservabilityBackend& backend, const DiffQuery& query,
                                const anomaly::TemplateCounter& count_templates = {});

boost::json::value to_json(const DiffReport& report);

}  // namespace tinkr::diff
