#include "agent/rca/reasoner.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace tinkr::rca {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr Nanos kTie = minutes(1);  // onsets closer than this are "at the same time"

std::string ts(Timestamp t) { return format_rfc3339(t, 0); }

std::string span_text(Nanos d) {
  auto s = std::chrono::duration_cast<seconds>(d < Nanos(0) ? -d : d);
  return format_duration(s);
}

double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

// How well an event at `at` explains an onset: 1 when it is at most 5 minutes
// before, falling to 0.3 at 30 minutes and 0.1 at 60; 0 when it comes more
// than 2 minutes after the onset or more than an hour before.
double timing_score(Timestamp at, Timestamp onset) {
  Nanos gap = onset - at;
  if (gap < -Nanos(minutes(2)) || gap > Nanos(minutes(60))) return 0;
  double m = std::chrono::duration<double, std::ratio<60>>(gap).count();
  if (m <= 5) return 1;
  if (m <= 30) return 1 - 0.7 * (m - 5) / 25;
  return 0.3 - 0.2 * (m - 30) / 30;
}

// How close two instants are, for an error class and the onset.
double closeness(Timestamp a, Timestamp b) {
  Nanos gap = a > b ? a - b : b - a;
  double m = std::chrono::duration<double, std::ratio<60>>(gap).count();
  if (m <= 5) return 1;
  if (m >= 60) return 0;
  return 1 - (m - 5) / 55;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string shorten(std::string_view s, size_t n = 200) {
  std::string out(s.substr(0, s.find('\n')));
  if (out.size() > n) {
    out.resize(n);
    out += "…";
  }
  return out;
}

std::string fmt_num(double v) {
  if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  if (std::abs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.4f}", v);
}

const MetricEvidence* metric(const EvidenceBundle& b, std::string_view name) {
  for (const auto& m : b.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string relation_of(const EvidenceBundle& b, const std::string& service) {
  for (const auto& o : b.onsets) {
    if (o.service == service) return o.relation;
  }
  return "";
}

int relation_rank(std::string_view relation) {
  if (relation == "callee") return 0;
  if (relation == "target") return 1;
  return 2;
}

// ---- dating the incident ----------------------------------------------------

void find_onset(const EvidenceBundle& b, Analysis& a) {
  auto consider = [&](std::optional<Timestamp> t, const char* source) {
    if (!t || !b.incident.contains(*t)) return;
    if (!a.onset || *t < *a.onset) {
      a.onset = t;
      a.onset_source = source;
    }
  };
  if (const auto* o = b.target_onset()) consider(o->onset, "error log volume");
  // The top new error patterns (by count) date it to the line.
  uint64_t top_count = 0;
  for (const auto& p : b.patterns) {
    if (p.is_new) top_count = std::max(top_count, p.incident_count);
  }
  size_t taken = 0;
  std::vector<const PatternEvidence*> fresh;
  for (const auto& p : b.patterns) {
    if (p.is_new) fresh.push_back(&p);
  }
  std::stable_sort(fresh.begin(), fresh.end(),
                   [](const auto* x, const auto* y) { return x->incident_count > y->incident_count; });
  for (const auto* p : fresh) {
    if (taken++ >= 3) break;
    if (p->incident_count >= 3 && p->incident_count * 10 >= top_count) consider(p->first_seen, "new error pattern");
  }
  // A metric point stands for a whole step: it dates the onset only when it is
  // clearly earlier than the first error lines (or when there are none).
  if (const auto* m = metric(b, "error_rate"); m && m->rise_time && b.incident.contains(*m->rise_time)) {
    if (!a.onset || *m->rise_time < *a.onset - Nanos(minutes(2))) {
      a.onset = m->rise_time;
      a.onset_source = "error_rate metric";
    }
  }
  if (!a.onset) {
    for (const auto& an : b.anomalies) consider(an.start, "anomaly window");
  }
  a.errors_rose = a.onset.has_value() || !b.anomalies.empty() || !fresh.empty();
}

void find_first_failing(const EvidenceBundle& b, Analysis& a) {
  struct O {
    std::string service;
    Timestamp time;
    int rank;
  };
  std::vector<O> all;
  for (const auto& o : b.onsets) {
    if (!o.onset) continue;
    Timestamp t = *o.onset;
    if (o.relation == "target" && a.onset && *a.onset < t) t = *a.onset;
    all.push_back({o.service, t, relation_rank(o.relation)});
  }
  if (all.empty()) {
    if (a.onset) a.first_failing_service = b.service;
    return;
  }
  Timestamp earliest =
      std::min_element(all.begin(), all.end(), [](const O& x, const O& y) { return x.time < y.time; })->time;
  const O* best = nullptr;
  for (const auto& o : all) {
    if (o.time - earliest >= kTie) continue;
    if (!best || o.rank < best->rank || (o.rank == best->rank && o.time < best->time)) best = &o;
  }
  a.first_failing_service = best->service;
}

// ---- hypotheses ------------------------------------------------------------------

struct ClassAgg {
  std::string name;
  uint64_t count = 0;
  double confidence = 0;
  std::optional<Timestamp> first_seen;
  std::string rule;
  std::string matched;
  std::vector<std::string> lines;
  std::optional<Timestamp> deploy_time;  // when the classifier tied it to a deploy
};

std::map<std::string, ClassAgg> aggregate_classes(const EvidenceBundle& b, uint64_t& total) {
  std::map<std::string, ClassAgg> out;
  total = 0;
  for (const auto& c : b.error_classes) {
    total += c.count;
    std::string name = c.error_class == "deploy_regression" ? c.underlying : c.error_class;
    if (name.empty() || name == "unknown" || name == "deploy_regression") continue;
    auto& g = out[name];
    g.name = name;
    g.count += c.count;
    if (c.confidence > g.confidence) {
      g.confidence = c.confidence;
      g.rule = c.rule;
      g.matched = c.matched;
    }
    if (c.first_seen && (!g.first_seen || *c.first_seen < *g.first_seen)) g.first_seen = c.first_seen;
    if (c.deploy_time) g.deploy_time = c.deploy_time;
    for (const auto& l : c.evidence) {
      if (g.lines.size() < 2) g.lines.push_back(l);
    }
  }
  return out;
}

// The span group where failures of the service start, calling a dependency.
const SpanHotspot* failing_dependency(const EvidenceBundle& b, const std::string& service) {
  const SpanHotspot* best = nullptr;
  for (const auto& h : b.hotspots) {
    if (h.root_errors == 0 || h.peer.empty() || h.service != service) continue;
    if (!best || h.root_errors > best->root_errors) best = &h;
  }
  return best;
}

// The slowest dependency call of the service (for timeouts without failures in traces).
const SpanHotspot* slowest_dependency(const EvidenceBundle& b, const std::string& service) {
  const SpanHotspot* best = nullptr;
  for (const auto& h : b.hotspots) {
    if (h.peer.empty() || h.service != service) continue;
    if (!best || h.p95_duration > best->p95_duration) best = &h;
  }
  return best;
}

EvidenceLine hotspot_line(const SpanHotspot& h) {
  std::string text =
      fmt::format("trace spans {} → {} \"{}\": {} of {} failed ({} start there), p95 {}, max {}", h.service,
                  h.peer.empty() ? "(local)" : h.peer, h.operation, h.errors, h.spans, h.root_errors,
                  format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(h.p95_duration)),
                  format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(h.max_duration)));
  if (!h.example_trace_id.empty()) text += "; e.g. trace " + h.example_trace_id;
  if (!h.example_status.empty()) text += ": " + shorten(h.example_status, 120);
  return {h.first_error, text};
}

const StackTraceEvidence* matching_stack(const EvidenceBundle& b, const ClassAgg& c) {
  std::string needle = lower(c.matched);
  for (const auto& s : b.stack_traces) {
    std::string hay = lower(s.exception_type + ": " + s.message);
    if (!needle.empty() && hay.find(needle) != std::string::npos) return &s;
  }
  for (const auto& s : b.stack_traces) {
    std::string type = lower(s.exception_type);
    if (c.name == "timeout" && type.find("timeout") != std::string::npos) return &s;
  }
  return nullptr;
}

Hypothesis class_hypothesis(const EvidenceBundle& b, const Analysis& a, const ClassAgg& c, uint64_t total) {
  Hypothesis h;
  h.kind = c.name;
  h.classification = c.name;
  h.service = a.first_failing_service.empty() ? b.service : a.first_failing_service;
  h.time = c.first_seen;
  double share = total == 0 ? 0 : static_cast<double>(c.count) / static_cast<double>(total);
  bool is_new = c.first_seen && *c.first_seen >= b.incident.from;
  double timing = (a.onset && c.first_seen) ? closeness(*c.first_seen, *a.onset) : 0;
  double trace = 0;
  const SpanHotspot* dep = nullptr;
  if (c.name == "timeout" || c.name == "dependency_down") {
    dep = failing_dependency(b, h.service);
    if (!dep) dep = failing_dependency(b, b.service);
    if (dep) {
      trace = 1;
    } else if ((dep = slowest_dependency(b, b.service)) != nullptr && c.name == "timeout") {
      trace = 0.4;
    }
  }
  if (dep) {
    h.component = dep->peer;
    h.service = dep->service;
  }
  h.score = clamp01(0.25 * c.confidence + 0.25 * share + 0.2 * (is_new ? 1 : 0.3) + 0.15 * timing + 0.15 * trace);

  std::string what = c.name;
  std::replace(what.begin(), what.end(), '_', ' ');
  h.title = h.component.empty() ? fmt::format("{} in {} ({} of {} error lines)", what, h.service, c.count, total)
                                : fmt::format("{} calling {} from {} ({} of {} error lines)", what, h.component,
                                              h.service, c.count, total);
  std::string rule = c.rule.empty() ? "" : fmt::format(", rule {} matched \"{}\"", c.rule, shorten(c.matched, 80));
  h.evidence.push_back({c.first_seen, fmt::format("{} error lines classified {}{}; first at {}", c.count, c.name, rule,
                                                  c.first_seen ? ts(*c.first_seen) : "an unknown time")});
  for (const auto& l : c.lines) h.evidence.push_back({std::nullopt, "line: " + shorten(l)});
  if (dep) h.evidence.push_back(hotspot_line(*dep));
  if (const auto* s = matching_stack(b, c)) {
    std::string where;
    if (!s->frames.empty())
      where = fmt::format(" raised in {} ({}:{})", s->frames.front().function, s->frames.front().file,
                          s->frames.front().line);
    h.evidence.push_back({s->first_seen, fmt::format("stack trace ×{}: {}: {}{}", s->count, s->exception_type,
                                                     shorten(s->message, 120), where)});
  }
  if (c.name == "timeout") {
    if (const auto* m = metric(b, "latency_p99"); m && m->rise_time && m->incident_peak && m->baseline_median) {
      h.evidence.push_back({m->rise_time, fmt::format("latency_p99 rose from {} to a peak of {}{} at {}",
                                                      fmt_num(*m->baseline_median), fmt_num(*m->incident_peak),
                                                      m->unit.empty() ? "" : " " + m->unit, ts(*m->peak_time))});
    }
  }
  if (!is_new) h.evidence.push_back({c.first_seen, "this class was already present before the incident window"});
  return h;
}

bool is_change_kind(std::string_view kind) { return kind != "incident"; }

Hypothesis deploy_hypothesis(const EvidenceBundle& b, const Analysis& a, const ChangeEvidence& c,
                             const std::vector<Hypothesis>& classes) {
  Hypothesis h;
  h.kind = "deploy_regression";
  h.classification = "deploy_regression";
  h.service = c.service.empty() ? b.service : c.service;
  h.version = c.version;
  h.time = c.time;
  Timestamp onset = *a.onset;
  double timing = timing_score(c.time, onset);

  // New error patterns that begin after the change.
  uint64_t new_lines = 0, all_lines = 0;
  std::vector<const PatternEvidence*> after;
  for (const auto& p : b.patterns) {
    all_lines += p.incident_count;
    if (p.is_new && p.first_seen && *p.first_seen >= c.time - minutes(1)) {
      new_lines += p.incident_count;
      after.push_back(&p);
    }
  }
  std::stable_sort(after.begin(), after.end(),
                   [](const auto* x, const auto* y) { return x->incident_count > y->incident_count; });
  double novelty = new_lines == 0 ? 0 : 0.5 + 0.5 * static_cast<double>(new_lines) / static_cast<double>(all_lines);

  // Did the classifier tie errors to this deploy?
  double classifier = 0;
  const ErrorClassEvidence* tied = nullptr;
  for (const auto& e : b.error_classes) {
    if (e.error_class != "deploy_regression" || !e.deploy_time) continue;
    Nanos d = *e.deploy_time > c.time ? *e.deploy_time - c.time : c.time - *e.deploy_time;
    if (d <= minutes(1) && (!tied || e.count > tied->count)) tied = &e;
  }
  if (tied) {
    classifier = 1;
    h.mechanism = tied->underlying;
  }
  // The mechanism: the strongest error class that began after the change.
  const Hypothesis* mech = nullptr;
  for (const auto& k : classes) {
    if (!k.time || *k.time < c.time - minutes(1)) continue;
    if (!h.mechanism.empty() && k.classification != h.mechanism) continue;
    if (!mech || k.score > mech->score) mech = &k;
  }
  if (!mech && h.mechanism.empty()) {
    for (const auto& k : classes) {
      if (k.time && *k.time >= c.time - minutes(1) && (!mech || k.score > mech->score)) mech = &k;
    }
  }
  if (mech) {
    h.mechanism = mech->classification;
    h.component = mech->component;
  }
  std::string rel = relation_of(b, h.service);
  double relevance = (h.service == a.first_failing_service || h.service == b.service) ? 1 : (rel.empty() ? 0.3 : 0.7);
  bool both_sources = c.source == "events_store" && !c.line.empty();
  double corroboration = both_sources ? 1 : 0.5;
  h.score = clamp01(0.4 * timing + 0.25 * novelty + 0.15 * classifier + 0.1 * relevance + 0.1 * corroboration);

  Nanos lead = onset - c.time;
  std::string version = c.version.empty() ? "" : " " + c.version;
  std::string mech_text;
  if (!h.mechanism.empty()) {
    std::string m = h.mechanism;
    std::replace(m.begin(), m.end(), '_', ' ');
    mech_text = h.component.empty() ? "; it introduced " + m + " errors"
                                    : "; it introduced " + m + " errors calling " + h.component;
  }
  h.title = fmt::format("{} of {}{} at {}, {} {} the errors began{}",
                        c.kind == "deploy" ? "Deploy" : "Change (" + c.kind + ")", h.service, version, ts(c.time),
                        span_text(lead), lead >= Nanos(0) ? "before" : "after", mech_text);

  if (c.source == "events_store") {
    h.evidence.push_back({c.time, fmt::format("{} {}{} recorded in the events store{}", c.kind, h.service, version,
                                              c.description.empty() ? "" : ": " + shorten(c.description, 120))});
  }
  if (!c.line.empty()) h.evidence.push_back({c.time, "log marker: " + c.line});
  h.evidence.push_back({onset, fmt::format("errors began at {} ({}), {} after the {}", ts(onset), a.onset_source,
                                           span_text(lead), c.kind)});
  for (size_t i = 0; i < after.size() && i < 2; ++i) {
    const auto* p = after[i];
    h.evidence.push_back(
        {p->first_seen, fmt::format("new error pattern (0 before, {} after), first at {}: {}", p->incident_count,
                                    p->first_seen ? ts(*p->first_seen) : "?", shorten(p->text, 160))});
  }
  if (tied) {
    h.evidence.push_back(
        {tied->deploy_time, fmt::format("classifier: {} error lines are deploy_regression (underlying {})", tied->count,
                                        tied->underlying.empty() ? "unknown" : tied->underlying)});
  }
  if (mech) {
    for (const auto& e : mech->evidence) {
      if (e.text.rfind("trace spans", 0) == 0 || e.text.rfind("stack trace", 0) == 0) h.evidence.push_back(e);
    }
  }
  if (new_lines == 0) h.evidence.push_back({std::nullopt, "no error pattern is new since this change"});
  return h;
}

Hypothesis upstream_hypothesis(const EvidenceBundle& b, const Analysis& a) {
  Hypothesis h;
  h.kind = "upstream_fault";
  h.service = a.first_failing_service;
  std::string rel = relation_of(b, h.service);
  const ErrorOnset* other = nullptr;
  for (const auto& o : b.onsets) {
    if (o.service == h.service) other = &o;
  }
  h.time = other ? other->onset : std::nullopt;
  Nanos lead{0};
  if (h.time && a.onset) lead = *a.onset - *h.time;
  uint64_t edge_errors = 0;
  for (const auto& e : b.edges) {
    if ((e.caller == b.service && e.callee == h.service) || (e.callee == b.service && e.caller == h.service)) {
      edge_errors += e.errors;
    }
  }
  h.score = clamp01(0.45 + (lead >= kTie ? 0.25 : 0.1) + (edge_errors > 0 ? 0.2 : 0));
  h.classification = rel == "callee" ? "dependency_down" : "unknown";
  h.title = fmt::format("errors began in {} ({} of {}) {} before {}", h.service,
                        rel == "callee" ? "a dependency" : "a caller", b.service, span_text(lead), b.service);
  if (other && other->onset) {
    h.evidence.push_back(
        {other->onset, fmt::format("{}: first error rise at {} ({} per minute before, peak {})", h.service,
                                   ts(*other->onset), fmt_num(other->baseline_per_min), fmt_num(other->peak_per_min))});
  }
  if (a.onset) h.evidence.push_back({a.onset, fmt::format("{}: errors began at {}", b.service, ts(*a.onset))});
  for (const auto& e : b.edges) {
    if ((e.caller == b.service && e.callee == h.service) || (e.callee == b.service && e.caller == h.service)) {
      h.evidence.push_back(
          {std::nullopt, fmt::format("traces: {} → {}: {} calls, {} failed", e.caller, e.callee, e.calls, e.errors)});
    }
  }
  return h;
}

void score_confidence(const EvidenceBundle& b, Analysis& a) {
  const Hypothesis* top = a.top();
  if (!top) {
    a.confidence_score = 0.1;
    a.confidence_reasons.push_back(a.errors_rose
                                       ? "errors rose but no cause could be classified from the evidence"
                                       : "no anomaly, error rise, new error pattern or change was found in the window");
  } else {
    double s = top->score;
    a.confidence_reasons.push_back(fmt::format("best explanation scores {:.2f}: {}", top->score, top->title));
    if (a.hypotheses.size() > 1) {
      const Hypothesis& second = a.hypotheses[1];
      bool linked = top->kind == "deploy_regression" && second.classification == top->mechanism;
      if (!linked && second.score > top->score - 0.1) {
        s -= 0.15;
        a.confidence_reasons.push_back(
            fmt::format("another explanation fits nearly as well ({:.2f}): {}", second.score, second.title));
      } else if (linked) {
        a.confidence_reasons.push_back("the next explanation is the mechanism of the first, not a rival: " +
                                       second.title);
      }
    }
    if (top->evidence.size() < 3) {
      s -= 0.15;
      a.confidence_reasons.push_back("thin evidence: fewer than three independent facts support it");
    }
    if (!a.onset) {
      s -= 0.2;
      a.confidence_reasons.push_back("the start of the incident could not be dated");
    }
    a.confidence_score = s;
  }
  double gap_penalty = 0;
  std::vector<std::string> missing;
  for (const auto& g : b.gaps) {
    if (g.code == "truncated") {
      a.confidence_reasons.push_back("partial data: " + g.source + " — " + g.message);
      continue;
    }
    bool critical = g.source.rfind("logs incident", 0) == 0 || g.source == "log volume " + b.service;
    gap_penalty += critical ? 0.15 : 0.05;
    missing.push_back(g.source);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    a.confidence_reasons.push_back(
        fmt::format("{} evidence source{} missing: {}", missing.size(), missing.size() == 1 ? " is" : "s are", list));
  }
  a.confidence_score = clamp01(a.confidence_score - std::min(gap_penalty, 0.35));
  a.confidence = a.confidence_score >= 0.75  ? ConfidenceLevel::kHigh
                 : a.confidence_score >= 0.5 ? ConfidenceLevel::kMedium
                                             : ConfidenceLevel::kLow;
}

}  // namespace

