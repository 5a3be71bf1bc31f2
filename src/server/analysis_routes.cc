// The analysis routes: anomalies, diff, SLO, log patterns and the
// evidence-based root-cause report (SSE). See analysis_routes.h.
#include "server/analysis_routes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "agent/rca/log_lines.h"
#include "agent/rca/report.h"
#include "analysis/anomaly_detect.h"
#include "analysis/anomaly_json.h"
#include "analysis/diff.h"
#include "analysis/patterns/miner.h"
#include "analysis/patterns/template_json.h"
#include "analysis/patterns/window_compare.h"
#include "analysis/sanitizer.h"
#include "analysis/slo.h"
#include "analysis/stats.h"
#include "core/json.h"
#include "server/routes.h"
#include "server/state.h"

namespace tinkr::server {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr size_t kMaxMinedLines = 10000;  // log lines read per window for pattern mining
constexpr Nanos kMaxWindow = hours(24 * 400);

// ---- request fields ------------------------------------------------------------

Result<std::string> required_service(const json::value& body) {
  TINKR_ASSIGN_OR_RETURN(auto s, optional_string(body, "service"));
  if (!s || s->empty()) {
    return make_error(ErrorCode::kInvalidArgument, "field 'service' is required: name the service to analyse");
  }
  if (s->size() > 256) return make_error(ErrorCode::kInvalidArgument, "field 'service': at most 256 characters");
  return *s;
}

Result<Nanos> duration_field(const json::value& body, std::string_view key, Nanos fallback) {
  TINKR_ASSIGN_OR_RETURN(auto s, optional_string(body, key));
  if (!s || s->empty()) return fallback;
  auto d = parse_duration(*s);
  if (!d) return make_error(ErrorCode::kInvalidArgument, fmt::format("field '{}': {}", key, d.error().message));
  if (*d <= Nanos(0) || *d > kMaxWindow) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("field '{}': use a duration from 1s to 400d", key));
  }
  return *d;
}

// ---- sanitizing what leaves the server ----------------------------------------------

