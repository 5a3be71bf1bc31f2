#include "core/json.h"

#include <charconv>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tinkr {
namespace {

Error field_error(std::string_view field, std::string_view expected) {
  return make_error(ErrorCode::kInvalidArgument, fmt::format("field '{}': expected {}", field, expected));
}

json::object attributes_to_json(const Attributes& attrs) {
  json::object o;
  for (const auto& [k, v] : attrs) o[k] = v;
  return o;
}

Result<Attributes> attributes_from_json(const json::value& obj, std::string_view key) {
  Attributes out;
  const json::value* v = find_field(obj, key);
  if (!v || v->is_null()) return out;
  if (!v->is_object()) return field_error(key, "an object of strings");
  // Hinted at the end: keys written from an Attributes map arrive sorted, so
  // each insertion is constant time (any order stays correct).
  for (const auto& [k, val] : v->as_object()) {
    if (val.is_string()) out.emplace_hint(out.end(), std::string(k), std::string(val.as_string()));
    else out.emplace_hint(out.end(), std::string(k), json::serialize(val));
  }
  return out;
}

Result<Timestamp> time_field(const json::value& obj, std::string_view key, bool required) {
  const json::value* v = find_field(obj, key);
  if (!v || v->is_null()) {
    if (required) return field_error(key, "an RFC 3339 time");
    return Timestamp{};
  }
  if (!v->is_string()) return field_error(key, "an RFC 3339 time string");
  auto t = parse_rfc3339(v->as_string());
  if (!t) return field_error(key, t.error().message);
  return *t;
}

}  // namespace

Result<json::value> parse_json(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 256;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} is not valid JSON: {} ({} bytes{})", what, ec.message(), text.size(),
                                  text.empty() ? ", empty" : ""));
  }
  return v;
}

std::string to_json_string(const json::value& v) { return json::serialize(v); }

const json::value* find_field(const json::value& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  return obj.as_object().if_contains(key);
}

std::string_view get_string(const json::value& obj, std::string_view key, std::string_view fallback) {
  const json::value* v = find_field(obj, key);
  if (v && v->is_string()) return v->as_string();
  return fallback;
}

int64_t get_int(const json::value& obj, std::string_view key, int64_t fallback) {
  const json::value* v = find_field(obj, key);
  if (!v) return fallback;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  if (v->is_string()) {
    std::string_view s = v->as_string();
    int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size()) return out;
  }
  return fallback;
}

double get_double(const json::value& obj, std::string_view key, double fallback) {
  const json::value* v = find_field(obj, key);
  if (!v) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_string()) {
    std::string s(v->as_string());
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return d;
  }
  return fallback;
}

bool get_bool(const json::value& obj, std::string_view key, bool fallback) {
  const json::value* v = find_field(obj, key);
  if (v && v->is_bool()) return v->as_bool();
  return fallback;
}

json::value to_json(const LogEntry& e) {
  json::object o;
  o["time"] = format_rfc3339(e.time, 9);
  o["service"] = e.service;
  o["level"] = level_name(e.level);
  o["message"] = e.message;
  if (!e.trace_id.empty()) o["trace_id"] = e.trace_id;
  if (!e.span_id.empty()) o["span_id"] = e.span_id;
  if (!e.attributes.empty()) o["attributes"] = attributes_to_json(e.attributes);
  return o;
}

template <>
Result<LogEntry> from_json<LogEntry>(const json::value& v) {
  if (!v.is_object()) return make_error(ErrorCode::kInvalidArgument, "log entry: expected an object");
  LogEntry e;
  auto t = time_field(v, "time", true);
  if (!t) return t.error();
  e.time = *t;
  e.service = get_string(v, "service");
  e.level = parse_level(get_string(v, "level"));
  e.message = get_string(v, "message");
  e.trace_id = get_string(v, "trace_id");
  e.span_id = get_string(v, "span_id");
  auto attrs = attributes_from_json(v, "attributes");
  if (!attrs) return attrs.error();
  e.attributes = std::move(*attrs);
  return e;
}

json::value to_json(const MetricSeries& s) {
  json::object o;
  o["name"] = s.name;
  if (!s.unit.empty()) o["unit"] = s.unit;
  o["labels"] = attributes_to_json(s.labels);
  json::array pts;
  pts.reserve(s.points.size());
  for (const auto& p : s.points) {
    json::object po;
    po["time"] = format_rfc3339(p.time);
    po["value"] = p.value;
    pts.push_back(std::move(po));
  }
  o["points"] = std::move(pts);
  return o;
}

template <>
Result<MetricSeries> from_json<MetricSeries>(const json::value& v) {
  if (!v.is_object()) return make_error(ErrorCode::kInvalidArgument, "metric series: expected an object");
  MetricSeries s;
  s.name = get_string(v, "name");
  s.unit = get_string(v, "unit");
  auto labels = attributes_from_json(v, "labels");
  if (!labels) return labels.error();
  s.labels = std::move(*labels);
  const json::value* pts = find_field(v, "points");
  if (pts && pts->is_array()) {
    for (const auto& p : pts->as_array()) {
      auto t = time_field(p, "time", true);
      if (!t) return t.error();
      const json::value* val = find_field(p, "value");
      if (!val || !(val->is_number() || val->is_string())) return field_error("points[].value", "a number");
      s.points.push_back({*t, get_double(p, "value")});
    }
  } else if (pts && !pts->is_null()) {
    return field_error("points", "an array");
  }
  return s;
}

