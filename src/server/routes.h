// The route table: register_routes adds every route of tinkr-server, one line
// each. Later routes (/anomalies, /diff, /slo, /patterns, /rca, OTLP) are added
// the same way: write a handler `net::ServerResponse f(RequestContext&)` and add
// one `router.add({method, pattern, role, handler})` line in routes.cc.
//
// Helpers shared by handlers (JSON body, time range, SSE framing) are here too.
#pragma once

#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "core/result.h"
#include "core/time.h"
#include "net/http_server.h"
#include "server/router.h"

namespace tinkr::server {

void register_routes(Router& router);

// The request body as a JSON object (an empty body is {}); records the
// "service" field in ctx.service for the audit line.
Result<boost::json::value> json_body(RequestContext& ctx);
// The range from the body's since / from / to (see docs/api.md).
// An optional integer field: fallback when absent, an invalid-argument error
// naming the field when it is not a number or lies outside [lo, hi].
Result<int64_t> bounded_int(const boost::json::value& body, std::string_view key, int64_t fallback, int64_t lo,
                            int64_t hi);
Result<TimeRange> body_range(const boost::json::value& body, Nanos default_since);
// An optional string field; invalid_argument when present but not a string.
Result<std::optional<std::string>> optional_string(const boost::json::value& body, std::string_view key);
// The resource type: the body's, else the profile's service setting, else "".
std::string resource_type_for(const RequestContext& ctx, const boost::json::value& body, std::string_view service);

// 200 with a serialized JSON value.
net::ServerResponse ok_json(const boost::json::value& v, int status = 200);
// "event: <name>\ndata: <json>\n\n"
std::string sse_event(std::string_view name, const boost::json::value& data);

// Handlers, one per route (routes_*.cc).
net::ServerResponse handle_health(RequestContext& ctx);
net::ServerResponse handle_metrics(RequestContext& ctx);
net::ServerResponse handle_whoami(RequestContext& ctx);
net::ServerResponse handle_logs(RequestContext& ctx);
net::ServerResponse handle_tail(RequestContext& ctx);
net::ServerResponse handle_query_metrics(RequestContext& ctx);
net::ServerResponse handle_traces(RequestContext& ctx);
net::ServerResponse handle_trace_by_id(RequestContext& ctx);
net::ServerResponse handle_services(RequestContext& ctx);
net::ServerResponse handle_post_event(RequestContext& ctx);
net::ServerResponse handle_list_events(RequestContext& ctx);

}  // namespace tinkr::server
