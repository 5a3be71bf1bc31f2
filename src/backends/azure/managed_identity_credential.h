// ManagedIdentityCredential (azure-identity), two sources:
//
// App Service / Functions / Container Apps: IDENTITY_ENDPOINT + IDENTITY_HEADER
//   GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=<uri>[&client_id=…]
//   header X-IDENTITY-HEADER: {IDENTITY_HEADER}; answer {"access_token",
//   "expires_on":"<epoch s>",…} (no expires_in). Errors stop the chain: the
//   platform said this is where identity comes from.
//   (learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference)
//
// IMDS (VMs, scale sets, AKS nodes): GET http://169.254.169.254/metadata/
//   identity/oauth2/token?api-version=2018-02-01&resource=<uri>[&client_id=…]
//   header Metadata: true. As azure-identity does, the first call probes the
//   endpoint with a request IMDS would reject (no Metadata header) and a
//   short timeout (0.3 s to connect, 1 s overall, no retry): no answer means
//   "not on Azure", unavailable, remembered. AZURE_POD_IDENTITY_AUTHORITY_HOST
//   overrides the host (the SDK's variable) and skips the probe. Token
//   requests connect within 2 s and retry 404/410/429/5xx with exponential
//   backoff (or Retry-After), up to 5 retries. A 400 means no identity (or
//   not the one in AZURE_CLIENT_ID) is assigned: unavailable, remembered.
//
// AZURE_CLIENT_ID picks a user-assigned identity (client_id parameter).
// `resource` is the scope without "/.default". Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "backends/azure/cached_credential.h"
#include "config/config.h"
#include "net/http_client.h"

namespace tinkr::azure {

struct ManagedIdentityOptions {
  std::string imds_authority;  // tests: probed like the real one; empty: env override or 169.254.169.254
  std::chrono::milliseconds probe_connect_timeout{300};
  std::chrono::milliseconds probe_timeout{1000};
  std::chrono::milliseconds connect_timeout{2000};
  int max_retries = 5;
  std::chrono::milliseconds retry_base_delay{2000};  // doubles per retry (azure-identity: factor 2)
  std::chrono::milliseconds retry_max_delay{60000};
};

// Hosts a platform identity endpoint may use over plain http: loopback,
// link-local (169.254.0.0/16) and private (10/8, 172.16/12, 192.168/16).
bool is_platform_local_host(std::string_view host);

// The resource URI for a scope: "https://x/.default" -> "https://x".
std::string scope_to_resource(std::string_view scope);

class ManagedIdentityCredential : public CachedCredential {
 public:
  // kConfig when IDENTITY_ENDPOINT or AZURE_POD_IDENTITY_AUTHORITY_HOST is not
  // a usable URL.
  static Result<std::unique_ptr<ManagedIdentityCredential>> create(const config::Environment& env,
                                                                   std::shared_ptr<const net::HttpClient> http,
                                                                   Clock clock, ManagedIdentityOptions options = {});

 protected:
  TokenOutcome request_token(std::string_view scope) override;

 private:
  enum class Source { kAppService, kImds, kUnsupported };
  enum class Probe { kUnknown, kAvailable, kUnavailable };
  explicit ManagedIdentityCredential(Clock clock) : CachedCredential("ManagedIdentityCredential", std::move(clock)) {}

  TokenOutcome app_service_token(std::string_view resource);
  TokenOutcome imds_token(std::string_view resource);
  std::string imds_url(std::string_view resource) const;

  Source source_ = Source::kImds;
  std::string unsupported_;
  std::string endpoint_, identity_header_, client_id_;
  std::shared_ptr<const net::HttpClient> http_;
  ManagedIdentityOptions options_;
  std::mutex probe_mu_;
  Probe probe_ = Probe::kUnknown;
  std::string unavailable_reason_;
};

}  // namespace tinkr::azure
