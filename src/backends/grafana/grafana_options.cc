#include "backends/grafana/grafana_options.h"

#include <fmt/format.h>

namespace tinkr::grafana {
namespace {

std::string_view signal_prefix(Signal s) {
  switch (s) {
    case Signal::kLoki: return "loki";
    case Signal::kPrometheus: return "prometheus";
    case Signal::kTempo: return "tempo";
  }
  return "loki";
}

// `<signal>_<key>`, then `<key>`.
std::string signal_setting(const config::Profile& p, Signal s, std::string_view key) {
  std::string specific = fmt::format("{}_{}", signal_prefix(s), key);
  std::string v = p.get(specific);
  if (!v.empty()) return v;
  return p.get(key);
}

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Status check_url(const config::Profile& p, std::string_view key, const std::string& url) {
  if (url.empty()) return ok_status();
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return ok_status();
  return make_error(ErrorCode::kConfig, fmt::format("profile '{}': {} must start with http:// or https:// (got \"{}\")",
                                                    p.name, key, config::display_value(key, url)));
}

Endpoint load_endpoint(const config::Profile& p, const config::Environment& env, Signal s) {
  Endpoint e;
  e.signal = s;
  e.base_url = p.get(signal_url_key(s));
  if (e.base_url.empty()) e.base_url = env.get(signal_url_env(s)).value_or("");
  e.base_url = trim_slash(std::move(e.base_url));
  e.username = signal_setting(p, s, "username");
  e.password = signal_setting(p, s, "password");
  e.api_key = signal_setting(p, s, "api_key");
  if (e.api_key.empty()) e.api_key = env.get("GRAFANA_API_KEY").value_or("");
  e.tenant_id = signal_setting(p, s, "tenant_id");
  if (e.tenant_id.empty()) e.tenant_id = signal_setting(p, s, "org_id");
  return e;
}

}  // namespace

std::string_view signal_display_name(Signal s) {
  switch (s) {
    case Signal::kLoki: return "Loki";
    case Signal::kPrometheus: return "Prometheus";
    case Signal::kTempo: return "Tempo";
  }
  return "Loki";
}

std::string_view signal_url_key(Signal s) {
  switch (s) {
    case Signal::kLoki: return "loki_url";
    case Signal::kPrometheus: return "prometheus_url";
    case Signal::kTempo: return "tempo_url";
  }
  return "loki_url";
}

std::string_view signal_url_env(Signal s) {
  switch (s) {
    case Signal::kLoki: return "GRAFANA_LOKI_URL";
    case Signal::kPrometheus: return "GRAFANA_PROMETHEUS_URL";
    case Signal::kTempo: return "GRAFANA_TEMPO_URL";
  }
  return "GRAFANA_LOKI_URL";
}

const Endpoint& GrafanaOptions::endpoint(Signal s) const {
  switch (s) {
    case Signal::kLoki: return loki;
    case Signal::kPrometheus: return prometheus;
    case Signal::kTempo: return tempo;
  }
  return loki;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

Result<GrafanaOptions> load_options(const config::Profile& profile, const config::Environment& env) {
  GrafanaOptions o;
  o.profile_name = profile.name;
  o.loki = load_endpoint(profile, env, Signal::kLoki);
  o.prometheus = load_endpoint(profile, env, Signal::kPrometheus);
  o.tempo = load_endpoint(profile, env, Signal::kTempo);
  for (const Endpoint* e : {&o.loki, &o.prometheus, &o.tempo}) {
    TINKR_RETURN_IF_ERROR(check_url(profile, signal_url_key(e->signal), e->base_url));
  }

  o.service_label = profile.get("service_label", o.service_label);
  if (!is_valid_label_name(o.service_label)) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile '{}': service_label \"{}\" is not a Loki label name; use letters, digits "
                                  "and '_' (e.g. service_name, service, app, job, container)",
                                  profile.name, o.service_label));
  }
  o.level_label = profile.get("level_label", o.level_label);
  if (!is_valid_label_name(o.level_label)) {
    return make_error(ErrorCode::kConfig, fmt::format("profile '{}': level_label \"{}\" is not a Loki label name",
                                                      profile.name, o.level_label));
  }
  o.loki_parser = profile.get("loki_parser", o.loki_parser);
  if (o.loki_parser != "json" && o.loki_parser != "logfmt" && o.loki_parser != "none") {
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile '{}': loki_parser must be json, logfmt or none (got \"{}\")", profile.name,
                                  o.loki_parser));
  }
  TINKR_ASSIGN_OR_RETURN(o.loki_max_entries, profile.positive_int("loki_max_entries", o.loki_max_entries));
  TINKR_ASSIGN_OR_RETURN(o.max_response_bytes, profile.positive_int("max_response_bytes", o.max_response_bytes));
  TINKR_ASSIGN_OR_RETURN(size_t attempts, profile.positive_int("max_attempts", static_cast<size_t>(o.max_attempts)));
  o.max_attempts = static_cast<int>(std::min<size_t>(attempts, 10));

  TINKR_ASSIGN_OR_RETURN(o.timeout, profile.positive_duration("timeout", o.timeout));
  o.ca_file = profile.get("ca_file");

  constexpr std::string_view kMetricsPrefix = "metrics.";
  for (const auto& [key, value] : profile.settings) {
    if (key.size() > kMetricsPrefix.size() && key.compare(0, kMetricsPrefix.size(), kMetricsPrefix) == 0 &&
        !value.empty()) {
      o.metric_templates[key.substr(kMetricsPrefix.size())] = value;
    }
  }
  return o;
}

}  // namespace tinkr::grafana
