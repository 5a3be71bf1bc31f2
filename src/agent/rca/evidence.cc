#include "agent/rca/evidence.h"

#include <chrono>

#include <boost/json.hpp>

#include "core/json.h"

namespace tinkr::rca {
namespace {

namespace js = boost::json;

js::value opt_time(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  return js::value(format_rfc3339(*t));
}

js::value opt_double(const std::optional<double>& d) {
  if (!d) return nullptr;
  return js::value(*d);
}

int64_t millis(Nanos d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

js::array strings(const std::vector<std::string>& v) {
  js::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

js::object range_json(const TimeRange& r) {
  return js::object{{"from", format_rfc3339(r.from)}, {"to", format_rfc3339(r.to)}};
}

template <typename T>
js::array list(const std::vector<T>& items) {
  js::array out;
  out.reserve(items.size());
  for (const auto& i : items) out.push_back(to_json(i));
  return out;
}

}  // namespace

const ErrorOnset* EvidenceBundle::target_onset() const {
  for (const auto& o : onsets) {
    if (o.relation == "target") return o.onset ? &o : nullptr;
  }
  return nullptr;
}

bool EvidenceBundle::has_gap(std::string_view source_prefix) const {
  for (const auto& g : gaps) {
    if (std::string_view(g.source).substr(0, source_prefix.size()) == source_prefix) return true;
  }
  return false;
}

js::value to_json(const EvidenceGap& g) {
  return js::object{{"source", g.source}, {"code", g.code}, {"message", g.message}};
}

js::value to_json(const MetricEvidence& m) {
  return js::object{{"name", m.name},
                    {"unit", m.unit},
                    {"baseline_median", opt_double(m.baseline_median)},
                    {"incident_median", opt_double(m.incident_median)},
                    {"incident_peak", opt_double(m.incident_peak)},
                    {"peak_time", opt_time(m.peak_time)},
                    {"rise_time", opt_time(m.rise_time)},
                    {"points", m.points}};
}

js::value to_json(const ErrorOnset& o) {
  return js::object{{"service", o.service},
                    {"relation", o.relation},
                    {"onset", opt_time(o.onset)},
                    {"baseline_per_min", o.baseline_per_min},
                    {"peak_per_min", o.peak_per_min},
                    {"baseline_errors", o.baseline_errors},
                    {"incident_errors", o.incident_errors}};
}

js::value to_json(const PatternEvidence& p) {
  return js::object{{"id", p.id},
                    {"template", p.text},
                    {"baseline_count", p.baseline_count},
                    {"incident_count", p.incident_count},
                    {"new", p.is_new},
                    {"first_seen", opt_time(p.first_seen)},
                    {"last_seen", opt_time(p.last_seen)},
                    {"examples", strings(p.examples)}};
}

js::value to_json(const StackTraceEvidence& s) {
  js::array frames;
  for (const auto& f : s.frames) {
    frames.push_back(
        js::object{{"function", f.function}, {"file", f.file}, {"line", f.line}, {"application", f.application}});
  }
  return js::object{{"signature", s.signature},
                    {"language", s.language},
                    {"exception_type", s.exception_type},
                    {"message", s.message},
                    {"count", s.count},
                    {"frames", std::move(frames)},
                    {"causes", strings(s.causes)},
                    {"first_seen", opt_time(s.first_seen)},
                    {"service", s.service}};
}

js::value to_json(const ErrorClassEvidence& c) {
  return js::object{{"class", c.error_class},
                    {"subclass", c.subclass},
                    {"underlying", c.underlying},
                    {"confidence", c.confidence},
                    {"rule", c.rule},
                    {"matched", c.matched},
                    {"count", c.count},
                    {"first_seen", opt_time(c.first_seen)},
                    {"last_seen", opt_time(c.last_seen)},
                    {"deploy_time", opt_time(c.deploy_time)},
                    {"evidence", strings(c.evidence)}};
}

js::value to_json(const ChangeEvidence& c) {
  return js::object{{"time", format_rfc3339(c.time)}, {"service", c.service}, {"kind", c.kind}, {"version", c.version},
                    {"description", c.description},   {"source", c.source},   {"line", c.line}};
}

js::value to_json(const SpanHotspot& h) {
  return js::object{{"service", h.service},
                    {"operation", h.operation},
                    {"peer", h.peer},
                    {"spans", h.spans},
                    {"errors", h.errors},
                    {"root_errors", h.root_errors},
                    {"max_duration_ms", millis(h.max_duration)},
                    {"p95_duration_ms", millis(h.p95_duration)},
                    {"first_error", opt_time(h.first_error)},
                    {"example_trace_id", h.example_trace_id},
                    {"example_status", h.example_status}};
}

js::value to_json(const ServiceEdge& e) {
  return js::object{{"caller", e.caller}, {"callee", e.callee}, {"calls", e.calls}, {"errors", e.errors}};
}

js::value to_json(const EvidenceBundle& b) {
  js::array anomalies;
  for (const auto& a : b.anomalies) anomalies.push_back(tinkr::to_json(a));
  return js::object{{"service", b.service},
                    {"incident", range_json(b.incident)},
                    {"baseline", range_json(b.baseline)},
                    {"collected_at", format_rfc3339(b.collected_at)},
                    {"anomalies", std::move(anomalies)},
                    {"metrics", list(b.metrics)},
                    {"onsets", list(b.onsets)},
                    {"patterns", list(b.patterns)},
                    {"stack_traces", list(b.stack_traces)},
                    {"error_classes", list(b.error_classes)},
                    {"changes", list(b.changes)},
                    {"hotspots", list(b.hotspots)},
                    {"edges", list(b.edges)},
                    {"baseline_error_lines", b.baseline_error_lines},
                    {"incident_error_lines", b.incident_error_lines},
                    {"traces_sampled", b.traces_sampled},
                    {"gaps", list(b.gaps)}};
}

}  // namespace tinkr::rca
