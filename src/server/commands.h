// The tinkr-server sub-commands, callable in-process (main.cc only parses the
// command line with CLI11 and calls these). Each returns the process exit
// code: 0 ok, 1 error, 2 usage. Messages for people go to stderr, the
// machine-readable line ("listening on http://HOST:PORT", tokens) to stdout.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace tinkr::server {

struct StartOptions {
  std::string host = "127.0.0.1";
  int port = 8000;                              // 0: pick a free port
  std::optional<std::filesystem::path> config;  // default <tinkr_home>/config.toml (may be missing)
  std::optional<std::string> profile;
  bool insecure_dev = false;
  size_t workers = 16;  // worker threads (each open SSE stream holds one)
  size_t body_limit = size_t{1024} * 1024;
  std::optional<std::filesystem::path> events_db;  // default <tinkr_home>/events.db
  // The OTLP/HTTP receiver (server/otlp_receiver.h), on `host`, only for a
  // backend that accepts pushed telemetry: --otlp-port, else [server]
  // otlp_port, else 4318 (0: pick a free port). A port given explicitly that
  // cannot be bound fails the start; the default port being busy only warns.
  std::optional<int> otlp_port;
  bool no_otlp = false;
};
// Runs until SIGTERM or SIGINT, then shuts down gracefully and returns 0.
int run_start(const StartOptions& options);

struct KeysCreateOptions {
  std::string subject;
  std::vector<std::string> roles;
};
// Prints the new token once, then the config.toml line and the TINKR_API_KEYS form.
int run_keys_create(const KeysCreateOptions& options, std::ostream& out, std::ostream& err);

struct InitOptions {
  std::optional<std::string> backend;  // default "local"
  std::string profile = "default";
  std::vector<std::string> create_keys;       // "SUBJECT:ROLE[,ROLE]"
  bool force = false;                         // overwrite existing files
  bool interactive = false;                   // ask for what was not given on the command line
  std::optional<std::filesystem::path> home;  // default config::tinkr_home()
};
// Writes <home>/config.toml and <home>/.env (0600); never overwrites without force.
int run_init(const InitOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

struct IngestCommandOptions {
  std::vector<std::filesystem::path> files;
  std::optional<std::filesystem::path> config;     // default <tinkr_home>/config.toml
  std::optional<std::string> profile;              // must use backend "local"
  std::optional<std::filesystem::path> events_db;  // where change-event files go (default <tinkr_home>/events.db)
  bool json = false;
};
// Imports log, metric, trace and change-event files into the local store;
// malformed records are reported with their line numbers. 1 when nothing at
// all could be imported, 2 when the profile is not a local one.
int run_ingest(const IngestCommandOptions& options, std::ostream& out, std::ostream& err);

struct ScenarioCommandOptions {
  std::filesystem::path out;
  std::optional<uint64_t> seed;
};
// Writes the shared incident scenario (ending now) as OTLP/JSON files.
int run_scenario(const ScenarioCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tinkr::server
