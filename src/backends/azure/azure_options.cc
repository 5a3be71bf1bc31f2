#include "backends/azure/azure_options.h"

#include <fmt/format.h>

namespace tinkr::azure {
namespace {

std::string setting(const config::Profile& p, const config::Environment& env, std::string_view key,
                    std::string_view variable) {
  std::string v = p.get(key);
  if (v.empty()) v = env.get(variable).value_or("");
  return v;
}

Result<bool> boolean(const config::Profile& p, std::string_view key, bool fallback) {
  std::string text = p.get(key);
  if (text.empty()) return fallback;
  if (text == "true") return true;
  if (text == "false") return false;
  return make_error(ErrorCode::kConfig,
                    fmt::format("profile '{}': {} must be true or false (got \"{}\")", p.name, key, text));
}

}  // namespace

bool is_guid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

Status check_workspace_id(const AzureOptions& o) {
  constexpr std::string_view kWhere =
      "(the Workspace ID on the Log Analytics workspace's Overview page, or `az monitor log-analytics workspace "
      "show -g <rg> -n <workspace> --query customerId -o tsv`)";
  if (o.workspace_id.empty()) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("no Log Analytics workspace for profile '{}': set workspace_id in [profiles.{}] or "
                                  "AZURE_LOG_ANALYTICS_WORKSPACE_ID {}",
                                  o.profile_name, o.profile_name, kWhere));
  }
  if (!is_guid(o.workspace_id)) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile '{}': workspace_id \"{}\" is not a workspace ID; it must be a GUID like "
                                  "63613592-b6f7-4c3d-a390-22ba13102111 {}",
                                  o.profile_name, o.workspace_id, kWhere));
  }
  return ok_status();
}

Result<AzureOptions> load_options(const config::Profile& profile, const config::Environment& env) {
  AzureOptions o;
  o.profile_name = profile.name;
  o.workspace_id = setting(profile, env, "workspace_id", "AZURE_LOG_ANALYTICS_WORKSPACE_ID");
  o.subscription_id = setting(profile, env, "subscription_id", "AZURE_SUBSCRIPTION_ID");
  o.resource_group = setting(profile, env, "resource_group", "AZURE_RESOURCE_GROUP");
  o.client_id = setting(profile, env, "client_id", "AZURE_CLIENT_ID");
  o.resource_type = profile.get("resource_type");
  o.services = profile.services;

  if (std::string t = profile.get("slow_request_ms"); !t.empty()) {
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || v < 0) {
      return make_error(ErrorCode::kConfig, fmt::format("profile '{}': slow_request_ms must be a number of "
                                                        "milliseconds, 0 or more (got \"{}\")",
                                                        profile.name, t));
    }
    o.slow_request_ms = v;
  }
  TINKR_ASSIGN_OR_RETURN(o.trace_lookback, profile.positive_duration("trace_lookback", o.trace_lookback));
  TINKR_ASSIGN_OR_RETURN(o.allow_partial_results, boolean(profile, "allow_partial_results", o.allow_partial_results));
  TINKR_ASSIGN_OR_RETURN(o.timeout, profile.positive_duration("timeout", o.timeout));
  TINKR_ASSIGN_OR_RETURN(o.max_response_bytes, profile.positive_int("max_response_bytes", o.max_response_bytes));
  TINKR_ASSIGN_OR_RETURN(size_t attempts, profile.positive_int("max_attempts", static_cast<size_t>(o.max_attempts)));
  o.max_attempts = static_cast<int>(std::min<size_t>(attempts, 10));
  o.ca_file = profile.get("ca_file");
  return o;
}

}  // namespace tinkr::azure
