// Shared by the Azure backend tests: a TokenCredential that mints the Log
// Analytics simulator's test tokens (sim/azure_log_analytics_sim.h) for the
// scope asked, and a backend wired to a simulator.
#pragma once

#include <memory>
#include <string>

#include "backends/azure/azure_backend.h"
#include "backends/azure/azure_options.h"
#include "backends/azure/credential.h"
#include "config/config.h"
#include "sim/azure_log_analytics_sim.h"

namespace tinkr::testing {

inline constexpr const char* kLogAnalyticsScope = "https://api.loganalytics.io/.default";

// Tokens whose audience is the scope without "/.default" (or a fixed one).
class SimTokenCredential : public azure::TokenCredential {
 public:
  explicit SimTokenCredential(std::string fixed_audience = "") : fixed_(std::move(fixed_audience)) {}
  Result<azure::AccessToken> get_token(std::string_view scope) override {
    ++calls;
    std::string audience = fixed_;
    if (audience.empty()) {
      audience = std::string(scope);
      const std::string suffix = "/.default";
      if (audience.size() > suffix.size() &&
          audience.compare(audience.size() - suffix.size(), suffix.size(), suffix) == 0)
        audience.resize(audience.size() - suffix.size());
    }
    const Timestamp expires = now() + std::chrono::hours(1);
    return azure::AccessToken{sim::make_test_token(audience, expires), expires};
  }
  int calls = 0;

 private:
  std::string fixed_;
};

class FailingCredential : public azure::TokenCredential {
 public:
  Result<azure::AccessToken> get_token(std::string_view) override {
    return make_error(ErrorCode::kUnauthenticated,
                      "DefaultAzureCredential failed: no credential in the chain could get a token (test)");
  }
};

inline config::Profile azure_profile(const std::map<std::string, std::string>& settings) {
  config::Profile p;
  p.name = "azure-test";
  p.backend = "azure";
  for (const auto& [k, v] : settings) p.settings[k] = v;
  return p;
}

// A backend talking to `la_url` (Log Analytics) and `rm_url` (Resource Manager,
// for metrics) with `credential` (a SimTokenCredential by default); `services`
// are the profile's [services.<name>] sections.
inline std::unique_ptr<ObservabilityBackend> azure_backend(
    const std::string& la_url, const std::map<std::string, std::string>& settings,
    std::shared_ptr<azure::TokenCredential> credential = nullptr, std::map<std::string, std::string> env = {},
    const std::string& rm_url = "http://127.0.0.1:1",
    std::map<std::string, config::ServiceConfig, std::less<>> services = {}) {
  config::Profile profile = azure_profile(settings);
  profile.services = std::move(services);
  auto options = azure::load_options(profile, config::Environment::from_map(std::move(env)));
  if (!options.ok()) return nullptr;
  azure::AzureConnection c;
  c.endpoints.cloud = "public";
  c.endpoints.log_analytics = la_url;
  c.endpoints.authority_host = "http://127.0.0.1:1";
  c.endpoints.resource_manager = rm_url;
  c.log_analytics_scope = kLogAnalyticsScope;
  c.resource_manager_scope = "https://management.azure.com/.default";
  c.credential = credential ? std::move(credential) : std::make_shared<SimTokenCredential>();
  auto b = make_azure_backend(std::move(*options), std::move(c));
  if (!b.ok()) return nullptr;
  return std::move(*b);
}

}  // namespace tinkr::testing
