#include "backends/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tinkr {

void BackendRegistry::add(std::string name, BackendFactory factory) {
  factories_[std::move(name)] = std::move(factory);
}

Result<std::unique_ptr<ObservabilityBackend>> BackendRegistry::create(const config::Profile& profile,
                                                                      const config::Environment& env) const {
  auto it = factories_.find(profile.backend);
  if (it == factories_.end()) {
    return make_error(ErrorCode::kConfig, fmt::format("profile '{}': unknown backend '{}'; available here: {}",
                                                      profile.name, profile.backend, fmt::join(names(), ", ")));
  }
  return it->second(profile, env);
}

std::vector<std::string> BackendRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : factories_) out.push_back(name);
  return out;
}

}  // namespace tinkr
