// The `local` backend: the embedded SQLite store (store/telemetry_store.h)
// behind the ObservabilityBackend interface, fed by ingest.h and the OTLP/HTTP
// receiver (otlp_http.h).
//
// Profile settings: path (default <tinkr home>/local.db, "~/" expanded),
// retention (duration, default "7d"; "0s" keeps everything), max_size_mb
// (default 1024; 0: no cap). Filters go through the query language's SQL
// translator (query/query.h): user text only ever reaches SQLite as bound
// parameters. Metrics: stored series by name, or the aliases request_rate,
// error_rate, latency_p50, latency_p99, cpu, memory resolved against stored
// series of the service (see kMetricAliases in the .cc) and, for the first
// four, derived from the service's server spans when no series is stored.
// Thread-safe (the store is).
#pragma once

#include <memory>

#include "backends/backend.h"
#include "backends/registry.h"
#include "store/telemetry_store.h"

namespace tinkr::local {

class LocalBackend final : public ObservabilityBackend {
 public:
  explicit LocalBackend(std::shared_ptr<store::TelemetryStore> store);

  std::string_view name() const override { return "local"; }
  Result<std::vector<LogEntry>> query_logs(const LogQuery& q) override;
  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) override;
  Result<std::vector<Trace>> get_traces(const TraceQuery& q) override;
  Result<Trace> get_trace(std::string_view trace_id) override;
  Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery& q) override;
  Result<std::vector<std::string>> list_services(const TimeRange& range) override;
  Result<std::string> explain_logs(const LogQuery& q) override;
  Status check() override;
  bool accepts_otlp() const override { return true; }
  OtlpExportAnswer export_otlp(std::string_view path, std::string_view content_type, std::string_view body) override;

  // The store, for the ingest entry points and the OTLP receiver.
  store::TelemetryStore& store() { return *store_; }

 private:
  std::shared_ptr<store::TelemetryStore> store_;
};

// Opens the store named by the profile's settings.
Result<std::unique_ptr<LocalBackend>> make_local_backend(const config::Profile& profile,
                                                         const config::Environment& env);

}  // namespace tinkr::local

namespace tinkr {
// Registers "local" (backends/builtin.cc calls this once).
void register_local_backend(BackendRegistry& registry);
}  // namespace tinkr
