// The import driver: detects the format, reads line by line (or the whole
// OTLP/JSON document), batches records into store transactions and keeps the
// report.
#include "backends/local/ingest.h"

#include <fstream>
#include <unordered_set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "backends/local/text_formats.h"
#include "core/json.h"

namespace tinkr::local {
namespace {

// How much of a file detect_format looks at.
constexpr size_t kDetectHeadBytes = size_t{64} * 1024;

// Collects records, drops exact duplicate log lines, flushes in batches.
class Sink {
 public:
  Sink(store::TelemetryStore& store, IngestReport& report, const IngestOptions& options)
      : store_(store), report_(report), options_(options) {}

  Status add_log(LogEntry&& e) {
    if (!seen_.insert(fingerprint(e)).second) {
      ++report_.duplicates;
      return ok_status();
    }
    logs_.push_back(std::move(e));
    if (logs_.size() >= options_.batch_size) return flush();
    return ok_status();
  }
  Status add_series(MetricSeries&& s) {
    points_pending_ += s.points.size();
    metrics_.push_back(std::move(s));
    if (points_pending_ >= options_.batch_size) return flush();
    return ok_status();
  }
  Status add_span(Span&& s) {
    spans_.push_back(std::move(s));
    if (spans_.size() >= options_.batch_size) return flush();
    return ok_status();
  }
  Status flush() {
    TINKR_RETURN_IF_ERROR(store_.insert_logs(logs_));
    TINKR_RETURN_IF_ERROR(store_.insert_metrics(metrics_));
    TINKR_RETURN_IF_ERROR(store_.insert_spans(spans_));
    report_.logs += logs_.size();
    report_.points += points_pending_;
    report_.spans += spans_.size();
    logs_.clear();
    metrics_.clear();
    spans_.clear();
    points_pending_ = 0;
    return ok_status();
  }

 private:
  static uint64_t fingerprint(const LogEntry& e) {
    std::hash<std::string_view> h;
    uint64_t x = static_cast<uint64_t>(to_unix_nanos(e.time)) * 0x9E3779B97F4A7C15ull;
    auto mix = [&](std::string_view s) { x = (x ^ h(s)) * 0x100000001B3ull + 0x7F4A7C15; };
    mix(e.service);
    mix(e.message);
    mix(e.trace_id);
    mix(e.span_id);
    x ^= static_cast<uint64_t>(e.level) << 56;
    for (const auto& [k, v] : e.attributes) {
      mix(k);
      mix(v);
    }
    return x;
  }

  store::TelemetryStore& store_;
  IngestReport& report_;
  const IngestOptions& options_;
  std::vector<LogEntry> logs_;
  std::vector<MetricSeries> metrics_;
  std::vector<Span> spans_;
  size_t points_pending_ = 0;
  std::unordered_set<uint64_t> seen_;
};

// Calls f(line, line_number) for each line of text (without "\r\n"/"\n").
template <typename F>
Status for_each_line(std::string_view text, F&& f) {
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    TINKR_RETURN_IF_ERROR(f(line, ++line_no));
  }
  return ok_status();
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

std::string_view trim_bom(std::string_view s) { return s.starts_with("\xEF\xBB\xBF") ? s.substr(3) : s; }

class Importer {
 public:
  Importer(store::TelemetryStore& store, IngestReport& report, const IngestOptions& options, std::string source,
           std::string service)
      : sink_(store, report, options),
        report_(report),
        options_(options),
        source_(std::move(source)),
        service_(std::move(service)) {}

  Status run(std::string_view text, Format format) {
    text = trim_bom(text);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return ok_status();  // empty: nothing to do
    switch (format) {
      case Format::kOtlpLogs:
      case Format::kOtlpMetrics:
      case Format::kOtlpTraces: TINKR_RETURN_IF_ERROR(otlp(text, format)); break;
      case Format::kJsonLines: TINKR_RETURN_IF_ERROR(json_lines(text)); break;
      case Format::kLogfmt: TINKR_RETURN_IF_ERROR(logfmt(text)); break;
      case Format::kPlainText: TINKR_RETURN_IF_ERROR(plain(text)); break;
      case Format::kPrometheus: TINKR_RETURN_IF_ERROR(prometheus(text)); break;
      case Format::kUnknown:
        problem(0,
                "unrecognised format (expected OTLP/JSON, JSON lines, logfmt, "
                "timestamped text or Prometheus text)");
        break;
    }
    return sink_.flush();
  }