// Keys whose string values (or arrays of strings) may carry log text.
bool is_text_key(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kKeys = {"reason",  "evidence", "template", "examples", "text",
                                                            "message", "content",  "title",    "notes"};
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

void sanitize_in_place(json::value& v, bool text) {
  if (v.is_string()) {
    if (text) v = json::string(sanitize::sanitize_text(v.as_string()));
  } else if (v.is_array()) {
    for (auto& item : v.as_array()) sanitize_in_place(item, text);
  } else if (v.is_object()) {
    for (auto& [k, item] : v.as_object()) sanitize_in_place(item, is_text_key(k));
  }
}

net::ServerResponse ok_sanitized(json::value v) {
  sanitize_in_place(v, false);
  return ok_json(v);
}

template <typename F>
net::ServerResponse with_backend_and_body(RequestContext& ctx, F&& f) {
  auto body = json_body(ctx);
  if (!body) return net::error_response(body.error());
  auto backend = ctx.state.require_backend();
  if (!backend) return net::error_response(backend.error());
  return f(**backend, *body);
}

// ---- pattern mining over the backend ---------------------------------------------------

struct MinedLogs {
  std::vector<LogEntry> entries;  // summarized for mining
  bool truncated = false;
};

Result<MinedLogs> read_for_mining(ObservabilityBackend& backend, const std::string& service, const TimeRange& range,
                                  const std::string& filter, const std::string& resource_type) {
  LogQuery q;
  q.service = service;
  q.range = range;
  q.filter = filter.empty() ? "*" : filter;
  q.limit = kMaxMinedLines;
  q.newest_first = true;
  q.resource_type = resource_type;
  TINKR_ASSIGN_OR_RETURN(auto entries, backend.query_logs(q));
  MinedLogs m;
  m.truncated = entries.size() >= kMaxMinedLines;
  m.entries = rca::summarized_for_mining(entries);
  return m;
}

Level dominant_level(const analysis::LogTemplate& t) {
  size_t best = 0;
  for (size_t i = 1; i < t.level_counts.size(); ++i) {
    if (t.level_counts[i] > t.level_counts[best]) best = i;
  }
  return static_cast<Level>(best);
}

// The anomaly detector's template counter: one window's templates.
anomaly::TemplateCounter template_counter(ObservabilityBackend& backend, std::string resource_type) {
  return [&backend, resource_type = std::move(resource_type)](const std::string& service, const TimeRange& range)
             -> Result<std::vector<anomaly::TemplateCount>> {
    TINKR_ASSIGN_OR_RETURN(auto logs, read_for_mining(backend, service, range, "*", resource_type));
    std::vector<anomaly::TemplateCount> out;
    for (const auto& t : analysis::mine_entries(logs.entries)) {
      out.push_back({t.id, t.text, dominant_level(t), static_cast<double>(t.count)});
    }
    return out;
  };
}

// ---- /slo from metrics -------------------------------------------------------------------

// Seconds between consecutive points (median), or the fallback.
double spacing_seconds(const MetricSeries& s, Nanos fallback) {
  std::vector<double> gaps;
  for (size_t i = 1; i < s.points.size(); ++i) {
    gaps.push_back(std::chrono::duration<double>(s.points[i].time - s.points[i - 1].time).count());
  }
  auto m = stats::median(gaps);
  return m && *m > 0 ? *m : std::chrono::duration<double>(fallback).count();
}

// Request and error counts per point from request_rate (req/s) and error_rate
// (ratio, or % when the unit says so). Fails when either is missing.
Result<slo::SloInput> slo_input_from_metrics(ObservabilityBackend& backend, const std::string& service,
                                             const TimeRange& range, Nanos step, const std::string& resource_type) {
  MetricQuery q;
  q.service = service;
  q.range = range;
  q.step = step;
  q.resource_type = resource_type;
  q.metric = "request_rate";
  TINKR_ASSIGN_OR_RETURN(auto rates, backend.get_metrics(q));
  q.metric = "error_rate";
  TINKR_ASSIGN_OR_RETURN(auto errors, backend.get_metrics(q));
  auto has_points = [](const std::vector<MetricSeries>& v) {
    return std::any_of(v.begin(), v.end(), [](const auto& s) { return !s.points.empty(); });
  };
  if (!has_points(rates) || !has_points(errors)) {
    return make_error(ErrorCode::kNotFound, "the backend has no request_rate and error_rate series for this service");
  }
  // Error ratio per label set and time.
  std::map<Attributes, std::map<Timestamp, double>> ratio;
  for (const auto& s : errors) {
    double scale = (s.unit == "%" || s.unit == "percent") ? 0.01 : 1.0;
    for (const auto& p : s.points) ratio[s.labels][p.time] = p.value * scale;
  }
  std::map<Timestamp, double> req_by_time, err_by_time;
  for (const auto& s : rates) {
    double per_point = spacing_seconds(s, step);
    const std::map<Timestamp, double>* r = nullptr;
    if (auto it = ratio.find(s.labels); it != ratio.end()) {
      r = &it->second;
    } else if (ratio.size() == 1) {
      r = &ratio.begin()->second;
    }
    for (const auto& p : s.points) {
      double n = std::max(0.0, p.value) * per_point;
      req_by_time[p.time] += n;
      double er = 0;
      if (r) {
        auto e = r->upper_bound(p.time);  // the ratio at or just before this point
        if (e != r->begin()) er = std::clamp(std::prev(e)->second, 0.0, 1.0);
      }
      err_by_time[p.time] += n * er;
    }
  }
  slo::SloInput in;
  in.end = range.to;
  in.requests.name = "requests";
  in.errors.name = "errors";
  for (const auto& [t, n] : req_by_time) in.requests.points.push_back({t, n});
  for (const auto& [t, n] : err_by_time) in.errors.points.push_back({t, n});
  return in;
}

}  // namespace

// ---- handlers -------------------------------------------------------------------------------

net::ServerResponse handle_anomalies(RequestContext& ctx) {
  return with_backend_and_body(ctx, [&](ObservabilityBackend& backend, const json::value& body) {
    auto service = required_service(body);
    if (!service) return net::error_response(service.error());
    auto range = body_range(body, hours(1));
    if (!range) return net::error_response(range.error());
    AnomalyQuery q;
    q.service = *service;
    q.range = *range;
    auto severity = optional_string(body, "severity");
    if (!severity) return net::error_response(severity.error());
    if (*severity && !(*severity)->empty()) {
      auto s = parse_severity(**severity);
      if (!s) {
        return net::error_response(
            make_error(ErrorCode::kInvalidArgument, "field 'severity': use low, medium, high or critical"));
      }
      q.min_severity = *s;
    }
    anomaly::AnomalyDetectionOptions o;
    o.count_templates = template_counter(backend, resource_type_for(ctx, body, *service));
    auto report = anomaly::run_anomaly_detection(backend, q, o);
    if (!report) return net::error_response(report.error());
    json::value v = anomaly::to_json(*report);
    if (v.is_object()) v.as_object()["service"] = *service;
    return ok_sanitized(std::move(v));
  });
}