std::string_view confidence_name(ConfidenceLevel c) {
  switch (c) {
    case ConfidenceLevel::kHigh: return "high";
    case ConfidenceLevel::kMedium: return "medium";
    case ConfidenceLevel::kLow: break;
  }
  return "low";
}

Analysis reason(const EvidenceBundle& b) {
  Analysis a;
  find_onset(b, a);
  find_first_failing(b, a);

  uint64_t total = 0;
  auto classes = aggregate_classes(b, total);
  std::vector<Hypothesis> class_hyps;
  for (const auto& [name, c] : classes) class_hyps.push_back(class_hypothesis(b, a, c, total));

  std::vector<Hypothesis> all;
  if (a.onset) {
    for (const auto& c : b.changes) {
      if (!is_change_kind(c.kind)) continue;
      if (timing_score(c.time, *a.onset) <= 0) continue;  // after the onset, or long before: not a cause
      all.push_back(deploy_hypothesis(b, a, c, class_hyps));
    }
  }
  for (auto& h : class_hyps) all.push_back(std::move(h));
  if (!a.first_failing_service.empty() && a.first_failing_service != b.service) {
    all.push_back(upstream_hypothesis(b, a));
  }
  if (all.empty() && a.errors_rose) {
    Hypothesis h;
    h.kind = "unknown";
    h.classification = "unknown";
    h.service = b.service;
    h.time = a.onset;
    h.score = 0.15;
    h.title = "errors rose in " + b.service + " but no error class, change or failing dependency explains them";
    if (a.onset) h.evidence.push_back({a.onset, "errors began at " + ts(*a.onset) + " (" + a.onset_source + ")"});
    for (size_t i = 0; i < b.patterns.size() && i < 2; ++i) {
      h.evidence.push_back({b.patterns[i].first_seen,
                            fmt::format("error pattern ({} before, {} after): {}", b.patterns[i].baseline_count,
                                        b.patterns[i].incident_count, shorten(b.patterns[i].text, 160))});
    }
    for (size_t i = 0; i < b.anomalies.size() && i < 2; ++i) {
      h.evidence.push_back(
          {b.anomalies[i].start, b.anomalies[i].kind + " " + b.anomalies[i].metric + ": " + b.anomalies[i].reason});
    }
    all.push_back(std::move(h));
  }
  // Keep one hypothesis per (kind, service, time): repeated change records collapse.
  std::stable_sort(all.begin(), all.end(), [](const Hypothesis& x, const Hypothesis& y) {
    if (x.score != y.score) return x.score > y.score;
    return x.kind < y.kind;
  });
  for (auto& h : all) {
    bool dup = std::any_of(a.hypotheses.begin(), a.hypotheses.end(), [&](const Hypothesis& k) {
      return k.kind == h.kind && k.service == h.service && k.time == h.time;
    });
    if (!dup) a.hypotheses.push_back(std::move(h));
  }
  score_confidence(b, a);
  return a;
}

}  // namespace tinkr::rca
