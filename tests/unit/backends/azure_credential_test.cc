// The Azure credential chain against the loopback identity simulators
// (tests/sim/azure_identity_sim.h) and the stand-in `az` (tests/fake_az/az):
// every credential's wire format, the chain's unavailable-vs-failed rule and
// its error report, the per-scope token cache and its refresh window, the
// client-secret warning, and that no secret or token reaches an error.
// Only loopback is ever contacted: IMDS is pointed at the simulator or at a
// closed loopback port, PATH at the stand-in or an empty directory.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "backends/azure/azure_cli_credential.h"
#include "backends/azure/cached_credential.h"
#include "backends/azure/client_certificate.h"
#include "backends/azure/credential_chain.h"
#include "backends/azure/entra_token_client.h"
#include "backends/azure/token_response.h"
#include "sim/azure_identity_sim.h"
#include "sim/sim_server_query.h"
#include "testing/ports.h"
#include "testing/tempdir.h"

namespace tinkr::azure {
namespace {

namespace json = boost::json;
using sim::AzureIdentitySim;
using sim::AzureIdentitySimOptions;
using sim::SimEndpoint;

const std::string kLaScope = "https://api.loganalytics.io/.default";
const std::string kArmScope = "https://management.azure.com/.default";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string conformance(const std::string& name) {
  return read_file(std::string(TINKR_SHARED_DIR) + "/conformance/azure-identity/" + name);
}

std::string fake_az_dir() { return std::string(TINKR_SOURCE_DIR) + "/tests/fake_az"; }

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

config::Profile azure_profile(const std::map<std::string, std::string>& settings = {}) {
  config::Profile p;
  p.name = "az";
  p.backend = "azure";
  for (const auto& [k, v] : settings) p.settings[k] = v;
  return p;
}

// A closed loopback port: IMDS "is not there".
std::string closed_loopback_url() { return "http://127.0.0.1:" + std::to_string(testing::free_loopback_port()); }

struct ChainSetup {
  std::map<std::string, std::string> env;
  CredentialOptions options;
  std::vector<std::string> warnings;
  testing::TempDir empty_dir{"azure-nopath"};

  ChainSetup() {
    env["PATH"] = empty_dir.path().string();  // no `az` unless a test adds it
    options.managed_identity.imds_authority = closed_loopback_url();
    options.managed_identity.retry_base_delay = std::chrono::milliseconds(10);
    options.managed_identity.retry_max_delay = std::chrono::milliseconds(50);
    options.http.retry.base_delay = std::chrono::milliseconds(10);
    options.warn = [this](std::string_view w) { warnings.emplace_back(w); };
  }
  void use_fake_az(std::map<std::string, std::string> az_env = {}) {
    env["PATH"] = fake_az_dir() + ":/usr/bin:/bin";
    options.azure_cli.extra_env = std::move(az_env);
  }
  Result<std::shared_ptr<ChainedCredential>> make(const std::map<std::string, std::string>& settings = {}) {
    return make_default_credential(azure_profile(settings), config::Environment::from_map(env), options);
  }
};

// ---------------------------------------------------------------------------
// Wire formats

TEST(AzureTokenResponse, EntraNumbersImdsStringsAppServiceExpiresOnOnly) {
  const Timestamp now = from_unix_seconds(1700000000);
  auto entra = parse_token_response(conformance("client_credentials.response.json"), now, "Entra");
  ASSERT_TRUE(entra.ok()) << entra.error().message;
  EXPECT_EQ(entra->token.expires_on, now + std::chrono::seconds(3599));

  auto imds = parse_token_response(conformance("imds_token.response.json"), now, "IMDS");
  ASSERT_TRUE(imds.ok()) << imds.error().message;
  EXPECT_EQ(imds->token.expires_on, from_unix_seconds(1506484173));  // expires_on wins over expires_in

  auto app = parse_token_response(conformance("appservice_token.response.json"), now, "App Service");
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->token.expires_on, from_unix_seconds(1586984735));

