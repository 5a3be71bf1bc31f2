// Server-side configuration: ~/.tinkr/config.toml and ~/.tinkr/.env.
//
// load_config() reads the TOML file, resolves every "env:VAR" value (process
// environment first, then .env) and validates it; errors name the file, the
// line, the key and what was expected. The Config it returns is an immutable
// value: safe to share between threads once loaded.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/result.h"

namespace tinkr::config {

// Variables from the process environment, then from a .env file.
class Environment {
 public:
  // The real process environment plus the .env file at `dotenv` (if it exists).
  static Result<Environment> load(const std::filesystem::path& dotenv);
  // A fixed set of variables, for tests.
  static Environment from_map(std::map<std::string, std::string> process,
                              std::map<std::string, std::string> dotenv = {});

  // Process environment wins over .env. nullopt when neither has it.
  std::optional<std::string> get(std::string_view name) const;

 private:
  bool use_process_env_ = false;
  std::map<std::string, std::string, std::less<>> process_;
  std::map<std::string, std::string, std::less<>> dotenv_;
};

// ~/.tinkr, or $TINKR_HOME when set.
std::filesystem::path tinkr_home();

struct ServiceConfig {
  std::string repo;           // owner/repo
  std::string resource_type;  // ecs | lambda | cloud_run | gke | container_app | k8s | app_service | …
  Attributes settings;        // any other keys
};

struct NotifierConfig {
  std::string type;     // slack | webhook | discord
  Attributes settings;  // channel, url, bot_token, header_<Name>, …
};

struct Profile {
  std::string name;
  std::string backend;  // cloudwatch | gcp | azure | grafana | datadog | elastic | otel | local
  bool active = false;
  Attributes settings;        // every other key, env: references resolved
  Attributes unresolved_env;  // key -> VAR for "env:VAR" values whose variable is not set
  std::map<std::string, ServiceConfig, std::less<>> services;
  std::map<std::string, NotifierConfig, std::less<>> notifiers;

  // A backend-specific setting, or fallback when absent or empty.
  std::string get(std::string_view key, std::string_view fallback = "") const;
  // A setting that must be present: the error names the profile and key, and
  // the variable when it came from an unset "env:VAR" reference.
  Result<std::string> require(std::string_view key) const;
  // A setting that must be a positive whole number, or fallback when absent;
  // anything else is a kConfig error naming the profile, the key and the value.
  Result<size_t> positive_int(std::string_view key, size_t fallback) const;
  // Likewise a positive duration (30s, 2m, 7d, PT1H).
  Result<Nanos> positive_duration(std::string_view key, Nanos fallback) const;
  // The service's settings, or nullptr.
  const ServiceConfig* service(std::string_view name) const;
};

struct ApiKeyEntry {
  std::string hash;  // lower-case hex SHA-256 of the raw token
  std::string subject;
  std::vector<std::string> roles;
};

struct ServerSection {
  std::string url;  // the CLI: where the server is
  std::string token;
  std::optional<int> otlp_port;  // tinkr-server: the OTLP/HTTP receiver's port (default 4318; 0: any free port)
};

struct GithubConfig {
  std::string token;
  std::string default_repo;
};

struct SlackConfig {
  std::string bot_token;
  std::string signing_secret;
  std::string alerts_channel;
};

struct LlmConfig {
  std::string provider;  // anthropic | openai | openrouter | groq | ollama …
  std::string model;
  std::string api_key;
  std::string base_url;
};

struct Config {
  std::filesystem::path path;  // the file it was read from (empty: defaults)
  ServerSection server;
  std::vector<ApiKeyEntry> api_keys;
  GithubConfig github;
  SlackConfig slack;
  LlmConfig llm;
  std::map<std::string, Profile, std::less<>> profiles;
};

// Reads and validates config.toml. A missing file is not an error when
// `must_exist` is false: the result is an empty Config with a `default`
// profile of backend `local`. API keys from TINKR_API_KEYS (a JSON list of
// {"hash","subject","roles"}) are added to those of [auth].api_keys.
Result<Config> load_config(const std::filesystem::path& file, const Environment& env, bool must_exist = false);
// Same, from text (for tests and `tinkr-server init`); `name` is used in errors.
Result<Config> parse_config(std::string_view toml_text, std::string_view name, const Environment& env);

// The active profile: `flag` (--profile), then TINKR_PROFILE, then the one with
// active = true, then `default`. An error lists the profiles that exist.
Result<const Profile*> active_profile(const Config& cfg, const std::optional<std::string>& flag,
                                      const Environment& env);

// The known backend names, in documentation order.
const std::vector<std::string>& known_backends();

// True for keys whose values are secrets (token, secret, password, api_key,
// key, header_Authorization, url with credentials, …).
bool is_secret_key(std::string_view key);
// "***" for secret keys; URLs with credentials have them masked
// ("https://user:***@host"); the value otherwise.
std::string display_value(std::string_view key, std::string_view value);

}  // namespace tinkr::config
