#include "backends/azure/trace_assembly.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "backends/azure/log_analytics_wire.h"

namespace tinkr::azure {
namespace {

namespace col = wire::col;

Span common(const LaRow& row, SpanKind kind) {
  Span s;
  s.kind = kind;
  s.trace_id = row.text(col::kOperationId);
  s.span_id = row.text(col::kId);
  s.parent_span_id = row.text(col::kParentId);
  if (s.parent_span_id == s.trace_id) s.parent_span_id.clear();
  s.service = row.text(col::kAppRoleName);
  s.name = row.text(col::kName);
  s.start = row.time(col::kTimeGenerated).value_or(Timestamp{});
  const double ms = row.real(col::kDurationMs).value_or(0);
  s.duration = Nanos(std::llround(std::max(0.0, ms) * 1e6));
  flatten_dynamic(row.dynamic(col::kProperties), s.attributes);
  const std::string result = row.text(col::kResultCode);
  const std::optional<bool> success = row.boolean(col::kSuccess);
  if (success.has_value()) s.status = *success ? SpanStatus::kOk : SpanStatus::kError;
  if (!result.empty()) {
    s.attributes["result_code"] = result;
    if (s.status == SpanStatus::kError) s.status_message = result;
  }
  return s;
}

}  // namespace

Span span_from_request(const LaRow& row) {
  Span s = common(row, SpanKind::kServer);
  if (std::string url = row.text(col::kUrl); !url.empty()) s.attributes["url.full"] = url;
  return s;
}

Span span_from_dependency(const LaRow& row) {
  Span s = common(row, SpanKind::kClient);
  if (std::string target = row.text(col::kTarget); !target.empty()) s.attributes["peer.service"] = target;
  if (std::string type = row.text(col::kDependencyType); !type.empty()) s.attributes["dependency.type"] = type;
  if (std::string data = row.text(col::kData); !data.empty()) s.attributes["dependency.data"] = data;
  return s;
}

std::vector<Trace> assemble_traces(std::vector<Span> spans) {
  std::map<std::string, Trace> by_id;
  for (auto& s : spans) {
    if (s.trace_id.empty()) continue;
    Trace& t = by_id[s.trace_id];
    t.trace_id = s.trace_id;
    t.spans.push_back(std::move(s));
  }
  std::vector<Trace> out;
  out.reserve(by_id.size());
  for (auto& [id, t] : by_id) {
    std::stable_sort(t.spans.begin(), t.spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
    // A parent that is not among the rows (sampled out, outside the range)
    // would hide its children from the waterfall: they become roots.
    std::map<std::string, bool> ids;
    for (const auto& s : t.spans) ids[s.span_id] = true;
    for (auto& s : t.spans) {
      if (!s.parent_span_id.empty() && !ids.contains(s.parent_span_id)) {
        s.attributes["missing_parent_id"] = s.parent_span_id;
        s.parent_span_id.clear();
      }
    }
    summarize_trace(t);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace tinkr::azure
