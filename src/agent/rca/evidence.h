// EvidenceBundle: everything the root-cause report may cite, gathered once.
//
// The bundle is the contract between the EvidenceCollector (which fetches it
// through the ObservabilityBackend interface and the events store), the
// Reasoner (which ranks hypotheses from it) and the Renderer; the LLM agent
// reads the same bundle (as JSON) so that both reports stand on the same
// facts. Every item carries the times and lines it rests on. A fetch that
// failed is not an error of the report: it is a Gap, stated in the report.
//
// Plain value types; to_json is pure and thread-safe. JSON field names are
// snake_case, times RFC 3339, durations integer milliseconds ("…_ms").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "analysis/stacktrace.h"
#include "core/model.h"
#include "core/time.h"

namespace tinkr::rca {

// A fetch that failed or was cut short; the report states it.
struct EvidenceGap {
  std::string source;   // what was asked: "metrics latency_p99", "traces", "events store"
  std::string code;     // error_code_name of the failure ("unavailable", "deadline_exceeded", "truncated")
  std::string message;  // what went wrong
};

// One metric of the service, baseline window against incident window.
struct MetricEvidence {
  std::string name;  // the alias asked for: "error_rate", "latency_p99", "request_rate"
  std::string unit;
  std::optional<double> baseline_median;  // median of the baseline window
  std::optional<double> incident_median;
  std::optional<double> incident_peak;  // max in the incident window
  std::optional<Timestamp> peak_time;
  std::optional<Timestamp> rise_time;  // first point of the incident window above baseline + 3σ (sustained)
  size_t points = 0;
};

// When errors began for one service (from log volume by level).
struct ErrorOnset {
  std::string service;
  std::string relation;            // "target", "caller" (calls the target), "callee" (called by the target)
  std::optional<Timestamp> onset;  // first sustained rise of error lines above the baseline
  double baseline_per_min = 0;     // median ERROR+CRITICAL lines per minute in the baseline window
  double peak_per_min = 0;         // max per minute in the incident window
  uint64_t baseline_errors = 0;    // totals per window
  uint64_t incident_errors = 0;
};

// An error pattern (log template) compared between the windows.
struct PatternEvidence {
  std::string id;
  std::string text;
  uint64_t baseline_count = 0;
  uint64_t incident_count = 0;
  bool is_new = false;
  std::optional<Timestamp> first_seen;  // in the incident window when is_new
  std::optional<Timestamp> last_seen;
  std::vector<std::string> examples;
};

// A group of stack traces sharing a signature, from the incident window.
struct StackTraceEvidence {
  std::string signature;
  std::string language;
  std::string exception_type;
  std::string message;
  uint64_t count = 0;
  std::vector<analysis::StackFrame> frames;  // top application frames, innermost first
  std::vector<std::string> causes;
  std::optional<Timestamp> first_seen;
  std::string service;
};

// An error class (analysis/error_class.h) with its support.
struct ErrorClassEvidence {
  std::string error_class;  // "timeout", "dependency_down", "deploy_regression", …
  std::string subclass;
  std::string underlying;  // for deploy_regression: the phrase class
  double confidence = 0;
  std::string rule;
  std::string matched;
  uint64_t count = 0;
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  std::optional<Timestamp> deploy_time;
  std::vector<std::string> evidence;  // the lines that led to it
};

// A deploy or change: from the events store, or a marker line in the logs.
struct ChangeEvidence {
  Timestamp time{};
  std::string service;
  std::string kind;     // "deploy", "config", "rollback", …
  std::string version;  // when known
  std::string description;
  std::string source;  // "events_store" or "log_marker"
  std::string line;    // the marker line (log_marker only)
};

// Spans of one (service, operation, downstream peer), over the sampled traces.
struct SpanHotspot {
  std::string service;    // who made the call
  std::string operation;  // span name
  std::string peer;       // downstream service (peer.service, or the child span's service); empty for local work
  uint64_t spans = 0;
  uint64_t errors = 0;
  uint64_t root_errors = 0;  // error spans none of whose children failed: the failure starts here
  Nanos max_duration{0};
  Nanos p95_duration{0};
  std::optional<Timestamp> first_error;
  std::string example_trace_id;
  std::string example_status;  // the status message of an error span, when any
};

// A call edge between two services seen in the sampled traces.
struct ServiceEdge {
  std::string caller;
  std::string callee;
  uint64_t calls = 0;
  uint64_t errors = 0;
};

struct EvidenceBundle {
  std::string service;
  TimeRange incident;  // the window asked for
  TimeRange baseline;  // the same length just before it
  Timestamp collected_at{};

  std::vector<Anomaly> anomalies;
  std::vector<MetricEvidence> metrics;
  std::vector<ErrorOnset> onsets;         // target first, then neighbours
  std::vector<PatternEvidence> patterns;  // new first, then by increase
  std::vector<StackTraceEvidence> stack_traces;
  std::vector<ErrorClassEvidence> error_classes;
  std::vector<ChangeEvidence> changes;  // ascending time
  std::vector<SpanHotspot> hotspots;    // errors descending, then slowest
  std::vector<ServiceEdge> edges;
  uint64_t baseline_error_lines = 0;  // error lines read (bounded by the fetch limit)
  uint64_t incident_error_lines = 0;
  size_t traces_sampled = 0;
  std::vector<EvidenceGap> gaps;

  // The onset of the target service, if one was found.
  const ErrorOnset* target_onset() const;
  // True when the named source (prefix match: "metrics" matches "metrics latency_p99") has a gap.
  bool has_gap(std::string_view source_prefix) const;
};

boost::json::value to_json(const EvidenceGap& g);
boost::json::value to_json(const MetricEvidence& m);
boost::json::value to_json(const ErrorOnset& o);
boost::json::value to_json(const PatternEvidence& p);
boost::json::value to_json(const StackTraceEvidence& s);
boost::json::value to_json(const ErrorClassEvidence& c);
boost::json::value to_json(const ChangeEvidence& c);
boost::json::value to_json(const SpanHotspot& h);
boost::json::value to_json(const ServiceEdge& e);
// The whole bundle, for the LLM agent and for `--json` debugging.
boost::json::value to_json(const EvidenceBundle& b);

}  // namespace tinkr::rca
