#include "agent/rca/collector.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include <re2/re2.h>

#include "agent/rca/log_lines.h"
#include "agent/rca/onset.h"
#include "analysis/anomaly_detect.h"
#include "analysis/error_class.h"
#include "analysis/patterns/window_compare.h"
#include "analysis/stacktrace.h"
#include "analysis/stats.h"
#include "store/events_store.h"

namespace tinkr::rca {
namespace {

constexpr std::string_view kErrorFilter = "level:(ERROR OR CRITICAL)";
constexpr std::string_view kMarkerFilter =
    "deploy OR deployed OR deploying OR deployment OR \"starting version\" OR released OR rollout";
constexpr size_t kMaxPatterns = 15;
constexpr size_t kMaxStackGroups = 5;
constexpr size_t kMaxHotspots = 8;

bool is_error_level(Level l) { return l >= Level::kError; }

const RE2& marker_re() {
  static const RE2 re(R"((?i)\b(deploy(ed|ing|ment)?|starting version|roll(ed|ing)?[ -]?out|released?)\b)");
  return re;
}

const RE2& version_re() {
  static const RE2 re(R"(\b(v?\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?)\b)");
  return re;
}

std::string attribute(const Attributes& a, std::string_view key) {
  auto it = a.find(key);
  return it == a.end() ? std::string() : it->second;
}

}  // namespace

EvidenceCollector::EvidenceCollector(ObservabilityBackend& backend, store::EventsStore* events,
                                     CollectorOptions options)
    : backend_(backend), events_(events), options_(std::move(options)) {}

namespace {

// One run of collect(): the bundle under construction and the budget.
class Collection {
 public:
  Collection(ObservabilityBackend& backend, store::EventsStore* events, const CollectorOptions& options)
      : backend_(backend), events_(events), opt_(options), started_(opt_.clock()) {}

  EvidenceBundle run(const std::string& service, const TimeRange& incident) {
    b_.service = service;
    b_.incident = incident;
    b_.baseline = TimeRange{incident.from - incident.length(), incident.from};
    b_.collected_at = started_;

    error_logs();
    changes();
    error_classes();
    traces();
    onsets();
    metrics();
    anomalies();
    return std::move(b_);
  }

 private:
  bool may_fetch(const std::string& source) {
    if (opt_.clock() - started_ <= opt_.budget) return true;
    b_.gaps.push_back({source, "deadline_exceeded",
                       "skipped: the evidence time budget of " + format_duration(opt_.budget) + " was spent"});
    return false;
  }

  void gap(const std::string& source, const Error& e) {
    b_.gaps.push_back({source, std::string(error_code_name(e.code)), e.message});
  }

  Result<std::vector<LogEntry>> errors_in(const std::string& service, const TimeRange& range, size_t limit) {
    LogQuery q;
    q.service = service;
    q.range = range;
    q.filter = std::string(kErrorFilter);
    q.limit = limit;
    q.newest_first = false;  // the beginning of an incident is what dates it
    auto r = backend_.query_logs(q);
    if (!r) return r;
    std::vector<LogEntry> out;
    for (auto& e : *r) {
      if (is_error_level(e.level) || e.level == Level::kUnknown) out.push_back(std::move(e));
    }
    return out;
  }

  void error_logs() {
    for (int which = 0; which < 2; ++which) {
      bool is_baseline = which == 0;
      std::string source = is_baseline ? "logs baseline errors" : "logs incident errors";
      if (!may_fetch(source)) continue;
      auto r = errors_in(b_.service, is_baseline ? b_.baseline : b_.incident, opt_.error_log_limit);
      if (!r) {
        gap(source, r.error());
        continue;
      }
      if (r->size() >= opt_.error_log_limit) {
        b_.gaps.push_back({source, "truncated",
                           "only the first " + std::to_string(opt_.error_log_limit) +
                               " error lines of the window were read; counts are lower bounds"});
      }
      (is_baseline ? baseline_errors_ : incident_errors_) = std::move(*r);
    }
    b_.baseline_error_lines = baseline_errors_.size();
    b_.incident_error_lines = incident_errors_.size();
    patterns();
    stack_traces();
  }

