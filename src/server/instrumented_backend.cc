#include "server/instrumented_backend.h"

#include <chrono>
#include <type_traits>

namespace tinkr::server {
namespace {

// The error label of an OTLP export answer (the receiver answers statuses, not Errors).
std::string_view otlp_error_code(int status) {
  if (status < 400) return {};
  return status >= 500 ? "unavailable" : "invalid_argument";
}

class InstrumentedBackend final : public ObservabilityBackend {
 public:
  InstrumentedBackend(std::unique_ptr<ObservabilityBackend> inner, ServerMetrics& metrics)
      : inner_(std::move(inner)), metrics_(metrics) {}

  std::string_view name() const override { return inner_->name(); }

  Result<std::vector<LogEntry>> query_logs(const LogQuery& q) override {
    return timed("query_logs", [&] { return inner_->query_logs(q); });
  }
  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) override {
    return timed("get_metrics", [&] { return inner_->get_metrics(q); });
  }
  Result<std::vector<Trace>> get_traces(const TraceQuery& q) override {
    return timed("get_traces", [&] { return inner_->get_traces(q); });
  }
  Result<Trace> get_trace(std::string_view id) override {
    return timed("get_trace", [&] { return inner_->get_trace(id); });
  }
  Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery& q) override {
    return timed("log_volume", [&] { return inner_->log_volume(q); });
  }
  Result<std::vector<std::string>> list_services(const TimeRange& r) override {
    return timed("list_services", [&] { return inner_->list_services(r); });
  }
  Result<std::string> explain_logs(const LogQuery& q) override { return inner_->explain_logs(q); }
  Result<std::vector<Anomaly>> detect_anomalies(const AnomalyQuery& q) override {
    return timed("detect_anomalies", [&] { return inner_->detect_anomalies(q); });
  }
  Status check() override {
    return timed("check", [&] { return inner_->check(); });
  }
  bool accepts_otlp() const override { return inner_->accepts_otlp(); }
  OtlpExportAnswer export_otlp(std::string_view path, std::string_view content_type, std::string_view body) override {
    auto t0 = std::chrono::steady_clock::now();
    auto a = inner_->export_otlp(path, content_type, body);
    metrics_.record_backend_call(inner_->name(), "export_otlp", otlp_error_code(a.status),
                                 std::chrono::steady_clock::now() - t0);
    return a;
  }

 private:
  template <typename F>
  std::invoke_result_t<F> timed(std::string_view op, F&& f) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = f();
    auto took = std::chrono::steady_clock::now() - t0;
    metrics_.record_backend_call(inner_->name(), op, r.ok() ? std::string_view() : error_code_name(r.error().code),
                                 took);
    return r;
  }

  std::unique_ptr<ObservabilityBackend> inner_;
  ServerMetrics& metrics_;
};

}  // namespace

std::unique_ptr<ObservabilityBackend> instrument_backend(std::unique_ptr<ObservabilityBackend> inner,
                                                         ServerMetrics& metrics) {
  return std::make_unique<InstrumentedBackend>(std::move(inner), metrics);
}

}  // namespace tinkr::server
