#include "analysis/anomaly_new_pattern.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include <fmt/format.h>

namespace tinkr::anomaly {
namespace {

const std::string& key_of(const TemplateCount& t) { return t.id.empty() ? t.text : t.id; }

}  // namespace

std::vector<Anomaly> detect_new_patterns(const std::vector<TemplateCount>& current,
                                         const std::vector<TemplateCount>& baseline, const TimeRange& window,
                                         const std::string& service, const NewPatternOptions& options) {
  std::set<std::string, std::less<>> known;
  for (const auto& t : baseline)
    if (t.count > 0) known.insert(key_of(t));

  std::vector<const TemplateCount*> fresh;
  for (const auto& t : current)
    if (t.count >= options.min_count && !known.contains(key_of(t))) fresh.push_back(&t);

  auto severity_of = [&](const TemplateCount& t) {
    if (t.level >= Level::kError && t.count >= options.high_count) return Severity::kHigh;
    if (t.level >= Level::kWarn) return Severity::kMedium;
    return Severity::kLow;
  };
  std::sort(fresh.begin(), fresh.end(), [&](const TemplateCount* a, const TemplateCount* b) {
    return std::make_tuple(-static_cast<int>(severity_of(*a)), -a->count, key_of(*a)) <
           std::make_tuple(-static_cast<int>(severity_of(*b)), -b->count, key_of(*b));
  });
  if (fresh.size() > options.max_anomalies) fresh.resize(options.max_anomalies);

  std::vector<Anomaly> out;
  for (const TemplateCount* t : fresh) {
    Anomaly a;
    a.service = service;
    a.kind = "new_pattern";
    a.metric = key_of(*t);
    a.severity = severity_of(*t);
    a.start = window.from;
    a.end = window.to;
    a.observed = t->count;
    a.baseline = 0;
    a.baseline_spread = 0;
    a.reason = fmt::format("new {} pattern: {:.0f} occurrences in {}, none in the baseline", level_name(t->level),
                           std::round(t->count), format_duration(window.length()));
    a.evidence.push_back(t->text);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace tinkr::anomaly
