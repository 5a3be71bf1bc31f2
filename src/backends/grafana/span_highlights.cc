#include "backends/grafana/span_highlights.h"

#include <algorithm>

namespace tinkr::grafana {

SpanHighlights highlight_spans(const Trace& trace, size_t n) {
  SpanHighlights out;
  out.slowest = trace.spans;
  std::stable_sort(out.slowest.begin(), out.slowest.end(),
                   [](const Span& a, const Span& b) { return a.duration > b.duration; });
  if (out.slowest.size() > n) out.slowest.resize(n);
  for (const Span& s : trace.spans) {
    if (s.status == SpanStatus::kError) out.failing.push_back(s);
  }
  std::stable_sort(out.failing.begin(), out.failing.end(),
                   [](const Span& a, const Span& b) { return a.start < b.start; });
  if (out.failing.size() > n) out.failing.resize(n);
  return out;
}

}  // namespace tinkr::grafana
