// The Microsoft identity platform v2.0 token endpoint, client-credentials
// grant: POST {authority}/{tenant}/oauth2/v2.0/token with a form-encoded body
// (grant_type=client_credentials, client_id, scope, and client_secret or
// client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
// + client_assertion). Source: learn.microsoft.com/entra/identity-platform/
// v2-oauth2-client-creds-grant-flow. Used by the environment (secret,
// certificate) and workload identity credentials.
//
// 429/5xx are retried by the HTTP client (Retry-After honoured). An Entra
// error body becomes "invalid_client: AADSTS7000215: …" plus what to check;
// secrets and assertions never appear in errors. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/azure/cached_credential.h"
#include "net/http_client.h"

namespace tinkr::azure {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// "a=b&c=d", each name and value percent-encoded by libcurl.
std::string form_encode(const FormFields& fields);

// Tenant ids are GUIDs or domain names: letters, digits, '-' and '.'.
bool is_valid_tenant_id(std::string_view tenant);

// The token endpoint of a tenant: "{authority_host}/{tenant}/oauth2/v2.0/token".
std::string token_endpoint(std::string_view authority_host, std::string_view tenant);

struct ClientCredentialsRequest {
  std::string authority_host;  // e.g. https://login.microsoftonline.com
  std::string tenant_id;
  std::string client_id;
  std::string scope;
  FormFields credential;  // {client_secret} or {client_assertion_type, client_assertion}
  std::string fix_hint;   // appended to an authentication failure: what to check
};

// Sends the request; a failure is `failed` (never `unavailable`): the
// credential was configured and Entra said no, or could not be reached.
TokenOutcome request_client_credentials(const net::HttpClient& http, const ClientCredentialsRequest& request,
                                        Timestamp now);

}  // namespace tinkr::azure
