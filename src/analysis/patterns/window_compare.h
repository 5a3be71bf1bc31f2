// Comparing the log templates of two windows: which patterns are new.
//
// Mines the baseline entries and then the current entries with one miner, so
// that both windows share clusters, and reports every template with its count
// in each window. A template is new when none of its messages was in the
// baseline. This is the input of "new_pattern" anomalies and of the
// /patterns route's comparison view.
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "analysis/patterns/miner.h"
#include "core/model.h"

namespace tinkr::analysis {

struct WindowTemplate {
  LogTemplate tmpl;  // counts, times, examples and levels over both windows
  uint64_t baseline_count = 0;
  uint64_t current_count = 0;
  bool is_new() const { return baseline_count == 0 && current_count > 0; }
};

struct WindowComparison {
  std::vector<WindowTemplate> templates;  // new ones first, then by current_count descending, then text
  // Templates with is_new(), in the same order.
  std::vector<WindowTemplate> new_templates() const;
};

WindowComparison compare_windows(const std::vector<LogEntry>& baseline, const std::vector<LogEntry>& current,
                                 const MinerOptions& options = {});

}  // namespace tinkr::analysis
