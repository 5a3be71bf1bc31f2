// Renderers: pure functions from model values to the text the CLI prints.
//
// Every function returns a string ending in '\n' (or empty) and depends only
// on its arguments, so output is testable byte for byte. Colour is applied
// only when RenderStyle::color is true; widths are display widths (UTF-8).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace tinkr::cli {

struct RenderStyle {
  bool color = false;
  size_t width = 0;  // terminal columns; 0: unknown (no truncation)
};

// "1.20s", "340ms", "1.5 MiB", "42.0%", "1240 req/s", "0.53": a value in its unit
// ("s", "ms", "us", "ns", "By", "bytes", "%", "1", "req/s", or anything else appended).
std::string format_value(double value, std::string_view unit);
// "4.2s", "98ms", "850µs": a duration, compact.
std::string format_span_duration(Nanos d);

// `tinkr logs`: TIME LEVEL SERVICE MESSAGE, oldest first, as given.
std::string render_logs(const std::vector<LogEntry>& entries, const RenderStyle& style);
// One line of `tinkr tail`: "14:01:03  ERROR  payments-api  message".
std::string render_tail_line(const LogEntry& entry, const RenderStyle& style);

// `tinkr metrics`: per series a header, a sparkline, min/max/last and bars
// over at most `rows` time buckets.
std::string render_metrics(const std::vector<MetricSeries>& series, std::string_view service, std::string_view window,
                           const RenderStyle& style, size_t rows = 20);
// "▁▂▄█": one block per value (NaN as a space).
std::string sparkline(const std::vector<double>& values);

// `tinkr trace`: the table of traces (slowest first, as given).
std::string render_traces(const std::vector<Trace>& traces, std::string_view service, std::string_view window,
                          const RenderStyle& style);
// The waterfall of one trace: indented span tree, bars placed and sized by time.
std::string render_waterfall(const Trace& trace, const RenderStyle& style, size_t bar_width = 32);

// `tinkr anomaly`.
std::string render_anomalies(const std::vector<Anomaly>& anomalies, std::string_view service, std::string_view window,
                             const RenderStyle& style);

// `tinkr rca`: the report header and one numbered section.
std::string render_rca_header(std::string_view service, std::string_view window, Timestamp generated,
                              const RenderStyle& style);
std::string render_rca_section(int number, std::string_view title, std::string_view content, const RenderStyle& style);

// Level names coloured (ERROR red, WARN yellow, INFO green, DEBUG/TRACE gray).
std::string paint_level(Level level, const RenderStyle& style);
std::string paint_severity(Severity severity, const RenderStyle& style);

}  // namespace tinkr::cli
