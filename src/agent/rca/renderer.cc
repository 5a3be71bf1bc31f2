#include "agent/rca/renderer.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace tinkr::rca {
namespace {

std::string ts(Timestamp t) { return format_rfc3339(t, 0); }
std::string ts(const std::optional<Timestamp>& t) { return t ? ts(*t) : std::string("—"); }

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string num(double v) {
  if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  if (std::abs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.4f}", v);
}

std::string opt_num(const std::optional<double>& v) { return v ? num(*v) : std::string("—"); }

std::string one_line(std::string_view s, size_t n = 160) {
  std::string out(s.substr(0, s.find('\n')));
  if (out.size() > n) {
    out.resize(n);
    out += "…";
  }
  return out;
}

std::string window_text(const TimeRange& r) {
  return fmt::format("{} – {} ({})", ts(r.from), ts(r.to),
                     format_duration(std::chrono::duration_cast<std::chrono::seconds>(r.length())));
}

std::string gap_list(const EvidenceBundle& b) {
  std::string out;
  for (const auto& g : b.gaps) out += fmt::format("  - {}: {} ({})\n", g.source, g.message, g.code);
  return out;
}

const EvidenceGap* gap_for(const EvidenceBundle& b, std::string_view source) {
  for (const auto& g : b.gaps) {
    if (g.source == source) return &g;
  }
  return nullptr;
}

std::string hypothesis_classification(const Hypothesis& h) {
  std::string c = h.classification.empty() ? h.kind : h.classification;
  std::string extra;
  if (!h.mechanism.empty()) extra += "mechanism: " + h.mechanism;
  if (!h.component.empty()) extra += std::string(extra.empty() ? "" : ", ") + "dependency: " + h.component;
  if (!h.service.empty()) extra += std::string(extra.empty() ? "" : ", ") + "service: " + h.service;
  return extra.empty() ? c : c + " (" + extra + ")";
}

}  // namespace

Section render_summary(const EvidenceBundle& b, const Analysis& a) {
  std::string s = fmt::format("Service {}, window {}.\n", b.service, window_text(b.incident));
  const Hypothesis* top = a.top();
  if (!a.errors_rose && !top) {
    s += fmt::format(
        "No sign of an incident: {} error lines in this window against {} in the baseline window "
        "before it, no anomaly, no new error pattern.\n",
        b.incident_error_lines, b.baseline_error_lines);
  } else {
    if (a.onset) {
      s += fmt::format("Errors began at {} (dated by {})", ts(*a.onset), a.onset_source);
      if (!a.first_failing_service.empty()) {
        s += a.first_failing_service == b.service
                 ? fmt::format("; {} failed first among the services it talks to", b.service)
                 : fmt::format("; {} failed first", a.first_failing_service);
      }
      s += ".\n";
    }
    if (top) {
      s += fmt::format("Most likely cause ({}): {}.\n", top->classification, top->title);
    } else {
      s += "No cause could be established from the evidence.\n";
    }
    s += fmt::format("Error lines: {} in the baseline window, {} in this one", b.baseline_error_lines,
                     b.incident_error_lines);
    size_t fresh = std::count_if(b.patterns.begin(), b.patterns.end(), [](const auto& p) { return p.is_new; });
    if (fresh > 0) s += fmt::format("; {} new error pattern{}", fresh, fresh == 1 ? "" : "s");
    if (!b.anomalies.empty()) {
      s += fmt::format("; {} anomal{} (highest {})", b.anomalies.size(), b.anomalies.size() == 1 ? "y" : "ies",
                       severity_name(b.anomalies.front().severity));
    }
    s += ".\n";
  }
  s += fmt::format("Confidence: {}.", confidence_name(a.confidence));
  if (!b.gaps.empty()) s += fmt::format(" {} evidence source(s) missing or partial, see Confidence.", b.gaps.size());
  s += "\n";
  return {"Summary", s};
}

