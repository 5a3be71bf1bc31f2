// Azure clouds and endpoints: which login host and API hosts a profile talks
// to. The cloud setting (profile key `cloud` or AZURE_CLOUD: "public",
// "usgovernment", "china") picks Microsoft's documented hosts; each can be
// overridden for private links, sovereign clouds and tests:
//   login             AZURE_AUTHORITY_HOST
//   Log Analytics     AZURE_LOG_ANALYTICS_ENDPOINT    / profile log_analytics_endpoint
//   Resource Manager  AZURE_RESOURCE_MANAGER_ENDPOINT / profile resource_manager_endpoint
// Every URL must be https://, except plain http:// to a loopback host.
// Implemented by credential work (cloud.cc); used by the backend clients.
#pragma once

#include <string>

#include "config/config.h"
#include "core/result.h"

namespace tinkr::azure {

struct AzureEndpoints {
  std::string cloud;             // "public" | "usgovernment" | "china"
  std::string authority_host;    // e.g. "https://login.microsoftonline.com" (no trailing slash)
  std::string log_analytics;     // e.g. "https://api.loganalytics.io"
  std::string resource_manager;  // e.g. "https://management.azure.com"
  // Token scopes ("<audience>/.default") for the two APIs.
  std::string log_analytics_scope() const;
  std::string resource_manager_scope() const;
};

// Resolves the endpoints from the profile and the environment (environment
// first). An unknown cloud or a bad URL is an error naming the key and what
// is accepted.
Result<AzureEndpoints> resolve_endpoints(const config::Profile& profile, const config::Environment& env);

}  // namespace tinkr::azure