  auto refresh = parse_token_response(R"({"access_token":"t","expires_in":7200,"refresh_in":3600})", now, "Entra");
  ASSERT_TRUE(refresh.ok());
  ASSERT_TRUE(refresh->refresh_on.has_value());
  EXPECT_EQ(*refresh->refresh_on, now + std::chrono::hours(1));
}

TEST(AzureTokenResponse, BadAnswersAreBackendErrorsWithoutTheToken) {
  const Timestamp now = from_unix_seconds(1700000000);
  EXPECT_EQ(parse_token_response("<html>", now, "IMDS").error().code, ErrorCode::kBackend);
  EXPECT_FALSE(parse_token_response(R"({"expires_in":3599})", now, "IMDS").ok());
  auto no_expiry = parse_token_response(R"({"access_token":"SECRET-TOKEN"})", now, "IMDS");
  ASSERT_FALSE(no_expiry.ok());
  EXPECT_FALSE(contains(no_expiry.error().message, "SECRET-TOKEN"));
  EXPECT_FALSE(parse_token_response(R"({"access_token":"t","expires_in":"soon"})", now, "IMDS").ok());
}

TEST(AzureTokenResponse, EntraErrorBodyInOneLine) {
  const std::string d = describe_error_body(conformance("client_credentials.error.response.json"));
  EXPECT_EQ(d.rfind("invalid_scope: AADSTS70011: The provided value for the input parameter 'scope' is not valid.", 0),
            0u)
      << d;
  EXPECT_FALSE(contains(d, "Trace ID")) << d;
  EXPECT_EQ(describe_error_body(conformance("imds_token.error_no_metadata_header.response.json")),
            "bad_request_102: Required metadata header not specified");
  EXPECT_EQ(describe_error_body(R"({"statusCode":400,"message":"No Managed Identity found"})"),
            "No Managed Identity found");
}

TEST(AzureEntraClient, FormBodyIsPercentEncodedLikeTheSample) {
  EXPECT_EQ(form_encode({{"client_id", "535fb089-9ff3-47b6-9bfb-4f1264799865"},
                         {"scope", "https://graph.microsoft.com/.default"},
                         {"client_secret", "sampleCredentia1s"},
                         {"grant_type", "client_credentials"}}),
            json::value_to<std::string>(json::parse(conformance("client_credentials_secret.request.json")).at("body")));
  EXPECT_EQ(form_encode({{"a", "x y&z=+"}}), "a=x%20y%26z%3D%2B");
  EXPECT_TRUE(is_valid_tenant_id("72f988bf-86f1-41af-91ab-2d7cd011db47"));
  EXPECT_TRUE(is_valid_tenant_id("contoso.onmicrosoft.com"));
  EXPECT_FALSE(is_valid_tenant_id("a/b"));
  EXPECT_FALSE(is_valid_tenant_id(""));
}

TEST(AzureCliOutput, BothFormatsAndRedaction) {
  auto now_fmt = conformance("az_account_get_access_token.output.json");
  auto parsed = parse_az_output(now_fmt);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->token.expires_on, from_unix_seconds(1698760750));  // expires_on, not the local expiresOn

  auto old = parse_az_output(conformance("az_account_get_access_token.output.pre-2.54.json"));
  ASSERT_TRUE(old.ok()) << old.error().message;
  std::tm tm{};
  tm.tm_year = 2023 - 1900;
  tm.tm_mon = 9;
  tm.tm_mday = 31;
  tm.tm_hour = 21;
  tm.tm_min = 59;
  tm.tm_sec = 10;
  tm.tm_isdst = -1;
  EXPECT_EQ(old->token.expires_on, Timestamp(std::chrono::seconds(std::mktime(&tm))));  // local time

  EXPECT_FALSE(parse_az_output("not json").ok());
  EXPECT_FALSE(parse_az_output(R"({"accessToken":"x"})").ok());
  const std::string red =
      redact_az_output(R"(ERROR: {"accessToken": "abc.def.ghi", "x": 1} eyJhbGciOiJ.eyJzdWIiOiIx.sig)");
  EXPECT_FALSE(contains(red, "abc.def.ghi")) << red;
  EXPECT_FALSE(contains(red, "eyJhbGciOiJ")) << red;
}

// ---------------------------------------------------------------------------
// The token cache

class CountingCredential : public CachedCredential {
 public:
  CountingCredential(Timestamp* now, std::chrono::seconds lifetime)
      : CachedCredential("CountingCredential", [now] { return *now; }), now_(now), lifetime_(lifetime) {}
  std::atomic<int> calls{0};
  bool fail = false;

 protected:
  TokenOutcome request_token(std::string_view scope) override {
    const int n = ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (fail) return TokenOutcome::failed(make_error(ErrorCode::kUnavailable, "down"));
    ParsedToken t;
    t.token.token = std::string(scope) + "#" + std::to_string(n);
    t.token.expires_on = *now_ + lifetime_;
    return TokenOutcome::success(t);
  }

 private:
  Timestamp* now_;
  std::chrono::seconds lifetime_;
};

