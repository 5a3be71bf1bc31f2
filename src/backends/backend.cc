#include "backends/backend.h"

#include "analysis/anomaly_detect.h"

namespace tinkr {

// The shared detector (analysis/anomaly_detect.h) over this backend's primitives.
Result<std::vector<Anomaly>> ObservabilityBackend::detect_anomalies(const AnomalyQuery& q) {
  return anomaly::detect_anomalies(*this, q);
}

}  // namespace tinkr
