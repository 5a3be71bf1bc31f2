// The CLI's own settings: ~/.tinkr/config (under $TINKR_HOME), a TOML file of
// profiles, each naming a Tinkr server and its token. Multi-cloud users run
// one server per cloud account; a profile routes commands to one of them.
//
//   [profiles.aws-prod]
//   server = "https://tinkr.aws.example.com"
//   token  = "env:TINKR_AWS_TOKEN"   # or the token itself (file kept at 0600)
//   active = true
//
// Which server and token a command uses (resolve_connection): --server /
// --token, then TINKR_SERVER_URL / TINKR_API_TOKEN, then the profile chosen by
// --profile, TINKR_PROFILE, the one marked active, or `default`.
// Values, pure functions over them, plus load/save; thread-compatible.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tinkr::cli {

struct ClientProfile {
  std::string name;
  std::string server;  // http(s)://host:port
  std::string token;   // "env:VAR" or the token itself; empty: none
  bool active = false;
};

struct ClientConfig {
  std::filesystem::path path;  // where it was read from / is written to
  std::vector<ClientProfile> profiles;

  const ClientProfile* find(std::string_view name) const;
  ClientProfile* find(std::string_view name);
  // Adds or replaces a profile by name.
  void upsert(ClientProfile profile);
  // Marks `name` active and every other inactive; false when it does not exist.
  bool set_active(std::string_view name);
};

// $TINKR_HOME/config, else ~/.tinkr/config.
std::filesystem::path client_config_path();

// Reads the file; a missing file gives an empty config. Errors name the file
// and line ("~/.tinkr/config:3:9: …").
Result<ClientConfig> load_client_config(const std::filesystem::path& path);
Result<ClientConfig> parse_client_config(std::string_view text, const std::filesystem::path& path);
// The TOML text of a config (what save writes).
std::string client_config_to_toml(const ClientConfig& config);
// Writes the file atomically with mode 0600, creating the directory (0700).
Status save_client_config(const ClientConfig& config);

// A variable lookup (getenv in production, a map in tests).
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup process_env();

struct GlobalFlags {
  std::optional<std::string> profile;
  std::optional<std::string> server;
  std::optional<std::string> token;
};

// Where a command goes.
struct Connection {
  std::string profile;        // the profile used ("" when flags/env gave everything)
  std::string server;         // base URL without trailing '/'
  std::string token;          // resolved; empty: none
  std::string token_source;   // "--token", "TINKR_API_TOKEN", "env:VAR (profile x)", "profile x"
  std::string token_problem;  // why the token is empty ("env:TINKR_AWS_TOKEN is not set")
};

// The profile chosen by --profile, TINKR_PROFILE, active, `default`; nullptr
// when none of those exist (an explicit name that does not exist is an error
// listing the profiles).
Result<const ClientProfile*> select_profile(const ClientConfig& config, const GlobalFlags& flags, const EnvLookup& env);

// Resolves server and token. An error when no server is known, saying to run
// `tinkr init` or set TINKR_SERVER_URL.
Result<Connection> resolve_connection(const ClientConfig& config, const GlobalFlags& flags, const EnvLookup& env);

// "***" for a stored literal token, "env:VAR" as written, "-" when empty.
std::string display_token(std::string_view token);

}  // namespace tinkr::cli
