#include "backends/backend.h"

namespace tinkr {

// Until the shared detector in analysis/ is wired in (issue 6), say so plainly.
Result<std::vector<Anomaly>> ObservabilityBackend::detect_anomalies(const AnomalyQuery&) {
  return make_error(ErrorCode::kUnimplemented, "anomaly detection is not built yet");
}

}  // namespace tinkr
