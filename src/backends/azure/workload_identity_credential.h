// WorkloadIdentityCredential (azure-identity): AKS workload identity and other
// federated identities. The webhook injects AZURE_TENANT_ID, AZURE_CLIENT_ID,
// AZURE_FEDERATED_TOKEN_FILE (and AZURE_AUTHORITY_HOST); the file holds a
// Kubernetes-issued JWT that is sent as the client assertion of a
// client-credentials request. The file is re-read for every token request
// because the kubelet rotates it. Unavailable when a variable is missing;
// an unreadable file or a refusal from Entra ID stops the chain. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "backends/azure/cached_credential.h"
#include "config/config.h"
#include "net/http_client.h"

namespace tinkr::azure {

class WorkloadIdentityCredential : public CachedCredential {
 public:
  static Result<std::unique_ptr<WorkloadIdentityCredential>> create(const config::Environment& env,
                                                                    std::string authority_host,
                                                                    std::shared_ptr<const net::HttpClient> http,
                                                                    Clock clock);

 protected:
  TokenOutcome request_token(std::string_view scope) override;

 private:
  explicit WorkloadIdentityCredential(Clock clock) : CachedCredential("WorkloadIdentityCredential", std::move(clock)) {}

  std::string missing_;
  std::string authority_host_, tenant_id_, client_id_, token_file_;
  std::shared_ptr<const net::HttpClient> http_;
};

}  // namespace tinkr::azure
