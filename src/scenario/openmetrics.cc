// OpenMetrics text rendering for Prometheus backfill
// (`promtool tsdb create-blocks-from openmetrics <file> <dir>`).
//
// OpenMetrics 1.0: one "# TYPE" per metric family, all samples of a family
// together, timestamps in seconds (not milliseconds as in the Prometheus 0.0.4
// text format), label values escaped (\\ \" \n), "# EOF" as the last line.
#include <map>

#include <fmt/format.h>

#include "scenario/scenario.h"

namespace tinkr::scenario {
namespace {

std::string sanitize_name(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? "_" : out;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

// OpenMetrics units are lower-case words and must be the name's suffix; only
// the ones our names already end with are declared.
std::string_view unit_word(const MetricSeries& s, std::string_view name) {
  if (s.unit == "By" && name.ends_with("_bytes")) return "bytes";
  if (s.unit == "s" && name.ends_with("_seconds")) return "seconds";
  return "";
}

}  // namespace

std::string render_openmetrics(const std::vector<MetricSeries>& metrics) {
  std::map<std::string, std::vector<const MetricSeries*>> families;
  for (const auto& s : metrics) families[sanitize_name(s.name)].push_back(&s);
  std::string out;
  for (const auto& [name, series] : families) {
    out += fmt::format("# TYPE {} gauge\n", name);
    if (auto unit = unit_word(*series.front(), name); !unit.empty()) out += fmt::format("# UNIT {} {}\n", name, unit);
    for (const MetricSeries* s : series) {
      std::string labels;
      for (const auto& [k, v] : s->labels) {
        labels += labels.empty() ? "{" : ",";
        labels += fmt::format("{}=\"{}\"", sanitize_name(k), escape_label_value(v));
      }
      if (!labels.empty()) labels += "}";
      for (const auto& p : s->points) {
        int64_t ns = to_unix_nanos(p.time);
        std::string ts = ns % 1'000'000'000 == 0 ? std::to_string(ns / 1'000'000'000)
                                                 : fmt::format("{:.3f}", static_cast<double>(ns) / 1e9);
        out += fmt::format("{}{} {} {}\n", name, labels, p.value, ts);
      }
    }
  }
  out += "# EOF\n";
  return out;
}

}  // namespace tinkr::scenario
