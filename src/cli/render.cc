#include "cli/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include "cli/table.h"
#include "cli/terminal.h"

namespace tinkr::cli {
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Three significant digits at most, no trailing zeros ("1.2", "340", "0.053").
std::string short_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  const double a = std::fabs(v);
  std::string s;
  if (a >= 100 || a == 0) s = fixed(v, 0);
  else if (a >= 10) s = fixed(v, 1);
  else if (a >= 1) s = fixed(v, 2);
  else s = fixed(v, 3);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// "2026-04-09 14:01:14"
std::string date_time(Timestamp t) {
  std::string s = format_rfc3339(t, 0);  // 2026-04-09T14:01:14Z
  if (s.size() >= 19) {
    s[10] = ' ';
    s.resize(19);
  }
  return s;
}

std::string clock_time(Timestamp t) {
  const std::string s = date_time(t);
  return s.size() >= 19 ? s.substr(11, 8) : s;
}

std::string hh_mm(Timestamp t) {
  const std::string s = date_time(t);
  return s.size() >= 16 ? s.substr(11, 5) : s;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  const size_t last = out.find_last_not_of(' ');
  out.resize(last == std::string::npos ? 0 : last + 1);
  return out;
}

}  // namespace

std::string format_value(double value, std::string_view unit) {
  if (std::isnan(value)) return "NaN";
  if (unit == "s" || unit == "ms" || unit == "us" || unit == "ns") {
    double seconds = value;
    if (unit == "ms") seconds = value / 1e3;
    if (unit == "us") seconds = value / 1e6;
    if (unit == "ns") seconds = value / 1e9;
    const double a = std::fabs(seconds);
    if (a >= 1 || a == 0) return short_number(seconds) + "s";
    if (a >= 1e-3) return short_number(seconds * 1e3) + "ms";
    if (a >= 1e-6) return short_number(seconds * 1e6) + "µs";
    return short_number(seconds * 1e9) + "ns";
  }
  if (unit == "By" || unit == "bytes" || unit == "B") {
    static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = value;
    size_t u = 0;
    while (std::fabs(v) >= 1024 && u + 1 < std::size(kUnits)) {
      v /= 1024;
      ++u;
    }
    return short_number(v) + " " + kUnits[u];
  }
  if (unit == "%") return fixed(value, 1) + "%";
  if (unit.empty() || unit == "1") return short_number(value);
  return short_number(value) + " " + std::string(unit);
}

std::string format_span_duration(Nanos d) { return format_value(static_cast<double>(d.count()), "ns"); }

std::string paint_level(Level level, const RenderStyle& style) {
  std::string name(level_name(level));
  switch (level) {
    case Level::kCritical: return paint(paint(name, Color::kRed, style.color), Color::kBold, style.color);
    case Level::kError: return paint(name, Color::kRed, style.color);
    case Level::kWarn: return paint(name, Color::kYellow, style.color);
    case Level::kInfo: return paint(name, Color::kGreen, style.color);
    case Level::kDebug:
    case Level::kTrace: return paint(name, Color::kGray, style.color);
    default: return name;
  }
}

