#include "analysis/patterns/window_compare.h"

#include <algorithm>

namespace tinkr::analysis {

std::vector<WindowTemplate> WindowComparison::new_templates() const {
  std::vector<WindowTemplate> out;
  for (const auto& t : templates)
    if (t.is_new()) out.push_back(t);
  return out;
}

WindowComparison compare_windows(const std::vector<LogEntry>& baseline, const std::vector<LogEntry>& current,
                                 const MinerOptions& options) {
  TemplateMiner miner(options);
  std::vector<uint64_t> base_counts, cur_counts;
  auto bump = [](std::vector<uint64_t>& v, size_t i) {
    if (v.size() <= i) v.resize(i + 1, 0);
    ++v[i];
  };
  for (const auto& e : baseline) bump(base_counts, miner.add(e));
  for (const auto& e : current) bump(cur_counts, miner.add(e));
  WindowComparison out;
  const size_t n = miner.cluster_count();
  out.templates.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    WindowTemplate w;
    w.tmpl = miner.snapshot(i);
    w.baseline_count = i < base_counts.size() ? base_counts[i] : 0;
    w.current_count = i < cur_counts.size() ? cur_counts[i] : 0;
    out.templates.push_back(std::move(w));
  }
  std::stable_sort(out.templates.begin(), out.templates.end(), [](const WindowTemplate& a, const WindowTemplate& b) {
    if (a.is_new() != b.is_new()) return a.is_new();
    if (a.current_count != b.current_count) return a.current_count > b.current_count;
    return a.tmpl.text < b.tmpl.text;
  });
  return out;
}

}  // namespace tinkr::analysis