  void patterns() {
    if (incident_errors_.empty()) return;
    auto cmp =
        analysis::compare_windows(summarized_for_mining(baseline_errors_), summarized_for_mining(incident_errors_));
    for (const auto& t : cmp.templates) {
      // Keep the new ones and those that at least doubled (and grew by 3+ lines).
      bool increased = t.current_count >= 2 * t.baseline_count && t.current_count >= t.baseline_count + 3;
      if (!t.is_new() && !increased) continue;
      PatternEvidence p;
      p.id = t.tmpl.id;
      p.text = t.tmpl.text;
      p.baseline_count = t.baseline_count;
      p.incident_count = t.current_count;
      p.is_new = t.is_new();
      p.first_seen = t.tmpl.first_seen;
      p.last_seen = t.tmpl.last_seen;
      p.examples = t.tmpl.examples;
      b_.patterns.push_back(std::move(p));
    }
    std::stable_sort(b_.patterns.begin(), b_.patterns.end(), [](const auto& a, const auto& c) {
      if (a.is_new != c.is_new) return a.is_new;
      return a.incident_count - std::min(a.incident_count, a.baseline_count) >
             c.incident_count - std::min(c.incident_count, c.baseline_count);
    });
    if (b_.patterns.size() > kMaxPatterns) b_.patterns.resize(kMaxPatterns);
  }

  void stack_traces() {
    // Each error entry is examined on its own: a message may hold a whole trace.
    std::map<std::string, StackTraceEvidence> groups;
    for (const auto& e : incident_errors_) {
      if (e.message.find('\n') == std::string::npos) continue;
      for (const auto& t : analysis::find_stack_traces(std::string_view(e.message))) {
        auto& g = groups[t.signature];
        if (g.count == 0) {
          g.signature = t.signature;
          g.language = std::string(analysis::trace_language_name(t.language));
          g.exception_type = t.exception_type;
          g.message = t.message;
          g.frames = t.top_frames(5);
          g.causes = t.causes;
          g.first_seen = e.time;
          g.service = e.service;
        }
        ++g.count;
      }
    }
    for (auto& [sig, g] : groups) b_.stack_traces.push_back(std::move(g));
    std::stable_sort(b_.stack_traces.begin(), b_.stack_traces.end(),
                     [](const auto& a, const auto& c) { return a.count > c.count; });
    if (b_.stack_traces.size() > kMaxStackGroups) b_.stack_traces.resize(kMaxStackGroups);
  }

  void changes() {
    TimeRange span{b_.baseline.from, b_.incident.to};
    if (events_ == nullptr) {
      b_.gaps.push_back({"events store", "unavailable",
                         "no events store is configured; deploys were looked for in log markers only"});
    } else if (may_fetch("events store")) {
      auto r = events_->list("", span.from, opt_.event_limit);
      if (!r) {
        gap("events store", r.error());
      } else {
        for (const auto& e : *r) {
          if (!span.contains(e.time)) continue;
          b_.changes.push_back({e.time, e.service, e.kind, e.version, e.description, "events_store", ""});
        }
      }
    }
    if (may_fetch("logs deploy markers")) {
      LogQuery q;
      q.service = b_.service;
      q.range = span;
      q.filter = std::string(kMarkerFilter);
      q.limit = opt_.marker_log_limit;
      q.newest_first = false;
      auto r = backend_.query_logs(q);
      if (!r) {
        gap("logs deploy markers", r.error());
      } else {
        for (const auto& e : *r) add_marker(e);
      }
    }
    std::stable_sort(b_.changes.begin(), b_.changes.end(),
                     [](const auto& a, const auto& c) { return a.time < c.time; });
  }

