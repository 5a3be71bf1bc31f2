// EnvironmentCredential (azure-identity): a service principal from the
// environment (process first, then ~/.tinkr/.env):
//   AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET          client secret
//   AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_CERTIFICATE_PATH client certificate
//     (+ AZURE_CLIENT_CERTIFICATE_PASSWORD when the file is encrypted)
// The secret wins when both are set, as in azure-identity. Using a secret
// logs one warning: it is for local development, not production.
// Unavailable (the chain moves on) when the variables are incomplete; once
// configured, a refusal from Entra ID stops the chain. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "backends/azure/cached_credential.h"
#include "backends/azure/client_certificate.h"
#include "config/config.h"
#include "net/http_client.h"

namespace tinkr::azure {

using WarnSink = std::function<void(std::string_view)>;

class EnvironmentCredential : public CachedCredential {
 public:
  // kConfig for a tenant id that is not one, or a certificate file that
  // cannot be used (bad configuration is reported at start-up).
  static Result<std::unique_ptr<EnvironmentCredential>> create(const config::Environment& env,
                                                               std::string authority_host,
                                                               std::shared_ptr<const net::HttpClient> http, Clock clock,
                                                               const WarnSink& warn);

 protected:
  TokenOutcome request_token(std::string_view scope) override;

 private:
  EnvironmentCredential(Clock clock) : CachedCredential("EnvironmentCredential", std::move(clock)) {}

  std::string missing_;  // non-empty: unavailable, naming what is missing
  std::string authority_host_, tenant_id_, client_id_, client_secret_;
  std::shared_ptr<ClientCertificate> certificate_;
  std::shared_ptr<const net::HttpClient> http_;
};

// The warning logged when a client secret is used.
extern const char* const kClientSecretWarning;

}  // namespace tinkr::azure
