#include "backends/grafana/loki_paging.h"

#include <algorithm>

#include <fmt/format.h>

namespace tinkr::grafana {
namespace {

// Orders lines by time in the walk's direction, stably (equal times keep
// their order). Sorts (time, position) keys and moves each line once: a
// LogEntry is large, and a stable sort of the lines themselves moved every
// one of them log n times.
void order_by_time(std::vector<LogEntry>& lines, bool backward) {
  const auto before = [backward](Timestamp a, Timestamp b) { return backward ? a > b : a < b; };
  const bool sorted = std::is_sorted(lines.begin(), lines.end(),
                                     [&](const LogEntry& a, const LogEntry& b) { return before(a.time, b.time); });
  if (sorted) return;
  std::vector<std::pair<Timestamp, size_t>> keys;
  keys.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) keys.emplace_back(lines[i].time, i);
  std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    return before(a.first, b.first) || (a.first == b.first && a.second < b.second);
  });
  std::vector<LogEntry> ordered;
  ordered.reserve(lines.size());
  for (const auto& key : keys) ordered.push_back(std::move(lines[key.second]));
  lines = std::move(ordered);
}

}  // namespace

Result<LokiWalkResult> walk_loki_window(const TimeRange& range, size_t limit, bool newest_first, size_t page_limit,
                                        const LokiPageFetch& fetch) {
  LokiWalkResult out;
  if (limit == 0 || range.from >= range.to) return out;
  page_limit = std::max<size_t>(page_limit, 1);
  const bool backward = newest_first;

  LokiPage page{range.from, range.to, 0, backward};
  // Lines already collected at the boundary nanosecond (the one the next page
  // re-includes); each can be matched once.
  std::vector<LogEntry> boundary;
  std::vector<LogEntry>& got = out.entries;

  bool boundary_retry = false;  // the current page is a full-size retry of the same window
  while (got.size() < limit) {
    if (!boundary_retry) page.limit = std::min(page_limit, limit - got.size() + boundary.size());
    TINKR_ASSIGN_OR_RETURN(std::vector<LogEntry> lines, fetch(page));
    ++out.pages;
    // Loki merges streams itself, but do not rely on it: order by the walk.
    order_by_time(lines, backward);

    const bool was_retry = boundary_retry;
    boundary_retry = false;
    size_t fresh = 0;
    std::vector<bool> matched(boundary.size(), false);
    for (auto& line : lines) {
      if (line.time < range.from || line.time >= range.to) continue;  // a server that ignores the window
      if (!boundary.empty() && line.time == boundary.front().time) {
        bool duplicate = false;
        for (size_t i = 0; i < boundary.size(); ++i) {
          if (!matched[i] && boundary[i] == line) {
            matched[i] = true;
            duplicate = true;
            break;
          }
        }
        if (duplicate) continue;
      }
      got.push_back(std::move(line));
      ++fresh;
      if (got.size() == limit) break;
    }
    if (got.size() >= limit || lines.size() < page.limit || lines.empty()) break;  // window exhausted or enough

    if (got.empty() || (fresh == 0 && boundary.empty())) break;  // only lines outside the window
    // The edge of this page; the next page re-includes its nanosecond.
    const Timestamp edge = got.back().time;
    if (fresh == 0 && !was_retry && page.limit < page_limit) {
      // Only lines we had: ask again with a full page before giving up on `edge`.
      page.limit = page_limit;
      boundary_retry = true;
    }
    if (fresh == 0 && !boundary_retry) {
      // More lines share `edge` than one page holds: step past that nanosecond.
      out.warnings.push_back(fmt::format("more than {} log lines share the timestamp {}; some of them were skipped",
                                         page_limit, format_rfc3339(edge, 9)));
      boundary.clear();
      if (backward) page.end = edge;
      else page.start = edge + Nanos(1);
    } else if (fresh > 0) {
      boundary.clear();
      for (auto it = got.rbegin(); it != got.rend() && it->time == edge; ++it) boundary.push_back(*it);
      if (backward) page.end = edge + Nanos(1);
      else page.start = edge;
    }
    if (page.start >= page.end) break;
  }

  if (backward) std::reverse(got.begin(), got.end());
  return out;
}

}  // namespace tinkr::grafana
