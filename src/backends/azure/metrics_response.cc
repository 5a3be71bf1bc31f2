#include "backends/azure/metrics_response.h"

#include <fmt/format.h>

#include "backends/azure/metrics_wire.h"
#include "core/json.h"

namespace tinkr::azure {
namespace {

namespace w = metrics_wire;

Error bad(std::string what) { return make_error(ErrorCode::kInvalidArgument, std::move(what)); }

// A JSON number; Azure sends doubles ("7.0") but an integer is fine too.
std::optional<double> number(const json::value& obj, std::string_view key) {
  const json::value* v = find_field(obj, key);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return std::nullopt;  // null or a string: no value
}

// name is {"value","localizedValue"}; tolerate a plain string.
std::string name_of(const json::value& obj) {
  const json::value* n = find_field(obj, w::kName);
  if (!n) return {};
  if (n->is_string()) return std::string(n->as_string());
  return std::string(get_string(*n, w::kValue));
}

Result<AzureTimeSeries> parse_series(const json::value& ts, const std::string& where) {
  if (!ts.is_object()) return bad(where + " is not an object");
  AzureTimeSeries out;
  if (const json::value* md = find_field(ts, w::kMetadataValues); md && md->is_array()) {
    for (const auto& m : md->as_array()) {
      const std::string key = name_of(m);
      if (!key.empty()) out.dimensions[key] = std::string(get_string(m, w::kValue));
    }
  }
  const json::value* data = find_field(ts, w::kData);
  if (!data) return out;
  if (!data->is_array()) return bad(where + ".data is not an array");
  out.data.reserve(data->as_array().size());
  size_t i = 0;
  for (const auto& d : data->as_array()) {
    const std::string at = fmt::format("{}.data[{}]", where, i++);
    if (!d.is_object()) return bad(at + " is not an object");
    const std::string_view stamp = get_string(d, w::kTimeStamp);
    if (stamp.empty()) return bad(at + " has no timeStamp");
    auto t = parse_rfc3339(stamp);
    if (!t.ok()) return bad(fmt::format("{}.timeStamp \"{}\" is not RFC 3339", at, stamp));
    AzureDataPoint p;
    p.time = *t;
    p.average = number(d, w::kAverage);
    p.minimum = number(d, w::kMinimum);
    p.maximum = number(d, w::kMaximum);
    p.total = number(d, w::kTotal);
    p.count = number(d, w::kCount);
    out.data.push_back(p);
  }
  return out;
}

}  // namespace

std::optional<double> AzureDataPoint::get(Aggregation a) const {
  switch (a) {
    case Aggregation::kAverage: return average;
    case Aggregation::kMinimum: return minimum;
    case Aggregation::kMaximum: return maximum;
    case Aggregation::kTotal: return total;
    case Aggregation::kCount: return count;
  }
  return std::nullopt;
}

std::optional<double> AzureDataPoint::any() const {
  if (average) return average;
  if (total) return total;
  if (maximum) return maximum;
  if (minimum) return minimum;
  return count;
}

Result<AzureMetricsResponse> parse_metrics_response(std::string_view body) {
  auto parsed = parse_json(body, "metrics answer");
  if (!parsed.ok()) return bad(parsed.error().message);
  const json::value& root = *parsed;
  if (!root.is_object()) return bad("the answer is not a JSON object");
  const json::value* value = find_field(root, w::kValue);
  if (!value || !value->is_array()) return bad("the answer has no \"value\" array");

  AzureMetricsResponse out;
  out.timespan = std::string(get_string(root, w::kTimespan));
  out.interval = std::string(get_string(root, w::kInterval));
  out.metric_namespace = std::string(get_string(root, w::kNamespace));
  out.region = std::string(get_string(root, w::kResourceRegion));
  size_t i = 0;
  for (const auto& m : value->as_array()) {
    const std::string where = fmt::format("value[{}]", i++);
    if (!m.is_object()) return bad(where + " is not an object");
    AzureMetric metric;
    metric.name = name_of(m);
    metric.unit = std::string(get_string(m, w::kUnit));
    metric.error_code = std::string(get_string(m, w::kErrorCode));
    metric.error_message = std::string(get_string(m, w::kErrorMessage));
    if (const json::value* ts = find_field(m, w::kTimeseries); ts && ts->is_array()) {
      size_t j = 0;
      for (const auto& s : ts->as_array()) {
        TINKR_ASSIGN_OR_RETURN(auto series, parse_series(s, fmt::format("{}.timeseries[{}]", where, j++)));
        metric.timeseries.push_back(std::move(series));
      }
    } else if (ts && !ts->is_null()) {
      return bad(where + ".timeseries is not an array");
    }
    out.metrics.push_back(std::move(metric));
  }
  return out;
}

std::optional<AzureError> parse_azure_error(std::string_view body) {
  auto parsed = parse_json(body, "error body");
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  const json::value* obj = &*parsed;
  if (const json::value* env = find_field(*obj, w::kError); env && env->is_object()) obj = env;
  AzureError e;
  e.code = std::string(get_string(*obj, w::kErrorFieldCode));
  e.message = std::string(get_string(*obj, w::kErrorFieldMessage));
  if (e.code.empty() && e.message.empty()) return std::nullopt;
  return e;
}

}  // namespace tinkr::azure
