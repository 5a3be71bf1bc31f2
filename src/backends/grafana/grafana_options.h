// GrafanaOptions: everything the Grafana backend reads from its profile and
// the environment, resolved once at construction.
//
// Profile keys win; GRAFANA_LOKI_URL, GRAFANA_PROMETHEUS_URL, GRAFANA_TEMPO_URL
// and GRAFANA_API_KEY fill the gaps. A signal without a URL is not an error
// here: only that signal's operations fail later, with the key to set.
// Credentials may be given per signal (`loki_username`, `prometheus_api_key`,
// `tempo_tenant_id`, …) and fall back to the shared key (`username`, …),
// because Grafana Cloud gives each stack component its own user id.
// A plain value type; safe to share between threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/result.h"
#include "core/time.h"

namespace tinkr::grafana {

enum class Signal { kLoki, kPrometheus, kTempo };

// "Loki", "Prometheus", "Tempo".
std::string_view signal_display_name(Signal s);
// "loki_url", "prometheus_url", "tempo_url".
std::string_view signal_url_key(Signal s);
// "GRAFANA_LOKI_URL", …
std::string_view signal_url_env(Signal s);

// Where one signal lives and how to authenticate to it.
struct Endpoint {
  Signal signal = Signal::kLoki;
  std::string base_url;  // without a trailing '/'; empty: not configured
  std::string username;  // basic auth when set (password, else api_key, is the secret)
  std::string password;
  std::string api_key;    // bearer token when no username
  std::string tenant_id;  // X-Scope-OrgID when set
};

struct GrafanaOptions {
  std::string profile_name;
  Endpoint loki;
  Endpoint prometheus;
  Endpoint tempo;

  std::string service_label = "service_name";  // the Loki stream label naming a service
  std::string level_label = "level";           // the Loki label the volume is grouped by
  std::string loki_parser = "json";            // json | logfmt | none: parser stage before field filters
  size_t loki_max_entries = 5000;              // Loki's max_entries_limit_per_query: one page
  std::map<std::string, std::string, std::less<>> metric_templates;  // alias -> PromQL ("metrics.<alias>")

  std::string ca_file;
  Nanos timeout{std::chrono::seconds(30)};
  size_t max_response_bytes = size_t{64} << 20;
  int max_attempts = 3;  // HTTP tries per call (retries on 429/5xx honour Retry-After)

  const Endpoint& endpoint(Signal s) const;
};

// Reads the options; errors are kConfig and name the key and the expected form.
Result<GrafanaOptions> load_options(const config::Profile& profile, const config::Environment& env);

// Service label names Loki accepts: [a-zA-Z_][a-zA-Z0-9_]*.
bool is_valid_label_name(std::string_view name);

}  // namespace tinkr::grafana
