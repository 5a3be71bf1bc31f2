// TelemetryStore: the embedded store behind the `local` backend. Logs,
// metric series and points, and spans in one SQLite file (WAL mode).
//
// Schema (the `logs` table is the contract of the SQL query translator,
// src/query/query.h, and must not change shape):
//   logs(id, ts /*Unix ns*/, service, level /*tinkr::Level value*/, message,
//        trace_id, span_id, attributes /*JSON object of strings*/)
//        indexes (ts), (service, ts)
//   series(id, name, service, labels /*JSON*/, unit), unique (name, service, labels)
//   points(series_id, ts, value), primary key (series_id, ts)
//   spans(trace_id, span_id, parent_span_id, service, name, kind, start_ns,
//         duration_ns, status, status_message, attributes /*JSON*/),
//        primary key (trace_id, span_id), index (service, start_ns), (start_ns)
//
// Duplicates: a point with the same series and time, and a span with the same
// trace and span id, replace the stored one (last write wins). Log lines have
// no identity; the ingest layer drops exact duplicates within one import.
//
// Thread-safety: every method may be called from any thread. Writes go
// through one writer connection under a mutex; reads use a second connection
// under its own mutex, so (thanks to WAL) a long import does not block queries.
// ":memory:" uses a single connection for both.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/model.h"
#include "core/result.h"
#include "store/sqlite.h"

namespace tinkr::store {

struct TelemetryStoreOptions {
  Nanos retention{0};          // delete data older than now - retention; 0 keeps everything
  int64_t max_size_bytes = 0;  // approximate cap on used bytes, oldest data deleted first; 0: no cap
};

// A WHERE condition over the logs table and its bound parameters, in `?`
// order (the same variant as query::SqlParam).
using SqlValue = std::variant<int64_t, double, std::string>;
struct SqlCondition {
  std::string where = "1";
  std::vector<SqlValue> params;
};

struct LevelCount {
  int64_t bucket_start_ns = 0;
  Level level = Level::kUnknown;
  int64_t count = 0;
};

struct SpanSelect {
  std::string service;  // empty: all; matches a trace when any of its spans is of the service
  TimeRange range;      // on the trace's root start
  Nanos min_duration{0};
  bool errors_only = false;
  Attributes tags;  // every tag must be on one span of the trace (json_extract equality)
  size_t limit = 20;
};

// A server span reduced to what derived metrics need.
struct ServerSpanSample {
  int64_t start_ns = 0;
  int64_t duration_ns = 0;
  bool error = false;
};

class TelemetryStore {
 public:
  // Opens or creates the store (and its parent directory) and its schema.
  static Result<std::unique_ptr<TelemetryStore>> open(const std::filesystem::path& file,
                                                      const TelemetryStoreOptions& options = {});

  // Writes, each in one transaction with prepared statements.
  Status insert_logs(const std::vector<LogEntry>& logs);
  Status insert_metrics(const std::vector<MetricSeries>& series);  // labels may hold "service"
  Status insert_spans(const std::vector<Span>& spans);
  // Applies retention and the size cap relative to `now`.
  Status enforce_limits(Timestamp now);
  // Approximate bytes in use (pages in use times page size).
  Result<int64_t> used_bytes();

  // The SELECT that select_logs runs for a condition (for explain).
  static std::string logs_sql(std::string_view where, bool newest_first);
  // Log lines matching the condition, at most limit, oldest first; with
  // newest_first the limit keeps the newest ones.
  Result<std::vector<LogEntry>> select_logs(const SqlCondition& cond, size_t limit, bool newest_first);
  // Counts per (bucket, level), bucket = from + k*bucket, GROUP BY in SQL.
  Result<std::vector<LevelCount>> log_volume(const SqlCondition& cond, Timestamp from, Nanos bucket);
  // Services with any log, span or series in the range, sorted.
  Result<std::vector<std::string>> list_services(const TimeRange& range);

  // Stored series named `name` (and of `service` unless empty) with their
  // points in the range; labels include "service".
  Result<std::vector<MetricSeries>> select_metric(std::string_view name, std::string_view service,
                                                  const TimeRange& range);
  // Server spans (kind server, or root spans) of the service in the range.
  Result<std::vector<ServerSpanSample>> server_spans(std::string_view service, const TimeRange& range);

  Result<std::vector<Trace>> select_traces(const SpanSelect& q);
  Result<Trace> select_trace(std::string_view trace_id);  // kNotFound when absent
  // Counts for tests and reports.
  Result<int64_t> count(std::string_view table);

 private:
  TelemetryStore(Database writer, std::unique_ptr<Database> reader, TelemetryStoreOptions options);
  Database& reader() { return reader_ ? *reader_ : writer_; }
  std::mutex& reader_mutex() { return reader_ ? read_mu_ : write_mu_; }
  Result<std::vector<Span>> spans_of(Database& db, std::string_view trace_id);

  std::mutex write_mu_;
  std::mutex read_mu_;
  Database writer_;
  std::unique_ptr<Database> reader_;
  TelemetryStoreOptions options_;
};

}  // namespace tinkr::store