TEST(AzureTokenCache, CachedPerScopeAndRefreshedFiveMinutesEarly) {
  Timestamp now = from_unix_seconds(1700000000);
  CountingCredential c(&now, std::chrono::seconds(3600));
  EXPECT_EQ(c.get_token("a").value().token, "a#1");
  EXPECT_EQ(c.get_token("a").value().token, "a#1");
  EXPECT_EQ(c.get_token("b").value().token, "b#2");  // another scope, another token
  now += std::chrono::seconds(3600 - 301);
  EXPECT_EQ(c.get_token("a").value().token, "a#1");  // 5 min + 1 s left: still cached
  now += std::chrono::seconds(2);
  EXPECT_EQ(c.get_token("a").value().token, "a#3");  // inside the 5-minute window: refreshed
  EXPECT_EQ(c.calls.load(), 3);
}

TEST(AzureTokenCache, FailedRefreshKeepsTheValidTokenAndWaitsBeforeRetrying) {
  Timestamp now = from_unix_seconds(1700000000);
  CountingCredential c(&now, std::chrono::seconds(3600));
  ASSERT_TRUE(c.get_token("a").ok());
  c.fail = true;
  now += std::chrono::seconds(3600 - 120);
  EXPECT_EQ(c.get_token("a").value().token, "a#1");  // refresh failed, token still valid
  EXPECT_EQ(c.calls.load(), 2);
  now += std::chrono::seconds(10);
  EXPECT_EQ(c.get_token("a").value().token, "a#1");  // within 30 s of the last try: no new request
  EXPECT_EQ(c.calls.load(), 2);
  now += std::chrono::seconds(30);
  EXPECT_TRUE(c.get_token("a").ok());
  EXPECT_EQ(c.calls.load(), 3);
  now += std::chrono::seconds(120);  // expired now
  auto expired = c.get_token("a");
  ASSERT_FALSE(expired.ok());  // never an expired token
  EXPECT_EQ(expired.error().message, "down");
}

TEST(AzureTokenCache, ConcurrentCallersShareOneRequest) {
  Timestamp now = from_unix_seconds(1700000000);
  CountingCredential c(&now, std::chrono::seconds(3600));
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([&] { EXPECT_EQ(c.get_token("a").value().token, "a#1"); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.calls.load(), 1);
}

// ---------------------------------------------------------------------------
// EnvironmentCredential

TEST(AzureEnvironmentCredential, ClientSecretAgainstEntraWithOneWarning) {
  AzureIdentitySimOptions so;
  so.client_secret = "s3cr3t~value";
  AzureIdentitySim sim(so);
  ChainSetup s;
  s.env = {{"AZURE_TENANT_ID", so.tenant_id},
           {"AZURE_CLIENT_ID", so.client_id},
           {"AZURE_CLIENT_SECRET", so.client_secret},
           {"AZURE_AUTHORITY_HOST", sim.url()},
           {"PATH", s.env["PATH"]}};
  auto chain = s.make();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_TRUE(contains(s.warnings[0], "local development")) << s.warnings[0];
  EXPECT_FALSE(contains(s.warnings[0], so.client_secret));

  auto t = (*chain)->get_token(kLaScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->token, "sim-entra-1");
  EXPECT_EQ((*chain)->selected(), "EnvironmentCredential");
  EXPECT_GT(t->expires_on, now() + std::chrono::minutes(55));
  EXPECT_EQ((*chain)->get_token(kLaScope)->token, "sim-entra-1");   // cached
  EXPECT_EQ((*chain)->get_token(kArmScope)->token, "sim-entra-2");  // per scope
  EXPECT_EQ(sim.issued(SimEndpoint::kEntra), 2);

  const auto reqs = sim.server().requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs[0].path, "/" + so.tenant_id + "/oauth2/v2.0/token");
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/x-www-form-urlencoded");
  const auto form = sim::decode_query(reqs[0].body);
  EXPECT_EQ(sim::param(form, "scope").value_or(""), kLaScope);
  EXPECT_TRUE(contains(reqs[0].body, "scope=https%3A%2F%2Fapi.loganalytics.io%2F.default")) << reqs[0].body;
  EXPECT_EQ(sim::param(form, "client_secret").value_or(""), so.client_secret);
}