 private:
  void problem(size_t line, std::string reason) {
    ++report_.rejected;
    report_.add_problem(source_, line, std::move(reason), options_.max_problems);
  }
  bool too_long(std::string_view line, size_t no) {
    if (line.size() <= kMaxLineBytes) return false;
    problem(no, fmt::format("line of {} bytes is longer than the {} byte limit", line.size(), kMaxLineBytes));
    return true;
  }

  Status store_decoded(OtlpDecoded&& d, size_t line) {
    for (auto& r : d.reasons) problem(line, std::move(r));
    report_.rejected += d.rejected - std::min(d.rejected, d.reasons.size());
    for (auto& e : d.logs) TINKR_RETURN_IF_ERROR(sink_.add_log(std::move(e)));
    for (auto& s : d.metrics) TINKR_RETURN_IF_ERROR(sink_.add_series(std::move(s)));
    for (auto& s : d.spans) TINKR_RETURN_IF_ERROR(sink_.add_span(std::move(s)));
    return ok_status();
  }

  Status otlp_document(const json::value& v, size_t line) {
    if (!v.is_object()) {
      problem(line, "an OTLP/JSON request must be a JSON object");
      return ok_status();
    }
    const auto& o = v.as_object();
    if (o.contains("resourceLogs")) return store_decoded(decode_otlp_logs(v), line);
    if (o.contains("resourceMetrics")) return store_decoded(decode_otlp_metrics(v), line);
    if (o.contains("resourceSpans")) return store_decoded(decode_otlp_traces(v), line);
    problem(line, "no resourceLogs, resourceMetrics or resourceSpans");
    return ok_status();
  }

  Status otlp(std::string_view text, Format) {
    boost::system::error_code ec;
    json::value whole = json::parse(text, ec);
    if (!ec) return otlp_document(whole, 0);
    // The collector's file exporter: one request per line.
    return for_each_line(text, [&](std::string_view line, size_t no) -> Status {
      if (blank(line)) return ok_status();
      json::value v = json::parse(line, ec);
      if (ec) {
        problem(no, "invalid JSON: " + ec.message());
        return ok_status();
      }
      return otlp_document(v, no);
    });
  }

  Status json_lines(std::string_view text) {
    return for_each_line(text, [&](std::string_view line, size_t no) -> Status {
      if (blank(line) || too_long(line, no)) return ok_status();
      auto e = parse_json_line(line, service_);
      if (!e) {
        problem(no, e.error().message);
        return ok_status();
      }
      return sink_.add_log(std::move(*e));
    });
  }

  Status logfmt(std::string_view text) {
    return for_each_line(text, [&](std::string_view line, size_t no) -> Status {
      if (blank(line) || too_long(line, no)) return ok_status();
      auto fields = parse_logfmt(line);
      if (!fields) {
        problem(no, fields.error().message);
        return ok_status();
      }
      auto e = entry_from_fields(std::move(*fields), service_);
      if (!e) {
        problem(no, e.error().message);
        return ok_status();
      }
      return sink_.add_log(std::move(*e));
    });
  }

  Status plain(std::string_view text) {
    std::optional<LogEntry> current;
    size_t continuation = 0;
    Status st = for_each_line(text, [&](std::string_view line, size_t no) -> Status {
      if (blank(line)) return ok_status();
      if (too_long(line, no)) return ok_status();
      if (auto ts = leading_timestamp(line)) {
        if (current) TINKR_RETURN_IF_ERROR(sink_.add_log(std::move(*current)));
        current = plain_entry(ts->first, ts->second, service_);
        continuation = 0;
        return ok_status();
      }
      if (!current) {
        problem(no, "line does not start with a timestamp and follows no entry");
        return ok_status();
      }
      if (++continuation > 1000 || current->message.size() + line.size() > kMaxLineBytes) {
        problem(no, "continuation line beyond 1000 lines / 1 MiB for one entry");
        return ok_status();
      }
      current->message += '\n';
      current->message += line;
      return ok_status();
    });
    TINKR_RETURN_IF_ERROR(st);
    if (current) TINKR_RETURN_IF_ERROR(sink_.add_log(std::move(*current)));
    return ok_status();
  }