net::ServerResponse handle_diff(RequestContext& ctx) {
  return with_backend_and_body(ctx, [&](ObservabilityBackend& backend, const json::value& body) {
    auto service = required_service(body);
    if (!service) return net::error_response(service.error());
    auto baseline = duration_field(body, "baseline", hours(2));
    if (!baseline) return net::error_response(baseline.error());
    auto compare = duration_field(body, "compare", hours(1));
    if (!compare) return net::error_response(compare.error());
    diff::DiffQuery q;
    q.service = *service;
    q.baseline_offset = *baseline;
    q.compare_length = *compare;
    q.now = now();
    auto report = diff::compute_diff(backend, q);
    if (!report) return net::error_response(report.error());

    // Log patterns: both windows mined by one miner, so that templates match.
    std::string resource_type = resource_type_for(ctx, body, *service);
    json::array notes;
    auto base_logs = read_for_mining(backend, *service, report->windows.baseline, "*", resource_type);
    auto cmp_logs = read_for_mining(backend, *service, report->windows.compare, "*", resource_type);
    if (!base_logs || !cmp_logs) {
      report->unavailable.push_back({"log_patterns", base_logs ? cmp_logs.error() : base_logs.error()});
    } else {
      auto windows = analysis::compare_windows(base_logs->entries, cmp_logs->entries);
      std::vector<anomaly::TemplateCount> b, c;
      for (const auto& t : windows.templates) {
        Level level = dominant_level(t.tmpl);
        if (t.baseline_count > 0) b.push_back({t.tmpl.id, t.tmpl.text, level, static_cast<double>(t.baseline_count)});
        if (t.current_count > 0) c.push_back({t.tmpl.id, t.tmpl.text, level, static_cast<double>(t.current_count)});
      }
      report->patterns = diff::diff_patterns(b, c, report->windows.baseline.length(), report->windows.compare.length());
      if (base_logs->truncated || cmp_logs->truncated) {
        notes.emplace_back(
            fmt::format("log patterns were mined from the newest {} lines of each window", kMaxMinedLines));
      }
    }
    json::value v = diff::to_json(*report);
    if (v.is_object()) {
      auto& o = v.as_object();
      if (!o.contains("service")) o["service"] = *service;
      o["notes"] = std::move(notes);
    }
    return ok_sanitized(std::move(v));
  });
}

net::ServerResponse handle_slo(RequestContext& ctx) {
  return with_backend_and_body(ctx, [&](ObservabilityBackend& backend, const json::value& body) {
    auto service = required_service(body);
    if (!service) return net::error_response(service.error());
    double target = 99.9;
    if (const json::value* t = find_field(body, "target"); t && !t->is_null()) {
      if (!t->is_number()) {
        return net::error_response(
            make_error(ErrorCode::kInvalidArgument, "field 'target': expected a number like 99.9"));
      }
      target = get_double(body, "target", 99.9);
    }
    if (!(target > 0 && target < 100)) {
      return net::error_response(
          make_error(ErrorCode::kInvalidArgument, "field 'target': a percentage between 0 and 100, e.g. 99.9"));
    }
    auto window = duration_field(body, "window", hours(24 * 30));
    if (!window) return net::error_response(window.error());
    Timestamp end = now();
    TimeRange range{end - *window, end};
    // One point per minute up to ~5000 points, then coarser.
    Nanos step = std::max<Nanos>(minutes(1), std::chrono::duration_cast<minutes>(*window / 5000));
    std::string resource_type = resource_type_for(ctx, body, *service);

    std::string source = "metrics";
    std::string source_note = "request and error counts from the request_rate and error_rate metrics";
    Result<slo::SloReport> report = make_error(ErrorCode::kInternal, "not computed");
    auto input = slo_input_from_metrics(backend, *service, range, step, resource_type);
    if (input) {
      input->target_percent = target;
      input->window = *window;
      report = slo::compute_slo(*input);
    }
    if (!input || !report) {
      std::string why = !input ? input.error().message : report.error().message;
      slo::SloQuery q;
      q.service = *service;
      q.target_percent = target;
      q.window = *window;
      q.end = end;
      report = slo::compute_slo(backend, q);
      source = "log_volume";
      source_note =
          "request and error counts from log volume (all lines / ERROR and above), because the metrics "
          "were not usable: " +
          why;
    }
    if (!report) return net::error_response(report.error());
    json::value v = slo::to_json(*report);
    if (v.is_object()) {
      auto& o = v.as_object();
      o["service"] = *service;
      o["source"] = source;
      o["source_note"] = source_note;
    }
    return ok_sanitized(std::move(v));
  });
}

