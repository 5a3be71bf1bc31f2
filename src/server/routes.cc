// The route table (one line per route) and the helpers handlers share.
#include "server/routes.h"

#include <fmt/format.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/json.h"
#include "server/analysis_routes.h"
#include "server/state.h"

namespace tinkr::server {

using auth::Role;

void register_routes(Router& r) {
  //       method  pattern                  role            handler                cheap
  r.add({"GET", "/health", std::nullopt, handle_health, true});
  r.add({"GET", "/metrics", Role::kViewer, handle_metrics, true});
  r.add({"GET", "/api/v1/whoami", Role::kViewer, handle_whoami, true});
  r.add({"POST", "/api/v1/logs", Role::kViewer, handle_logs});
  r.add({"POST", "/api/v1/tail", Role::kViewer, handle_tail});
  r.add({"POST", "/api/v1/metrics", Role::kViewer, handle_query_metrics});
  r.add({"POST", "/api/v1/traces", Role::kViewer, handle_traces});
  r.add({"GET", "/api/v1/traces/{id}", Role::kViewer, handle_trace_by_id});
  r.add({"GET", "/api/v1/services", Role::kViewer, handle_services});
  r.add({"POST", "/api/v1/events", Role::kOncall, handle_post_event});
  r.add({"GET", "/api/v1/events", Role::kViewer, handle_list_events});
  register_analysis_routes(r);  // /anomalies /diff /slo /patterns /rca
}

Result<json::value> json_body(RequestContext& ctx) {
  const std::string& body = ctx.request.body;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::value(json::object());
  TINKR_ASSIGN_OR_RETURN(json::value v, parse_json(body, "request body"));
  if (!v.is_object()) return make_error(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  if (const auto* s = find_field(v, "service"); s && s->is_string()) ctx.service = std::string(s->as_string());
  return v;
}

Result<std::optional<std::string>> optional_string(const json::value& body, std::string_view key) {
  const json::value* v = find_field(body, key);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("field '{}': expected a string", key));
  }
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<int64_t> bounded_int(const json::value& body, std::string_view key, int64_t fallback, int64_t lo, int64_t hi) {
  const json::value* v = find_field(body, key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_number())
    return make_error(ErrorCode::kInvalidArgument, fmt::format("field '{}': expected a number", key));
  int64_t n = get_int(body, key, fallback);
  if (n < lo || n > hi) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("field '{}': use a value from {} to {}", key, lo, hi));
  }
  return n;
}

Result<TimeRange> body_range(const json::value& body, Nanos default_since) {
  TINKR_ASSIGN_OR_RETURN(auto since, optional_string(body, "since"));
  TINKR_ASSIGN_OR_RETURN(auto from, optional_string(body, "from"));
  TINKR_ASSIGN_OR_RETURN(auto to, optional_string(body, "to"));
  return resolve_range(since, from, to, now(), default_since);
}

std::string resource_type_for(const RequestContext& ctx, const json::value& body, std::string_view service) {
  std::string_view given = get_string(body, "resource_type");
  if (!given.empty()) return std::string(given);
  if (const auto* svc = ctx.state.profile.service(service)) return svc->resource_type;
  return {};
}

net::ServerResponse ok_json(const json::value& v, int status) { return net::json_response(status, json::serialize(v)); }

std::string sse_event(std::string_view name, const json::value& data) {
  return fmt::format("event: {}\ndata: {}\n\n", name, json::serialize(data));
}

net::ServerResponse handle_health(RequestContext& ctx) {
  const ServerState& st = ctx.state;
  json::object o;
  o["status"] = st.backend ? "ok" : "degraded";
  o["version"] = kServerVersion;
  o["backend"] = st.profile.backend;
  o["profile"] = st.profile.name;
  o["uptime_seconds"] = static_cast<int64_t>(st.uptime_seconds());
  if (!st.backend) o["reason"] = st.backend_problem;
  if (st.insecure_dev) o["insecure_dev"] = true;
  return ok_json(o);
}

net::ServerResponse handle_metrics(RequestContext& ctx) {
  net::ServerResponse r;
  r.content_type = std::string(ServerMetrics::kContentType);
  r.body = ctx.state.metrics.render(ctx.state.uptime_seconds());
  return r;
}

net::ServerResponse handle_whoami(RequestContext& ctx) {
  json::object o;
  json::array roles;
  if (ctx.principal) {
    o["subject"] = ctx.principal->subject;
    for (auto role : ctx.principal->roles) roles.emplace_back(auth::role_name(role));
  }
  o["roles"] = std::move(roles);
  o["backend"] = ctx.state.profile.backend;
  o["profile"] = ctx.state.profile.name;
  o["server_time"] = format_rfc3339(now());
  return ok_json(o);
}

}  // namespace tinkr::server