Section render_anomalies(const EvidenceBundle& b, const Analysis&) {
  std::string s;
  if (!b.anomalies.empty()) {
    for (const auto& an : b.anomalies) {
      s += fmt::format("• {:<9} {:<19} {:<15} {}  [{} – {}]\n", upper(severity_name(an.severity)), an.kind, an.metric,
                       an.reason, ts(an.start), ts(an.end));
    }
  } else if (const auto* g = gap_for(b, "anomalies")) {
    s += fmt::format("Anomaly detection could not run: {}\n", g->message);
  } else {
    s += "No anomaly was detected in the window.\n";
  }
  if (!b.metrics.empty()) {
    s += "\nMetrics (baseline median → incident median, peak):\n";
    for (const auto& m : b.metrics) {
      std::string unit = m.unit.empty() ? "" : " " + m.unit;
      s += fmt::format("  {:<14}{} → {}, peak {}{}", m.name, opt_num(m.baseline_median), opt_num(m.incident_median),
                       opt_num(m.incident_peak), unit);
      if (m.peak_time) s += " at " + ts(*m.peak_time);
      if (m.rise_time) s += "; rising from " + ts(*m.rise_time);
      s += "\n";
    }
  }
  bool any_onset = std::any_of(b.onsets.begin(), b.onsets.end(), [](const auto& o) { return o.incident_errors > 0; });
  if (any_onset) {
    s += "\nError lines per service (baseline → incident, onset):\n";
    for (const auto& o : b.onsets) {
      s += fmt::format("  {:<28}{} → {}   {}\n", o.service + " (" + o.relation + ")", o.baseline_errors,
                       o.incident_errors, o.onset ? "from " + ts(*o.onset) : std::string("no rise"));
    }
  }
  if (!b.patterns.empty()) {
    s += "\nNew and increased error patterns (baseline → incident):\n";
    for (size_t i = 0; i < b.patterns.size() && i < 6; ++i) {
      const auto& p = b.patterns[i];
      s += fmt::format("  {} [{} → {}] {}  (first {})\n", p.is_new ? "+" : "▲", p.baseline_count, p.incident_count,
                       one_line(p.text, 140), ts(p.first_seen));
    }
  }
  return {"Anomalies", s};
}

Section render_root_cause(const EvidenceBundle& b, const Analysis& a) {
  std::string s;
  const Hypothesis* top = a.top();
  if (!top) {
    s += "Classification: unknown\n";
    s += a.errors_rose
             ? "Errors rose, but the evidence does not point to a cause: no error class, no change near the "
               "onset, no failing dependency in the traces.\n"
             : "Nothing to explain: the window shows no rise in errors, no anomaly and no new error pattern.\n";
    if (!b.gaps.empty()) s += "Missing evidence that could change this:\n" + gap_list(b);
    return {"Root Cause", s};
  }
  s += "Classification: " + hypothesis_classification(*top) + "\n";
  s += top->title + ".\n";
  s += "Evidence:\n";
  for (const auto& e : top->evidence) {
    s += fmt::format("  - {}{}\n", e.time ? ts(*e.time) + "  " : std::string(), e.text);
  }
  if (a.hypotheses.size() > 1) {
    s += "Other hypotheses, ranked:\n";
    for (size_t i = 1; i < a.hypotheses.size() && i < 5; ++i) {
      const auto& h = a.hypotheses[i];
      s += fmt::format("  {}. [{:.2f}] {} — {}\n", i + 1, h.score, h.classification, h.title);
      if (!h.evidence.empty()) {
        const auto& e = h.evidence.front();
        s += fmt::format("     {}{}\n", e.time ? ts(*e.time) + "  " : std::string(), e.text);
      }
    }
  }
  // Changes that cannot be the cause, so that the reader sees they were looked at.
  std::vector<const ChangeEvidence*> later;
  for (const auto& c : b.changes) {
    if (a.onset && c.time > *a.onset + std::chrono::minutes(2)) later.push_back(&c);
  }
  for (const auto* c : later) {
    s += fmt::format("Not the cause: {} of {} {} at {} came after the errors began.\n", c->kind, c->service, c->version,
                     ts(c->time));
  }
  if (b.changes.empty() && top->kind != "deploy_regression") {
    s += fmt::format("No deploy or change was recorded or logged between {} and {}.\n", ts(b.baseline.from),
                     ts(b.incident.to));
  }
  return {"Root Cause", s};
}

Section render_relevant_code(const EvidenceBundle& b, const Analysis& a) {
  std::string s;
  if (b.stack_traces.empty()) {
    s += "No stack trace was found in the error lines of the window.\n";
    const Hypothesis* top = a.top();
    for (const auto& h : b.hotspots) {
      if (h.root_errors == 0 && (!top || h.peer != top->component || h.peer.empty())) continue;
      s += fmt::format("Where failures start in the traces: {} \"{}\"{} ({} of {} spans failed).\n", h.service,
                       h.operation, h.peer.empty() ? "" : " → " + h.peer, h.errors, h.spans);
      break;
    }
  }
  for (size_t i = 0; i < b.stack_traces.size() && i < 3; ++i) {
    const auto& t = b.stack_traces[i];
    s += fmt::format("{}{}: {}  (×{}, {}, {}, first {})\n", i == 0 ? "" : "\n", t.exception_type, one_line(t.message),
                     t.count, t.language, t.service, ts(t.first_seen));
    for (const auto& f : t.frames) {
      s += fmt::format("  at {} ({}{}){}\n", f.function, f.file, f.line > 0 ? ":" + std::to_string(f.line) : "",
                       f.application ? "" : " [library]");
    }
    for (const auto& c : t.causes) s += "  during: " + one_line(c) + "\n";
  }
  if (!b.stack_traces.empty()) {
    const auto& f = b.stack_traces.front().frames;
    if (!f.empty()) {
      s += fmt::format("\nStart reading at {} line {} ({}).\n", f.front().file, f.front().line, f.front().function);
    }
  }
  s += "Source lines are not shown: no code repository is configured for " + b.service + ".\n";
  return {"Relevant Code", s};
}

