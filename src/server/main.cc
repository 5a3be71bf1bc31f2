// tinkr-server: start | init | keys create | ingest | scenario | version. Parsing only; the
// commands live in server/commands.h.
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "server/commands.h"
#include "server/state.h"

int main(int argc, char** argv) {
  using namespace tinkr::server;
  CLI::App app{"tinkr-server: the Tinkr API server (holds the backend credentials; the tinkr CLI talks to it)"};
  app.require_subcommand(1);

  StartOptions start;
  std::string config_path, events_db;
  auto* start_cmd = app.add_subcommand("start", "Serve the HTTP API until SIGTERM/SIGINT");
  start_cmd->add_option("--host", start.host, "Address to bind (default 127.0.0.1)");
  start_cmd->add_option("--port", start.port, "Port (default 8000; 0 picks a free one and prints it)");
  start_cmd->add_option("--config", config_path, "config.toml (default $TINKR_HOME/config.toml)");
  start_cmd->add_option("--profile", "Profile to use (default: TINKR_PROFILE, then the active one)")
      ->each([&](const std::string& v) { start.profile = v; });
  start_cmd->add_flag("--insecure-dev", start.insecure_dev, "Run without API keys (loopback only, development)");
  start_cmd->add_option("--workers", start.workers, "Worker threads for requests (default 16)")
      ->check(CLI::Range(1, 1024));
  start_cmd->add_option("--body-limit", start.body_limit, "Largest request body in bytes (default 1 MiB)");
  start_cmd->add_option("--events-db", events_db, "SQLite file for change events (default $TINKR_HOME/events.db)");
  auto* otlp_port = start_cmd
                        ->add_option("--otlp-port",
                                     "OTLP/HTTP receiver port, local backend only "
                                     "(default [server] otlp_port, then 4318; 0 picks a free one)")
                        ->each([&](const std::string& v) { start.otlp_port = std::stoi(v); })
                        ->check(CLI::Range(0, 65535));
  start_cmd->add_flag("--no-otlp", start.no_otlp, "Do not start the OTLP/HTTP receiver")->excludes(otlp_port);

  InitOptions init;
  bool yes = false;
  auto* init_cmd = app.add_subcommand("init", "Write config.toml and .env under $TINKR_HOME");
  init_cmd->add_option("--backend", "Backend: cloudwatch, gcp, azure, grafana, datadog, elastic, otel, local")
      ->each([&](const std::string& v) { init.backend = v; });
  init_cmd->add_option("--profile", init.profile, "Profile name (default 'default')");
  init_cmd->add_option("--create-key", init.create_keys, "Create an API key SUBJECT:ROLE (repeatable)");
  init_cmd->add_flag("--force", init.force, "Overwrite existing files");
  init_cmd->add_flag("-y,--yes", yes, "Do not ask; use flags and defaults");

  auto* keys_cmd = app.add_subcommand("keys", "Manage API keys");
  keys_cmd->require_subcommand(1);
  KeysCreateOptions keys;
  auto* create_cmd = keys_cmd->add_subcommand("create", "Create a key: prints the token once and its config line");
  create_cmd->add_option("--subject", keys.subject, "Who holds the key (alice, ci-bot, …)")->required();
  create_cmd->add_option("--role", keys.roles, "viewer, oncall or sre-lead (repeatable)")->required();

  IngestCommandOptions ingest;
  std::string ingest_config, ingest_events;
  auto* ingest_cmd = app.add_subcommand("ingest", "Import log/metric/trace/event files into the embedded local store");
  ingest_cmd
      ->add_option("files", ingest.files,
                   "OTLP/JSON, JSON lines, logfmt, plain text logs, Prometheus/OpenMetrics text, events JSON")
      ->required();
  ingest_cmd->add_option("--config", ingest_config, "config.toml (default $TINKR_HOME/config.toml)");
  ingest_cmd->add_option("--profile", "A profile with backend = \"local\"")->each([&](const std::string& v) {
    ingest.profile = v;
  });
  ingest_cmd->add_option("--events-db", ingest_events, "SQLite file for change events (default $TINKR_HOME/events.db)");
  ingest_cmd->add_flag("--json", ingest.json, "Print the import report as JSON");

  ScenarioCommandOptions scenario;
  auto* scenario_cmd =
      app.add_subcommand("scenario", "Write the shared demo incident (4 services, 3 hours) as OTLP/JSON");
  scenario_cmd
      ->add_option("--out", scenario.out, "Directory to write logs.json, metrics.json, traces.json, events.json")
      ->required();
  scenario_cmd->add_option("--seed", "Random seed (same seed, same data)")
      ->each([&](const std::string& v) { scenario.seed = std::stoull(v); })
      ->check(CLI::NonNegativeNumber);

  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (*start_cmd) {
    if (!config_path.empty()) start.config = config_path;
    if (!events_db.empty()) start.events_db = events_db;
    return run_start(start);
  }
  if (*init_cmd) {
    init.interactive = !yes && isatty(STDIN_FILENO) && !init.backend && init.create_keys.empty();
    return run_init(init, std::cin, std::cout, std::cerr);
  }
  if (*create_cmd) return run_keys_create(keys, std::cout, std::cerr);
  if (*ingest_cmd) {
    if (!ingest_config.empty()) ingest.config = ingest_config;
    if (!ingest_events.empty()) ingest.events_db = ingest_events;
    return run_ingest(ingest, std::cout, std::cerr);
  }
  if (*scenario_cmd) return run_scenario(scenario, std::cout, std::cerr);
  std::cout << "tinkr-server " << kServerVersion << "\n";
  return 0;
}
