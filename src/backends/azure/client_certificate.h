// A client certificate for Microsoft Entra ID and the signed JWT assertion
// that proves possession of its key (certificate credentials,
// learn.microsoft.com/entra/identity-platform/certificate-credentials).
//
// The file (AZURE_CLIENT_CERTIFICATE_PATH) is PEM holding the private key
// and the certificate, or PKCS#12 (.pfx); AZURE_CLIENT_CERTIFICATE_PASSWORD
// decrypts either. Only RSA keys (what Entra accepts).
//
// The assertion follows Microsoft's current format: header alg "PS256"
// (RSASSA-PSS, SHA-256, salt = digest length), typ "JWT", "x5t#S256" (base64url
// SHA-256 thumbprint of the DER certificate) and, for older verifiers, "x5t"
// (SHA-1 thumbprint); claims aud = the token endpoint, iss = sub = client id,
// a random jti, nbf = iat = now, exp = now + 10 minutes. Signed with OpenSSL.
// Immutable after load; thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace tinkr::azure {

class ClientCertificate {
 public:
  // Errors (kConfig) name the file and what was wrong, never the password.
  static Result<std::shared_ptr<ClientCertificate>> load(const std::filesystem::path& file,
                                                         std::string_view password = "");
  ~ClientCertificate();
  ClientCertificate(const ClientCertificate&) = delete;
  ClientCertificate& operator=(const ClientCertificate&) = delete;

  const std::string& sha1_thumbprint() const { return x5t_; }         // base64url
  const std::string& sha256_thumbprint() const { return x5t_s256_; }  // base64url

  // header.payload.signature
  Result<std::string> assertion(std::string_view client_id, std::string_view audience, Timestamp now) const;

 private:
  ClientCertificate() = default;
  struct Key;
  std::unique_ptr<Key> key_;
  std::string x5t_, x5t_s256_;
};

// RFC 4648 §5 base64url without padding.
std::string base64url(std::string_view bytes);

}  // namespace tinkr::azure
