// The backend registry: builds an ObservabilityBackend by name from a profile.
//
// Each backend folder exposes one `register_<name>_backend(BackendRegistry&)`
// and backends/builtin.cc calls them all (one line each): static
// self-registration would be dropped by the linker from static libraries.
// Registration happens once at start-up; lookups are then thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "config/config.h"

namespace tinkr {

using BackendFactory = std::function<Result<std::unique_ptr<ObservabilityBackend>>(const config::Profile& profile,
                                                                                   const config::Environment& env)>;

class BackendRegistry {
 public:
  void add(std::string name, BackendFactory factory);
  // Builds the named backend; an unknown name lists the known ones.
  Result<std::unique_ptr<ObservabilityBackend>> create(const config::Profile& profile,
                                                       const config::Environment& env) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, BackendFactory, std::less<>> factories_;
};

// The registry with every built-in backend registered.
const BackendRegistry& builtin_backends();

}  // namespace tinkr
