#include "e2e/grafana_stack.h"

#include <fmt/format.h>

namespace tinkr::e2e {

scenario::Scenario recent_scenario() {
  const int64_t minute = 60'000'000'000;
  scenario::ScenarioOptions o;
  o.now = from_unix_nanos(to_unix_nanos(now()) / minute * minute - 10 * minute);
  return scenario::generate(o);
}

std::string scenario_metric_templates() {
  return R"("metrics.request_rate" = 'sum(http_server_request_rate{service="{{service}}"})'
"metrics.error_rate"   = 'max(http_server_error_rate{service="{{service}}"})'
"metrics.latency_p99"  = 'max(http_server_latency_p99{service="{{service}}"}) / 1000'
"metrics.latency_p50"  = 'max(http_server_latency_p50{service="{{service}}"}) / 1000'
"metrics.cpu"          = 'sum(process_cpu_utilization{service="{{service}}"})'
"metrics.memory"       = 'sum(process_memory_usage{service="{{service}}"})'
)";
}

std::string grafana_profile(const std::string& name, const std::string& loki_url, const std::string& prometheus_url,
                            const std::string& tempo_url) {
  return fmt::format(R"([profiles.{}]
backend = "grafana"
active = true
loki_url = "{}"
prometheus_url = "{}"
tempo_url = "{}"
timeout = "10s"
{})",
                     name, loki_url, prometheus_url, tempo_url, scenario_metric_templates());
}

GrafanaStack::GrafanaStack() {
  prometheus = std::make_unique<testing::RealPrometheus>(scenario::render_openmetrics(data.metrics));
  if (!prometheus->ok()) return;
  server = std::make_unique<TinkrServer>(grafana_profile("e2e", loki.url(), prometheus->url(), tempo.url()));
}

std::string GrafanaStack::problem() const {
  if (!prometheus->ok()) return "Prometheus: " + prometheus->error();
  if (!server->ok()) return server->error();
  return {};
}

}  // namespace tinkr::e2e
