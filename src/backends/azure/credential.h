// Azure credentials: the contract between the DefaultAzureCredential chain
// (credential_chain.h: environment, workload identity, managed identity,
// Azure CLI) and the Azure backend's clients (Log Analytics, Resource
// Manager metrics), which only ever ask for a bearer token for a scope.
//
// Implementations are safe to call from several threads at once, cache tokens
// per scope and refresh them before they expire. A failure is an Error whose
// message says what to do (for the chain: why each credential was skipped).
// Token values are secrets: never logged, never in an error message.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace tinkr::azure {

struct AccessToken {
  std::string token;     // the bearer token
  Timestamp expires_on;  // absolute expiry (UTC)
};

class TokenCredential {
 public:
  virtual ~TokenCredential() = default;
  // scope: e.g. "https://api.loganalytics.io/.default" or
  // "https://management.azure.com/.default" (moved by the cloud setting).
  virtual Result<AccessToken> get_token(std::string_view scope) = 0;
};

}  // namespace tinkr::azure
