// One line per backend: the only place that names the concrete backends.
#include "backends/azure/azure_backend.h"
#include "backends/grafana/grafana_backend.h"
#include "backends/local/local_backend.h"
#include "backends/registry.h"

namespace tinkr {

const BackendRegistry& builtin_backends() {
  static const BackendRegistry registry = [] {
    BackendRegistry r;
    register_local_backend(r);
    register_grafana_backend(r);
    register_azure_backend(r);
    return r;
  }();
  return registry;
}

}  // namespace tinkr
