// App: tinkr-server's request pipeline, independent of sockets. It builds the
// ServerState (profile, backend through the registry, events store, keys),
// holds the route table, and answers one ServerRequest at a time through the
// middleware: route match (404/405) → bearer token (401) → role (403) →
// handler → metrics and one audit line (time, subject, route, service,
// status, duration; never a token). Thread-safe: handle() runs on many
// worker threads at once.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "backends/backend.h"
#include "config/config.h"
#include "net/http_server.h"
#include "server/router.h"
#include "server/state.h"

namespace tinkr::server {

struct AppOptions {
  config::Config config;
  config::Environment env;
  std::optional<std::string> profile;  // --profile
  bool insecure_dev = false;           // --insecure-dev
  std::string host = "127.0.0.1";      // where the server will listen (insecure-dev needs loopback)
  // Tests: use this backend instead of building one through the registry.
  std::unique_ptr<ObservabilityBackend> backend;
  // Where change events are kept; default <tinkr_home>/events.db. ":memory:" for tests.
  std::optional<std::filesystem::path> events_db;
};

class App {
 public:
  // Fails (config error) when there are no API keys and no --insecure-dev,
  // when --insecure-dev is asked on a non-loopback host, when a key entry is
  // invalid, or when the profile does not exist. A backend that cannot be
  // built does NOT fail: the server runs degraded.
  static Result<std::unique_ptr<App>> create(AppOptions options);

  net::ServerResponse handle(net::ServerRequest& request);
  // True for requests to routes marked cheap (run on the I/O thread).
  bool is_cheap(const net::ServerRequest& request) const;
  // Accounts for an answer the HTTP layer produced itself (413, 431, 503).
  void on_rejected(const net::ServerRequest& request, int status);

  Router& router() { return router_; }
  ServerState& state() { return *state_; }

 private:
  App() = default;
  std::unique_ptr<ServerState> state_;
  Router router_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

// The message shown when the server has no keys and no --insecure-dev.
std::string no_keys_message();

}  // namespace tinkr::server
