// The shared incident scenario: one deterministic multi-service dataset that
// every backend, simulator and parity test is built on.
//
// generate() returns the same Scenario for the same options (fixed seed, all
// times anchored at options.now; no clock, no global state), so it is pure and
// thread-safe. Four services (payments-api, auth-service, order-service,
// inventory-service) over [now - 3h, now) with normal background traffic and a
// mild daily-seasonal request shape. The incident, the ground truth tests
// assert on:
//
//   * At onset = now - 45m (kIncidentOnset before now) payments-api is deployed:
//     v2.14.0 -> v2.15.0. A "deploy" Event and a deploy marker INFO log line
//     ("Deploying payments-api v2.15.0 (previous v2.14.0)") mark it.
//   * Root cause: v2.15.0 calls the downstream dependency "fraud-check"
//     synchronously; a growing share of those calls (5% at onset, 25% from
//     onset + 15m) time out after 5000 ms. payments-api logs ERROR lines
//     "TimeoutError: fraud-check request timed out after 5000ms" with a Python
//     stack trace (multi-line message), WARN retries, and an occasional
//     "postgres" pool timeout.
//   * Symptoms: payments-api error rate and latency p99 (about 5 s) rise;
//     order-service, which calls payments-api, answers 502 and logs
//     "upstream payments-api returned 504" errors; traces through
//     payments-api -> fraud-check carry 5 s error spans and are the slowest.
//   * Before the onset, ERROR lines are rare (well under 1% of lines) and no
//     TimeoutError appears anywhere.
//
// Stored metric series (gauges, one point per minute, label "service"):
// http_server_request_rate (req/s), http_server_error_rate (ratio "1"),
// http_server_latency_p50 and _p99 (ms), process_cpu_utilization ("1"),
// process_memory_usage ("By").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/result.h"
#include "core/time.h"

namespace tinkr::scenario {

inline constexpr const char* kPaymentsApi = "payments-api";
inline constexpr const char* kAuthService = "auth-service";
inline constexpr const char* kOrderService = "order-service";
inline constexpr const char* kInventoryService = "inventory-service";
inline constexpr Nanos kDefaultDuration = std::chrono::hours(3);
inline constexpr Nanos kIncidentOnset = std::chrono::minutes(45);  // before `now`

struct ScenarioOptions {
  Timestamp now{};           // the end of the data; required (no clock is read)
  uint64_t seed = 20261123;  // same seed, same data
  Nanos duration = kDefaultDuration;
  double volume = 1.0;  // scales log and trace counts (1.0: ~30k lines, ~2k traces)
};

// A change event (deploys, config changes) as the events store keeps them.
struct Event {
  Timestamp time{};
  std::string service;
  std::string kind;       // "deploy"
  std::string title;      // "Deploy payments-api v2.15.0"
  Attributes attributes;  // version, previous_version, commit, author
};

// What really happened: for tests and parity checks.
struct GroundTruth {
  Timestamp onset{};  // = deploy time = now - kIncidentOnset
  std::string root_cause_service = kPaymentsApi;
  std::string root_cause_dependency = "fraud-check";
  std::string error_signature = "TimeoutError";  // appears only after onset
  std::string previous_version = "v2.14.0";
  std::string bad_version = "v2.15.0";
  std::vector<std::string> affected_services = {kPaymentsApi, kOrderService};
  std::string summary;  // one paragraph, human readable
};

struct Scenario {
  TimeRange range;
  std::vector<std::string> services;  // sorted
  std::vector<LogEntry> logs;         // ascending time
  std::vector<MetricSeries> metrics;  // labels {"service": …}, points ascending
  std::vector<Trace> traces;          // with spans, summarized, ascending start
  std::vector<Event> events;
  GroundTruth truth;
};

// Builds the scenario. Deterministic for equal options.
Scenario generate(const ScenarioOptions& options);

// Writes logs.json, metrics.json, traces.json (one OTLP/JSON
// Export*ServiceRequest each, one resource per service) and events.json
// (a JSON array of {"time","service","kind","title","attributes"}) into dir,
// creating it. Errors name the file.
Status write_otlp(const Scenario& s, const std::filesystem::path& dir);

// OTLP/JSON request bodies (the /v1/logs, /v1/metrics, /v1/traces payloads):
// ids as hex, nanosecond times as decimal strings, enums as integers,
// attributes as stringValue. Spans are grouped by service into resources.
std::string otlp_logs_json(const std::vector<LogEntry>& logs);
std::string otlp_metrics_json(const std::vector<MetricSeries>& metrics);
std::string otlp_traces_json(const std::vector<Trace>& traces);
std::string events_json(const std::vector<Event>& events);

// The metrics as OpenMetrics text for `promtool tsdb create-blocks-from
// openmetrics`: "# TYPE <name> gauge", optional "# UNIT", samples
// `name{service="…"} value timestamp_seconds`, series grouped by family,
// terminated by "# EOF". Names are sanitised to [a-zA-Z0-9_:].
std::string render_openmetrics(const std::vector<MetricSeries>& metrics);

}  // namespace tinkr::scenario
