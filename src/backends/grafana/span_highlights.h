// The spans worth a first look in a trace: the slowest ones and the failing
// ones. Pure function over a Trace; thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "core/model.h"

namespace tinkr::grafana {

struct SpanHighlights {
  std::vector<Span> slowest;  // longest duration first, at most n
  std::vector<Span> failing;  // status error, earliest first, at most n
};

SpanHighlights highlight_spans(const Trace& trace, size_t n = 5);

}  // namespace tinkr::grafana
