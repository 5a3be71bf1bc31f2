// TempoSim: a loopback Tempo serving fixed traces (the shared scenario's)
// through Tempo's documented HTTP API: GET /api/search (TraceQL `q`, `limit`,
// `start`/`end` in Unix seconds; hex trace ids with leading zeros dropped, as
// Tempo does), GET /api/traces/<hex id> (v1 OTLP JSON: "batches",
// "scopeSpans", base64 ids, nanosecond strings, enum names), /api/echo.
//
// TraceQL: the spansets our backend emits — `resource.service.name = "…"`,
// `.attr = "…"` (also inside `(.attr = 500 || .attr = "500")`, where the
// string alternative is the one that counts: the simulator's attributes are
// strings), `status = error`, `traceDuration >= <d>` joined by && —
// anything else is a 400 with Tempo's text error. Checks the X-Scope-OrgID
// header when a tenant is configured, and start < end. Unknown trace: 404.
// Thread-safe (the server's thread answers; data is immutable).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "testing/loopback_http_server.h"

namespace tinkr::sim {

struct TempoSimOptions {
  std::string tenant;  // non-empty: X-Scope-OrgID must equal it
};

class TempoSim {
 public:
  explicit TempoSim(std::vector<Trace> traces, TempoSimOptions options = {});
  ~TempoSim();
  std::string url() const { return server_.url(); }
  testing::LoopbackHttpServer& server() { return server_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  testing::LoopbackHttpServer server_;
};

// The v1 trace-by-id body for a trace (base64 ids), as Tempo 2.x answers.
std::string tempo_trace_v1_json(const Trace& trace);

}  // namespace tinkr::sim
