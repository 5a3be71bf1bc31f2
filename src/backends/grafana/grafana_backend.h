// The Grafana stack backend: logs from Loki (LogQL), metrics from Prometheus
// (PromQL), traces from Tempo. Configuration keys, environment variables,
// templates and auth are described in docs/backends/grafana.md.
//
// The only names the rest of the tree may use are register_grafana_backend()
// (from backends/builtin.cc) and, in tests, make_grafana_backend().
// The backend is thread-safe: it holds immutable options and one HttpClient.
#pragma once

#include <memory>

#include "backends/backend.h"
#include "backends/registry.h"
#include "config/config.h"

namespace tinkr {

// Adds "grafana" to the registry.
void register_grafana_backend(BackendRegistry& registry);

// Builds the backend from a profile (kConfig errors name the key).
Result<std::unique_ptr<ObservabilityBackend>> make_grafana_backend(const config::Profile& profile,
                                                                   const config::Environment& env);

}  // namespace tinkr