TEST(AzureEnvironmentCredential, WrongSecretStopsTheChainWithTheAadstsCodeAndNoSecret) {
  AzureIdentitySimOptions so;
  so.client_secret = "right";
  AzureIdentitySim sim(so);
  ChainSetup s;
  s.use_fake_az();  // would succeed, but must not be reached
  s.env.insert({{"AZURE_TENANT_ID", so.tenant_id},
                {"AZURE_CLIENT_ID", so.client_id},
                {"AZURE_CLIENT_SECRET", "wrong-secret-value"},
                {"AZURE_AUTHORITY_HOST", sim.url()}});
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  auto t = (*chain)->get_token(kLaScope);
  ASSERT_FALSE(t.ok());
  const std::string& m = t.error().message;
  EXPECT_EQ(t.error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(contains(m, "EnvironmentCredential: failed")) << m;
  EXPECT_TRUE(contains(m, "AADSTS7000215")) << m;
  EXPECT_TRUE(contains(m, "AzureCliCredential: not tried")) << m;
  EXPECT_TRUE(contains(m, "AZURE_CLIENT_SECRET")) << m;  // what to check
  EXPECT_FALSE(contains(m, "wrong-secret-value")) << m;
  EXPECT_FALSE(contains(m, "Trace ID")) << m;
}

TEST(AzureEnvironmentCredential, EntraChecksTenantClientAndScope) {
  AzureIdentitySimOptions so;
  so.client_secret = "right";
  AzureIdentitySim sim(so);
  auto attempt = [&](std::string tenant, std::string client, const std::string& scope) {
    ChainSetup s;
    s.env.insert({{"AZURE_TENANT_ID", tenant},
                  {"AZURE_CLIENT_ID", client},
                  {"AZURE_CLIENT_SECRET", "right"},
                  {"AZURE_AUTHORITY_HOST", sim.url()}});
    auto chain = s.make();
    EXPECT_TRUE(chain.ok());
    auto t = (*chain)->get_token(scope);
    return t.ok() ? std::string("ok") : t.error().message;
  };
  EXPECT_TRUE(contains(attempt("common", so.client_id, kLaScope), "AADSTS90002"));
  EXPECT_TRUE(contains(attempt(so.tenant_id, "11111111-2222-3333-4444-555555555555", kLaScope), "AADSTS700016"));
  EXPECT_TRUE(contains(attempt(so.tenant_id, so.client_id, "https://foo.microsoft.com/.default"), "AADSTS70011"));
  EXPECT_EQ(attempt(so.tenant_id, so.client_id, kArmScope), "ok");
}

TEST(AzureEnvironmentCredential, EntraThrottlingIsRetriedAfterRetryAfter) {
  AzureIdentitySimOptions so;
  so.client_secret = "right";
  AzureIdentitySim sim(so);
  sim.throttle_next(SimEndpoint::kEntra, 1);
  ChainSetup s;
  s.env.insert({{"AZURE_TENANT_ID", so.tenant_id},
                {"AZURE_CLIENT_ID", so.client_id},
                {"AZURE_CLIENT_SECRET", "right"},
                {"AZURE_AUTHORITY_HOST", sim.url()}});
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  const auto start = std::chrono::steady_clock::now();
  auto t = (*chain)->get_token(kLaScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));  // waited as asked
  EXPECT_EQ(sim.server().request_count(), 2u);
}

TEST(AzureEnvironmentCredential, CertificateAssertionIsASignedJwtEntraAccepts) {
  const std::string pem = sim::make_test_certificate_pem();
  AzureIdentitySimOptions so;
  so.certificate_pem = sim::certificate_part(pem);
  AzureIdentitySim sim(so);
  testing::TempDir dir("azure-cert");
  const auto cert_file = dir.write_file("sp.pem", pem);
  ChainSetup s;
  s.env.insert({{"AZURE_TENANT_ID", so.tenant_id},
                {"AZURE_CLIENT_ID", so.client_id},
                {"AZURE_CLIENT_CERTIFICATE_PATH", cert_file.string()},
                {"AZURE_AUTHORITY_HOST", sim.url()}});
  auto chain = s.make();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_TRUE(s.warnings.empty());  // no secret, no warning
  auto t = (*chain)->get_token(kArmScope);
  ASSERT_TRUE(t.ok()) << t.error().message;

  const auto form = sim::decode_query(sim.server().requests().at(0).body);
  EXPECT_EQ(sim::param(form, "client_assertion_type").value_or(""),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_FALSE(sim::param(form, "client_secret").has_value());
  const std::string jwt = sim::param(form, "client_assertion").value_or("");
  const std::string header_b64 = jwt.substr(0, jwt.find('.'));
  std::string header_b64_padded = header_b64;
  for (char& c : header_b64_padded) c = c == '-' ? '+' : c == '_' ? '/' : c;
  header_b64_padded.append((4 - header_b64_padded.size() % 4) % 4, '=');
  std::string decoded(header_b64_padded.size(), '\0');
  decoded.resize(static_cast<size_t>(EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                                     reinterpret_cast<const unsigned char*>(header_b64_padded.data()),
                                                     static_cast<int>(header_b64_padded.size()))));
  const json::object header = json::parse(decoded.substr(0, decoded.find_last_of('}') + 1)).as_object();
  EXPECT_EQ(header.at("alg").as_string(), "PS256");
  EXPECT_EQ(header.at("typ").as_string(), "JWT");
  EXPECT_TRUE(header.contains("x5t#S256"));
  EXPECT_TRUE(header.contains("x5t"));
}