std::string paint_severity(Severity severity, const RenderStyle& style) {
  std::string name(severity_name(severity));
  std::transform(name.begin(), name.end(), name.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  switch (severity) {
    case Severity::kCritical: return paint(paint(name, Color::kRed, style.color), Color::kBold, style.color);
    case Severity::kHigh: return paint(name, Color::kRed, style.color);
    case Severity::kMedium: return paint(name, Color::kYellow, style.color);
    case Severity::kLow: return paint(name, Color::kCyan, style.color);
  }
  return name;
}

std::string render_logs(const std::vector<LogEntry>& entries, const RenderStyle& style) {
  if (entries.empty()) return "No log lines in this window.\n";
  Table table({"TIME", "LEVEL", "SERVICE", "MESSAGE"});
  for (const auto& e : entries) {
    table.add_row({date_time(e.time), paint_level(e.level, style), e.service, one_line(e.message)});
  }
  return table.render("", style.width);
}

std::string render_tail_line(const LogEntry& e, const RenderStyle& style) {
  std::string line = clock_time(e.time) + "  " + pad_right(paint_level(e.level, style), 8) + "  ";
  if (!e.service.empty()) line += e.service + "  ";
  line += one_line(e.message);
  if (style.width > 0) line = truncate_to_width(line, style.width);
  return line + "\n";
}

std::string sparkline(const std::vector<double>& values) {
  static const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (std::isnan(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  std::string out;
  for (double v : values) {
    if (std::isnan(v)) {
      out += ' ';
      continue;
    }
    const int idx = hi > lo ? static_cast<int>(std::lround((v - lo) / (hi - lo) * 7)) : 3;
    out += kBlocks[std::clamp(idx, 0, 7)];
  }
  return out;
}

std::string render_metrics(const std::vector<MetricSeries>& series, std::string_view service, std::string_view window,
                           const RenderStyle& style, size_t rows) {
  if (series.empty())
    return "No metric data for " + std::string(service) + " in the last " + std::string(window) + ".\n";
  std::string out;
  for (const auto& s : series) {
    out += "Metric: " + paint(s.name, Color::kBold, style.color) + "  Service: " + std::string(service) +
           "  Window: " + std::string(window);
    if (!s.labels.empty()) {
      out += "  {";
      bool first = true;
      for (const auto& [k, v] : s.labels) {
        out += (first ? "" : ", ") + k + "=" + v;
        first = false;
      }
      out += "}";
    }
    out += "\n";
    if (s.points.empty()) {
      out += "  (no points)\n\n";
      continue;
    }
    // Buckets of consecutive points, averaged, at most `rows` of them.
    const size_t n = s.points.size();
    const size_t buckets = std::max<size_t>(1, std::min(rows, n));
    std::vector<double> values;
    std::vector<Timestamp> times;
    for (size_t b = 0; b < buckets; ++b) {
      const size_t from = b * n / buckets, to = (b + 1) * n / buckets;
      double sum = 0;
      size_t count = 0;
      for (size_t i = from; i < to; ++i) {
        if (!std::isnan(s.points[i].value)) sum += s.points[i].value, ++count;
      }
      values.push_back(count ? sum / static_cast<double>(count) : NAN);
      times.push_back(s.points[from].time);
    }
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& p : s.points) {
      if (std::isnan(p.value)) continue;
      lo = std::min(lo, p.value);
      hi = std::max(hi, p.value);
    }
    const double last = s.points.back().value;
    std::vector<double> all;
    all.reserve(n);
    const size_t spark_width = style.width > 20 ? std::min<size_t>(style.width - 4, 60) : 60;
    for (size_t b = 0; b < std::min(n, spark_width); ++b) {
      const size_t from = b * n / std::min(n, spark_width), to = (b + 1) * n / std::min(n, spark_width);
      double sum = 0;
      size_t count = 0;
      for (size_t i = from; i < to; ++i) {
        if (!std::isnan(s.points[i].value)) sum += s.points[i].value, ++count;
      }
      all.push_back(count ? sum / static_cast<double>(count) : NAN);
    }
    out += "  " + sparkline(all) + "\n";
    out += "  min " + format_value(lo, s.unit) + "   max " + format_value(hi, s.unit) + "   last " +
           format_value(last, s.unit) + "\n\n";
    const size_t bar = 20;
    const double top = hi > 0 ? hi : 1;
    for (size_t b = 0; b < values.size(); ++b) {
      const double v = values[b];
      const size_t filled =
          std::isnan(v) || v <= 0 ? 0 : std::min(bar, static_cast<size_t>(std::lround(v / top * bar)));
      std::string bars;
      for (size_t i = 0; i < bar; ++i) bars += i < filled ? "█" : "░";
      std::string line = "  " + hh_mm(times[b]) + "  " + paint(bars, Color::kCyan, style.color) + " " +
                         pad_left(format_value(v, s.unit), 10);
      if (b > 0 && !std::isnan(v) && !std::isnan(values[b - 1]) && values[b - 1] > 0) {
        if (v < values[b - 1] * 0.5) line += paint("   ← drop", Color::kYellow, style.color);
        else if (v > values[b - 1] * 2) line += paint("   ← spike", Color::kRed, style.color);
      }
      out += line + "\n";
    }
    out += "\n";
  }
  out.pop_back();  // one blank line between series, none at the end
  return out;
}

std::string render_traces(const std::vector<Trace>& traces, std::string_view service, std::string_view window,
                          const RenderStyle& style) {
  std::string out = "Traces for " + std::string(service) + " (last " + std::string(window) + ", " +
                    std::to_string(traces.size()) + (traces.size() == 1 ? " result)\n\n" : " results)\n\n");
  if (traces.empty()) return "No traces for " + std::string(service) + " in the last " + std::string(window) + ".\n";
  Table table({"TRACE ID", "OPERATION", "DURATION", "SPANS", "STATUS", "START"});
  table.set_align(2, Table::Align::kRight);
  table.set_align(3, Table::Align::kRight);
  for (const auto& t : traces) {
    table.add_row({t.trace_id, t.root_name, format_span_duration(t.duration),
                   t.spans.empty() ? "-" : std::to_string(t.spans.size()),
                   t.has_error ? paint("ERROR", Color::kRed, style.color) : paint("OK", Color::kGreen, style.color),
                   date_time(t.start)});
  }
  out += table.render("  ", style.width);
  return out;
}

std::string render_waterfall(const Trace& trace, const RenderStyle& style, size_t bar_width) {
  std::string out = "Slowest trace: " + trace.trace_id + "  " + format_span_duration(trace.duration) + "\n\n";
  if (trace.spans.empty()) return out + "  (no spans)\n";
  // Children by parent, ordered by start time; spans whose parent is missing are roots.
  std::map<std::string, std::vector<const Span*>> children;
  std::map<std::string, bool> known;
  for (const auto& s : trace.spans) known[s.span_id] = true;
  std::vector<const Span*> roots;
  for (const auto& s : trace.spans) {
    if (s.parent_span_id.empty() || !known.count(s.parent_span_id)) roots.push_back(&s);
    else children[s.parent_span_id].push_back(&s);
  }
  auto by_start = [](const Span* a, const Span* b) { return a->start < b->start; };
  std::sort(roots.begin(), roots.end(), by_start);
  for (auto& [k, v] : children) std::sort(v.begin(), v.end(), by_start);

  Timestamp t0 = trace.start;
  Timestamp t1 = trace.start + trace.duration;
  for (const auto& s : trace.spans) {
    t0 = std::min(t0, s.start);
    t1 = std::max(t1, s.end());
  }
  const double total = std::max<double>(1, static_cast<double>((t1 - t0).count()));

  struct Line {
    std::string label;
    const Span* span;
  };
  std::vector<Line> lines;
  std::function<void(const Span*, const std::string&, bool, bool)> walk = [&](const Span* s, const std::string& prefix,
                                                                              bool last, bool root) {
    std::string label = root ? "┌ " : prefix + (last ? "└── " : "├── ");
    label += s->name;
    if (root || (s->service != trace.root_service && !s->service.empty())) label += " (" + s->service + ")";
    lines.push_back({label, s});
    const auto it = children.find(s->span_id);
    if (it == children.end()) return;
    const std::string next = root ? "" : prefix + (last ? "    " : "│   ");
    for (size_t i = 0; i < it->second.size(); ++i) walk(it->second[i], next, i + 1 == it->second.size(), false);
  };
  for (const Span* r : roots) walk(r, "", true, true);

  size_t label_width = 0;
  for (const auto& l : lines) label_width = std::max(label_width, display_width(l.label));
  label_width = std::min<size_t>(label_width, 48);
  for (const auto& l : lines) {
    const Span& s = *l.span;
    const double off = static_cast<double>((s.start - t0).count()) / total;
    const double len = static_cast<double>(s.duration.count()) / total;
    size_t begin = static_cast<size_t>(std::floor(off * static_cast<double>(bar_width)));
    size_t width = std::max<size_t>(1, static_cast<size_t>(std::lround(len * static_cast<double>(bar_width))));
    begin = std::min(begin, bar_width - 1);
    width = std::min(width, bar_width - begin);
    std::string bar(begin, ' ');
    std::string fill;
    for (size_t i = 0; i < width; ++i) fill += "█";
    const bool error = s.status == SpanStatus::kError;
    bar += paint(fill, error ? Color::kRed : Color::kCyan, style.color);
    bar += std::string(bar_width - begin - width, ' ');
    std::string line = "  " + pad_right(truncate_to_width(l.label, label_width), label_width) + "  " + bar + "  " +
                       pad_left(format_span_duration(s.duration), 7);
    const bool is_root = s.parent_span_id.empty() || &s == lines.front().span;
    if (!is_root && len >= 0.5) line += paint("  ← slow", Color::kYellow, style.color);
    if (error)
      line += paint("  ✗ " + (s.status_message.empty() ? std::string("error") : s.status_message), Color::kRed,
                    style.color);
    out += line + "\n";
  }
  return out;
}

std::string render_anomalies(const std::vector<Anomaly>& anomalies, std::string_view service, std::string_view window,
                             const RenderStyle& style) {
  if (anomalies.empty()) {
    return paint("✓", Color::kGreen, style.color) + " No anomalies for " + std::string(service) + " (since " +
           std::string(window) + ")\n";
  }
  std::string out = "Anomalies detected for " + std::string(service) + " (since " + std::string(window) + ")\n\n";
  Table table({"", "", "", ""});
  for (const auto& a : anomalies) {
    table.add_row({paint_severity(a.severity, style), a.metric.empty() ? a.kind : a.metric,
                   hh_mm(a.start) + "–" + hh_mm(a.end), a.reason});
  }
  out += table.render("  ", style.width);
  return out;
}

std::string render_rca_header(std::string_view service, std::string_view window, Timestamp generated,
                              const RenderStyle& style) {
  return paint("## Root Cause Analysis — " + std::string(service), Color::kBold, style.color) +
         "\nGenerated: " + date_time(generated).substr(0, 16) + " UTC   Window: " + std::string(window) + "\n";
}

std::string render_rca_section(int number, std::string_view title, std::string_view content, const RenderStyle& style) {
  std::string out =
      "\n" + paint("### " + std::to_string(number) + ". " + std::string(title), Color::kBold, style.color) + "\n";
  std::string body(content);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  if (!body.empty()) out += body + "\n";
  return out;
}

}  // namespace tinkr::cli
