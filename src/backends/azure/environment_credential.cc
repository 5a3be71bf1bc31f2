#include "backends/azure/environment_credential.h"

#include <vector>

#include <fmt/format.h>

#include "backends/azure/entra_token_client.h"

namespace tinkr::azure {
namespace {

std::string value(const config::Environment& env, std::string_view name) { return env.get(name).value_or(""); }

}  // namespace

const char* const kClientSecretWarning =
    "Azure: authenticating with a client secret (AZURE_CLIENT_SECRET). Client secrets are for local development, "
    "not production: they are long-lived and leak easily. In production use a managed identity or workload "
    "identity; see docs/backends/azure.md#authentication";

Result<std::unique_ptr<EnvironmentCredential>> EnvironmentCredential::create(
    const config::Environment& env, std::string authority_host, std::shared_ptr<const net::HttpClient> http,
    Clock clock, const WarnSink& warn) {
  std::unique_ptr<EnvironmentCredential> c(new EnvironmentCredential(std::move(clock)));
  c->authority_host_ = std::move(authority_host);
  c->http_ = std::move(http);
  c->tenant_id_ = value(env, "AZURE_TENANT_ID");
  c->client_id_ = value(env, "AZURE_CLIENT_ID");
  c->client_secret_ = value(env, "AZURE_CLIENT_SECRET");
  const std::string cert_path = value(env, "AZURE_CLIENT_CERTIFICATE_PATH");

  std::vector<std::string> missing;
  if (c->tenant_id_.empty()) missing.push_back("AZURE_TENANT_ID");
  if (c->client_id_.empty()) missing.push_back("AZURE_CLIENT_ID");
  if (c->client_secret_.empty() && cert_path.empty())
    missing.push_back("AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH");
  if (!missing.empty()) {
    c->missing_ = fmt::format("environment variables are not fully configured ({} not set)", fmt::join(missing, ", "));
    return c;
  }
  if (!is_valid_tenant_id(c->tenant_id_)) {
    return make_error(ErrorCode::kConfig,
                      "AZURE_TENANT_ID is not a tenant id: use the directory (tenant) GUID or its domain name "
                      "(letters, digits, '-' and '.')");
  }
  if (!c->client_secret_.empty()) {
    if (warn) warn(kClientSecretWarning);
    return c;
  }
  auto cert = ClientCertificate::load(cert_path, value(env, "AZURE_CLIENT_CERTIFICATE_PASSWORD"));
  if (!cert) return cert.error();
  c->certificate_ = std::move(*cert);
  return c;
}

TokenOutcome EnvironmentCredential::request_token(std::string_view scope) {
  if (!missing_.empty()) return TokenOutcome::not_available(missing_);
  ClientCredentialsRequest r;
  r.authority_host = authority_host_;
  r.tenant_id = tenant_id_;
  r.client_id = client_id_;
  r.scope = std::string(scope);
  if (certificate_) {
    auto assertion = certificate_->assertion(client_id_, token_endpoint(authority_host_, tenant_id_), now());
    if (!assertion) return TokenOutcome::failed(assertion.error());
    r.credential = {{"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                    {"client_assertion", std::move(*assertion)}};
    r.fix_hint =
        "check AZURE_TENANT_ID, AZURE_CLIENT_ID and that the certificate in AZURE_CLIENT_CERTIFICATE_PATH "
        "is uploaded to the app registration (Certificates & secrets)";
  } else {
    r.credential = {{"client_secret", client_secret_}};
    r.fix_hint =
        "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (secrets expire; create a new one "
        "under the app registration's Certificates & secrets)";
  }
  return request_client_credentials(*http_, r, now());
}

}  // namespace tinkr::azure