net::ServerResponse handle_patterns(RequestContext& ctx) {
  return with_backend_and_body(ctx, [&](ObservabilityBackend& backend, const json::value& body) {
    auto service = optional_string(body, "service");
    if (!service) return net::error_response(service.error());
    auto range = body_range(body, hours(1));
    if (!range) return net::error_response(range.error());
    auto query = optional_string(body, "query");
    if (!query) return net::error_response(query.error());
    auto limit = bounded_int(body, "limit", 20, 1, 500);
    if (!limit) return net::error_response(limit.error());
    std::string svc = service->value_or("");
    auto logs = read_for_mining(backend, svc, *range, query->value_or("*"), resource_type_for(ctx, body, svc));
    if (!logs) return net::error_response(logs.error());
    auto templates = analysis::mine_entries(logs->entries);
    json::array items;
    for (size_t i = 0; i < templates.size() && i < static_cast<size_t>(*limit); ++i) {
      items.push_back(analysis::to_json(templates[i]));
    }
    json::object o;
    o["service"] = svc;
    o["from"] = format_rfc3339(range->from);
    o["to"] = format_rfc3339(range->to);
    o["lines_read"] = logs->entries.size();
    o["templates_total"] = templates.size();
    o["truncated"] = logs->truncated;
    if (logs->truncated) {
      o["notes"] =
          json::array{json::value(fmt::format("only the newest {} lines of the window were mined", kMaxMinedLines))};
    }
    o["patterns"] = std::move(items);
    return ok_sanitized(json::value(std::move(o)));
  });
}

net::ServerResponse handle_rca(RequestContext& ctx) {
  auto body = json_body(ctx);
  if (!body) return net::error_response(body.error());
  auto service = required_service(*body);
  if (!service) return net::error_response(service.error());
  auto range = body_range(*body, hours(1));
  if (!range) return net::error_response(range.error());
  auto backend_r = ctx.state.require_backend();
  if (!backend_r) return net::error_response(backend_r.error());
  ObservabilityBackend* backend = *backend_r;
  store::EventsStore* events = ctx.state.events.get();  // may be null: the report states the gap

  net::ServerResponse r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");
  r.stream = [backend, events, service = *service, range = *range](net::EventSink& sink) {
    // A comment first: the client knows the stream is open while evidence is gathered.
    if (!sink.write(": collecting evidence\n\n")) return;
    auto write_section = [&sink](const rca::Section& s) {
      json::object o;
      o["type"] = "section";
      o["title"] = sanitize::sanitize_text(s.title);
      o["content"] = sanitize::sanitize_text(s.content);
      return sink.write(sse_event("section", o));
    };
    rca::run_rca(*backend, events, service, range, write_section);
    if (!sink.open()) return;
    sink.write(sse_event("done", json::object{{"type", "done"}}));
  };
  return r;
}

void register_analysis_routes(Router& router) {
  using auth::Role;
  //            method  pattern               role           handler
  router.add({"POST", "/api/v1/anomalies", Role::kViewer, handle_anomalies});
  router.add({"POST", "/api/v1/diff", Role::kViewer, handle_diff});
  router.add({"POST", "/api/v1/slo", Role::kViewer, handle_slo});
  router.add({"POST", "/api/v1/patterns", Role::kViewer, handle_patterns});
  router.add({"POST", "/api/v1/rca", Role::kViewer, handle_rca});
}

}  // namespace tinkr::server
