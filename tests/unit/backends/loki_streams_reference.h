// The DOM-walking parse_loki_streams that the SAX one replaced (commit
// d1e9399's loki_mapping.cc, unchanged but for its name): a test oracle for
// tests/unit/backends/grafana_streams_sax_test.cc, which checks that both give
// the same entries and errors, and the baseline of bench/loki_parse_bench.cc.
#pragma once

#include <fmt/format.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>

#include "backends/grafana/grafana_wire.h"
#include "backends/grafana/loki_mapping.h"

namespace tinkr::grafana::reference {
namespace json = boost::json;

inline Error bad(std::string_view what) { return make_error(ErrorCode::kBackend, std::string(what)); }

inline const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

inline void copy_labels(const json::value* v, Attributes& out) {
  if (!v || !v->is_object()) return;
  for (const auto& [k, val] : v->get_object()) {
    if (val.is_string()) out.insert_or_assign(std::string(k), std::string(val.get_string()));
  }
}

inline std::vector<std::string> read_warnings(const json::object& root) {
  std::vector<std::string> out;
  if (const auto* w = member(root, wire::kWarnings); w && w->is_array()) {
    for (const auto& item : w->get_array()) {
      if (item.is_string()) out.emplace_back(item.get_string());
    }
  }
  return out;
}

// The {"status":"success","data":{…}} envelope; the error names what failed.
inline Result<const json::object*> success_data(const json::value& root) {
  if (!root.is_object()) return bad("the answer is not a JSON object");
  const auto& o = root.get_object();
  const auto* status = member(o, wire::kStatus);
  if (status && status->is_string() && status->get_string() == wire::kStatusError) {
    const auto* err = member(o, "error");
    return bad(fmt::format("the answer has status \"error\": {}",
                           err && err->is_string() ? std::string_view(err->get_string()) : std::string_view("?")));
  }
  const auto* data = member(o, wire::kData);
  if (!data || !data->is_object()) return bad("the answer has no \"data\" object");
  return &data->get_object();
}

inline Result<Timestamp> ns_from_string(const json::value& v) {
  if (v.is_string()) {
    const auto& s = v.get_string();
    int64_t ns = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ns);
    if (ec == std::errc() && end == s.data() + s.size()) return from_unix_nanos(ns);
  } else if (v.is_int64()) {
    return from_unix_nanos(v.get_int64());
  } else if (v.is_uint64()) {
    return from_unix_nanos(static_cast<int64_t>(v.get_uint64()));
  }
  return bad("a stream value's timestamp is not a nanosecond string");
}

template <size_t N>
inline const std::string* first_of(const Attributes& attrs, const std::string_view (&keys)[N]) {
  for (std::string_view k : keys) {
    auto it = attrs.find(k);
    if (it != attrs.end() && !it->second.empty()) return &it->second;
  }
  return nullptr;
}

inline Level level_from_attributes(const Attributes& attrs) {
  for (std::string_view k : wire::loki::kLevelLabels) {
    auto it = attrs.find(k);
    if (it == attrs.end()) continue;
    Level l = parse_level(it->second);
    if (l != Level::kUnknown) return l;
  }
  return Level::kUnknown;
}

inline Result<LokiStreamsAnswer> parse_loki_streams_dom(std::string_view body, const LokiMappingOptions& options) {
  json::monotonic_resource arena;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &arena);
  if (ec) return bad(fmt::format("invalid JSON: {}", ec.message()));
  TINKR_ASSIGN_OR_RETURN(const json::object* data, success_data(root));
  const auto* type = member(*data, wire::kResultType);
  if (!type || !type->is_string() || type->get_string() != wire::kStreams) {
    return bad(fmt::format("expected resultType \"streams\", got \"{}\"",
                           type && type->is_string() ? std::string_view(type->get_string()) : std::string_view("?")));
  }
  const auto* result = member(*data, wire::kResult);
  if (!result || !result->is_array()) return bad("the answer has no \"result\" array");

  LokiStreamsAnswer out;
  out.warnings = read_warnings(root.get_object());
  for (const auto& stream_v : result->get_array()) {
    if (!stream_v.is_object()) return bad("a stream is not an object");
    const auto& stream = stream_v.get_object();
    Attributes labels;
    copy_labels(member(stream, wire::loki::kStream), labels);
    const auto* values = member(stream, wire::kValues);
    if (!values || !values->is_array()) return bad("a stream has no \"values\" array");
    const Level stream_level = level_from_attributes(labels);
    auto service_it = labels.find(options.service_label);
    const std::string stream_service = service_it == labels.end() ? std::string() : service_it->second;

    for (const auto& value_v : values->get_array()) {
      if (!value_v.is_array()) return bad("a stream value is not an array");
      const auto& tuple = value_v.get_array();
      if (tuple.size() < 2 || !tuple[1].is_string()) return bad("a stream value is not [timestamp, line]");
      LogEntry e;
      TINKR_ASSIGN_OR_RETURN(e.time, ns_from_string(tuple[0]));
      e.message.assign(tuple[1].get_string().data(), tuple[1].get_string().size());
      e.attributes = labels;
      e.service = stream_service;
      e.level = stream_level;
      bool extra = false;
      if (tuple.size() >= 3 && tuple[2].is_object()) {
        const auto& cat = tuple[2].get_object();
        const auto* sm = member(cat, wire::loki::kStructuredMetadata);
        const auto* parsed = member(cat, wire::loki::kParsed);
        if ((sm && sm->is_object() && !sm->get_object().empty()) ||
            (parsed && parsed->is_object() && !parsed->get_object().empty())) {
          extra = true;
          copy_labels(sm, e.attributes);
          copy_labels(parsed, e.attributes);
        }
      }
      if (extra) {
        if (e.level == Level::kUnknown) e.level = level_from_attributes(e.attributes);
        if (e.service.empty()) {
          if (auto it = e.attributes.find(options.service_label); it != e.attributes.end()) e.service = it->second;
        }
      }
      if (e.level == Level::kUnknown) e.level = level_from_line(e.message);
      if (const auto* t = first_of(e.attributes, wire::loki::kTraceIdKeys)) e.trace_id = *t;
      if (const auto* s = first_of(e.attributes, wire::loki::kSpanIdKeys)) e.span_id = *s;
      out.entries.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace tinkr::grafana::reference