  void add_marker(const LogEntry& e) {
    std::string_view first_line(e.message);
    first_line = first_line.substr(0, first_line.find('\n'));
    if (!RE2::PartialMatch(first_line, marker_re())) return;
    ChangeEvidence c;
    c.time = e.time;
    c.service = e.service.empty() ? b_.service : e.service;
    c.kind = "deploy";
    c.version = attribute(e.attributes, "version");
    if (c.version.empty()) {
      std::string v;
      if (RE2::PartialMatch(first_line, version_re(), &v)) c.version = v;
    }
    c.source = "log_marker";
    c.line = std::string(first_line.substr(0, 300));
    // The same deploy recorded in the store (same service, within 5 minutes):
    // keep the store's record and attach the line to it.
    for (auto& known : b_.changes) {
      auto gap = known.time > c.time ? known.time - c.time : c.time - known.time;
      if (known.service == c.service && gap <= std::chrono::minutes(5) &&
          (known.version.empty() || c.version.empty() || known.version == c.version)) {
        if (known.line.empty()) known.line = c.line;
        return;
      }
    }
    b_.changes.push_back(std::move(c));
  }

  void error_classes() {
    if (incident_errors_.empty()) return;
    analysis::ClassifyOptions o;
    for (const auto& c : b_.changes) {
      if (c.kind == "deploy" && (c.service == b_.service || c.service.empty())) o.deploy_times.push_back(c.time);
    }
    std::vector<LogEntry> all = baseline_errors_;
    all.insert(all.end(), incident_errors_.begin(), incident_errors_.end());
    for (const auto& r : analysis::classify_errors(all, o)) {
      if (r.classification.error_class == analysis::ErrorClass::kUnknown && r.count == 0) continue;
      // Only classes seen in the incident window count as evidence for it.
      if (r.last_seen && *r.last_seen < b_.incident.from) continue;
      ErrorClassEvidence c;
      c.error_class = std::string(analysis::error_class_name(r.classification.error_class));
      c.subclass = r.classification.subclass;
      c.underlying = r.classification.error_class == analysis::ErrorClass::kDeployRegression
                         ? std::string(analysis::error_class_name(r.underlying))
                         : "";
      c.confidence = r.classification.confidence;
      c.rule = r.classification.rule;
      c.matched = r.classification.matched;
      c.count = r.count;
      c.first_seen = r.first_seen;
      c.last_seen = r.last_seen;
      c.deploy_time = r.deploy_time;
      for (const auto& line : r.classification.evidence) c.evidence.push_back(summary_line(line));
      b_.error_classes.push_back(std::move(c));
    }
  }

  void traces() {
    std::map<std::string, Trace> by_id;
    for (int which = 0; which < 2; ++which) {
      bool failing = which == 1;
      std::string source = failing ? "traces failing" : "traces slowest";
      if (!may_fetch(source)) continue;
      TraceQuery q;
      q.service = b_.service;
      q.range = b_.incident;
      q.limit = opt_.trace_limit;
      q.errors_only = failing;
      auto r = backend_.get_traces(q);
      if (!r) {
        gap(source, r.error());
        continue;
      }
      for (auto& t : *r) {
        const bool has_error = t.has_error || failing;
        auto [it, inserted] = by_id.emplace(t.trace_id, std::move(t));
        if (has_error) it->second.has_error = true;  // seen by the failing search too
      }
    }
    // Summaries only (Tempo, X-Ray, …): fetch the most telling ones in full,
    // failing traces first, then the slowest — not whichever ids sort first.
    std::vector<Trace*> summaries;
    for (auto& [id, t] : by_id) {
      if (t.spans.empty()) summaries.push_back(&t);
    }
    std::stable_sort(summaries.begin(), summaries.end(), [](const Trace* a, const Trace* c) {
      if (a->has_error != c->has_error) return a->has_error;
      return a->duration > c->duration;
    });
    size_t detailed = 0;
    for (Trace* t : summaries) {
      if (detailed >= opt_.trace_detail_limit) break;
      const std::string id = t->trace_id;
      if (!may_fetch("trace " + id)) break;
      ++detailed;
      auto r = backend_.get_trace(id);
      if (!r) {
        gap("trace " + id, r.error());
        continue;
      }
      *t = std::move(*r);
    }
    std::vector<const Trace*> with_spans;
    for (const auto& [id, t] : by_id) {
      if (!t.spans.empty()) with_spans.push_back(&t);
    }
    b_.traces_sampled = with_spans.size();
    summarize_spans(with_spans);
  }