TEST(AzureEnvironmentCredential, EncryptedKeyNeedsItsPassword) {
  const std::string pem = sim::make_test_certificate_pem("locked", "pa55 word");
  AzureIdentitySimOptions so;
  so.certificate_pem = sim::certificate_part(pem);
  AzureIdentitySim sim(so);
  testing::TempDir dir("azure-cert");
  const auto file = dir.write_file("locked.pem", pem);
  ChainSetup s;
  s.env.insert({{"AZURE_TENANT_ID", so.tenant_id},
                {"AZURE_CLIENT_ID", so.client_id},
                {"AZURE_CLIENT_CERTIFICATE_PATH", file.string()},
                {"AZURE_AUTHORITY_HOST", sim.url()}});
  auto no_password = s.make();
  ASSERT_FALSE(no_password.ok());
  EXPECT_TRUE(contains(no_password.error().message, "AZURE_CLIENT_CERTIFICATE_PASSWORD"))
      << no_password.error().message;
  s.env["AZURE_CLIENT_CERTIFICATE_PASSWORD"] = "wrong";
  ASSERT_FALSE(s.make().ok());
  s.env["AZURE_CLIENT_CERTIFICATE_PASSWORD"] = "pa55 word";
  auto chain = s.make();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_FALSE(contains(no_password.error().message, "pa55")) << no_password.error().message;
  auto t = (*chain)->get_token(kLaScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
}

TEST(AzureEnvironmentCredential, AnUnregisteredCertificateIsRefused) {
  AzureIdentitySimOptions so;
  so.certificate_pem = sim::certificate_part(sim::make_test_certificate_pem("registered"));
  AzureIdentitySim sim(so);
  testing::TempDir dir("azure-cert");
  const auto other = dir.write_file("other.pem", sim::make_test_certificate_pem("other"));
  ChainSetup s;
  s.env.insert({{"AZURE_TENANT_ID", so.tenant_id},
                {"AZURE_CLIENT_ID", so.client_id},
                {"AZURE_CLIENT_CERTIFICATE_PATH", other.string()},
                {"AZURE_AUTHORITY_HOST", sim.url()}});
  auto chain = s.make();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto t = (*chain)->get_token(kArmScope);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(contains(t.error().message, "AADSTS700027")) << t.error().message;
}

TEST(AzureEnvironmentCredential, BadConfigurationIsReportedAtStartUp) {
  testing::TempDir dir("azure-cert");
  const auto junk = dir.write_file("junk.pem", "not a certificate");
  ChainSetup s;
  s.env.insert({{"AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"},
                {"AZURE_CLIENT_ID", "x"},
                {"AZURE_CLIENT_CERTIFICATE_PATH", junk.string()}});
  auto bad_cert = s.make();
  ASSERT_FALSE(bad_cert.ok());
  EXPECT_EQ(bad_cert.error().code, ErrorCode::kConfig);
  EXPECT_TRUE(contains(bad_cert.error().message, "AZURE_CLIENT_CERTIFICATE_PATH")) << bad_cert.error().message;

  ChainSetup t;
  t.env.insert({{"AZURE_TENANT_ID", "bad/tenant"}, {"AZURE_CLIENT_ID", "x"}, {"AZURE_CLIENT_SECRET", "y"}});
  auto bad_tenant = t.make();
  ASSERT_FALSE(bad_tenant.ok());
  EXPECT_TRUE(contains(bad_tenant.error().message, "AZURE_TENANT_ID")) << bad_tenant.error().message;

  ChainSetup u;
  u.env.insert({{"AZURE_AUTHORITY_HOST", "http://login.example.com"}});
  auto bad_host = u.make();
  ASSERT_FALSE(bad_host.ok());
  EXPECT_TRUE(contains(bad_host.error().message, "AZURE_AUTHORITY_HOST")) << bad_host.error().message;
}

// ---------------------------------------------------------------------------
// WorkloadIdentityCredential

TEST(AzureWorkloadIdentity, FederatedTokenFileIsTheAssertionAndIsReRead) {
  AzureIdentitySimOptions so;
  so.federated_token = "eyJfederated.first.sig";
  AzureIdentitySim sim(so);
  testing::TempDir dir("azure-wi");
  const auto file = dir.write_file("azure-identity-token", so.federated_token + "\n");
  ChainSetup s;
  s.env.insert({{"AZURE_TENANT_ID", so.tenant_id},
                {"AZURE_CLIENT_ID", so.client_id},
                {"AZURE_FEDERATED_TOKEN_FILE", file.string()},
                {"AZURE_AUTHORITY_HOST", sim.url() + "/"}});
  auto chain = s.make();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto t = (*chain)->get_token(kArmScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ((*chain)->selected(), "WorkloadIdentityCredential");
  const auto form = sim::decode_query(sim.server().requests().at(0).body);
  EXPECT_EQ(sim::param(form, "client_assertion").value_or(""), so.federated_token);
  EXPECT_EQ(sim::param(form, "grant_type").value_or(""), "client_credentials");

  dir.write_file("azure-identity-token", "eyJrotated.second.sig");  // the kubelet rotated it
  auto rotated = (*chain)->get_token(kLaScope);
  ASSERT_FALSE(rotated.ok());  // the simulator only knows the first one
  EXPECT_TRUE(contains(rotated.error().message, "AADSTS70021")) << rotated.error().message;
  EXPECT_TRUE(contains(rotated.error().message, "WorkloadIdentityCredential")) << rotated.error().message;
}

// ---------------------------------------------------------------------------
// ManagedIdentityCredential

TEST(AzureManagedIdentity, ImdsIsProbedThenAskedWithTheMetadataHeader) {
  AzureIdentitySim sim;
  ChainSetup s;
  s.options.managed_identity.imds_authority = sim.url();
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  auto t = (*chain)->get_token(kArmScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->token, "sim-imds-1");
  EXPECT_EQ((*chain)->selected(), "ManagedIdentityCredential");
  const auto reqs = sim.server().requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].header("Metadata"), "");  // the probe: IMDS rejects it at once
  EXPECT_EQ(reqs[1].header("Metadata"), "true");
  const auto q = sim::decode_query(reqs[1].query);
  EXPECT_EQ(sim::param(q, "api-version").value_or(""), "2018-02-01");
  EXPECT_EQ(sim::param(q, "resource").value_or(""), "https://management.azure.com");  // a resource, not a scope
  EXPECT_FALSE(sim::param(q, "client_id").has_value());
  ASSERT_TRUE((*chain)->get_token(kLaScope).ok());
  EXPECT_EQ(sim.server().request_count(), 3u);  // probed once
}

