// Importing telemetry into the local store: files (`tinkr-server ingest
// <files…>`) and OTLP/JSON request bodies.
//
// Formats, detected per file from its content (the extension only breaks
// ties): OTLP/JSON logs, metrics and traces (one Export*ServiceRequest, or one
// per line as the collector's file exporter writes them); JSON lines logs;
// logfmt logs; plain-text logs with a leading timestamp and a level word;
// Prometheus text / OpenMetrics samples. docs in the .cc files name the field
// names each format understands.
//
// Contract:
//   * A malformed record (bad JSON line, no timestamp, bad id, NaN value, a
//     line over kMaxLineBytes…) is counted in `rejected` and, for the first
//     IngestOptions::max_problems, reported with its file and line; the rest
//     of the import goes on. Nothing is dropped silently.
//   * Exact duplicate log lines (every field equal, compared by a 64-bit
//     fingerprint) within one file or one request are stored once and counted
//     in `duplicates`; importing the same file twice stores it twice. Duplicate points (same series
//     and time) and spans (same trace and span id) replace the stored ones.
//   * Out-of-order records are stored as they come; queries sort by time.
//   * Plain text: a line that does not start with a timestamp continues the
//     previous entry (stack traces: indented lines, "Traceback …", "Caused
//     by: …", the final "Error: …" line) and is folded into its message; such
//     a line before any entry is rejected.
//   * Prometheus samples without a timestamp get IngestOptions::now.
//     OpenMetrics (a file ending with "# EOF") timestamps are seconds, the
//     Prometheus 0.0.4 text format's are milliseconds.
//
// Thread-safe as far as the store is (the functions keep no state).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/model.h"
#include "core/result.h"
#include "store/telemetry_store.h"

namespace tinkr::local {

inline constexpr size_t kMaxLineBytes = 1 << 20;  // 1 MiB

enum class Format { kUnknown, kOtlpLogs, kOtlpMetrics, kOtlpTraces, kJsonLines, kLogfmt, kPlainText, kPrometheus };
std::string_view format_name(Format f);  // "otlp-logs", "jsonl", "logfmt", "text", "prometheus", …

// Guesses the format from the first bytes of a file (and its name as a tie-break).
Format detect_format(std::string_view head, std::string_view file_name = "");

struct IngestProblem {
  std::string source;  // file path or "request"
  size_t line = 0;     // 1-based; 0 when not line-oriented (OTLP record index in the message)
  std::string reason;
};

struct IngestReport {
  size_t logs = 0;                                         // log lines stored
  size_t points = 0;                                       // metric points stored
  size_t spans = 0;                                        // spans stored
  size_t rejected = 0;                                     // malformed records (see problems)
  size_t duplicates = 0;                                   // exact duplicate log lines not stored again
  std::vector<IngestProblem> problems;                     // the first max_problems rejections
  std::vector<std::pair<std::string, std::string>> files;  // path, detected format

  void add_problem(std::string source, size_t line, std::string reason, size_t max_problems);
};

boost::json::value to_json(const IngestReport& r);

struct IngestOptions {
  std::string default_service;  // for records without one; empty: the file name's stem
  Timestamp now{};              // for Prometheus samples without timestamps; default: the clock
  size_t max_problems = 20;
  size_t batch_size = 20000;  // records per transaction
};

// Imports each file. A file that cannot be read or whose format is unknown is
// reported as one problem and the others are still imported; an error is
// returned only when the store fails.
Result<IngestReport> ingest_files(store::TelemetryStore& store, const std::vector<std::filesystem::path>& paths,
                                  const IngestOptions& options = {});

// Imports text already in memory, in the given format (kUnknown: detect).
// `source` names it in problems.
Result<IngestReport> ingest_text(store::TelemetryStore& store, std::string_view text, Format format,
                                 std::string_view source, const IngestOptions& options = {});

// Parsed but not stored: what the OTLP/JSON decoders produce.
struct OtlpDecoded {
  std::vector<LogEntry> logs;
  std::vector<MetricSeries> metrics;  // labels include "service"
  std::vector<Span> spans;
  size_t rejected = 0;
  std::vector<std::string> reasons;  // one per rejected record, capped at 20
};
// Decode one ExportLogsServiceRequest / ExportMetricsServiceRequest /
// ExportTraceServiceRequest JSON object. Records that break the encoding
// rules are rejected one by one; the rest are kept.
OtlpDecoded decode_otlp_logs(const boost::json::value& request);
OtlpDecoded decode_otlp_metrics(const boost::json::value& request);
OtlpDecoded decode_otlp_traces(const boost::json::value& request);

// An OTLP AnyValue as text: strings as is, intValue in decimal, doubles in
// shortest form, booleans "true"/"false", arrays and kvlists as JSON text,
// bytesValue as its base64 text.
std::string otlp_any_value_text(const boost::json::value& any_value);

}  // namespace tinkr::local