  Status prometheus(std::string_view text) {
    std::string_view tail = text;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r' || tail.back() == ' ')) tail.remove_suffix(1);
    const bool openmetrics = tail.ends_with("# EOF");
    const int64_t now_ns = to_unix_nanos(options_.now == Timestamp{} ? tinkr::now() : options_.now);
    std::map<std::string, std::string> units;  // from "# UNIT" (OpenMetrics) lines
    std::map<std::string, size_t> index;
    std::vector<MetricSeries> series;
    TINKR_RETURN_IF_ERROR(for_each_line(text, [&](std::string_view line, size_t no) -> Status {
      if (blank(line) || too_long(line, no)) return ok_status();
      if (line[0] == '#') {
        if (line.starts_with("# UNIT ")) {
          std::string_view rest = line.substr(7);
          size_t sp = rest.find(' ');
          if (sp != std::string_view::npos) units[std::string(rest.substr(0, sp))] = std::string(rest.substr(sp + 1));
        }
        return ok_status();
      }
      auto s = parse_prometheus_sample(line, openmetrics);
      if (!s) {
        problem(no, s.error().message);
        return ok_status();
      }
      if (std::isnan(s->value)) {
        problem(no, fmt::format("{}: NaN value not stored", s->name));
        return ok_status();
      }
      Attributes labels = std::move(s->labels);
      if (!labels.contains("service")) {
        if (auto it = labels.find("service_name"); it != labels.end()) labels["service"] = it->second;
        else if (auto j = labels.find("job"); j != labels.end()) labels["service"] = j->second;
      }
      std::string key = s->name;
      for (const auto& [k, v] : labels) key += '\x1f' + k + '\x1e' + v;
      auto [it, inserted] = index.try_emplace(key, series.size());
      if (inserted) {
        std::string unit;
        for (const auto& [family, u] : units)
          if (s->name.starts_with(family)) unit = u == "seconds" ? "s" : u == "bytes" ? "By" : u;
        series.push_back(MetricSeries{s->name, unit, std::move(labels), {}});
      }
      series[it->second].points.push_back({from_unix_nanos(s->time_ns.value_or(now_ns)), s->value});
      return ok_status();
    }));
    for (auto& s : series) TINKR_RETURN_IF_ERROR(sink_.add_series(std::move(s)));
    return ok_status();
  }

