// The Azure Monitor backend: logs from Log Analytics (KQL through the query
// module's translator), traces from Application Insights' AppRequests and
// AppDependencies tables, metrics from Azure Monitor Metrics. Configuration,
// RBAC and tables are described in docs/backends/azure.md.
//
// The only names the rest of the tree may use are register_azure_backend()
// (from backends/builtin.cc) and, in tests, make_azure_backend().
// Thread-safe: immutable options, a thread-safe credential and HttpClient.
#pragma once

#include <memory>
#include <string>

#include "backends/azure/azure_options.h"
#include "backends/azure/cloud.h"
#include "backends/azure/credential.h"
#include "backends/backend.h"
#include "backends/registry.h"
#include "config/config.h"

namespace tinkr {

namespace azure {

// What the backend connects with: resolved by the registry factory from the
// profile (cloud.h, the credential chain), or given by a test.
struct AzureConnection {
  AzureEndpoints endpoints;
  std::string log_analytics_scope;     // endpoints.log_analytics_scope() in production
  std::string resource_manager_scope;  // endpoints.resource_manager_scope()
  std::shared_ptr<TokenCredential> credential;
};

}  // namespace azure

// Adds "azure" to the registry.
void register_azure_backend(BackendRegistry& registry);

// Builds the backend from a profile: options (azure_options.h), endpoints
// (cloud.h) and the DefaultAzureCredential chain (credential_chain.h).
// kConfig errors name the key or variable.
Result<std::unique_ptr<ObservabilityBackend>> make_azure_backend(const config::Profile& profile,
                                                                 const config::Environment& env);

// Builds the backend from resolved options and a connection (tests).
Result<std::unique_ptr<ObservabilityBackend>> make_azure_backend(azure::AzureOptions options,
                                                                 azure::AzureConnection connection);

}  // namespace tinkr
