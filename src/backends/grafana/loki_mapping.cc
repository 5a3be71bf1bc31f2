#include "backends/grafana/loki_mapping.h"

#include <re2/re2.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "backends/grafana/grafana_wire.h"

namespace tinkr::grafana {
namespace json = boost::json;
namespace {

Error bad(std::string_view what) { return make_error(ErrorCode::kBackend, std::string(what)); }

const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

void copy_labels(const json::value* v, Attributes& out) {
  if (!v || !v->is_object()) return;
  for (const auto& [k, val] : v->get_object()) {
    if (val.is_string()) out.insert_or_assign(std::string(k), std::string(val.get_string()));
  }
}

std::vector<std::string> read_warnings(const json::object& root) {
  std::vector<std::string> out;
  if (const auto* w = member(root, wire::kWarnings); w && w->is_array()) {
    for (const auto& item : w->get_array()) {
      if (item.is_string()) out.emplace_back(item.get_string());
    }
  }
  return out;
}

// The {"status":"success","data":{…}} envelope; the error names what failed.
Result<const json::object*> success_data(const json::value& root) {
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

// Matrix sample [seconds (number), "value"]: seconds may be fractional.
bool read_sample(const json::value& v, MetricPoint& out) {
  if (!v.is_array()) return false;
  const auto& a = v.get_array();
  if (a.size() < 2 || !a[1].is_string()) return false;
  double seconds = 0;
  if (a[0].is_double()) seconds = a[0].get_double();
  else if (a[0].is_int64()) seconds = static_cast<double>(a[0].get_int64());
  else if (a[0].is_uint64()) seconds = static_cast<double>(a[0].get_uint64());
  else return false;
  // Millisecond resolution is what Prometheus and Loki use for sample times.
  out.time = from_unix_nanos(static_cast<int64_t>(std::llround(seconds * 1000.0)) * 1000000);
  const auto& s = a[1].get_string();
  std::string text(s.data(), s.size());
  char* end = nullptr;
  out.value = std::strtod(text.c_str(), &end);
  return end != text.c_str();
}

}  // namespace

Level level_from_line(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i < line.size() && line[i] == '{') {
    unsigned char buffer[4096];
    json::monotonic_resource arena(buffer, sizeof buffer);
    boost::system::error_code ec;
    json::value v = json::parse(line, ec, &arena);
    if (!ec && v.is_object()) {
      for (std::string_view k : {"level", "lvl", "severity", "levelname", "log.level", "detected_level"}) {
        const auto* f = v.get_object().if_contains(k);
        if (f && f->is_string()) {
          Level l = parse_level(f->get_string());
          if (l != Level::kUnknown) return l;
        }
      }
    }
    return Level::kUnknown;
  }
  // logfmt: level=warn, lvl="ERROR", severity=info
  static const RE2 kLogfmtLevel(R"((?:^|\s)(?:level|lvl|severity)="?([A-Za-z]+))");
  std::string word;
  if (RE2::PartialMatch(line, kLogfmtLevel, &word)) return parse_level(word);
  return Level::kUnknown;
}

Result<MatrixAnswer> parse_matrix_answer(std::string_view body) {
  json::monotonic_resource arena;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &arena);
  if (ec) return bad(fmt::format("invalid JSON: {}", ec.message()));
  TINKR_ASSIGN_OR_RETURN(const json::object* data, success_data(root));
  const auto* type = member(*data, wire::kResultType);
  const auto* result = member(*data, wire::kResult);
  if (!type || !type->is_string() || !result) return bad("the answer has no resultType/result");
  const std::string_view kind = type->get_string();

  MatrixAnswer out;
  out.warnings = read_warnings(root.get_object());
  auto keep = [](const MetricPoint& p) { return std::isfinite(p.value); };
  if (kind == wire::kScalar) {
    MetricPoint p;
    if (!read_sample(*result, p)) return bad("a scalar result is not [time, \"value\"]");
    LabelledPoints s;
    if (keep(p)) s.points.push_back(p);
    out.series.push_back(std::move(s));
    return out;
  }
  if (kind != wire::kMatrix && kind != wire::kVector) {
    return bad(fmt::format("expected resultType \"matrix\" or \"vector\", got \"{}\"", kind));
  }
  if (!result->is_array()) return bad("the \"result\" is not an array");
  for (const auto& series_v : result->get_array()) {
    if (!series_v.is_object()) return bad("a series is not an object");
    const auto& series = series_v.get_object();
    LabelledPoints s;
    copy_labels(member(series, wire::kMetric), s.labels);
    if (kind == wire::kMatrix) {
      const auto* values = member(series, wire::kValues);
      if (values) {
        if (!values->is_array()) return bad("a series' \"values\" is not an array");
        s.points.reserve(values->get_array().size());
        for (const auto& sample : values->get_array()) {
          MetricPoint p;
          if (!read_sample(sample, p)) return bad("a sample is not [time, \"value\"]");
          if (keep(p)) s.points.push_back(p);
        }
      }
    } else {
      const auto* value = member(series, wire::kValue);
      MetricPoint p;
      if (value) {
        if (!read_sample(*value, p)) return bad("a sample is not [time, \"value\"]");
        if (keep(p)) s.points.push_back(p);
      }
    }
    out.series.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<std::string>> parse_label_values(std::string_view body) {
  json::monotonic_resource arena;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &arena);
  if (ec) return bad(fmt::format("invalid JSON: {}", ec.message()));
  if (!root.is_object()) return bad("the answer is not a JSON object");
  const auto* data = member(root.get_object(), wire::kData);
  std::vector<std::string> out;
  if (!data || data->is_null()) return out;  // Loki answers no "data" when nothing matches
  if (!data->is_array()) return bad("\"data\" is not an array of strings");
  for (const auto& v : data->get_array()) {
    if (v.is_string()) out.emplace_back(v.get_string());
  }
  return out;
}

}  // namespace tinkr::grafana