  Sink sink_;
  IngestReport& report_;
  const IngestOptions& options_;
  std::string source_;
  std::string service_;
};

bool looks_like_prometheus(std::string_view line) {
  auto s = parse_prometheus_sample(line, false);
  if (s) return true;
  return parse_prometheus_sample(line, true).ok();
}

}  // namespace

std::string_view format_name(Format f) {
  switch (f) {
    case Format::kOtlpLogs: return "otlp-logs";
    case Format::kOtlpMetrics: return "otlp-metrics";
    case Format::kOtlpTraces: return "otlp-traces";
    case Format::kJsonLines: return "jsonl";
    case Format::kLogfmt: return "logfmt";
    case Format::kPlainText: return "text";
    case Format::kPrometheus: return "prometheus";
    case Format::kUnknown: break;
  }
  return "unknown";
}

Format detect_format(std::string_view head, std::string_view file_name) {
  head = trim_bom(head);
  size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Format::kUnknown;
  head = head.substr(first);
  if (head[0] == '{') {
    size_t logs = head.find("\"resourceLogs\""), metrics = head.find("\"resourceMetrics\""),
           spans = head.find("\"resourceSpans\"");
    size_t best = std::min({logs, metrics, spans});
    if (best != std::string_view::npos) {
      if (best == logs) return Format::kOtlpLogs;
      if (best == metrics) return Format::kOtlpMetrics;
      return Format::kOtlpTraces;
    }
    return Format::kJsonLines;
  }
  // Vote over the first lines.
  int prom = 0, logfmt = 0, text = 0, lines = 0;
  std::string_view rest = head;
  while (!rest.empty() && lines < 20) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (blank(line)) continue;
    if (nl == std::string_view::npos && !rest.empty()) break;
    ++lines;
    if (line.starts_with("# TYPE ") || line.starts_with("# HELP ") || line.starts_with("# EOF")) {
      prom += 2;
      continue;
    }
    if (leading_timestamp(line)) {
      ++text;
      continue;
    }
    if (looks_like_prometheus(line)) {
      ++prom;
      continue;
    }
    auto f = parse_logfmt(line);
    if (f && f->size() >= 2) {
      int with_value = 0;
      for (const auto& [k, v] : *f) with_value += v != "true";
      if (with_value >= 2) ++logfmt;
    }
  }
  if (prom == 0 && logfmt == 0 && text == 0) {
    if (file_name.ends_with(".prom") || file_name.ends_with(".om")) return Format::kPrometheus;
    if (file_name.ends_with(".log") || file_name.ends_with(".txt")) return Format::kPlainText;
    return Format::kUnknown;
  }
  if (prom >= logfmt && prom >= text) return Format::kPrometheus;
  if (logfmt > text) return Format::kLogfmt;
  return Format::kPlainText;
}

void IngestReport::add_problem(std::string source, size_t line, std::string reason, size_t max_problems) {
  if (problems.size() < max_problems) problems.push_back({std::move(source), line, std::move(reason)});
}

json::value to_json(const IngestReport& r) {
  json::array problems;
  for (const auto& p : r.problems)
    problems.push_back(json::object{{"source", p.source}, {"line", p.line}, {"reason", p.reason}});
  json::array files;
  for (const auto& [path, format] : r.files) files.push_back(json::object{{"path", path}, {"format", format}});
  return json::object{{"logs", r.logs},           {"points", r.points},         {"spans", r.spans},
                      {"rejected", r.rejected},   {"duplicates", r.duplicates}, {"problems", std::move(problems)},
                      {"files", std::move(files)}};
}

Result<IngestReport> ingest_text(store::TelemetryStore& store, std::string_view text, Format format,
                                 std::string_view source, const IngestOptions& options) {
  IngestReport report;
  if (format == Format::kUnknown) format = detect_format(text.substr(0, kDetectHeadBytes), source);
  std::string service =
      options.default_service.empty() ? std::filesystem::path(source).stem().string() : options.default_service;
  report.files.emplace_back(std::string(source), std::string(format_name(format)));
  Importer importer(store, report, options, std::string(source), service);
  TINKR_RETURN_IF_ERROR(importer.run(text, format));
  return report;
}

Result<IngestReport> ingest_files(store::TelemetryStore& store, const std::vector<std::filesystem::path>& paths,
                                  const IngestOptions& options) {
  IngestReport total;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::string text;
    if (in) {
      in.seekg(0, std::ios::end);
      auto size = in.tellg();
      in.seekg(0);
      if (size > 0) {
        text.resize(static_cast<size_t>(size));
        in.read(text.data(), size);
      }
    }
    if (!in) {
      ++total.rejected;
      total.add_problem(path.string(), 0, "cannot read the file: check the path and permissions", options.max_problems);
      continue;
    }
    IngestOptions per_file = options;
    per_file.max_problems =
        options.max_problems > total.problems.size() ? options.max_problems - total.problems.size() : 0;
    TINKR_ASSIGN_OR_RETURN(IngestReport r, ingest_text(store, text, Format::kUnknown, path.string(), per_file));
    total.logs += r.logs;
    total.points += r.points;
    total.spans += r.spans;
    total.rejected += r.rejected;
    total.duplicates += r.duplicates;
    for (auto& p : r.problems) total.problems.push_back(std::move(p));
    for (auto& f : r.files) total.files.push_back(std::move(f));
  }
  return total;
}

}  // namespace tinkr::local
