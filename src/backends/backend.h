// ObservabilityBackend: the one interface through which the server, the agent
// and the analysis code reach telemetry. Nothing outside src/backends/<name>/
// includes a concrete backend; they are built by name through the registry
// (backends/registry.h).
//
// Implementations must be safe to call from several worker threads at once.
// Every operation returns a Result: a backend that is down, slow, answers
// garbage or rate-limits yields an Error that says what to do, never an empty
// success. User text (service names, filters) reaches the vendor's query only
// through the query translators' escaping or a bound parameter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/result.h"

namespace tinkr {

struct LogQuery {
  std::string service;  // empty: all services
  TimeRange range;
  std::string filter = "*";  // unified query language (src/query) or native pass-through
  size_t limit = 100;
  std::string resource_type;  // from the profile's service settings or -r
  bool newest_first = true;   // which end of the range to keep when limit cuts
  // Where a backend says what the caller must know about an answer that is
  // still returned (lines it could not fetch, the vendor's own warnings),
  // one sentence each; null: nobody listens.
  std::vector<std::string>* warnings = nullptr;
};

struct LogVolumeQuery {
  std::string service;
  TimeRange range;
  Nanos bucket{std::chrono::minutes(1)};
  std::string filter = "*";
  std::string resource_type;
};

struct MetricQuery {
  std::string service;
  std::string metric;  // alias (request_rate, error_rate, latency_p99, latency_p50, cpu, memory) or native
  TimeRange range;
  Nanos step{0};  // 0: the backend chooses
  std::string resource_type;
};

struct AnomalyQuery {
  std::string service;
  TimeRange range;
  Severity min_severity = Severity::kLow;
};

struct TraceQuery {
  std::string service;
  TimeRange range;
  size_t limit = 20;
  Nanos min_duration{0};
  bool errors_only = false;
  Attributes tags;  // span attribute filters
};

// The answer to one OTLP/HTTP export (see backends/local/otlp_http.h for the
// wire rules): the HTTP status, the JSON body (an Export<Signal>ServiceResponse
// or a google.rpc.Status) and what was stored.
struct OtlpExportAnswer {
  int status = 200;
  std::string body;
  size_t stored = 0;    // log lines + metric points + spans
  size_t rejected = 0;  // malformed records (reported in partialSuccess)
};

class ObservabilityBackend {
 public:
  virtual ~ObservabilityBackend() = default;

  // The registry name: "grafana", "local", "azure", …
  virtual std::string_view name() const = 0;

  // Log lines in the range, at most q.limit, returned oldest first.
  virtual Result<std::vector<LogEntry>> query_logs(const LogQuery& q) = 0;

  // The metric as one or more series (one per label set), points ascending.
  virtual Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) = 0;

  // Traces matching q, slowest first, with spans when the backend returns them.
  virtual Result<std::vector<Trace>> get_traces(const TraceQuery& q) = 0;

  // One trace with all its spans.
  virtual Result<Trace> get_trace(std::string_view trace_id) = 0;

  // Log counts per level per bucket, aggregated by the backend itself (LogQL
  // count_over_time, Insights stats, KQL summarize, date_histogram, SQL GROUP
  // BY): one series per level, labels {"level": "ERROR"}, name "log_count".
  virtual Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery& q) = 0;

  // Services seen in the range.
  virtual Result<std::vector<std::string>> list_services(const TimeRange& range) = 0;

  // The native query query_logs would run (for --explain), without running it.
  virtual Result<std::string> explain_logs(const LogQuery& q) = 0;

  // Anomalies; the shared implementation in analysis/ builds on the
  // primitives above. Backends override only to add vendor-native detection.
  virtual Result<std::vector<Anomaly>> detect_anomalies(const AnomalyQuery& q);

  // Cheap reachability and credential check for `tinkr doctor` and /health.
  virtual Status check() = 0;

  // Pushed telemetry: true for backends that store telemetry themselves (the
  // embedded `local` store), for which tinkr-server runs its OTLP/HTTP receiver.
  virtual bool accepts_otlp() const { return false; }
  // One OTLP/HTTP export (`path` /v1/logs | /v1/metrics | /v1/traces, the
  // request's Content-Type, the decoded body). Default: 501 with a Status body.
  // Inline, so that modules linking only this header (analysis tests) need no backend.cc.
  virtual OtlpExportAnswer export_otlp(std::string_view /*path*/, std::string_view /*content_type*/,
                                       std::string_view /*body*/) {
    // google.rpc.Status; 12 = UNIMPLEMENTED.
    return {501,
            R"({"code":12,"message":"this backend does not store pushed telemetry: send OTLP to its own collector"})",
            0, 0};
  }
};

}  // namespace tinkr
