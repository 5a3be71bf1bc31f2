#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "config/config.h"
#include "net/http_server.h"
#include "server/allocator.h"
#include "server/app.h"
#include "server/commands.h"
#include "server/log.h"
#include "server/otlp_receiver.h"

namespace tinkr::server {
namespace {

// Starts the OTLP/HTTP receiver when the backend can store pushed telemetry,
// and says in the log why it did not otherwise. False: a fatal problem (an
// explicitly chosen port that cannot be bound), already reported on stderr.
bool start_otlp_receiver(const StartOptions& options, App& app, const std::string& url_host,
                         std::unique_ptr<net::HttpServer>& out) {
  ServerState& st = app.state();
  if (options.no_otlp) {
    log_json(LogLevel::kInfo, "OTLP/HTTP receiver not started: --no-otlp");
    return true;
  }
  if (!st.backend || !st.backend->accepts_otlp()) {
    log_json(LogLevel::kInfo, "OTLP/HTTP receiver not started: the backend does not store pushed telemetry",
             {{"backend", st.profile.backend},
              {"hint", st.backend ? "send OTLP to this backend's own collector; tinkr reads it from there"
                                  : "the backend is unavailable: " + st.backend_problem}});
    return true;
  }
  const std::optional<int> chosen = options.otlp_port ? options.otlp_port : st.config.server.otlp_port;
  const uint16_t port = static_cast<uint16_t>(chosen.value_or(kOtlpDefaultPort));
  OtlpReceiverOptions receiver;
  receiver.require_token = !is_loopback_host(options.host);
  auto http = otlp_server_options(options.host, port, receiver);
  http.on_rejected = [&app](const net::ServerRequest& r, int status) {
    app.state().metrics.record_request(r.method.empty() ? "UNKNOWN" : r.method, "otlp:rejected", status, {});
  };
  auto server = net::HttpServer::start(std::move(http), [&st, receiver](net::ServerRequest& r) {
    return handle_otlp_request(st, receiver, r);
  });
  if (!server) {
    if (chosen) {
      std::cerr << "tinkr-server: the OTLP/HTTP receiver could not start: " << server.error().message
                << "\n(choose another port with --otlp-port, 0 for any free one, or --no-otlp)\n";
      return false;
    }
    log_json(LogLevel::kWarn, "OTLP/HTTP receiver not started: the default port is not available",
             {{"port", port},
              {"reason", server.error().message},
              {"hint", "pass --otlp-port P (0: any free port) or set [server] otlp_port"}});
    return true;
  }
  out = std::move(*server);
  std::string url = fmt::format("http://{}:{}", url_host, out->port());
  log_json(LogLevel::kInfo, "OTLP/HTTP receiver listening",
           {{"url", url},
            {"paths", "/v1/logs /v1/metrics /v1/traces"},
            {"encoding", "application/json (protobuf is refused with 415)"},
            {"auth", receiver.require_token ? "bearer token with role oncall" : "none (loopback only)"}});
  std::printf("OTLP/HTTP receiver on %s\n", url.c_str());
  std::fflush(stdout);
  return true;
}

}  // namespace

int run_start(const StartOptions& options) {
  tune_allocator_for_server();  // server/allocator.h: freed memory is kept for the next request
  init_logging(LogLevel::kInfo);
  if (options.port < 0 || options.port > 65535) {
    std::cerr << "tinkr-server start: --port must be 0..65535\n";
    return 2;
  }
  // Block the stop signals before any thread starts, so that only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  const auto home = config::tinkr_home();
  auto env = config::Environment::load(home / ".env");
  if (!env) {
    std::cerr << "tinkr-server: " << env.error().message << "\n";
    return 1;
  }
  const auto config_path = options.config.value_or(home / "config.toml");
  auto cfg = config::load_config(config_path, *env, options.config.has_value());
  if (!cfg) {
    std::cerr << "tinkr-server: " << cfg.error().message << "\n";
    return 1;
  }

  AppOptions app_options;
  app_options.config = std::move(*cfg);
  app_options.env = *env;
  app_options.profile = options.profile;
  app_options.insecure_dev = options.insecure_dev;
  app_options.host = options.host;
  app_options.events_db = options.events_db;
  auto app = App::create(std::move(app_options));
  if (!app) {
    std::cerr << "tinkr-server: " << app.error().message << "\n";
    return 1;
  }
  App* a = app->get();
  if (a->state().insecure_dev) {
    std::cerr << "WARNING: --insecure-dev: no API keys, every caller has every role. "
                 "Loopback only; never use this outside development.\n";
    log_json(LogLevel::kWarn, "running without authentication (--insecure-dev)", {{"host", options.host}});
  }

  net::HttpServerOptions http;
  http.host = options.host;
  http.port = static_cast<uint16_t>(options.port);
  http.worker_threads = options.workers;
  http.body_limit = options.body_limit;
  http.run_inline = [a](const net::ServerRequest& r) { return a->is_cheap(r); };
  http.on_rejected = [a](const net::ServerRequest& r, int status) { a->on_rejected(r, status); };
  auto server = net::HttpServer::start(std::move(http), [a](net::ServerRequest& r) { return a->handle(r); });
  if (!server) {
    std::cerr << "tinkr-server: " << server.error().message << "\n";
    return 1;
  }
  std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  std::string url = fmt::format("http://{}:{}", host, (*server)->port());
  log_json(LogLevel::kInfo, "listening",
           {{"url", url},
            {"profile", a->state().profile.name},
            {"backend", a->state().profile.backend},
            {"status", a->state().backend ? "ok" : "degraded"}});
  std::printf("listening on %s\n", url.c_str());
  std::fflush(stdout);

  std::unique_ptr<net::HttpServer> otlp;
  if (!start_otlp_receiver(options, *a, host, otlp)) {
    (*server)->stop();
    return 1;
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log_json(LogLevel::kInfo, "shutting down: finishing in-flight requests",
           {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  if (otlp) otlp->stop();
  (*server)->stop();
  log_json(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace tinkr::server
