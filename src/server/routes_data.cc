// The data routes: each reads its request, calls the backend interface once
// (tail: once per poll) and serialises the model types. No route knows which
// backend is behind the interface.
#include <functional>
#include <set>

#include <fmt/format.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/json.h"
#include "core/json_writer.h"
#include "server/routes.h"
#include "server/state.h"

namespace tinkr::server {
namespace {

Result<LogQuery> log_query_from(RequestContext& ctx, const json::value& body, Nanos default_since,
                                int64_t default_limit) {
  LogQuery q;
  TINKR_ASSIGN_OR_RETURN(auto service, optional_string(body, "service"));
  q.service = service.value_or("");
  TINKR_ASSIGN_OR_RETURN(q.range, body_range(body, default_since));
  TINKR_ASSIGN_OR_RETURN(auto filter, optional_string(body, "query"));
  if (filter && !filter->empty()) q.filter = *filter;
  TINKR_ASSIGN_OR_RETURN(int64_t limit, bounded_int(body, "limit", default_limit, 1, 10000));
  q.limit = static_cast<size_t>(limit);
  q.resource_type = resource_type_for(ctx, body, q.service);
  return q;
}

// The body's "fields": which LogEntry members the answer's entries carry
// (always "time"); all of them when absent.
Result<unsigned> log_fields_from(const json::value& body) {
  const json::value* v = find_field(body, "fields");
  if (!v || v->is_null()) return kAllLogEntryFields;
  constexpr std::string_view kKnown = "time, service, level, message, trace_id, span_id, attributes";
  if (!v->is_array()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("field 'fields': expected an array of names ({})", kKnown));
  }
  unsigned fields = kLogTime;
  for (const auto& name : v->as_array()) {
    const unsigned bit = name.is_string() ? log_entry_field(name.as_string()) : 0;
    if (bit == 0) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("field 'fields': unknown log entry field {} (use {})",
                                                                 json::serialize(name), kKnown));
    }
    fields |= bit;
  }
  return fields;
}

template <typename F>
net::ServerResponse with_backend_and_body(RequestContext& ctx, F&& f) {
  auto body = json_body(ctx);
  if (!body) return net::error_response(body.error());
  auto backend = ctx.state.require_backend();
  if (!backend) return net::error_response(backend.error());
  return f(**backend, *body);
}

}  // namespace

net::ServerResponse handle_logs(RequestContext& ctx) {
  return with_backend_and_body(ctx, [&](ObservabilityBackend& backend, const json::value& body) {
    auto q = log_query_from(ctx, body, std::chrono::minutes(30), 50);
    if (!q) return net::error_response(q.error());
    auto fields = log_fields_from(body);
    if (!fields) return net::error_response(fields.error());
    auto native = backend.explain_logs(*q);
    json::object o;
    o["query"] = native ? *native : std::string();
    if (get_bool(body, "explain")) {
      if (!native) return net::error_response(native.error());
      return ok_json(o);
    }
    std::vector<std::string> warnings;
    q->warnings = &warnings;
    auto entries = backend.query_logs(*q);
    if (!entries) return net::error_response(entries.error());
    // Written directly (core/json_writer.h): the same text as
    // ok_json({"query":…,"entries":to_json(…)}) without a tree of 1,000 objects.
    std::string text;
    text.reserve(64 + entries->size() * 512);
    text += "{\"query\":";
    append_json_string(text, o["query"].as_string());
    text += ",\"entries\":";
    append_json(text, *entries, *fields);
    if (!warnings.empty()) {
      text += ",\"warnings\":[";
      for (size_t i = 0; i < warnings.size(); ++i) {
        if (i > 0) text += ',';
        append_json_string(text, warnings[i]);
      }
      text += ']';
    }
    text += '}';
    return net::json_response(200, std::move(text));
  });
}

