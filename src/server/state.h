// ServerState: what every route reaches — the configuration, the one backend
// (or why it could not be built), the events store, the API keys, metrics and
// start time. Built once by App::create, then shared read-only by the worker
// threads (its members are themselves thread-safe).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "auth/api_keys.h"
#include "backends/backend.h"
#include "config/config.h"
#include "core/result.h"
#include "server/metrics.h"
#include "store/events_store.h"

namespace tinkr::server {

// The server's version, reported by /health and `tinkr-server version`.
inline constexpr std::string_view kServerVersion = "0.1.0";

struct ServerState {
  config::Config config;
  config::Profile profile;                        // the active profile (backend possibly overridden by TINKR_BACKEND)
  std::unique_ptr<ObservabilityBackend> backend;  // null when it could not be built
  std::string backend_problem;                    // why, for /health and 503 answers
  std::unique_ptr<store::EventsStore> events;     // null when it could not be opened
  std::string events_problem;
  auth::KeyStore keys;
  bool insecure_dev = false;  // no keys: every caller is "insecure-dev" with every role
  ServerMetrics metrics;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // The backend, or an `unavailable` error carrying backend_problem.
  Result<ObservabilityBackend*> require_backend() const;
  Result<store::EventsStore*> require_events() const;
  double uptime_seconds() const;
};

}  // namespace tinkr::server
