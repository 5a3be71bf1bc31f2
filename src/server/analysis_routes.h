// The analysis routes of tinkr-server (docs/api.md):
//
//   POST /api/v1/anomalies {service, since|from/to, severity?}  → {"anomalies":[…], window, signals…}
//   POST /api/v1/diff      {service, baseline?="2h", compare?="1h"} → metrics side by side + pattern diff
//   POST /api/v1/slo       {service, target?=99.9, window?="30d"} → availability, budget, burn rates, "source"
//   POST /api/v1/patterns  {service, since, query?, limit?=20}  → {"patterns":[…]}
//   POST /api/v1/rca       {service, since|from/to}              → SSE: section… done | error
//
// Each handler reads its body, reaches telemetry only through the backend
// interface (plus the events store for /rca), bounds every fetch, and passes
// all log-derived text through the sanitizer before it leaves the server.
// register_analysis_routes adds them to the route table (viewer role).
// Thread-safe: handlers keep no state between requests.
#pragma once

#include "net/http_server.h"
#include "server/router.h"

namespace tinkr::server {

// Adds the five routes above to the server's route table.
void register_analysis_routes(Router& router);

net::ServerResponse handle_anomalies(RequestContext& ctx);
net::ServerResponse handle_diff(RequestContext& ctx);
net::ServerResponse handle_slo(RequestContext& ctx);
net::ServerResponse handle_patterns(RequestContext& ctx);
net::ServerResponse handle_rca(RequestContext& ctx);

}  // namespace tinkr::server