TEST(AzureManagedIdentity, UserAssignedIdentityComesFromAzureClientId) {
  AzureIdentitySimOptions so;
  so.system_assigned = false;
  so.user_assigned_client_id = "9b7a0c3e-1111-2222-3333-444455556666";
  AzureIdentitySim sim(so);
  ChainSetup s;
  s.options.managed_identity.imds_authority = sim.url();
  s.env["AZURE_CLIENT_ID"] = so.user_assigned_client_id;
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  auto t = (*chain)->get_token(kArmScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(sim::param(sim::decode_query(sim.server().requests().back().query), "client_id").value_or(""),
            so.user_assigned_client_id);
}

TEST(AzureManagedIdentity, NoIdentityAssignedIsUnavailableAndTheChainMovesOnToTheCli) {
  AzureIdentitySimOptions so;
  so.system_assigned = false;
  AzureIdentitySim sim(so);
  ChainSetup s;
  s.options.managed_identity.imds_authority = sim.url();
  s.use_fake_az({{"FAKE_AZ_TOKEN", "cli-token-1"}});
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  auto t = (*chain)->get_token(kArmScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->token, "cli-token-1");
  EXPECT_EQ((*chain)->selected(), "AzureCliCredential");
}

TEST(AzureManagedIdentity, ImdsRetriesThrottlingAndUpdates) {
  AzureIdentitySim sim;
  sim.throttle_next(SimEndpoint::kImds, 0, 200);  // the probe gets an answer (any answer will do)
  sim.throttle_next(SimEndpoint::kImds, 0, 429);
  sim.throttle_next(SimEndpoint::kImds, 0, 410);
  sim.throttle_next(SimEndpoint::kImds, 0, 503);
  ChainSetup s;
  s.options.managed_identity.imds_authority = sim.url();
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  auto t = (*chain)->get_token(kArmScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(sim.server().request_count(), 5u);
}

TEST(AzureManagedIdentity, ImdsThatNeverRecoversIsAFailureThatStopsTheChain) {
  AzureIdentitySim sim;
  ChainSetup s;
  s.options.managed_identity.imds_authority = sim.url();
  s.options.managed_identity.max_retries = 2;
  for (int i = 0; i < 4; ++i) sim.throttle_next(SimEndpoint::kImds, 0, 500);
  s.use_fake_az();
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  auto t = (*chain)->get_token(kArmScope);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(contains(t.error().message, "ManagedIdentityCredential: failed")) << t.error().message;
  EXPECT_TRUE(contains(t.error().message, "IMDS answered 500 after 3 attempt(s)")) << t.error().message;
}

TEST(AzureManagedIdentity, AppServiceEndpointWithItsHeader) {
  AzureIdentitySim sim;
  ChainSetup s;
  s.env["IDENTITY_ENDPOINT"] = sim.app_service_endpoint();
  s.env["IDENTITY_HEADER"] = "853b9a84-5bfa-4b22-a3f3-0b9a43d9ad8a";
  auto chain = s.make();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto t = (*chain)->get_token(kLaScope);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->token, "sim-appservice-1");
  const auto req = sim.server().requests().at(0);
  EXPECT_EQ(req.path, "/MSI/token");
  EXPECT_EQ(req.header("X-IDENTITY-HEADER"), "853b9a84-5bfa-4b22-a3f3-0b9a43d9ad8a");
  EXPECT_EQ(sim::param(sim::decode_query(req.query), "api-version").value_or(""), "2019-08-01");
  EXPECT_EQ(sim::param(sim::decode_query(req.query), "resource").value_or(""), "https://api.loganalytics.io");
}

TEST(AzureManagedIdentity, AppServiceRefusalStopsTheChain) {
  AzureIdentitySim sim;
  ChainSetup s;
  s.env["IDENTITY_ENDPOINT"] = sim.app_service_endpoint();
  s.env["IDENTITY_HEADER"] = "stale-header-value";
  s.use_fake_az();
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  auto t = (*chain)->get_token(kLaScope);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(contains(t.error().message, "ManagedIdentityCredential: failed")) << t.error().message;
  EXPECT_TRUE(contains(t.error().message, "X-IDENTITY-HEADER")) << t.error().message;
  EXPECT_FALSE(contains(t.error().message, "stale-header-value")) << t.error().message;
}

TEST(AzureManagedIdentity, IdentityEndpointOverPlainHttpToAPublicHostIsRefused) {
  ChainSetup s;
  s.env["IDENTITY_ENDPOINT"] = "http://msi.example.com/MSI/token";
  s.env["IDENTITY_HEADER"] = "x";
  auto chain = s.make();
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(contains(chain.error().message, "IDENTITY_ENDPOINT")) << chain.error().message;
  EXPECT_TRUE(is_platform_local_host("172.16.2.6"));  // App Service on Linux
  EXPECT_TRUE(is_platform_local_host("169.254.169.254"));
  EXPECT_FALSE(is_platform_local_host("8.8.8.8"));
}

// ---------------------------------------------------------------------------
// AzureCliCredential (the stand-in az)

TEST(AzureCliCredential, RunsAzWithoutAShellAndReadsBothFormats) {
  testing::TempDir dir("azure-cli");
  const std::string log = (dir / "az.log").string();
  for (const char* mode : {"ok", "pre254"}) {
    ChainSetup s;
    s.use_fake_az({{"FAKE_AZ_MODE", mode},
                   {"FAKE_AZ_TOKEN", "tok; $(rm -rf /)"},
                   {"FAKE_AZ_LOG", log},
                   {"FAKE_AZ_EXPIRES_ON", "1900000000"}});
    auto chain = s.make();
    ASSERT_TRUE(chain.ok());
    auto t = (*chain)->get_token(kLaScope);
    ASSERT_TRUE(t.ok()) << mode << ": " << t.error().message;
    EXPECT_EQ(t->token, "tok; $(rm -rf /)");
    EXPECT_EQ(t->expires_on, from_unix_seconds(1900000000)) << mode;
  }
  const std::string args = read_file(log);
  EXPECT_TRUE(contains(args,
                       " [account] [get-access-token] [--output] [json] [--resource] "
                       "[https://api.loganalytics.io]\n"))
      << args;
  EXPECT_TRUE(args.rfind("cwd=/bin ", 0) == 0 || args.rfind("cwd=/usr/bin ", 0) == 0) << args;  // /bin may be a link
}

TEST(AzureCliCredential, FailuresAreUnavailableWithTheAzLoginHint) {
  auto message_for = [](std::map<std::string, std::string> az_env, std::chrono::milliseconds timeout) {
    ChainSetup s;
    s.use_fake_az(std::move(az_env));
    s.options.azure_cli.timeout = timeout;
    auto chain = s.make();
    EXPECT_TRUE(chain.ok());
    auto t = (*chain)->get_token(kLaScope);
    EXPECT_FALSE(t.ok());
    return t.ok() ? std::string() : t.error().message;
  };
  const auto ten_s = std::chrono::milliseconds(10000);
  std::string m = message_for({{"FAKE_AZ_MODE", "not_logged_in"}}, ten_s);
  EXPECT_TRUE(contains(m, "AzureCliCredential: unavailable: not signed in to the Azure CLI; run 'az login'")) << m;
  m = message_for({{"FAKE_AZ_MODE", "aadsts"}}, ten_s);
  EXPECT_TRUE(contains(m, "AADSTS70043")) << m;
  m = message_for({{"FAKE_AZ_MODE", "garbage"}}, ten_s);
  EXPECT_TRUE(contains(m, "unexpected output from the Azure CLI")) << m;
  m = message_for({{"FAKE_AZ_MODE", "token_in_error"}, {"FAKE_AZ_TOKEN", "LEAKY-TOKEN"}}, ten_s);
  EXPECT_FALSE(contains(m, "LEAKY-TOKEN")) << m;
  const auto start = std::chrono::steady_clock::now();
  m = message_for({{"FAKE_AZ_MODE", "hang"}}, std::chrono::milliseconds(500));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(contains(m, "did not finish within 0.5 s")) << m;
}

// ---------------------------------------------------------------------------
// The chain

TEST(AzureCredentialChain, NothingConfiguredListsEveryCredentialAndWhatToDo) {
  ChainSetup s;
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ((*chain)->names(), (std::vector<std::string>{"EnvironmentCredential", "WorkloadIdentityCredential",
                                                         "ManagedIdentityCredential", "AzureCliCredential"}));
  const auto start = std::chrono::steady_clock::now();
  auto t = (*chain)->get_token(kLaScope);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));  // the IMDS probe is short
  ASSERT_FALSE(t.ok());
  const std::string& m = t.error().message;
  EXPECT_EQ(t.error().code, ErrorCode::kUnauthenticated);
  size_t pos = 0;
  for (const char* name : {"EnvironmentCredential: unavailable", "WorkloadIdentityCredential: unavailable",
                           "ManagedIdentityCredential: unavailable", "AzureCliCredential: unavailable"}) {
    const size_t at = m.find(name, pos);
    EXPECT_NE(at, std::string::npos) << name << " in\n" << m;
    pos = at == std::string::npos ? pos : at;
  }
  EXPECT_TRUE(contains(m,
                       "AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH "
                       "not set"))
      << m;
  EXPECT_TRUE(contains(m, "AZURE_FEDERATED_TOKEN_FILE")) << m;
  EXPECT_TRUE(contains(m, "not found on PATH")) << m;
  EXPECT_TRUE(contains(m, "az login")) << m;
  EXPECT_TRUE(contains(m, "managed identity")) << m;
}