Section render_actions(const EvidenceBundle& b, const Analysis& a) {
  std::vector<std::string> acts;
  const Hypothesis* top = a.top();
  std::string since = format_duration(std::chrono::duration_cast<std::chrono::minutes>(b.incident.length()));
  auto dependency_actions = [&](const std::string& cls, const std::string& comp, const std::string& svc) {
    if (cls == "timeout" || cls == "dependency_down") {
      std::string dep = comp.empty() ? "the failing dependency" : comp;
      acts.push_back(
          fmt::format("Check the health of {} (its own errors and latency, its status page) — {} is "
                      "failing its calls to it",
                      dep, svc));
      acts.push_back(
          fmt::format("Bound calls from {} to {}: a deadline below the caller's own, retries with "
                      "backoff and a circuit breaker, or a fallback when it does not answer",
                      svc, dep));
    } else if (cls == "resource_exhaustion") {
      acts.push_back(
          fmt::format("Find the exhausted resource in {} (pool, memory, disk, rate limit) and raise the "
                      "limit or shed load; check for leaks that began at the onset",
                      svc));
    } else if (cls == "config_error") {
      acts.push_back(
          fmt::format("Compare {}'s configuration and secrets with the last good state and restore the "
                      "changed value",
                      svc));
    } else if (cls == "logic_bug") {
      acts.push_back(
          "Fix the code at the innermost application frame of the top stack trace (see Relevant Code) "
          "and add a test that reproduces it");
    }
  };
  if (top) {
    if (top->kind == "deploy_regression") {
      acts.push_back(fmt::format("Roll back {} to the version before {} (deployed {}), then confirm the errors stop",
                                 top->service, top->version.empty() ? "this deploy" : top->version, ts(top->time)));
      dependency_actions(top->mechanism, top->component, top->service);
      acts.push_back(fmt::format("Review the change in {} {} for what it does differently with {}", top->service,
                                 top->version, top->component.empty() ? "the failing code path" : top->component));
    } else if (top->kind == "upstream_fault") {
      acts.push_back(fmt::format("Investigate {} first: `tinkr rca {} --since {}`", top->service, top->service, since));
    } else {
      dependency_actions(top->classification, top->component, top->service);
    }
    if (top->kind != "deploy_regression" && a.hypotheses.size() > 1) {
      const auto& second = a.hypotheses[1];
      if (second.kind == "deploy_regression") {
        acts.push_back(fmt::format("Consider rolling back {} {}: {}", second.service, second.version, second.title));
      }
    }
  } else {
    acts.push_back(
        fmt::format("Nothing points to a cause yet; widen the window: `tinkr rca {} --since {}`", b.service,
                    format_duration(std::chrono::duration_cast<std::chrono::minutes>(b.incident.length() * 3))));
  }
  acts.push_back(
      fmt::format("Compare before and after: `tinkr diff {} --baseline {} --compare {}`", b.service, since, since));
  if (!b.patterns.empty()) {
    acts.push_back(
        fmt::format("Read the new error lines: `tinkr logs {} --since {} --query 'level:ERROR'`", b.service, since));
  }
  for (const auto& h : b.hotspots) {
    if (h.errors > 0 && !h.example_trace_id.empty()) {
      acts.push_back(fmt::format("Open a failing trace: `tinkr trace {}`", h.example_trace_id));
      break;
    }
  }
  if (b.changes.empty() && b.has_gap("events store")) {
    acts.push_back(
        "Record deploys with POST /api/v1/events (or `tinkr deploy`) so that the next report can "
        "correlate them");
  }
  std::string s;
  for (size_t i = 0; i < acts.size(); ++i) s += fmt::format("{}. {}\n", i + 1, acts[i]);
  return {"Recommended Actions", s};
}

Section render_confidence(const EvidenceBundle& b, const Analysis& a) {
  std::string level = confidence_name(a.confidence).data();
  level[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(level[0])));
  std::string s = fmt::format("{} ({:.2f})\n", level, a.confidence_score);
  for (const auto& r : a.confidence_reasons) s += "- " + r + "\n";
  s += fmt::format(
      "Evidence read: {} + {} error lines (baseline, incident), {} traces, {} change records, {} "
      "anomalies.\n",
      b.baseline_error_lines, b.incident_error_lines, b.traces_sampled, b.changes.size(), b.anomalies.size());
  if (!b.gaps.empty()) s += "Gaps:\n" + gap_list(b);
  return {"Confidence", s};
}

std::vector<Section> render_report(const EvidenceBundle& b, const Analysis& a) {
  return {render_summary(b, a),       render_anomalies(b, a), render_root_cause(b, a),
          render_relevant_code(b, a), render_actions(b, a),   render_confidence(b, a)};
}

}  // namespace tinkr::rca
