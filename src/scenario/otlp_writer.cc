// OTLP/JSON rendering of the scenario (and of any model objects): the
// ExportLogsServiceRequest, ExportMetricsServiceRequest and
// ExportTraceServiceRequest bodies of OTLP/HTTP with JSON encoding.
//
// Encoding rules (opentelemetry-specification, protocol/otlp.md, "JSON
// Protobuf Encoding"): lowerCamelCase keys, traceId/spanId as hex strings,
// enums as integers, 64-bit integers (timeUnixNano…) as decimal strings.
#include <fstream>
#include <map>

#include <boost/json.hpp>

#include "core/json.h"
#include "scenario/scenario.h"

namespace tinkr::scenario {
namespace {

json::array otlp_attributes(const Attributes& attrs) {
  json::array out;
  for (const auto& [k, v] : attrs) {
    json::object kv;
    kv["key"] = k;
    kv["value"] = json::object{{"stringValue", v}};
    out.push_back(std::move(kv));
  }
  return out;
}

json::object resource(std::string_view service) {
  json::object r;
  r["attributes"] = otlp_attributes({{"service.name", std::string(service)}});
  return r;
}

json::object scope() { return json::object{{"name", "tinkr.scenario"}, {"version", "1"}}; }

std::string nanos(Timestamp t) { return std::to_string(to_unix_nanos(t)); }

int severity_number(Level l) {
  switch (l) {
    case Level::kTrace: return 1;
    case Level::kDebug: return 5;
    case Level::kInfo: return 9;
    case Level::kWarn: return 13;
    case Level::kError: return 17;
    case Level::kCritical: return 21;
    case Level::kUnknown: break;
  }
  return 0;
}

Status write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    return make_error(ErrorCode::kInternal, "cannot write " + file.string() + ": check the directory is writable");
  return ok_status();
}

}  // namespace

std::string otlp_logs_json(const std::vector<LogEntry>& logs) {
  std::map<std::string, json::array> by_service;
  for (const auto& e : logs) {
    json::object rec;
    rec["timeUnixNano"] = nanos(e.time);
    rec["observedTimeUnixNano"] = nanos(e.time);
    rec["severityNumber"] = severity_number(e.level);
    if (e.level != Level::kUnknown) rec["severityText"] = level_name(e.level);
    rec["body"] = json::object{{"stringValue", e.message}};
    if (!e.attributes.empty()) rec["attributes"] = otlp_attributes(e.attributes);
    if (!e.trace_id.empty()) rec["traceId"] = e.trace_id;
    if (!e.span_id.empty()) rec["spanId"] = e.span_id;
    by_service[e.service].push_back(std::move(rec));
  }
  json::array resource_logs;
  for (auto& [service, records] : by_service) {
    json::object scope_logs{{"scope", scope()}, {"logRecords", std::move(records)}};
    resource_logs.push_back(
        json::object{{"resource", resource(service)}, {"scopeLogs", json::array{std::move(scope_logs)}}});
  }
  return json::serialize(json::object{{"resourceLogs", std::move(resource_logs)}});
}

std::string otlp_metrics_json(const std::vector<MetricSeries>& metrics) {
  std::map<std::string, json::array> by_service;
  for (const auto& s : metrics) {
    auto it = s.labels.find("service");
    std::string service = it == s.labels.end() ? "" : it->second;
    Attributes point_attrs = s.labels;
    point_attrs.erase("service");
    json::array points;
    for (const auto& p : s.points) {
      json::object dp{{"timeUnixNano", nanos(p.time)}, {"asDouble", p.value}};
      if (!point_attrs.empty()) dp["attributes"] = otlp_attributes(point_attrs);
      points.push_back(std::move(dp));
    }
    json::object m{{"name", s.name}, {"unit", s.unit}, {"gauge", json::object{{"dataPoints", std::move(points)}}}};
    by_service[service].push_back(std::move(m));
  }
  json::array resource_metrics;
  for (auto& [service, ms] : by_service) {
    json::object scope_metrics{{"scope", scope()}, {"metrics", std::move(ms)}};
    resource_metrics.push_back(
        json::object{{"resource", resource(service)}, {"scopeMetrics", json::array{std::move(scope_metrics)}}});
  }
  return json::serialize(json::object{{"resourceMetrics", std::move(resource_metrics)}});
}

std::string otlp_traces_json(const std::vector<Trace>& traces) {
  std::map<std::string, json::array> by_service;
  for (const auto& t : traces) {
    for (const auto& s : t.spans) {
      json::object o;
      o["traceId"] = s.trace_id;
      o["spanId"] = s.span_id;
      if (!s.parent_span_id.empty()) o["parentSpanId"] = s.parent_span_id;
      o["name"] = s.name;
      o["kind"] = static_cast<int>(s.kind);
      o["startTimeUnixNano"] = nanos(s.start);
      o["endTimeUnixNano"] = nanos(s.end());
      if (!s.attributes.empty()) o["attributes"] = otlp_attributes(s.attributes);
      json::object status;
      if (s.status != SpanStatus::kUnset) status["code"] = static_cast<int>(s.status);
      if (!s.status_message.empty()) status["message"] = s.status_message;
      o["status"] = std::move(status);
      by_service[s.service].push_back(std::move(o));
    }
  }
  json::array resource_spans;
  for (auto& [service, spans] : by_service) {
    json::object scope_spans{{"scope", scope()}, {"spans", std::move(spans)}};
    resource_spans.push_back(
        json::object{{"resource", resource(service)}, {"scopeSpans", json::array{std::move(scope_spans)}}});
  }
  return json::serialize(json::object{{"resourceSpans", std::move(resource_spans)}});
}

std::string events_json(const std::vector<Event>& events) {
  json::array out;
  for (const auto& e : events) {
    json::object attrs;
    for (const auto& [k, v] : e.attributes) attrs[k] = v;
    out.push_back(json::object{{"time", format_rfc3339(e.time)},
                               {"service", e.service},
                               {"kind", e.kind},
                               {"title", e.title},
                               {"attributes", std::move(attrs)}});
  }
  return json::serialize(out);
}

Status write_otlp(const Scenario& s, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kInternal, "cannot create " + dir.string() + ": " + ec.message());
  TINKR_RETURN_IF_ERROR(write_file(dir / "logs.json", otlp_logs_json(s.logs)));
  TINKR_RETURN_IF_ERROR(write_file(dir / "metrics.json", otlp_metrics_json(s.metrics)));
  TINKR_RETURN_IF_ERROR(write_file(dir / "traces.json", otlp_traces_json(s.traces)));
  TINKR_RETURN_IF_ERROR(write_file(dir / "events.json", events_json(s.events)));
  return ok_status();
}

}  // namespace tinkr::scenario