json::value to_json(const Span& s) {
  json::object o;
  o["trace_id"] = s.trace_id;
  o["span_id"] = s.span_id;
  if (!s.parent_span_id.empty()) o["parent_span_id"] = s.parent_span_id;
  o["service"] = s.service;
  o["name"] = s.name;
  o["kind"] = span_kind_name(s.kind);
  o["start"] = format_rfc3339(s.start, 9);
  o["duration_ns"] = s.duration.count();
  o["duration_ms"] = static_cast<double>(s.duration.count()) / 1e6;
  o["status"] = span_status_name(s.status);
  if (!s.status_message.empty()) o["status_message"] = s.status_message;
  if (!s.attributes.empty()) o["attributes"] = attributes_to_json(s.attributes);
  return o;
}

template <>
Result<Span> from_json<Span>(const json::value& v) {
  if (!v.is_object()) return make_error(ErrorCode::kInvalidArgument, "span: expected an object");
  Span s;
  s.trace_id = get_string(v, "trace_id");
  s.span_id = get_string(v, "span_id");
  s.parent_span_id = get_string(v, "parent_span_id");
  s.service = get_string(v, "service");
  s.name = get_string(v, "name");
  s.kind = parse_span_kind(get_string(v, "kind"));
  auto t = time_field(v, "start", true);
  if (!t) return t.error();
  s.start = *t;
  s.duration = Nanos(get_int(v, "duration_ns"));
  s.status = parse_span_status(get_string(v, "status"));
  s.status_message = get_string(v, "status_message");
  auto attrs = attributes_from_json(v, "attributes");
  if (!attrs) return attrs.error();
  s.attributes = std::move(*attrs);
  return s;
}

json::value to_json(const Trace& t) {
  json::object o;
  o["trace_id"] = t.trace_id;
  o["root_service"] = t.root_service;
  o["root_name"] = t.root_name;
  o["start"] = format_rfc3339(t.start, 9);
  o["duration_ns"] = t.duration.count();
  o["duration_ms"] = static_cast<double>(t.duration.count()) / 1e6;
  o["has_error"] = t.has_error;
  o["span_count"] = t.spans.size();
  o["spans"] = to_json(t.spans);
  return o;
}

template <>
Result<Trace> from_json<Trace>(const json::value& v) {
  if (!v.is_object()) return make_error(ErrorCode::kInvalidArgument, "trace: expected an object");
  Trace t;
  t.trace_id = get_string(v, "trace_id");
  t.root_service = get_string(v, "root_service");
  t.root_name = get_string(v, "root_name");
  auto st = time_field(v, "start", false);
  if (!st) return st.error();
  t.start = *st;
  t.duration = Nanos(get_int(v, "duration_ns"));
  t.has_error = get_bool(v, "has_error");
  if (const json::value* spans = find_field(v, "spans"); spans && !spans->is_null()) {
    auto parsed = from_json_array<Span>(*spans);
    if (!parsed) return make_error(parsed.error().code, "spans: " + parsed.error().message);
    t.spans = std::move(*parsed);
  }
  return t;
}

json::value to_json(const Anomaly& a) {
  json::object o;
  o["service"] = a.service;
  o["kind"] = a.kind;
  o["metric"] = a.metric;
  o["severity"] = severity_name(a.severity);
  o["start"] = format_rfc3339(a.start);
  o["end"] = format_rfc3339(a.end);
  o["observed"] = a.observed;
  o["baseline"] = a.baseline;
  o["baseline_spread"] = a.baseline_spread;
  o["reason"] = a.reason;
  json::array ev;
  for (const auto& e : a.evidence) ev.emplace_back(e);
  o["evidence"] = std::move(ev);
  return o;
}

template <>
Result<Anomaly> from_json<Anomaly>(const json::value& v) {
  if (!v.is_object()) return make_error(ErrorCode::kInvalidArgument, "anomaly: expected an object");
  Anomaly a;
  a.service = get_string(v, "service");
  a.kind = get_string(v, "kind");
  a.metric = get_string(v, "metric");
  auto sev = parse_severity(get_string(v, "severity", "low"));
  if (!sev) return sev.error();
  a.severity = *sev;
  auto st = time_field(v, "start", false);
  if (!st) return st.error();
  a.start = *st;
  auto en = time_field(v, "end", false);
  if (!en) return en.error();
  a.end = *en;
  a.observed = get_double(v, "observed");
  a.baseline = get_double(v, "baseline");
  a.baseline_spread = get_double(v, "baseline_spread");
  a.reason = get_string(v, "reason");
  if (const json::value* ev = find_field(v, "evidence"); ev && ev->is_array()) {
    for (const auto& e : ev->as_array()) {
      if (e.is_string()) a.evidence.emplace_back(e.as_string());
    }
  }
  return a;
}

json::value to_json(const Error& e) {
  json::object inner;
  inner["code"] = error_code_name(e.code);
  inner["message"] = e.message;
  json::object o;
  o["error"] = std::move(inner);
  return o;
}

std::optional<Error> error_from_json(const json::value& v) {
  const json::value* inner = find_field(v, "error");
  if (!inner || !inner->is_object()) return std::nullopt;
  return Error{error_code_from_name(get_string(*inner, "code")), std::string(get_string(*inner, "message"))};
}

}  // namespace tinkr
