#include "backends/azure/credential_chain.h"

#include <cstdio>

#include <fmt/format.h>

#include "backends/azure/workload_identity_credential.h"
#include "core/strings.h"

namespace tinkr::azure {
namespace {

constexpr std::string_view kWhatToDo =
    "To authenticate, use one of:\n"
    "  - on Azure (App Service, Container Apps, VM, AKS): enable a managed identity on the resource "
    "(set AZURE_CLIENT_ID for a user-assigned one);\n"
    "  - on AKS with workload identity: label the pod azure.workload.identity/use=true so the webhook sets "
    "AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID;\n"
    "  - a service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_CERTIFICATE_PATH (or "
    "AZURE_CLIENT_SECRET, for development only);\n"
    "  - local development: run 'az login'.\n"
    "See docs/backends/azure.md#authentication.";

void default_warn(std::string_view message) {
  std::fprintf(stderr, "tinkr: warning: %.*s\n", static_cast<int>(message.size()), message.data());
}

// Which credentials AZURE_TOKEN_CREDENTIALS / `credential` keeps: a bit per chain position.
Result<unsigned> selection(const config::Profile& profile, const config::Environment& env) {
  std::string value = env.get("AZURE_TOKEN_CREDENTIALS").value_or("");
  std::string source = "AZURE_TOKEN_CREDENTIALS";
  if (value.empty()) {
    value = profile.get("credential");
    source = fmt::format("profile '{}': credential", profile.name);
  }
  if (value.empty()) return 0b1111u;
  if (iequals(value, "dev")) return 0b1000u;
  if (iequals(value, "prod")) return 0b0111u;
  const std::string_view names[] = {"EnvironmentCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential",
                                    "AzureCliCredential"};
  for (unsigned i = 0; i < 4; ++i) {
    if (iequals(value, names[i])) return 1u << i;
  }
  return make_error(ErrorCode::kConfig,
                    fmt::format("{} is '{}'; use dev, prod, EnvironmentCredential, WorkloadIdentityCredential, "
                                "ManagedIdentityCredential or AzureCliCredential",
                                source, value));
}

}  // namespace

ChainedCredential::ChainedCredential(std::vector<std::unique_ptr<CachedCredential>> credentials)
    : credentials_(std::move(credentials)) {}

std::vector<std::string> ChainedCredential::names() const {
  std::vector<std::string> out;
  for (const auto& c : credentials_) out.push_back(c->name());
  return out;
}

std::string ChainedCredential::selected() const {
  const int i = selected_.load();
  return i < 0 ? std::string() : credentials_[static_cast<size_t>(i)]->name();
}

Result<AccessToken> ChainedCredential::get_token(std::string_view scope) {
  if (const int i = selected_.load(); i >= 0) {
    TokenOutcome o = credentials_[static_cast<size_t>(i)]->attempt(scope);
    if (o.token) return o.token->token;
    return make_error(o.error.code,
                      fmt::format("{}: {}", credentials_[static_cast<size_t>(i)]->name(), o.error.message));
  }
  std::string attempts;
  for (size_t i = 0; i < credentials_.size(); ++i) {
    CachedCredential& c = *credentials_[i];
    TokenOutcome o = c.attempt(scope);
    if (o.token) {
      int expected = -1;
      selected_.compare_exchange_strong(expected, static_cast<int>(i));
      return o.token->token;
    }
    if (o.unavailable) {
      attempts += fmt::format("  {}: unavailable: {}\n", c.name(), o.error.message);
      continue;
    }
    attempts += fmt::format("  {}: failed: {}\n", c.name(), o.error.message);
    for (size_t j = i + 1; j < credentials_.size(); ++j) {
      attempts += fmt::format("  {}: not tried (the chain stops at the first credential that fails)\n",
                              credentials_[j]->name());
    }
    return make_error(o.error.code, fmt::format("Azure authentication failed for scope {}: {} failed.\nAttempted "
                                                "credentials:\n{}Fix the failing credential, or remove its "
                                                "configuration to let the chain go on. See "
                                                "docs/backends/azure.md#authentication.",
                                                scope, c.name(), attempts));
  }
  return make_error(ErrorCode::kUnauthenticated,
                    fmt::format("no Azure credential is available to get a token for {}.\nAttempted credentials:\n{}{}",
                                scope, attempts, kWhatToDo));
}

Result<std::shared_ptr<ChainedCredential>> make_default_credential(const config::Profile& profile,
                                                                   const config::Environment& env,
                                                                   const CredentialOptions& options) {
  TINKR_ASSIGN_OR_RETURN(AzureEndpoints endpoints, resolve_endpoints(profile, env));
  TINKR_ASSIGN_OR_RETURN(unsigned keep, selection(profile, env));
  auto http = std::make_shared<const net::HttpClient>(options.http);
  Clock clock = options.clock ? options.clock : Clock([] { return tinkr::now(); });
  WarnSink warn = options.warn ? options.warn : WarnSink(default_warn);

  std::vector<std::unique_ptr<CachedCredential>> chain;
  if (keep & 1u) {
    TINKR_ASSIGN_OR_RETURN(auto c, EnvironmentCredential::create(env, endpoints.authority_host, http, clock, warn));
    chain.push_back(std::move(c));
  }
  if (keep & 2u) {
    TINKR_ASSIGN_OR_RETURN(auto c, WorkloadIdentityCredential::create(env, endpoints.authority_host, http, clock));
    chain.push_back(std::move(c));
  }
  if (keep & 4u) {
    TINKR_ASSIGN_OR_RETURN(auto c, ManagedIdentityCredential::create(env, http, clock, options.managed_identity));
    chain.push_back(std::move(c));
  }
  if (keep & 8u) chain.push_back(std::make_unique<AzureCliCredential>(env, clock, options.azure_cli));
  return std::make_shared<ChainedCredential>(std::move(chain));
}

}  // namespace tinkr::azure