  void summarize_spans(const std::vector<const Trace*>& traces) {
    struct Acc {
      SpanHotspot h;
      std::vector<double> ms;
    };
    std::map<std::tuple<std::string, std::string, std::string>, Acc> spots;
    std::map<std::pair<std::string, std::string>, ServiceEdge> edges;
    for (const Trace* t : traces) {
      std::map<std::string_view, const Span*> by_id;
      std::map<std::string_view, std::vector<const Span*>> children;
      for (const auto& s : t->spans) by_id[s.span_id] = &s;
      for (const auto& s : t->spans) {
        if (!s.parent_span_id.empty()) children[s.parent_span_id].push_back(&s);
      }
      for (const auto& s : t->spans) {
        services_with_spans_.insert(s.service);
        std::string peer = attribute(s.attributes, "peer.service");
        bool child_in_peer = false;
        bool child_failed = false;
        std::string child_service;
        for (const Span* c : children[s.span_id]) {
          if (c->status == SpanStatus::kError) child_failed = true;
          if (c->service != s.service) {
            child_service = c->service;
            if (c->service == peer) child_in_peer = true;
          }
        }
        if (peer.empty()) peer = child_service;
        auto& acc = spots[{s.service, s.name, peer}];
        if (acc.h.spans == 0) {
          acc.h.service = s.service;
          acc.h.operation = s.name;
          acc.h.peer = peer;
          acc.h.example_trace_id = s.trace_id;
        }
        ++acc.h.spans;
        acc.ms.push_back(std::chrono::duration<double, std::milli>(s.duration).count());
        acc.h.max_duration = std::max(acc.h.max_duration, s.duration);
        if (s.status == SpanStatus::kError) {
          ++acc.h.errors;
          if (!child_failed) ++acc.h.root_errors;
          if (!acc.h.first_error || s.start < *acc.h.first_error) acc.h.first_error = s.start;
          if (acc.h.example_status.empty()) {
            acc.h.example_status = s.status_message;
            acc.h.example_trace_id = s.trace_id;
          }
        }
        // Edges: a client span naming its peer, or a parent in another service.
        if (!peer.empty() && peer != s.service && !child_in_peer && s.kind != SpanKind::kServer) {
          auto& e = edges[{s.service, peer}];
          e.caller = s.service;
          e.callee = peer;
          ++e.calls;
          if (s.status == SpanStatus::kError) ++e.errors;
        }
        auto parent = by_id.find(s.parent_span_id);
        if (parent != by_id.end() && parent->second->service != s.service) {
          auto& e = edges[{parent->second->service, s.service}];
          e.caller = parent->second->service;
          e.callee = s.service;
          ++e.calls;
          if (s.status == SpanStatus::kError) ++e.errors;
        }
      }
    }
    for (auto& [key, acc] : spots) {
      auto p95 = stats::quantile(acc.ms, 0.95).value_or(0);
      acc.h.p95_duration = Nanos(static_cast<int64_t>(std::llround(p95 * 1e6)));
      b_.hotspots.push_back(std::move(acc.h));
    }
    std::stable_sort(b_.hotspots.begin(), b_.hotspots.end(), [](const auto& a, const auto& c) {
      if (a.root_errors != c.root_errors) return a.root_errors > c.root_errors;
      if (a.errors != c.errors) return a.errors > c.errors;
      return a.p95_duration > c.p95_duration;
    });
    if (b_.hotspots.size() > kMaxHotspots) b_.hotspots.resize(kMaxHotspots);
    for (auto& [key, e] : edges) b_.edges.push_back(std::move(e));
  }

