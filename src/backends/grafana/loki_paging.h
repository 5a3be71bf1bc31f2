// Fetching more log lines than Loki returns per query by walking the time
// window, without gaps or duplicates.
//
// Loki caps one query at `limit` lines (max_entries_limit_per_query, 5000 by
// default) and returns the newest (backward) or oldest (forward) ones of
// [start, end). The walker asks page after page, moving the window edge to
// the last timestamp seen *inclusively* (Loki's end is exclusive, so the next
// backward page ends at last + 1 ns) and drops, at that one boundary
// nanosecond, the lines it already has (several lines may share a
// nanosecond, and the previous page may have cut between them). Should more
// lines share one nanosecond than a page holds, the walker cannot page
// inside it; it steps past and reports the fact in `warnings`.
//
// Pure logic over a fetch callback; thread-safe if the callback is.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/result.h"

namespace tinkr::grafana {

struct LokiPage {
  Timestamp start;  // inclusive
  Timestamp end;    // exclusive
  size_t limit = 0;
  bool backward = true;
};

// Returns the lines of one page in any order.
using LokiPageFetch = std::function<Result<std::vector<LogEntry>>(const LokiPage&)>;

struct LokiWalkResult {
  std::vector<LogEntry> entries;  // oldest first, at most `limit`
  size_t pages = 0;
  std::vector<std::string> warnings;
};

// Collects up to `limit` lines of `range` — the newest ones when
// newest_first, else the oldest — asking at most `page_limit` per page.
Result<LokiWalkResult> walk_loki_window(const TimeRange& range, size_t limit, bool newest_first, size_t page_limit,
                                        const LokiPageFetch& fetch);

}  // namespace tinkr::grafana
