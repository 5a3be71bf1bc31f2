// AzureIdentitySim: loopback stand-ins for the three Azure token endpoints,
// checking what Azure checks and answering in Azure's formats.
//
//  Microsoft Entra ID v2.0  POST /{tenant}/oauth2/v2.0/token (form body)
//    grant_type=client_credentials, client_id, scope "<resource>/.default",
//    and client_secret, or client_assertion_type=urn:ietf:params:oauth:
//    client-assertion-type:jwt-bearer + client_assertion: a certificate JWT
//    (header x5t#S256 or x5t naming the registered certificate, RS256 or
//    PS256 signature verified with its public key, aud = this token
//    endpoint, iss = sub = client_id, nbf <= now < exp, jti) or the
//    federated (workload identity) token. Answers {"token_type","expires_in":
//    3599 (number),"ext_expires_in","access_token"}; errors as Entra sends
//    them: {"error","error_description":"AADSTSnnnn: …\r\nTrace ID: …\r\n
//    Correlation ID: …\r\nTimestamp: …","error_codes":[n],"timestamp",
//    "trace_id","correlation_id","error_uri"}, 401 for invalid_client, else 400.
//    Codes: 900144 missing parameter, 70003 unsupported grant, 90002 unknown
//    tenant, 700016 unknown application, 70011 invalid scope, 7000215 wrong
//    secret, 700027 bad certificate/signature, 700024 assertion time range,
//    700021 assertion iss/sub vs client_id, 70021 unknown federated token.
//    (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
//    certificate-credentials, reference-error-codes; the conformance samples.)
//
//  IMDS  GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…
//    header Metadata: true (exactly) else 400 {"error":"bad_request_102",
//    "error_description":"Required metadata header not specified"}; missing
//    api-version 400; an unassigned identity (or client_id not the assigned
//    one) 400 {"error":"invalid_request","error_description":"Identity not
//    found"}; success with every number as a string (expires_in, expires_on,
//    not_before) and "resource" echoed. (how-to-use-vm-token.)
//
//  App Service / Container Apps  GET /MSI/token?api-version=2019-08-01&resource=…
//    header X-IDENTITY-HEADER must equal the configured IDENTITY_HEADER;
//    success {"access_token","expires_on":"<epoch s>" (string, no expires_in),
//    "resource","token_type":"Bearer","client_id"}. Error bodies follow what
//    the service is seen to send ({"statusCode","message","correlationId"});
//    Microsoft does not document them.
//
// 429 + Retry-After (and any other answer) can be scripted per endpoint with
// throttle_next(). Tokens are "sim-<kind>-<n>" so tests see which path
// issued them. Thread-safe; the server thread answers.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "testing/loopback_http_server.h"

namespace tinkr::sim {

struct AzureIdentitySimOptions {
  std::string tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  std::string client_id = "535fb089-9ff3-47b6-9bfb-4f1264799865";
  std::string client_secret;    // accepted secret ("" = secrets refused)
  std::string certificate_pem;  // registered certificate (public part)
  std::string federated_token;  // accepted workload-identity assertion
  std::vector<std::string> resources = {"https://api.loganalytics.io", "https://management.azure.com"};
  long long expires_in = 3599;
  // Managed identity (IMDS and App Service).
  std::string identity_header = "853b9a84-5bfa-4b22-a3f3-0b9a43d9ad8a";
  bool system_assigned = true;
  std::string user_assigned_client_id;  // a user-assigned identity attached to the resource
};

enum class SimEndpoint { kEntra, kImds, kAppService };

class AzureIdentitySim {
 public:
  explicit AzureIdentitySim(AzureIdentitySimOptions options = {});
  ~AzureIdentitySim();

  std::string url() const { return server_.url(); }                          // the authority host / IMDS authority
  std::string app_service_endpoint() const { return url() + "/MSI/token"; }  // IDENTITY_ENDPOINT
  std::string token_endpoint() const;                                        // {url}/{tenant}/oauth2/v2.0/token

  // The next request to that endpoint gets `status` with Retry-After (429 by default).
  void throttle_next(SimEndpoint endpoint, int retry_after_seconds = 1, int status = 429);
  // Token requests that were answered 200, per endpoint.
  int issued(SimEndpoint endpoint) const;

  testing::LoopbackHttpServer& server() { return server_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  testing::LoopbackHttpServer server_;
};

// A self-signed RSA certificate and its key as one PEM (key first), for tests;
// the key is encrypted (AES-256-CBC) when a password is given.
std::string make_test_certificate_pem(const std::string& common_name = "tinkr-test", const std::string& password = "");
// The certificate part of such a PEM.
std::string certificate_part(const std::string& pem);

}  // namespace tinkr::sim
