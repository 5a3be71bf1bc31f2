// Azure clouds and endpoints: which login host and API hosts a profile talks
// to. The cloud setting (profile key `cloud` or AZURE_CLOUD: "public",
// "usgovernment", "china") picks Microsoft's documented hosts; each can be
// overridden for private links, sovereign clouds and tests:
//   login             AZURE_AUTHORITY_HOST
//   Log Analytics     AZURE_LOG_ANALYTICS_ENDPOINT    / profile log_analytics_endpoint
//   Resource Manager  AZURE_RESOURCE_MANAGER_ENDPOINT / profile resource_manager_endpoint
// Every URL must be https://, except plain http:// to a loopback host; a bare
// host gets https://. The cloud setting also accepts the SDK/CLI names
// (AzureCloud, AzureUSGovernment, AzureChinaCloud; any case). Without a
// cloud setting, AZURE_AUTHORITY_HOST set to a sovereign cloud's login host
// (login.microsoftonline.us, login.chinacloudapi.cn) selects that cloud, so
// the one variable the Azure SDKs use moves the API hosts too.
// Token scopes follow the cloud's audience, not an overridden host: a private
// link or a loopback simulator still asks Entra ID for the real API's token.
// For another cloud (Azure Stack, a new sovereign cloud) the audiences can be
// set too: AZURE_LOG_ANALYTICS_AUDIENCE / log_analytics_audience,
// AZURE_RESOURCE_MANAGER_AUDIENCE / resource_manager_audience.
// Hosts: Microsoft's AzureAuthorityHosts (login.microsoftonline.com / .us,
// login.chinacloudapi.cn), the Log Analytics request-format pages (public,
// docs.azure.cn) and Azure PowerShell's AzureEnvironmentConstants (US Gov
// api.loganalytics.us), the ARM endpoints of each cloud.
// Implemented in cloud.cc; used by the credentials and the backend clients.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "core/result.h"

namespace tinkr::azure {

struct AzureEndpoints {
  std::string cloud;             // "public" | "usgovernment" | "china"
  std::string authority_host;    // e.g. "https://login.microsoftonline.com" (no trailing slash)
  std::string log_analytics;     // e.g. "https://api.loganalytics.io"
  std::string resource_manager;  // e.g. "https://management.azure.com"
  // The token audiences of the two APIs in this cloud (unchanged by endpoint
  // overrides): e.g. "https://api.loganalytics.io", "https://management.azure.com".
  std::string log_analytics_audience;
  std::string resource_manager_audience;
  // Token scopes ("<audience>/.default") for the two APIs.
  std::string log_analytics_scope() const;
  std::string resource_manager_scope() const;
};

// Resolves the endpoints from the profile and the environment (environment
// first). An unknown cloud or a bad URL is a kConfig error naming the key and
// what is accepted. Keys: AZURE_CLOUD / cloud, AZURE_AUTHORITY_HOST /
// authority_host, AZURE_LOG_ANALYTICS_ENDPOINT / log_analytics_endpoint,
// AZURE_RESOURCE_MANAGER_ENDPOINT / resource_manager_endpoint.
Result<AzureEndpoints> resolve_endpoints(const config::Profile& profile, const config::Environment& env);

// The well-known endpoints of a cloud ("public", "usgovernment", "china" or
// an accepted alias), without overrides; kConfig for an unknown name.
Result<AzureEndpoints> cloud_endpoints(std::string_view cloud);

}  // namespace tinkr::azure
