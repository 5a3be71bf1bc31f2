#include "backends/azure/client_certificate.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <boost/json.hpp>

namespace tinkr::azure {

struct ClientCertificate::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

namespace json = boost::json;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

int password_cb(char* buf, int size, int /*rwflag*/, void* u) {
  const auto* pw = static_cast<const std::string*>(u);
  const int n = static_cast<int>(std::min<size_t>(pw->size(), static_cast<size_t>(size)));
  std::copy_n(pw->data(), n, buf);
  return n;
}

std::string thumbprint(X509* cert, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, md, digest, &n) != 1) return {};
  return base64url(std::string_view(reinterpret_cast<const char*>(digest), n));
}

std::string random_uuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}", b[0],
      b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

Error config_error(const std::filesystem::path& file, std::string_view what) {
  ERR_clear_error();
  return make_error(ErrorCode::kConfig,
                    fmt::format("AZURE_CLIENT_CERTIFICATE_PATH {}: {}; give a PEM file with the private key and the "
                                "certificate (or a PKCS#12 .pfx) and, when it is encrypted, "
                                "AZURE_CLIENT_CERTIFICATE_PASSWORD",
                                file.string(), what));
}

}  // namespace

std::string base64url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

ClientCertificate::~ClientCertificate() = default;

Result<std::shared_ptr<ClientCertificate>> ClientCertificate::load(const std::filesystem::path& file,
                                                                   std::string_view password) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return config_error(file, "cannot be read (missing or no permission)");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string data = buf.str();
  std::string pw(password);

  std::shared_ptr<ClientCertificate> cert(new ClientCertificate());
  cert->key_ = std::make_unique<Key>();
  X509Ptr x509;
  if (data.find("-----BEGIN") != std::string::npos) {
    BioPtr key_bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    cert->key_->pkey = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, password_cb, &pw);
    if (!cert->key_->pkey) return config_error(file, "no readable private key (wrong password, or the key is missing)");
    BioPtr cert_bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    x509.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    if (!x509) return config_error(file, "no certificate (-----BEGIN CERTIFICATE-----) in the file");
  } else {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    PKCS12* p12 = d2i_PKCS12_bio(bio.get(), nullptr);
    if (!p12) return config_error(file, "neither PEM nor PKCS#12");
    X509* c = nullptr;
    const int ok = PKCS12_parse(p12, pw.c_str(), &cert->key_->pkey, &c, nullptr);
    PKCS12_free(p12);
    x509.reset(c);
    if (ok != 1 || !cert->key_->pkey || !x509)
      return config_error(file, "cannot open the PKCS#12 file (wrong password?)");
  }
  if (EVP_PKEY_get_base_id(cert->key_->pkey) != EVP_PKEY_RSA) {
    return config_error(file, "the key is not RSA (Microsoft Entra ID accepts RSA certificates)");
  }
  if (X509_check_private_key(x509.get(), cert->key_->pkey) != 1) {
    return config_error(file, "the private key does not belong to the certificate");
  }
  cert->x5t_ = thumbprint(x509.get(), EVP_sha1());
  cert->x5t_s256_ = thumbprint(x509.get(), EVP_sha256());
  return cert;
}

Result<std::string> ClientCertificate::assertion(std::string_view client_id, std::string_view audience,
                                                 Timestamp now) const {
  const long long iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  json::object header{{"alg", "PS256"}, {"typ", "JWT"}, {"x5t", x5t_}, {"x5t#S256", x5t_s256_}};
  json::object claims{{"aud", audience}, {"iss", client_id}, {"sub", client_id}, {"jti", random_uuid()},
                      {"nbf", iat},      {"iat", iat},       {"exp", iat + 600}};
  const std::string signing_input = base64url(json::serialize(header)) + "." + base64url(json::serialize(claims));

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  size_t len = 0;
  std::string sig;
  bool ok = ctx && EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key_->pkey) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
            EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
    sig.resize(len);
  }
  if (!ok) {
    ERR_clear_error();
    return make_error(ErrorCode::kInternal, "OpenSSL could not sign the client assertion with the certificate's key");
  }
  return signing_input + "." + base64url(sig);
}

}  // namespace tinkr::azure
