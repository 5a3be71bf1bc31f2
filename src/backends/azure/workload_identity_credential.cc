#include "backends/azure/workload_identity_credential.h"

#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "backends/azure/entra_token_client.h"

namespace tinkr::azure {

Result<std::unique_ptr<WorkloadIdentityCredential>> WorkloadIdentityCredential::create(
    const config::Environment& env, std::string authority_host, std::shared_ptr<const net::HttpClient> http,
    Clock clock) {
  std::unique_ptr<WorkloadIdentityCredential> c(new WorkloadIdentityCredential(std::move(clock)));
  c->authority_host_ = std::move(authority_host);
  c->http_ = std::move(http);
  c->tenant_id_ = env.get("AZURE_TENANT_ID").value_or("");
  c->client_id_ = env.get("AZURE_CLIENT_ID").value_or("");
  c->token_file_ = env.get("AZURE_FEDERATED_TOKEN_FILE").value_or("");
  std::vector<std::string> missing;
  if (c->token_file_.empty()) missing.push_back("AZURE_FEDERATED_TOKEN_FILE");
  if (c->tenant_id_.empty()) missing.push_back("AZURE_TENANT_ID");
  if (c->client_id_.empty()) missing.push_back("AZURE_CLIENT_ID");
  if (!missing.empty()) {
    c->missing_ = fmt::format(
        "workload identity is not configured ({} not set; on AKS, label the pod "
        "azure.workload.identity/use: \"true\" and annotate its service account)",
        fmt::join(missing, ", "));
    return c;
  }
  if (!is_valid_tenant_id(c->tenant_id_)) {
    return make_error(ErrorCode::kConfig,
                      "AZURE_TENANT_ID is not a tenant id: use the directory (tenant) GUID or its "
                      "domain name (letters, digits, '-' and '.')");
  }
  return c;
}

TokenOutcome WorkloadIdentityCredential::request_token(std::string_view scope) {
  if (!missing_.empty()) return TokenOutcome::not_available(missing_);
  std::ifstream in(token_file_, std::ios::binary);
  std::stringstream buf;
  if (in) buf << in.rdbuf();
  std::string assertion = buf.str();
  while (!assertion.empty() && (assertion.back() == '\n' || assertion.back() == '\r' || assertion.back() == ' ')) {
    assertion.pop_back();
  }
  if (!in || assertion.empty()) {
    return TokenOutcome::failed(make_error(
        ErrorCode::kConfig,
        fmt::format("AZURE_FEDERATED_TOKEN_FILE {} is {}: check the service account token volume projected by the "
                    "workload identity webhook",
                    token_file_, in ? "empty" : "missing or unreadable")));
  }
  ClientCredentialsRequest r;
  r.authority_host = authority_host_;
  r.tenant_id = tenant_id_;
  r.client_id = client_id_;
  r.scope = std::string(scope);
  r.credential = {{"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                  {"client_assertion", std::move(assertion)}};
  r.fix_hint =
      "check the federated identity credential on the app registration or managed identity (issuer = the "
      "cluster's OIDC issuer URL, subject = system:serviceaccount:<namespace>:<name>) and AZURE_CLIENT_ID";
  return request_client_credentials(*http_, r, now());
}

}  // namespace tinkr::azure
