#include "sim/azure_identity_sim.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <chrono>
#include <ctime>
#include <mutex>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "sim/sim_server_query.h"

namespace tinkr::sim {
namespace {

namespace json = boost::json;
using testing::RecordedRequest;
using testing::ScriptedResponse;

constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string utc_stamp() {
  const std::time_t t = static_cast<std::time_t>(unix_now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

std::string b64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::optional<std::string> b64url_decode(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return std::nullopt;
  }
  const size_t pad = (4 - s.size() % 4) % 4;
  if (pad == 3) return std::nullopt;
  s.append(pad, '=');
  std::string out(s.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string new_guid() {
  static std::atomic<unsigned> counter{0};
  const unsigned n = ++counter;
  return fmt::format("{:08x}-5bfa-4b22-a3f3-{:012x}", 0x255d1aefu + n, static_cast<unsigned long long>(unix_now()));
}

// An Entra ID error body (v2-oauth2-client-creds-grant-flow, "Error response").
ScriptedResponse entra_error(int status, std::string_view error, int code, std::string_view description) {
  const std::string trace = new_guid(), correlation = new_guid(), stamp = utc_stamp();
  json::object o{{"error", error},
                 {"error_description",
                  fmt::format("AADSTS{}: {}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {}", code, description,
                              trace, correlation, stamp)},
                 {"error_codes", json::array{code}},
                 {"timestamp", stamp},
                 {"trace_id", trace},
                 {"correlation_id", correlation},
                 {"error_uri", fmt::format("https://login.microsoftonline.com/error?code={}", code)}};
  return ScriptedResponse::json(status, json::serialize(o));
}

ScriptedResponse missing_parameter(std::string_view name) {
  return entra_error(400, "invalid_request", 900144,
                     fmt::format("The request body must contain the following parameter: '{}'.", name));
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::string thumbprint(X509* cert, const EVP_MD* md) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, md, d, &n);
  return b64url_encode(std::string_view(reinterpret_cast<const char*>(d), n));
}

}  // namespace

struct AzureIdentitySim::Impl {
  AzureIdentitySimOptions options;
  std::unique_ptr<X509, X509Free> cert;
  std::string x5t, x5t_s256;
  std::atomic<int> issued[3] = {0, 0, 0};
  std::atomic<int> serial{0};
  std::string token_endpoint;

  std::string token(std::string_view kind) { return fmt::format("sim-{}-{}", kind, ++serial); }

  bool known_resource(std::string_view resource) const {
    std::string r(resource);
    while (!r.empty() && r.back() == '/') r.pop_back();
    for (const auto& known : options.resources) {
      if (r == known) return true;
    }
    return false;
  }

  // nullopt: the assertion is a valid certificate JWT; otherwise the error answer.
  std::optional<ScriptedResponse> check_certificate_assertion(std::string_view assertion,
                                                              const std::string& client_id) {
    const size_t d1 = assertion.find('.');
    const size_t d2 = d1 == std::string_view::npos ? d1 : assertion.find('.', d1 + 1);
    if (d2 == std::string_view::npos) {
      return entra_error(400, "invalid_client", 50027, "JWT token is invalid or malformed.");
    }
    auto header_text = b64url_decode(assertion.substr(0, d1));
    auto claims_text = b64url_decode(assertion.substr(d1 + 1, d2 - d1 - 1));
    auto signature = b64url_decode(assertion.substr(d2 + 1));
    boost::system::error_code ec1, ec2;
    json::value header = header_text ? json::parse(*header_text, ec1) : json::value();
    json::value claims = claims_text ? json::parse(*claims_text, ec2) : json::value();
    if (!header_text || !claims_text || !signature || ec1 || ec2 || !header.is_object() || !claims.is_object()) {
      return entra_error(400, "invalid_client", 50027, "JWT token is invalid or malformed.");
    }
    const auto& h = header.as_object();
    const auto& c = claims.as_object();
    auto str = [](const json::object& o, std::string_view k) {
      const json::value* v = o.if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    const std::string alg = str(h, "alg");
    const bool thumb_ok =
        (!x5t_s256.empty() && str(h, "x5t#S256") == x5t_s256) || (!x5t.empty() && str(h, "x5t") == x5t);
    if (!cert || !thumb_ok) {
      return entra_error(401, "invalid_client", 700027,
                         "The certificate with identifier used to sign the client assertion is not registered on "
                         "application.");
    }
    if (alg != "RS256" && alg != "PS256") {
      return entra_error(401, "invalid_client", 700027, "Client assertion contains an invalid signature.");
    }
    // Signature over "header.payload".
    EVP_PKEY* pub = X509_get0_pubkey(cert.get());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    const std::string_view signed_part = assertion.substr(0, d2);
    bool ok = EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pub) == 1;
    if (ok && alg == "PS256") {
      ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) == 1;
    }
    ok = ok && EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                                reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
    if (!ok) return entra_error(401, "invalid_client", 700027, "Client assertion contains an invalid signature.");
    if (str(c, "iss") != client_id || str(c, "sub") != client_id) {
      return entra_error(401, "invalid_client", 700021,
                         "Client assertion application identifier doesn't match 'client_id' parameter.");
    }
    if (str(c, "aud") != token_endpoint) {
      return entra_error(401, "invalid_client", 700027,
                         fmt::format("Client assertion failed signature validation: the audience '{}' is not the token "
                                     "endpoint.",
                                     str(c, "aud")));
    }
    auto num = [](const json::object& o, std::string_view k) -> long long {
      const json::value* v = o.if_contains(k);
      return v && v->is_int64() ? v->as_int64() : (v && v->is_uint64() ? static_cast<long long>(v->as_uint64()) : -1);
    };
    const long long now = unix_now(), exp = num(c, "exp"), nbf = num(c, "nbf");
    if (exp < 0 || exp <= now || (nbf >= 0 && nbf > now + 300)) {
      return entra_error(401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
    }
    if (str(c, "jti").empty()) return entra_error(400, "invalid_client", 50027, "JWT token is invalid or malformed.");
    return std::nullopt;
  }

  ScriptedResponse entra(const RecordedRequest& req, const std::string& tenant) {
    if (tenant != options.tenant_id) {
      return entra_error(400, "invalid_request", 90002,
                         fmt::format("Tenant '{}' not found. Check to make sure you have the correct tenant ID and are "
                                     "signing into the correct cloud.",
                                     tenant));
    }
    const std::string content_type = req.header("Content-Type");
    if (content_type.rfind("application/x-www-form-urlencoded", 0) != 0) return missing_parameter("grant_type");
    const QueryMap form = decode_query(req.body);
    auto grant = param(form, "grant_type");
    if (!grant) return missing_parameter("grant_type");
    if (*grant != "client_credentials") {
      return entra_error(400, "unsupported_grant_type", 70003,
                         "The app requested an unsupported grant type '" + *grant + "'.");
    }
    auto client_id = param(form, "client_id");
    if (!client_id) return missing_parameter("client_id");
    if (*client_id != options.client_id) {
      return entra_error(400, "unauthorized_client", 700016,
                         fmt::format("Application with identifier '{}' was not found in the directory '{}'. This can "
                                     "happen if the application has not been installed by the administrator of the "
                                     "tenant or consented to by any user in the tenant. You may have sent your "
                                     "authentication request to the wrong tenant.",
                                     *client_id, tenant));
    }
    auto scope = param(form, "scope");
    if (!scope) return missing_parameter("scope");
    const std::string_view suffix = "/.default";
    if (scope->size() <= suffix.size() || !std::string_view(*scope).ends_with(suffix) ||
        !known_resource(std::string_view(*scope).substr(0, scope->size() - suffix.size()))) {
      return entra_error(400, "invalid_scope", 70011,
                         fmt::format("The provided value for the input parameter 'scope' is not valid. The scope {} "
                                     "is not valid.",
                                     *scope));
    }
    if (auto secret = param(form, "client_secret")) {
      if (options.client_secret.empty() || *secret != options.client_secret) {
        return entra_error(401, "invalid_client", 7000215,
                           fmt::format("Invalid client secret provided. Ensure the secret being sent in the request is "
                                       "the client secret value, not the client secret ID, for a secret added to app "
                                       "'{}'.",
                                       *client_id));
      }
    } else {
      auto type = param(form, "client_assertion_type");
      auto assertion = param(form, "client_assertion");
      if (!type && !assertion) {
        return entra_error(401, "invalid_client", 7000218,
                           "The request body must contain the following parameter: 'client_assertion' or "
                           "'client_secret'.");
      }
      if (!type) return missing_parameter("client_assertion_type");
      if (*type != kJwtBearer) {
        return entra_error(400, "invalid_request", 50027,
                           "Invalid client_assertion_type: expected " + std::string(kJwtBearer) + ".");
      }
      if (!assertion) return missing_parameter("client_assertion");
      const bool federated = !options.federated_token.empty() && *assertion == options.federated_token;
      if (!federated) {
        if (options.certificate_pem.empty()) {
          return entra_error(400, "invalid_request", 70021,
                             "No matching federated identity record found for presented assertion.");
        }
        if (auto err = check_certificate_assertion(*assertion, *client_id)) return *err;
      }
    }
    ++issued[0];
    json::object ok{{"token_type", "Bearer"},
                    {"expires_in", options.expires_in},
                    {"ext_expires_in", options.expires_in},
                    {"access_token", token("entra")}};
    return ScriptedResponse::json(200, json::serialize(ok));
  }

  ScriptedResponse imds(const RecordedRequest& req) {
    if (req.header("Metadata") != "true") {
      return ScriptedResponse::json(
          400, R"({"error":"bad_request_102","error_description":"Required metadata header not specified"})");
    }
    const QueryMap q = decode_query(req.query);
    auto version = param(q, "api-version");
    if (!version) {
      return ScriptedResponse::json(
          400,
          R"({"error":"Bad request. api-version was not specified in the request. For more information refer to aka.ms/azureimds","newest-versions":["2018-02-01"]})");
    }
    if (*version != "2018-02-01") {
      return ScriptedResponse::json(
          400, R"({"error":"Bad request. api-version is invalid or was not specified in the request."})");
    }
    auto resource = param(q, "resource");
    if (!resource || resource->empty()) {
      return ScriptedResponse::json(
          400, R"({"error":"invalid_request","error_description":"Required audience parameter not specified"})");
    }
    if (!identity_matches(param(q, "client_id"))) {
      return ScriptedResponse::json(400, R"({"error":"invalid_request","error_description":"Identity not found"})");
    }
    if (!known_resource(*resource)) {
      return ScriptedResponse::json(
          400,
          json::serialize(json::object{{"error", "invalid_resource"},
                                       {"error_description",
                                        fmt::format("AADSTS500011: The resource principal named {} was not found in "
                                                    "the tenant named {}.",
                                                    *resource, options.tenant_id)}}));
    }
    ++issued[1];
    const long long now = unix_now();
    json::object ok{{"access_token", token("imds")},
                    {"refresh_token", ""},
                    {"expires_in", std::to_string(options.expires_in)},
                    {"expires_on", std::to_string(now + options.expires_in)},
                    {"not_before", std::to_string(now)},
                    {"resource", *resource},
                    {"token_type", "Bearer"}};
    return ScriptedResponse::json(200, json::serialize(ok));
  }

  bool identity_matches(const std::optional<std::string>& client_id) const {
    if (!client_id || client_id->empty()) return options.system_assigned;
    return !options.user_assigned_client_id.empty() && *client_id == options.user_assigned_client_id;
  }

  ScriptedResponse app_service_error(int status, std::string_view message) {
    return ScriptedResponse::json(status, json::serialize(json::object{{"statusCode", status},
                                                                       {"message", message},
                                                                       {"correlationId", new_guid()}}));
  }

  ScriptedResponse app_service(const RecordedRequest& req) {
    if (req.header("X-IDENTITY-HEADER") != options.identity_header) {
      return app_service_error(400, "The request is missing the X-IDENTITY-HEADER header or its value is wrong.");
    }
    const QueryMap q = decode_query(req.query);
    if (param(q, "api-version").value_or("") != "2019-08-01") {
      return app_service_error(400, "The api-version query parameter is missing or not supported; use 2019-08-01.");
    }
    auto resource = param(q, "resource");
    if (!resource || resource->empty()) return app_service_error(400, "The resource query parameter is required.");
    auto client_id = param(q, "client_id");
    if (!identity_matches(client_id)) {
      return app_service_error(400, "No Managed Identity found for specified ClientId/ResourceId/PrincipalId.");
    }
    if (!known_resource(*resource)) {
      return app_service_error(400, fmt::format("AADSTS500011: The resource principal named {} was not found in the "
                                                "tenant named {}.",
                                                *resource, options.tenant_id));
    }
    ++issued[2];
    json::object ok{{"access_token", token("appservice")},
                    {"expires_on", std::to_string(unix_now() + options.expires_in)},
                    {"resource", *resource},
                    {"token_type", "Bearer"},
                    {"client_id", client_id.value_or("5E29463D-71DA-4FE0-8E69-999B57DB23B0")}};
    return ScriptedResponse::json(200, json::serialize(ok));
  }
};

AzureIdentitySim::AzureIdentitySim(AzureIdentitySimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->token_endpoint = token_endpoint();
  if (!impl_->options.certificate_pem.empty()) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(impl_->options.certificate_pem.data(), static_cast<int>(impl_->options.certificate_pem.size())),
        BIO_free);
    impl_->cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (impl_->cert) {
      impl_->x5t = thumbprint(impl_->cert.get(), EVP_sha1());
      impl_->x5t_s256 = thumbprint(impl_->cert.get(), EVP_sha256());
    }
  }
  Impl* impl = impl_.get();
  const std::string tenant = impl->options.tenant_id;
  server_.route("POST", "/" + tenant + "/oauth2/v2.0/token",
                [impl, tenant](const RecordedRequest& r) { return impl->entra(r, tenant); });
  for (const char* other : {"common", "organizations", "00000000-0000-0000-0000-000000000000"}) {
    server_.route("POST", fmt::format("/{}/oauth2/v2.0/token", other),
                  [impl, other](const RecordedRequest& r) { return impl->entra(r, other); });
  }
  server_.route("GET", "/metadata/identity/oauth2/token", [impl](const RecordedRequest& r) { return impl->imds(r); });
  server_.route("GET", "/MSI/token", [impl](const RecordedRequest& r) { return impl->app_service(r); });
}

AzureIdentitySim::~AzureIdentitySim() = default;

std::string AzureIdentitySim::token_endpoint() const {
  return fmt::format("{}/{}/oauth2/v2.0/token", url(), impl_->options.tenant_id);
}

void AzureIdentitySim::throttle_next(SimEndpoint endpoint, int retry_after_seconds, int status) {
  ScriptedResponse r;
  if (endpoint == SimEndpoint::kEntra) {
    r = entra_error(status, status == 429 ? "temporarily_unavailable" : "service_unavailable", 50196,
                    "The server terminated an operation because it encountered a client request loop or too many "
                    "requests.");
  } else {
    r = ScriptedResponse::json(status, R"({"error":"too_many_requests","error_description":"Too many requests"})");
  }
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  switch (endpoint) {
    case SimEndpoint::kEntra: server_.enqueue("POST", "/" + impl_->options.tenant_id + "/oauth2/v2.0/token", r); break;
    case SimEndpoint::kImds: server_.enqueue("GET", "/metadata/identity/oauth2/token", r); break;
    case SimEndpoint::kAppService: server_.enqueue("GET", "/MSI/token", r); break;
  }
}

int AzureIdentitySim::issued(SimEndpoint endpoint) const { return impl_->issued[static_cast<int>(endpoint)].load(); }

std::string make_test_certificate_pem(const std::string& common_name, const std::string& password) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (password.empty()) {
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), password.data(), static_cast<int>(password.size()),
                                  nullptr, nullptr);
  }
  PEM_write_bio_X509(bio.get(), x);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(n));
  X509_free(x);
  EVP_PKEY_free(key);
  return pem;
}

std::string certificate_part(const std::string& pem) {
  const size_t begin = pem.find("-----BEGIN CERTIFICATE-----");
  return begin == std::string::npos ? std::string() : pem.substr(begin);
}

}  // namespace tinkr::sim
