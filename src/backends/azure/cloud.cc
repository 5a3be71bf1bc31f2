#include "backends/azure/cloud.h"

#include <array>

#include <fmt/format.h>

#include "backends/azure/endpoint_url.h"
#include "core/strings.h"

namespace tinkr::azure {
namespace {

struct CloudInfo {
  std::string_view name;
  std::array<std::string_view, 4> aliases;
  std::string_view authority_host;
  std::string_view log_analytics;
  std::string_view resource_manager;
};

// Sources: AzureAuthorityHosts (azure-identity), the Log Analytics API
// request-format pages (learn.microsoft.com, docs.azure.cn), Azure
// PowerShell's AzureEnvironmentConstants (api.loganalytics.us), each cloud's
// ResourceManagerUrl. The public Log Analytics host api.loganalytics.io is the
// token audience the SDKs use (api.loganalytics.azure.com is an alias).
constexpr std::array<CloudInfo, 3> kClouds{{
    {"public",
     {"azurecloud", "azurepubliccloud", "azure", "global"},
     "https://login.microsoftonline.com",
     "https://api.loganalytics.io",
     "https://management.azure.com"},
    {"usgovernment",
     {"azureusgovernment", "azureusgovernmentcloud", "usgov", "government"},
     "https://login.microsoftonline.us",
     "https://api.loganalytics.us",
     "https://management.usgovcloudapi.net"},
    {"china",
     {"azurechinacloud", "azurechina", "chinacloud", "mooncake"},
     "https://login.chinacloudapi.cn",
     "https://api.loganalytics.azure.cn",
     "https://management.chinacloudapi.cn"},
}};

const CloudInfo* find_cloud(std::string_view name) {
  for (const auto& c : kClouds) {
    if (iequals(name, c.name)) return &c;
    for (auto alias : c.aliases) {
      if (iequals(name, alias)) return &c;
    }
  }
  return nullptr;
}

// The environment variable when set and not empty, else the profile key.
struct Setting {
  std::string value;
  std::string source;  // "AZURE_CLOUD" or "profile 'x': cloud"; empty when unset
};

Setting setting(const config::Profile& profile, const config::Environment& env, std::string_view var,
                std::string_view key) {
  if (auto v = env.get(var); v && !v->empty()) return {*v, std::string(var)};
  std::string p = profile.get(key);
  if (!p.empty()) return {p, fmt::format("profile '{}': {}", profile.name, key)};
  return {};
}

Status apply_url(const config::Profile& profile, const config::Environment& env, std::string_view var,
                 std::string_view key, std::string& target) {
  Setting s = setting(profile, env, var, key);
  if (s.source.empty()) return ok_status();
  auto url = normalize_endpoint_url(s.value, s.source);
  if (!url) return url.error();
  target = std::move(*url);
  return ok_status();
}

// An audience is an identifier, not a place we connect to: any URI, without
// a trailing '/' or "/.default" (the scope adds it).
void apply_audience(const config::Profile& profile, const config::Environment& env, std::string_view var,
                    std::string_view key, std::string& target) {
  Setting s = setting(profile, env, var, key);
  if (s.source.empty()) return;
  std::string a = std::move(s.value);
  if (a.size() > 9 && a.ends_with("/.default")) a.resize(a.size() - 9);
  while (a.size() > 1 && a.back() == '/') a.pop_back();
  target = std::move(a);
}

}  // namespace

std::string AzureEndpoints::log_analytics_scope() const {
  return (log_analytics_audience.empty() ? log_analytics : log_analytics_audience) + "/.default";
}

std::string AzureEndpoints::resource_manager_scope() const {
  return (resource_manager_audience.empty() ? resource_manager : resource_manager_audience) + "/.default";
}

Result<AzureEndpoints> cloud_endpoints(std::string_view cloud) {
  const CloudInfo* c = find_cloud(cloud);
  if (!c) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("unknown Azure cloud '{}'; use public, usgovernment or china (or set "
                                  "AZURE_AUTHORITY_HOST, AZURE_LOG_ANALYTICS_ENDPOINT and "
                                  "AZURE_RESOURCE_MANAGER_ENDPOINT for another cloud)",
                                  cloud));
  }
  AzureEndpoints e;
  e.cloud = std::string(c->name);
  e.authority_host = std::string(c->authority_host);
  e.log_analytics = std::string(c->log_analytics);
  e.resource_manager = std::string(c->resource_manager);
  e.log_analytics_audience = e.log_analytics;
  e.resource_manager_audience = e.resource_manager;
  return e;
}

namespace {

// The cloud whose login host this is (AzureAuthorityHosts, plus China's
// login.partner.microsoftonline.cn), or nullptr.
const CloudInfo* cloud_of_authority(std::string_view url) {
  if (url.ends_with("/")) url.remove_suffix(1);
  for (const auto& c : kClouds) {
    if (iequals(url, c.authority_host)) return &c;
  }
  if (iequals(url, "https://login.partner.microsoftonline.cn")) return &kClouds[2];
  return nullptr;
}

}  // namespace

Result<AzureEndpoints> resolve_endpoints(const config::Profile& profile, const config::Environment& env) {
  Setting cloud = setting(profile, env, "AZURE_CLOUD", "cloud");
  std::string cloud_name = cloud.source.empty() ? "public" : cloud.value;
  if (cloud.source.empty()) {
    // No cloud setting: a sovereign cloud's login host in AZURE_AUTHORITY_HOST
    // (as the Azure SDKs are configured) picks that cloud's API hosts too.
    Setting authority = setting(profile, env, "AZURE_AUTHORITY_HOST", "authority_host");
    if (!authority.source.empty()) {
      auto url = normalize_endpoint_url(authority.value, authority.source);
      if (url) {
        if (const CloudInfo* c = cloud_of_authority(*url)) cloud_name = std::string(c->name);
      }
    }
  }
  auto base = cloud_endpoints(cloud_name);
  if (!base) {
    return make_error(ErrorCode::kConfig, fmt::format("{}: {}", cloud.source, base.error().message));
  }
  AzureEndpoints e = std::move(*base);
  TINKR_RETURN_IF_ERROR(apply_url(profile, env, "AZURE_AUTHORITY_HOST", "authority_host", e.authority_host));
  TINKR_RETURN_IF_ERROR(
      apply_url(profile, env, "AZURE_LOG_ANALYTICS_ENDPOINT", "log_analytics_endpoint", e.log_analytics));
  TINKR_RETURN_IF_ERROR(
      apply_url(profile, env, "AZURE_RESOURCE_MANAGER_ENDPOINT", "resource_manager_endpoint", e.resource_manager));
  apply_audience(profile, env, "AZURE_LOG_ANALYTICS_AUDIENCE", "log_analytics_audience", e.log_analytics_audience);
  apply_audience(profile, env, "AZURE_RESOURCE_MANAGER_AUDIENCE", "resource_manager_audience",
                 e.resource_manager_audience);
  return e;
}

}  // namespace tinkr::azure
