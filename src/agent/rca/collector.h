// EvidenceCollector: gathers the EvidenceBundle for one service and window
// through the ObservabilityBackend interface (and the events store, when one
// is given) — never a concrete backend.
//
// Every fetch is bounded: by a row limit (logs, traces, events) and by the
// collector's time budget, checked before each fetch (a fetch that would start
// after the budget is skipped). A fetch that fails or is skipped becomes an
// EvidenceGap in the bundle; collect() itself never fails, so that the report
// is written from whatever evidence there is and says what is missing.
//
// The baseline window is the window of the same length just before the
// incident window. Not thread-safe (one collector per report); the backend
// must be safe to call as backends/backend.h states.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "agent/rca/evidence.h"
#include "backends/backend.h"
#include "core/time.h"

namespace tinkr::store {
class EventsStore;
}

namespace tinkr::rca {

struct CollectorOptions {
  size_t error_log_limit = 2000;   // error lines read per window
  size_t marker_log_limit = 100;   // deploy-marker lines read
  size_t trace_limit = 20;         // traces per search (slowest, failing)
  size_t trace_detail_limit = 10;  // traces fetched in full when a search gave summaries
  size_t max_neighbours = 6;       // callers/callees whose error onset is checked
  size_t event_limit = 200;
  Nanos bucket = std::chrono::minutes(1);   // log-volume resolution for onsets
  Nanos budget = std::chrono::seconds(30);  // total time for all fetches
  std::function<Timestamp()> clock = [] { return now(); };
};

class EvidenceCollector {
 public:
  // `events` may be null (no events store configured): deploys then come from
  // log markers only, and the gap is recorded.
  EvidenceCollector(ObservabilityBackend& backend, store::EventsStore* events, CollectorOptions options = {});

  // Gathers everything about `service` in `incident`. Never fails; see gaps.
  EvidenceBundle collect(const std::string& service, const TimeRange& incident);

 private:
  ObservabilityBackend& backend_;
  store::EventsStore* events_;
  CollectorOptions options_;
};

}  // namespace tinkr::rca