net::ServerResponse handle_query_metrics(RequestContext& ctx) {
  return with_backend_and_body(ctx, [&](ObservabilityBackend& backend, const json::value& body) {
    MetricQuery q;
    q.service = std::string(get_string(body, "service"));
    if (q.service.empty()) {
      return net::error_response(make_error(ErrorCode::kInvalidArgument, "field 'service' is required"));
    }
    auto metric = optional_string(body, "metric");
    if (!metric) return net::error_response(metric.error());
    q.metric = metric->value_or("request_rate");
    auto range = body_range(body, std::chrono::hours(1));
    if (!range) return net::error_response(range.error());
    q.range = *range;
    auto step = optional_string(body, "step");
    if (!step) return net::error_response(step.error());
    if (*step && !(*step)->empty()) {
      auto d = parse_duration(**step);
      if (!d) return net::error_response(make_error(ErrorCode::kInvalidArgument, "field 'step': " + d.error().message));
      q.step = *d;
    }
    q.resource_type = resource_type_for(ctx, body, q.service);
    auto series = backend.get_metrics(q);
    if (!series) return net::error_response(series.error());
    json::object o;
    o["series"] = to_json(*series);
    return ok_json(o);
  });
}

net::ServerResponse handle_traces(RequestContext& ctx) {
  return with_backend_and_body(ctx, [&](ObservabilityBackend& backend, const json::value& body) {
    TraceQuery q;
    q.service = std::string(get_string(body, "service"));
    auto range = body_range(body, std::chrono::hours(1));
    if (!range) return net::error_response(range.error());
    q.range = *range;
    auto limit = bounded_int(body, "limit", 20, 1, 1000);
    if (!limit) return net::error_response(limit.error());
    q.limit = static_cast<size_t>(*limit);
    auto min_ms = bounded_int(body, "min_duration_ms", 0, 0, 86'400'000);
    if (!min_ms) return net::error_response(min_ms.error());
    q.min_duration = std::chrono::milliseconds(*min_ms);
    q.errors_only = get_bool(body, "errors_only");
    if (const auto* tags = find_field(body, "tags"); tags && !tags->is_null()) {
      if (!tags->is_object()) {
        return net::error_response(make_error(ErrorCode::kInvalidArgument, "field 'tags': expected an object"));
      }
      for (const auto& [k, v] : tags->as_object()) {
        q.tags.emplace(std::string(k), v.is_string() ? std::string(v.as_string()) : json::serialize(v));
      }
    }
    auto traces = backend.get_traces(q);
    if (!traces) return net::error_response(traces.error());
    json::object o;
    o["traces"] = to_json(*traces);
    return ok_json(o);
  });
}

net::ServerResponse handle_trace_by_id(RequestContext& ctx) {
  const std::string& id = ctx.params["id"];
  bool valid = !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  });
  if (!valid) {
    return net::error_response(
        make_error(ErrorCode::kInvalidArgument,
                   "trace id: use the hex id (32 digits) or the vendor's id (letters, digits, '-')"));
  }
  auto backend = ctx.state.require_backend();
  if (!backend) return net::error_response(backend.error());
  auto trace = (*backend)->get_trace(id);
  if (!trace) return net::error_response(trace.error());
  return ok_json(to_json(*trace));
}

net::ServerResponse handle_services(RequestContext& ctx) {
  auto backend = ctx.state.require_backend();
  if (!backend) return net::error_response(backend.error());
  Nanos since = std::chrono::hours(1);
  if (auto s = ctx.request.query_param("since"); s && !s->empty()) {
    auto d = parse_duration(*s);
    if (!d) return net::error_response(make_error(ErrorCode::kInvalidArgument, "since: " + d.error().message));
    since = *d;
  }
  Timestamp t = now();
  auto services = (*backend)->list_services(TimeRange{t - since, t});
  if (!services) return net::error_response(services.error());
  json::array items;
  for (const auto& s : *services) items.emplace_back(s);
  json::object o;
  o["services"] = std::move(items);
  return ok_json(o);
}

// --- tail -------------------------------------------------------------------

