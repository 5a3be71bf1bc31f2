// POST /api/v1/events (record a deploy/config/incident event) and
// GET /api/v1/events?service=&since=&limit= (list them).
#include <fmt/format.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json.h"
#include "server/routes.h"
#include "server/state.h"

namespace tinkr::server {

net::ServerResponse handle_post_event(RequestContext& ctx) {
  auto body = json_body(ctx);
  if (!body) return net::error_response(body.error());
  auto store = ctx.state.require_events();
  if (!store) return net::error_response(store.error());
  auto event = store::change_event_from_json(*body);
  if (!event) return net::error_response(event.error());
  event->recorded_by = ctx.principal ? ctx.principal->subject : "";
  auto saved = (*store)->add(std::move(*event));
  if (!saved) return net::error_response(saved.error());
  return ok_json(store::to_json(*saved), 201);
}

net::ServerResponse handle_list_events(RequestContext& ctx) {
  auto store = ctx.state.require_events();
  if (!store) return net::error_response(store.error());
  std::string service = ctx.request.query_param("service").value_or("");
  ctx.service = service;
  Timestamp since = now() - std::chrono::hours(24);
  if (auto s = ctx.request.query_param("since"); s && !s->empty()) {
    if (auto d = parse_duration(*s)) {
      since = now() - *d;
    } else if (auto t = parse_rfc3339(*s)) {
      since = *t;
    } else {
      return net::error_response(
          make_error(ErrorCode::kInvalidArgument,
                     fmt::format("since '{}': use a duration (24h, 7d) or an RFC 3339 time", *s)));
    }
  }
  size_t limit = 500;
  if (auto l = ctx.request.query_param("limit"); l && !l->empty()) {
    try {
      long long n = std::stoll(*l);
      if (n < 1 || n > 10000) throw std::out_of_range("limit");
      limit = static_cast<size_t>(n);
    } catch (const std::exception&) {
      return net::error_response(make_error(ErrorCode::kInvalidArgument, "limit: use a number from 1 to 10000"));
    }
  }
  auto events = (*store)->list(service, since, limit);
  if (!events) return net::error_response(events.error());
  json::array items;
  for (const auto& e : *events) items.push_back(store::to_json(e));
  json::object o;
  o["events"] = std::move(items);
  return ok_json(o);
}

}  // namespace tinkr::server
