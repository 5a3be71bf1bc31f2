// DefaultAzureCredential: the chain of credentials the Azure backend uses,
// in azure-identity's order (Python/.NET/JS; the order):
//   1. EnvironmentCredential       AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET,
//                                  or + AZURE_CLIENT_CERTIFICATE_PATH
//   2. WorkloadIdentityCredential  AZURE_FEDERATED_TOKEN_FILE + AZURE_CLIENT_ID + AZURE_TENANT_ID
//   3. ManagedIdentityCredential   IDENTITY_ENDPOINT + IDENTITY_HEADER (App Service,
//                                  Container Apps), else IMDS; AZURE_CLIENT_ID = user-assigned
//   4. AzureCliCredential          `az account get-access-token` after `az login`
//
// Chain rule (azure-identity's ChainedTokenCredential): a credential that is
// "unavailable" (not configured here) passes to the next; one that tried and
// failed stops the chain with its error. The first credential to return a
// token is used for every later call (DefaultAzureCredential remembers it).
// When nothing works, the error lists every credential tried and why, then
// what to do. AZURE_TOKEN_CREDENTIALS (or the profile key `credential`)
// narrows the chain: "dev" (Azure CLI), "prod" (1–3), or one credential's
// name ("ManagedIdentityCredential", …), as azure-identity accepts.
//
// Tokens are cached per scope by each credential and refreshed 5 minutes
// before expiry (cached_credential.h). Thread-safe; share one instance.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/azure/azure_cli_credential.h"
#include "backends/azure/cached_credential.h"
#include "backends/azure/cloud.h"
#include "backends/azure/credential.h"
#include "backends/azure/environment_credential.h"
#include "backends/azure/managed_identity_credential.h"
#include "config/config.h"
#include "net/http_client.h"

namespace tinkr::azure {

class ChainedCredential : public TokenCredential {
 public:
  explicit ChainedCredential(std::vector<std::unique_ptr<CachedCredential>> credentials);
  Result<AccessToken> get_token(std::string_view scope) override;

  // The credential names, in order.
  std::vector<std::string> names() const;
  // The credential that produced the last token ("" before the first).
  std::string selected() const;

 private:
  std::vector<std::unique_ptr<CachedCredential>> credentials_;
  std::atomic<int> selected_{-1};
};

struct CredentialOptions {
  net::HttpClientOptions http;  // CA file, user agent; retries for Entra ID / App Service
  Clock clock;                  // empty: the system clock
  WarnSink warn;                // empty: one line on stderr
  ManagedIdentityOptions managed_identity;
  AzureCliOptions azure_cli;
};

// The chain for a profile: endpoints from resolve_endpoints(profile, env)
// (the authority host moves with the cloud), variables from `env`. kConfig
// for a bad URL, tenant id, certificate or AZURE_TOKEN_CREDENTIALS value.
Result<std::shared_ptr<ChainedCredential>> make_default_credential(const config::Profile& profile,
                                                                   const config::Environment& env,
                                                                   const CredentialOptions& options = {});

}  // namespace tinkr::azure
