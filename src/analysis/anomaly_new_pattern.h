// New-pattern anomalies: a log template that appears in the window but never in
// the baseline. Works on template counts (template id/text → count per window)
// so that any miner can feed it; the log-pattern miner in analysis/patterns/
// produces them.
//
// Pure, deterministic and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/model.h"
#include "core/time.h"

namespace tinkr::anomaly {

// One log template and how often it occurred in a window.
struct TemplateCount {
  std::string id;    // the miner's stable template id
  std::string text;  // "Payment charge failed: card_declined <*>"
  Level level = Level::kUnknown;
  double count = 0;

  friend bool operator==(const TemplateCount&, const TemplateCount&) = default;
};

struct NewPatternOptions {
  double min_count = 5;       // fewer occurrences are noise, not a pattern
  double high_count = 100;    // an ERROR+ template this frequent is high severity
  size_t max_anomalies = 20;  // the most frequent new templates only
};

// Templates of `current` whose id (or, without ids, text) is absent from
// `baseline`, as Anomaly{kind "new_pattern", metric = template id}. Severity:
// low for INFO and below, medium for WARN and ERROR, high for ERROR+ at or
// above high_count. Ordered by severity, then count, then id.
std::vector<Anomaly> detect_new_patterns(const std::vector<TemplateCount>& current,
                                         const std::vector<TemplateCount>& baseline, const TimeRange& window,
                                         const std::string& service, const NewPatternOptions& options = {});

}  // namespace tinkr::anomaly
