// Test doubles of ObservabilityBackend for the RCA tests.
//
// ScenarioBackend serves telemetry held in memory (by default the shared
// incident scenario) with the interface's semantics: service and time
// filtering, limits and ordering, log volume per level per bucket, traces
// slowest first. Filters are interpreted only as far as the collector uses
// them (error levels, deploy-marker words, "*").
//
// FailingBackend wraps another backend and fails chosen operations, to test
// that a report is still written with the gap stated.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>

#include "backends/backend.h"
#include "scenario/scenario.h"

namespace tinkr::testing {

inline std::string lower_copy(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class ScenarioBackend : public ObservabilityBackend {
 public:
  ScenarioBackend() = default;
  explicit ScenarioBackend(const scenario::Scenario& s) : logs_(s.logs), metrics_(s.metrics), traces_(s.traces) {}

  std::vector<LogEntry> logs_;
  std::vector<MetricSeries> metrics_;
  std::vector<Trace> traces_;
  std::vector<std::string> calls_;  // operation names, in order

  std::string_view name() const override { return "scenario-double"; }

  bool matches(const LogEntry& e, const std::string& filter) const {
    if (filter == "*" || filter.empty()) return true;
    if (filter.rfind("level:", 0) == 0) return e.level >= Level::kError;
    // Marker words: bare words, substring, case-insensitive.
    std::string msg = lower_copy(e.message);
    for (const char* w : {"deploy", "released", "rollout", "starting version"}) {
      if (msg.find(w) != std::string::npos) return true;
    }
    return false;
  }

  Result<std::vector<LogEntry>> query_logs(const LogQuery& q) override {
    calls_.push_back("query_logs");
    std::vector<LogEntry> out;
    for (const auto& e : logs_) {
      if (!q.service.empty() && e.service != q.service) continue;
      if (!q.range.contains(e.time) || !matches(e, q.filter)) continue;
      out.push_back(e);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
    if (out.size() > q.limit) {
      if (q.newest_first) {
        out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(q.limit));
      } else {
        out.resize(q.limit);
      }
    }
    return out;
  }

  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) override {
    calls_.push_back("get_metrics");
    static const std::map<std::string, std::string, std::less<>> kAlias = {{"request_rate", "http_server_request_rate"},
                                                                           {"error_rate", "http_server_error_rate"},
                                                                           {"latency_p99", "http_server_latency_p99"},
                                                                           {"latency_p50", "http_server_latency_p50"},
                                                                           {"cpu", "process_cpu_utilization"},
                                                                           {"memory", "process_memory_usage"}};
    auto it = kAlias.find(q.metric);
    std::string name = it == kAlias.end() ? q.metric : it->second;
    std::vector<MetricSeries> out;
    for (const auto& s : metrics_) {
      if (s.name != name) continue;
      auto svc = s.labels.find("service");
      if (!q.service.empty() && (svc == s.labels.end() || svc->second != q.service)) continue;
      MetricSeries c = s;
      c.name = q.metric;
      c.points.clear();
      for (const auto& p : s.points) {
        if (q.range.contains(p.time)) c.points.push_back(p);
      }
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<std::vector<Trace>> get_traces(const TraceQuery& q) override {
    calls_.push_back("get_traces");
    std::vector<Trace> out;
    for (const auto& t : traces_) {
      if (!q.range.contains(t.start)) continue;
      if (q.errors_only && !t.has_error) continue;
      bool has_service = q.service.empty();
      for (const auto& s : t.spans) has_service = has_service || s.service == q.service;
      if (!has_service) continue;
      out.push_back(t);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.duration > b.duration; });
    if (out.size() > q.limit) out.resize(q.limit);
    return out;
  }

  Result<Trace> get_trace(std::string_view id) override {
    calls_.push_back("get_trace");
    for (const auto& t : traces_) {
      if (t.trace_id == id) return t;
    }
    return make_error(ErrorCode::kNotFound, "no such trace");
  }

  Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery& q) override {
    calls_.push_back("log_volume");
    std::map<Level, std::map<int64_t, double>> counts;
    for (const auto& e : logs_) {
      if (!q.service.empty() && e.service != q.service) continue;
      if (!q.range.contains(e.time)) continue;
      int64_t slot = (e.time - q.range.from) / q.bucket;
      counts[e.level][slot] += 1;
    }
    std::vector<MetricSeries> out;
    for (const auto& [level, slots] : counts) {
      MetricSeries s;
      s.name = "log_count";
      s.labels = {{"level", std::string(level_name(level))}};
      for (const auto& [slot, n] : slots) s.points.push_back({q.range.from + q.bucket * slot, n});
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<std::vector<std::string>> list_services(const TimeRange&) override {
    std::set<std::string> s;
    for (const auto& e : logs_) s.insert(e.service);
    return std::vector<std::string>(s.begin(), s.end());
  }
  Result<std::string> explain_logs(const LogQuery&) override { return std::string("(in memory)"); }
  Status check() override { return ok_status(); }
};

// Fails the named operations ("get_metrics", "get_traces", "query_logs",
// "log_volume", "detect_anomalies") with `error`; forwards the rest.
class FailingBackend : public ObservabilityBackend {
 public:
  FailingBackend(ObservabilityBackend& inner, std::set<std::string> failing, Error error)
      : inner_(inner), failing_(std::move(failing)), error_(std::move(error)) {}

  std::string_view name() const override { return inner_.name(); }
  Result<std::vector<LogEntry>> query_logs(const LogQuery& q) override {
    if (failing_.contains("query_logs")) return error_;
    return inner_.query_logs(q);
  }
  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) override {
    if (failing_.contains("get_metrics")) return error_;
    return inner_.get_metrics(q);
  }
  Result<std::vector<Trace>> get_traces(const TraceQuery& q) override {
    if (failing_.contains("get_traces")) return error_;
    return inner_.get_traces(q);
  }
  Result<Trace> get_trace(std::string_view id) override {
    if (failing_.contains("get_traces")) return error_;
    return inner_.get_trace(id);
  }
  Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery& q) override {
    if (failing_.contains("log_volume")) return error_;
    return inner_.log_volume(q);
  }
  Result<std::vector<Anomaly>> detect_anomalies(const AnomalyQuery& q) override {
    if (failing_.contains("detect_anomalies")) return error_;
    return ObservabilityBackend::detect_anomalies(q);
  }
  Result<std::vector<std::string>> list_services(const TimeRange& r) override { return inner_.list_services(r); }
  Result<std::string> explain_logs(const LogQuery& q) override { return inner_.explain_logs(q); }
  Status check() override { return inner_.check(); }

 private:
  ObservabilityBackend& inner_;
  std::set<std::string> failing_;
  Error error_;
};

}  // namespace tinkr::testing