  void onsets() {
    add_onset(b_.service, "target");
    size_t added = 0;
    std::set<std::string> seen{b_.service};
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& e : b_.edges) {
        bool caller = pass == 0 && e.callee == b_.service;
        bool callee = pass == 1 && e.caller == b_.service;
        if (!caller && !callee) continue;
        const std::string& other = caller ? e.caller : e.callee;
        if (!services_with_spans_.contains(other) || !seen.insert(other).second) continue;
        if (added++ >= opt_.max_neighbours) return;
        add_onset(other, caller ? "caller" : "callee");
      }
    }
  }

  void add_onset(const std::string& service, const std::string& relation) {
    std::string source = "log volume " + service;
    ErrorOnset o;
    o.service = service;
    o.relation = relation;
    if (!may_fetch(source)) return;
    LogVolumeQuery q;
    q.service = service;
    q.range = TimeRange{b_.baseline.from, b_.incident.to};
    q.bucket = opt_.bucket;
    auto r = backend_.log_volume(q);
    if (!r) {
      gap(source, r.error());
      return;
    }
    auto v = error_volume_onset(*r, b_.baseline, b_.incident, opt_.bucket);
    o.onset = v.onset;
    o.baseline_per_min = v.baseline_per_bucket * (60e9 / static_cast<double>(opt_.bucket.count()));
    o.peak_per_min = v.peak_per_bucket * (60e9 / static_cast<double>(opt_.bucket.count()));
    o.baseline_errors = v.baseline_total;
    o.incident_errors = v.incident_total;
    if (o.onset && may_fetch("logs first error " + service)) {
      // Date the onset to the line: the first error in its bucket.
      auto first = errors_in(service, TimeRange{*o.onset, *o.onset + opt_.bucket}, 1);
      if (first && !first->empty()) o.onset = first->front().time;
    }
    b_.onsets.push_back(std::move(o));
  }

  void metrics() {
    static const char* kNames[] = {"error_rate", "latency_p99", "request_rate"};
    for (const char* name : kNames) {
      std::string source = std::string("metrics ") + name;
      if (!may_fetch(source)) continue;
      MetricQuery q;
      q.service = b_.service;
      q.metric = name;
      q.range = TimeRange{b_.baseline.from, b_.incident.to};
      q.step = opt_.bucket;
      auto r = backend_.get_metrics(q);
      if (!r) {
        gap(source, r.error());
        continue;
      }
      if (r->empty()) {
        b_.gaps.push_back({source, "not_found", "the backend has no series for this metric and service"});
        continue;
      }
      const MetricSeries* best = &r->front();
      for (const auto& s : *r) {
        if (s.points.size() > best->points.size()) best = &s;
      }
      b_.metrics.push_back(summarize_metric(name, *best, b_.baseline, b_.incident));
    }
  }

  void anomalies() {
    if (!may_fetch("anomalies")) return;
    AnomalyQuery q;
    q.service = b_.service;
    q.range = b_.incident;
    q.min_severity = Severity::kLow;
    auto r = backend_.detect_anomalies(q);
    // A backend without its own detection: the shared detector, on its primitives.
    if (!r && r.error().code == ErrorCode::kUnimplemented) r = anomaly::detect_anomalies(backend_, q);
    if (!r) {
      gap("anomalies", r.error());
      return;
    }
    b_.anomalies = std::move(*r);
    std::stable_sort(b_.anomalies.begin(), b_.anomalies.end(),
                     [](const auto& a, const auto& c) { return a.severity > c.severity; });
  }

  ObservabilityBackend& backend_;
  store::EventsStore* events_;
  const CollectorOptions& opt_;
  Timestamp started_;
  EvidenceBundle b_;
  std::vector<LogEntry> baseline_errors_;
  std::vector<LogEntry> incident_errors_;
  std::set<std::string> services_with_spans_;
};

}  // namespace

EvidenceBundle EvidenceCollector::collect(const std::string& service, const TimeRange& incident) {
  Collection c(backend_, events_, options_);
  return c.run(service, incident);
}

}  // namespace tinkr::rca
