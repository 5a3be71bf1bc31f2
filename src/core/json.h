// JSON helpers over Boost.JSON, and JSON conversion of the model types.
//
// Conversions are exception-free at the boundary: from_json returns a Result
// naming the field that was missing or of the wrong type. Field names are
// snake_case; times are RFC 3339 strings with nanoseconds; durations are
// integer nanoseconds ("duration_ns"). Thread-safe (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/model.h"
#include "core/result.h"

namespace tinkr {

namespace json = boost::json;

// Parses text; the error says where the syntax broke. `what` names the source
// in the message ("Loki answer", "request body").
Result<json::value> parse_json(std::string_view text, std::string_view what = "JSON");
std::string to_json_string(const json::value& v);

// Field access that never throws: nullptr / empty when missing or mistyped.
const json::value* find_field(const json::value& obj, std::string_view key);
std::string_view get_string(const json::value& obj, std::string_view key, std::string_view fallback = "");
// Numbers given as JSON numbers or as decimal strings (OTLP sends int64 as strings).
int64_t get_int(const json::value& obj, std::string_view key, int64_t fallback = 0);
double get_double(const json::value& obj, std::string_view key, double fallback = 0);
bool get_bool(const json::value& obj, std::string_view key, bool fallback = false);

json::value to_json(const LogEntry& e);
json::value to_json(const MetricSeries& s);
json::value to_json(const Span& s);
json::value to_json(const Trace& t);
json::value to_json(const Anomaly& a);
json::value to_json(const Error& e);  // {"error":{"code":"…","message":"…"}}
// Reads our own error body back; nullopt when v is not one.
std::optional<Error> error_from_json(const json::value& v);

template <typename T>
json::value to_json(const std::vector<T>& items) {
  json::array out;
  out.reserve(items.size());
  for (const auto& i : items) out.push_back(to_json(i));
  return out;
}

template <typename T>
Result<T> from_json(const json::value& v);  // defined for the model types above

template <>
Result<LogEntry> from_json<LogEntry>(const json::value& v);
template <>
Result<MetricSeries> from_json<MetricSeries>(const json::value& v);
template <>
Result<Span> from_json<Span>(const json::value& v);
template <>
Result<Trace> from_json<Trace>(const json::value& v);
template <>
Result<Anomaly> from_json<Anomaly>(const json::value& v);

// Converts a JSON array element by element; the error names the index.
template <typename T>
Result<std::vector<T>> from_json_array(const json::value& v) {
  if (!v.is_array()) return make_error(ErrorCode::kInvalidArgument, "expected a JSON array");
  std::vector<T> out;
  out.reserve(v.as_array().size());
  size_t i = 0;
  for (const auto& item : v.as_array()) {
    auto r = from_json<T>(item);
    if (!r) return make_error(r.error().code, "item " + std::to_string(i) + ": " + r.error().message);
    out.push_back(std::move(*r));
    ++i;
  }
  return out;
}

}  // namespace tinkr