TEST(AzureCredentialChain, TheFirstWorkingCredentialIsKept) {
  AzureIdentitySim sim;
  ChainSetup s;
  s.options.managed_identity.imds_authority = sim.url();
  s.use_fake_az();
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  ASSERT_TRUE((*chain)->get_token(kArmScope).ok());
  EXPECT_EQ((*chain)->selected(), "ManagedIdentityCredential");  // managed identity before the CLI
  ASSERT_TRUE((*chain)->get_token(kLaScope).ok());
  EXPECT_EQ((*chain)->selected(), "ManagedIdentityCredential");
}

TEST(AzureCredentialChain, AzureTokenCredentialsNarrowsTheChain) {
  ChainSetup s;
  s.env["AZURE_TOKEN_CREDENTIALS"] = "dev";
  EXPECT_EQ(s.make().value()->names(), std::vector<std::string>{"AzureCliCredential"});
  s.env["AZURE_TOKEN_CREDENTIALS"] = "prod";
  EXPECT_EQ(s.make().value()->names().size(), 3u);
  s.env["AZURE_TOKEN_CREDENTIALS"] = "managedidentitycredential";
  EXPECT_EQ(s.make().value()->names(), std::vector<std::string>{"ManagedIdentityCredential"});
  s.env.erase("AZURE_TOKEN_CREDENTIALS");
  EXPECT_EQ(s.make({{"credential", "AzureCliCredential"}}).value()->names(),
            std::vector<std::string>{"AzureCliCredential"});
  s.env["AZURE_TOKEN_CREDENTIALS"] = "browser";
  auto bad = s.make();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kConfig);
  EXPECT_TRUE(contains(bad.error().message, "AZURE_TOKEN_CREDENTIALS")) << bad.error().message;
}

TEST(AzureCredentialChain, SafeFromManyThreads) {
  AzureIdentitySimOptions so;
  so.client_secret = "right";
  AzureIdentitySim sim(so);
  ChainSetup s;
  s.env.insert({{"AZURE_TENANT_ID", so.tenant_id},
                {"AZURE_CLIENT_ID", so.client_id},
                {"AZURE_CLIENT_SECRET", "right"},
                {"AZURE_AUTHORITY_HOST", sim.url()}});
  auto chain = s.make();
  ASSERT_TRUE(chain.ok());
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { EXPECT_TRUE((*chain)->get_token(i % 2 ? kLaScope : kArmScope).ok()); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(sim.issued(SimEndpoint::kEntra), 2);  // one per scope
}

}  // namespace
}  // namespace tinkr::azure