namespace {

// Remembers what has been sent so that overlapping polls repeat nothing: the
// newest timestamp seen and the identities of the lines at exactly that time
// (polls ask from that timestamp inclusive, so same-time lines come back).
class TailCursor {
 public:
  explicit TailCursor(Timestamp start) : last_(start) {}
  Timestamp from() const { return last_; }
  // True when the entry is new (and records it).
  bool admit(const LogEntry& e) {
    if (e.time < last_) return false;
    size_t id = identity(e);
    if (e.time == last_) return at_last_.insert(id).second;
    last_ = e.time;
    at_last_.clear();
    at_last_.insert(id);
    return true;
  }

 private:
  static size_t identity(const LogEntry& e) { return std::hash<std::string>{}(json::serialize(to_json(e))); }
  Timestamp last_;
  std::set<size_t> at_last_;
};

}  // namespace

net::ServerResponse handle_tail(RequestContext& ctx) {
  auto body = json_body(ctx);
  if (!body) return net::error_response(body.error());
  auto backend_r = ctx.state.require_backend();
  if (!backend_r) return net::error_response(backend_r.error());
  auto q = log_query_from(ctx, *body, std::chrono::minutes(5), 1000);
  if (!q) return net::error_response(q.error());
  auto lines = bounded_int(*body, "lines", 20, 0, 1000);
  if (!lines) return net::error_response(lines.error());
  double poll = get_double(*body, "poll_seconds", 2.0);
  if (poll < 0.1 || poll > 60) {
    return net::error_response(make_error(ErrorCode::kInvalidArgument, "field 'poll_seconds': use 0.1 to 60"));
  }

  // `from`: where the live part starts (inclusive), e.g. the newest line a
  // client already showed; without it, now. Lines written between the
  // client's own history query and this request are then not lost.
  std::optional<Timestamp> resume;
  if (const auto* from = find_field(*body, "from"); from && !from->is_null()) resume = q->range.from;

  net::ServerResponse r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("X-Accel-Buffering", "no");
  ObservabilityBackend* backend = *backend_r;
  r.stream = [backend, query = std::move(*q), initial = static_cast<size_t>(*lines), resume,
              poll_ms = static_cast<int64_t>(poll * 1000)](net::EventSink& sink) mutable {
    // First: the last `lines` lines of the recent past, oldest first.
    Timestamp t = now();
    TailCursor cursor(resume.value_or(t));
    LogQuery first = query;
    first.limit = initial;
    first.newest_first = true;
    first.range = TimeRange{t - std::chrono::minutes(5), t};
    std::vector<LogEntry> batch;
    if (resume && initial == 0) {
      // Straight to the first poll: no wait before lines the client has not seen.
      LogQuery next = query;
      next.newest_first = false;
      next.range = TimeRange{cursor.from(), now() + std::chrono::nanoseconds(1)};
      auto entries = backend->query_logs(next);
      if (!entries) {
        sink.write(sse_event("error", to_json(entries.error())));
        return;
      }
      batch = std::move(*entries);
    }
    if (initial > 0) {
      auto entries = backend->query_logs(first);
      if (!entries) {
        sink.write(sse_event("error", to_json(entries.error())));
        return;
      }
      batch = std::move(*entries);
      if (!batch.empty()) cursor = TailCursor(batch.front().time);
    }
    while (true) {
      bool sent = false;
      for (const auto& e : batch) {
        if (!cursor.admit(e)) continue;
        if (!sink.write(sse_event("log", to_json(e)))) return;
        sent = true;
      }
      // A comment line keeps proxies from timing out and tells us when the client left.
      if (!sent && !sink.write(": keep-alive\n\n")) return;
      if (!sink.wait(std::chrono::milliseconds(poll_ms))) return;
      LogQuery next = query;
      next.newest_first = false;  // oldest first: when the limit cuts, the next poll continues
      next.range = TimeRange{cursor.from(), now() + std::chrono::nanoseconds(1)};
      auto entries = backend->query_logs(next);
      if (!entries) {
        sink.write(sse_event("error", to_json(entries.error())));
        return;
      }
      batch = std::move(*entries);
    }
  };
  return r;
}

}  // namespace tinkr::server
