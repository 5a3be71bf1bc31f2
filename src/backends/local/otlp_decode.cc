// OTLP/JSON decoding into the model (logs, metrics, traces).
//
// Encoding rules checked against the OpenTelemetry protocol specification
// (specification/protocol/otlp.md, "JSON Protobuf Encoding"): keys are
// lowerCamelCase; traceId/spanId are hex strings (case-insensitive), not
// base64; enums are integers; 64-bit integers (timeUnixNano, intValue,
// bucketCounts, count) are decimal strings, numbers are accepted too; unknown
// fields are ignored. Lenient on one point only: ids that are plainly base64
// of 16/8 bytes (the generic protobuf JSON mapping some exporters use) are
// converted to hex.
#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "backends/local/ingest.h"
#include "core/json.h"

namespace tinkr::local {
namespace {

const json::array* array_field(const json::value& v, std::string_view key) {
  const json::value* f = find_field(v, key);
  return f && f->is_array() ? &f->as_array() : nullptr;
}

// int64 given as a decimal string or a JSON number; nullopt if neither.
std::optional<int64_t> int64_field(const json::value& v, std::string_view key) {
  const json::value* f = find_field(v, key);
  if (!f) return std::nullopt;
  if (f->is_int64()) return f->as_int64();
  if (f->is_uint64()) return static_cast<int64_t>(f->as_uint64());
  if (f->is_double()) return static_cast<int64_t>(f->as_double());
  if (f->is_string()) {
    std::string_view s = f->as_string();
    int64_t out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::optional<double> double_value(const json::value& f) {
  if (f.is_double()) return f.as_double();
  if (f.is_int64()) return static_cast<double>(f.as_int64());
  if (f.is_uint64()) return static_cast<double>(f.as_uint64());
  if (f.is_string()) {  // "NaN", "Infinity", "-Infinity" per the proto3 JSON mapping, or a decimal
    std::string_view s = f.as_string();
    if (s == "NaN") return std::nan("");
    if (s == "Infinity") return HUGE_VAL;
    if (s == "-Infinity") return -HUGE_VAL;
    double out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::string shortest(double d) { return fmt::format("{}", d); }

json::value any_value_json(const json::value& any);

json::value any_value_json(const json::value& any) {
  if (!any.is_object()) return nullptr;
  const auto& o = any.as_object();
  if (auto* s = o.if_contains("stringValue")) return s->is_string() ? *s : json::value(nullptr);
  if (auto* b = o.if_contains("boolValue")) return b->is_bool() ? *b : json::value(nullptr);
  if (o.contains("intValue")) {
    auto i = int64_field(any, "intValue");
    return i ? json::value(*i) : json::value(nullptr);
  }
  if (auto* d = o.if_contains("doubleValue")) {
    auto v = double_value(*d);
    return v ? json::value(*v) : json::value(nullptr);
  }
  if (auto* a = o.if_contains("arrayValue")) {
    json::array out;
    if (const auto* values = array_field(*a, "values"))
      for (const auto& item : *values) out.push_back(any_value_json(item));
    return out;
  }
  if (auto* kv = o.if_contains("kvlistValue")) {
    json::object out;
    if (const auto* values = array_field(*kv, "values"))
      for (const auto& item : *values) {
        const json::value* iv = find_field(item, "value");
        out[get_string(item, "key")] = iv ? any_value_json(*iv) : json::value();
      }
    return out;
  }
  if (auto* b = o.if_contains("bytesValue")) return b->is_string() ? *b : json::value(nullptr);
  return "";
}

void read_attributes(const json::value& holder, Attributes& out, std::string_view prefix = "") {
  const json::array* attrs = array_field(holder, "attributes");
  if (!attrs) return;
  for (const auto& kv : *attrs) {
    std::string_view key = get_string(kv, "key");
    if (key.empty()) continue;
    const json::value* v = find_field(kv, "value");
    std::string text = v ? otlp_any_value_text(*v) : "";
    out.insert_or_assign(std::string(prefix) + std::string(key), std::move(text));
  }
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Hex id of `bytes` bytes from OTLP/JSON; "" for an absent/empty id, nullopt if invalid.
std::optional<std::string> read_id(const json::value& holder, std::string_view key, size_t bytes) {
  std::string_view s = get_string(holder, key);
  if (s.empty()) return std::string();
  std::string out;
  if (s.size() == bytes * 2 &&
      std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    out.reserve(s.size());
    for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  } else {
    // base64 of exactly `bytes` bytes (generic protobuf JSON), e.g. 24 chars with "==" for 16 bytes.
    std::string_view b = s;
    while (!b.empty() && b.back() == '=') b.remove_suffix(1);
    if (b.size() != (bytes * 4 + 2) / 3) return std::nullopt;
    uint32_t acc = 0;
    int bits = 0;
    std::string raw;
    for (char c : b) {
      int v = base64_value(c);
      if (v < 0) return std::nullopt;
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        raw.push_back(static_cast<char>((acc >> bits) & 0xff));
      }
    }
    if (raw.size() != bytes) return std::nullopt;
    for (unsigned char c : raw) out += fmt::format("{:02x}", c);
  }
  if (out.find_first_not_of('0') == std::string::npos) return std::string();  // all-zero: no id
  return out;
}

void reject(OtlpDecoded& d, std::string reason) {
  ++d.rejected;
  if (d.reasons.size() < 20) d.reasons.push_back(std::move(reason));
}

// The service of a resource and its other attributes.
std::pair<std::string, Attributes> resource_of(const json::value& resource_holder) {
  Attributes attrs;
  if (const json::value* r = find_field(resource_holder, "resource")) read_attributes(*r, attrs);
  std::string service = "unknown_service";
  if (auto it = attrs.find("service.name"); it != attrs.end()) {
    if (!it->second.empty()) service = it->second;
    attrs.erase(it);
  }
  return {service, attrs};
}

template <typename F>
void for_each_scope_item(const json::value& request, std::string_view resources_key, std::string_view scopes_key,
                         std::string_view items_key, F&& f) {
  const json::array* resources = array_field(request, resources_key);
  if (!resources) return;
  for (const auto& rs : *resources) {
    auto [service, resource_attrs] = resource_of(rs);
    const json::array* scopes = array_field(rs, scopes_key);
    if (!scopes) continue;
    for (const auto& sc : *scopes) {
      const json::array* items = array_field(sc, items_key);
      if (!items) continue;
      for (const auto& item : *items) f(service, resource_attrs, item);
    }
  }
}

double bucket_quantile(const std::vector<int64_t>& counts, const std::vector<double>& bounds, double q) {
  int64_t total = 0;
  for (auto c : counts) total += c;
  if (total <= 0) return std::nan("");
  double rank = q * static_cast<double>(total);
  int64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0 || static_cast<double>(seen + counts[i]) < rank) {
      seen += counts[i];
      continue;
    }
    double lo = i == 0 ? std::min(0.0, bounds.empty() ? 0.0 : bounds[0]) : bounds[i - 1];
    if (i >= bounds.size()) return bounds.empty() ? std::nan("") : bounds.back();  // +Inf bucket: its lower bound
    double hi = bounds[i];
    return lo + (hi - lo) * (rank - static_cast<double>(seen)) / static_cast<double>(counts[i]);
  }
  return bounds.empty() ? std::nan("") : bounds.back();
}

}  // namespace

std::string otlp_any_value_text(const json::value& any) {
  json::value v = any_value_json(any);
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_double()) return shortest(v.as_double());
  return json::serialize(v);
}

OtlpDecoded decode_otlp_logs(const json::value& request) {
  OtlpDecoded d;
  size_t index = 0;
  for_each_scope_item(request, "resourceLogs", "scopeLogs", "logRecords",
                      [&](const std::string& service, const Attributes& resource_attrs, const json::value& rec) {
                        ++index;
                        if (!rec.is_object()) return reject(d, fmt::format("log record {}: not an object", index));
                        LogEntry e;
                        auto t = int64_field(rec, "timeUnixNano");
                        if (!t || *t == 0) t = int64_field(rec, "observedTimeUnixNano");
                        if (!t || *t == 0)
                          return reject(d,
                                        fmt::format("log record {}: no timeUnixNano or observedTimeUnixNano", index));
                        e.time = from_unix_nanos(*t);
                        e.service = service;
                        int sev = static_cast<int>(int64_field(rec, "severityNumber").value_or(0));
                        e.level =
                            sev > 0 ? level_from_otel_severity(sev) : parse_level(get_string(rec, "severityText"));
                        if (const json::value* body = find_field(rec, "body")) e.message = otlp_any_value_text(*body);
                        auto trace_id = read_id(rec, "traceId", 16);
                        auto span_id = read_id(rec, "spanId", 8);
                        if (!trace_id || !span_id)
                          return reject(d,
                                        fmt::format("log record {}: traceId/spanId must be hex (32/16 digits)", index));
                        e.trace_id = std::move(*trace_id);
                        e.span_id = std::move(*span_id);
                        e.attributes = resource_attrs;
                        read_attributes(rec, e.attributes);
                        d.logs.push_back(std::move(e));
                      });
  return d;
}

OtlpDecoded decode_otlp_metrics(const json::value& request) {
  OtlpDecoded d;
  std::map<std::pair<std::string, std::string>, size_t> index;  // (name, labels key) -> series
  auto add_point = [&](const std::string& name, const std::string& unit, const Attributes& labels, int64_t t,
                       double v) {
    if (std::isnan(v)) return reject(d, fmt::format("metric {}: NaN value not stored", name));
    std::string key;
    for (const auto& [k, val] : labels) key += k + '\x1f' + val + '\x1e';
    auto [it, inserted] = index.try_emplace({name, key}, d.metrics.size());
    if (inserted) d.metrics.push_back(MetricSeries{name, unit, labels, {}});
    d.metrics[it->second].points.push_back({from_unix_nanos(t), v});
  };
  for_each_scope_item(
      request, "resourceMetrics", "scopeMetrics", "metrics",
      [&](const std::string& service, const Attributes&, const json::value& m) {
        std::string name(get_string(m, "name"));
        std::string unit(get_string(m, "unit"));
        if (name.empty()) return reject(d, "metric without a name");
        auto base_labels = [&](const json::value& dp) {
          Attributes labels;
          read_attributes(dp, labels);
          labels["service"] = service;
          return labels;
        };
        auto point_time = [&](const json::value& dp) -> std::optional<int64_t> {
          auto t = int64_field(dp, "timeUnixNano");
          if (!t || *t == 0) {
            reject(d, fmt::format("metric {}: data point without timeUnixNano", name));
            return std::nullopt;
          }
          return t;
        };
        const json::value* body = nullptr;
        if ((body = find_field(m, "gauge")) || (body = find_field(m, "sum"))) {
          const json::array* points = array_field(*body, "dataPoints");
          if (!points) return;
          for (const auto& dp : *points) {
            auto t = point_time(dp);
            if (!t) continue;
            std::optional<double> v;
            if (const json::value* f = find_field(dp, "asDouble")) v = double_value(*f);
            else if (auto i = int64_field(dp, "asInt")) v = static_cast<double>(*i);
            if (!v) {
              reject(d, fmt::format("metric {}: data point without asDouble/asInt", name));
              continue;
            }
            add_point(name, unit, base_labels(dp), *t, *v);
          }
        } else if ((body = find_field(m, "histogram"))) {
          const json::array* points = array_field(*body, "dataPoints");
          if (!points) return;
          for (const auto& dp : *points) {
            auto t = point_time(dp);
            if (!t) continue;
            std::vector<int64_t> counts;
            std::vector<double> bounds;
            if (const auto* bc = array_field(dp, "bucketCounts"))
              for (const auto& c : *bc) {
                json::value holder = json::object{{"c", c}};
                counts.push_back(int64_field(holder, "c").value_or(0));
              }
            if (const auto* eb = array_field(dp, "explicitBounds"))
              for (const auto& b : *eb) bounds.push_back(double_value(b).value_or(0));
            Attributes labels = base_labels(dp);
            if (auto c = int64_field(dp, "count")) add_point(name + "_count", "1", labels, *t, static_cast<double>(*c));
            if (const json::value* s = find_field(dp, "sum"))
              if (auto v = double_value(*s)) add_point(name + "_sum", unit, labels, *t, *v);
            if (!counts.empty() && counts.size() == bounds.size() + 1) {
              double p50 = bucket_quantile(counts, bounds, 0.5), p99 = bucket_quantile(counts, bounds, 0.99);
              if (!std::isnan(p50)) add_point(name + "_p50", unit, labels, *t, p50);
              if (!std::isnan(p99)) add_point(name + "_p99", unit, labels, *t, p99);
            } else if (!counts.empty()) {
              reject(d, fmt::format("metric {}: bucketCounts must have one more entry than explicitBounds", name));
            }
          }
        } else if ((body = find_field(m, "summary"))) {
          const json::array* points = array_field(*body, "dataPoints");
          if (!points) return;
          for (const auto& dp : *points) {
            auto t = point_time(dp);
            if (!t) continue;
            Attributes labels = base_labels(dp);
            if (auto c = int64_field(dp, "count")) add_point(name + "_count", "1", labels, *t, static_cast<double>(*c));
            if (const auto* qs = array_field(dp, "quantileValues"))
              for (const auto& q : *qs) {
                double quantile = get_double(q, "quantile", -1), value = get_double(q, "value");
                if (std::abs(quantile - 0.5) < 1e-9) add_point(name + "_p50", unit, labels, *t, value);
                else if (std::abs(quantile - 0.99) < 1e-9) add_point(name + "_p99", unit, labels, *t, value);
              }
          }
        } else if ((body = find_field(m, "exponentialHistogram"))) {
          size_t n = array_field(*body, "dataPoints") ? array_field(*body, "dataPoints")->size() : 0;
          for (size_t i = 0; i < n; ++i)
            reject(d, fmt::format("metric {}: exponential histograms are not supported", name));
        }
      });
  return d;
}

OtlpDecoded decode_otlp_traces(const json::value& request) {
  OtlpDecoded d;
  size_t index = 0;
  for_each_scope_item(request, "resourceSpans", "scopeSpans", "spans",
                      [&](const std::string& service, const Attributes&, const json::value& sp) {
                        ++index;
                        if (!sp.is_object()) return reject(d, fmt::format("span {}: not an object", index));
                        Span s;
                        auto trace_id = read_id(sp, "traceId", 16);
                        auto span_id = read_id(sp, "spanId", 8);
                        auto parent = read_id(sp, "parentSpanId", 8);
                        if (!trace_id || !span_id || !parent || trace_id->empty() || span_id->empty())
                          return reject(d,
                                        fmt::format("span {}: traceId/spanId must be hex (32/16 digits, not all zero)",
                                                    index));
                        auto start = int64_field(sp, "startTimeUnixNano");
                        auto end = int64_field(sp, "endTimeUnixNano");
                        if (!start || !end || *start == 0 || *end < *start)
                          return reject(d, fmt::format("span {}: needs startTimeUnixNano <= endTimeUnixNano", index));
                        s.trace_id = std::move(*trace_id);
                        s.span_id = std::move(*span_id);
                        s.parent_span_id = std::move(*parent);
                        s.service = service;
                        s.name = std::string(get_string(sp, "name"));
                        if (const json::value* k = find_field(sp, "kind")) {
                          if (k->is_string()) s.kind = parse_span_kind(k->as_string());
                          else s.kind = parse_span_kind(std::to_string(get_int(sp, "kind")));
                        }
                        s.start = from_unix_nanos(*start);
                        s.duration = Nanos(*end - *start);
                        if (const json::value* st = find_field(sp, "status")) {
                          if (const json::value* c = find_field(*st, "code"))
                            s.status = parse_span_status(c->is_string() ? std::string(c->as_string())
                                                                        : std::to_string(get_int(*st, "code")));
                          s.status_message = std::string(get_string(*st, "message"));
                        }
                        read_attributes(sp, s.attributes);
                        d.spans.push_back(std::move(s));
                      });
  return d;
}

}  // namespace tinkr::local
