// InstrumentedBackend: wraps the server's backend so that every call is timed
// and counted in ServerMetrics (calls, errors by code, latency), without the
// routes or the backend knowing. Thread-safe when the wrapped backend is.
#pragma once

#include <memory>

#include "backends/backend.h"
#include "server/metrics.h"

namespace tinkr::server {

std::unique_ptr<ObservabilityBackend> instrument_backend(std::unique_ptr<ObservabilityBackend> inner,
                                                         ServerMetrics& metrics);

}  // namespace tinkr::server
