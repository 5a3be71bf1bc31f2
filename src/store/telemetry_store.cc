#include "store/telemetry_store.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json.h"

namespace tinkr::store {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS logs(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL /*Unix ns*/, service TEXT NOT NULL, level INTEGER NOT NULL /*tinkr::Level numeric value, 0 unknown..6 critical*/, message TEXT NOT NULL, trace_id TEXT NOT NULL DEFAULT '', span_id TEXT NOT NULL DEFAULT '', attributes TEXT NOT NULL DEFAULT '{}' /*JSON object of strings*/);
CREATE INDEX IF NOT EXISTS logs_ts ON logs(ts);
CREATE INDEX IF NOT EXISTS logs_service_ts ON logs(service, ts);
CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, name TEXT NOT NULL, service TEXT NOT NULL, labels TEXT NOT NULL DEFAULT '{}', unit TEXT NOT NULL DEFAULT '', UNIQUE(name, service, labels));
CREATE TABLE IF NOT EXISTS points(series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(series_id, ts)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS points_ts ON points(ts);
CREATE TABLE IF NOT EXISTS spans(trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT NOT NULL DEFAULT '', service TEXT NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL, status INTEGER NOT NULL, status_message TEXT NOT NULL DEFAULT '', attributes TEXT NOT NULL DEFAULT '{}', PRIMARY KEY(trace_id, span_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS spans_service_start ON spans(service, start_ns);
CREATE INDEX IF NOT EXISTS spans_start ON spans(start_ns);
)sql";

constexpr std::string_view kLogColumns = "ts, service, level, message, trace_id, span_id, attributes";

std::string attributes_json(const Attributes& attrs) {
  if (attrs.empty()) return "{}";
  json::object o;
  for (const auto& [k, v] : attrs) o[k] = v;
  return json::serialize(o);
}

Attributes parse_attributes(std::string_view text) {
  Attributes out;
  if (text.size() <= 2) return out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, val] : v.as_object())
    out.emplace(std::string(k), val.is_string() ? std::string(val.as_string()) : json::serialize(val));
  return out;
}

Level level_of(int64_t n) { return n >= 0 && n <= 6 ? static_cast<Level>(n) : Level::kUnknown; }

void bind_all(Statement& st, const std::vector<SqlValue>& params, int first = 1) {
  int i = first;
  for (const auto& p : params) {
    std::visit([&](const auto& v) { st.bind(i, v); }, p);
    ++i;
  }
}

LogEntry read_log(const Statement& st, int c = 0) {
  LogEntry e;
  e.time = from_unix_nanos(st.column_int(c));
  e.service = st.column_text(c + 1);
  e.level = level_of(st.column_int(c + 2));
  e.message = st.column_text(c + 3);
  e.trace_id = st.column_text(c + 4);
  e.span_id = st.column_text(c + 5);
  e.attributes = parse_attributes(st.column_text(c + 6));
  return e;
}

Result<int64_t> single_int(Database& db, std::string_view sql) {
  TINKR_ASSIGN_OR_RETURN(auto st, db.prepare(sql));
  TINKR_ASSIGN_OR_RETURN(bool row, st.step());
  return row ? st.column_int(0) : 0;
}

}  // namespace

TelemetryStore::TelemetryStore(Database writer, std::unique_ptr<Database> reader, TelemetryStoreOptions options)
    : writer_(std::move(writer)), reader_(std::move(reader)), options_(options) {}

Result<std::unique_ptr<TelemetryStore>> TelemetryStore::open(const std::filesystem::path& file,
                                                             const TelemetryStoreOptions& options) {
  const bool memory = file == ":memory:";
  if (!memory && file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
      return make_error(ErrorCode::kConfig, fmt::format("cannot create the directory of the local store {}: {}",
                                                        file.string(), ec.message()));
  }
  TINKR_ASSIGN_OR_RETURN(Database writer, Database::open(file));
  TINKR_RETURN_IF_ERROR(writer.exec(kSchema));
  std::unique_ptr<Database> reader;
  if (!memory) {
    TINKR_ASSIGN_OR_RETURN(Database r, Database::open(file));
    reader = std::make_unique<Database>(std::move(r));
  }
  return std::unique_ptr<TelemetryStore>(new TelemetryStore(std::move(writer), std::move(reader), options));
}

Status TelemetryStore::insert_logs(const std::vector<LogEntry>& logs) {
  if (logs.empty()) return ok_status();
  std::lock_guard lock(write_mu_);
  Transaction tx(writer_);
  TINKR_RETURN_IF_ERROR(tx.begin_status());
  TINKR_ASSIGN_OR_RETURN(auto st,
                         writer_.prepare(fmt::format("INSERT INTO logs({}) VALUES(?,?,?,?,?,?,?)", kLogColumns)));
  for (const auto& e : logs) {
    st.bind(1, to_unix_nanos(e.time))
        .bind(2, e.service)
        .bind(3, static_cast<int64_t>(e.level))
        .bind(4, e.message)
        .bind(5, e.trace_id)
        .bind(6, e.span_id)
        .bind(7, attributes_json(e.attributes));
    TINKR_RETURN_IF_ERROR(st.run());
    st.reset(false);
  }
  return tx.commit();
}

Status TelemetryStore::insert_metrics(const std::vector<MetricSeries>& series) {
  if (series.empty()) return ok_status();
  std::lock_guard lock(write_mu_);
  Transaction tx(writer_);
  TINKR_RETURN_IF_ERROR(tx.begin_status());
  TINKR_ASSIGN_OR_RETURN(
      auto upsert,
      writer_.prepare(
          "INSERT INTO series(name, service, labels, unit) VALUES(?,?,?,?) "
          "ON CONFLICT(name, service, labels) DO UPDATE SET unit = CASE WHEN excluded.unit != '' THEN excluded.unit "
          "ELSE series.unit END RETURNING id"));
  TINKR_ASSIGN_OR_RETURN(auto point,
                         writer_.prepare("INSERT OR REPLACE INTO points(series_id, ts, value) VALUES(?,?,?)"));
  for (const auto& s : series) {
    Attributes labels = s.labels;
    std::string service;
    if (auto it = labels.find("service"); it != labels.end()) {
      service = it->second;
      labels.erase(it);
    }
    upsert.bind(1, s.name).bind(2, service).bind(3, attributes_json(labels)).bind(4, s.unit);
    TINKR_ASSIGN_OR_RETURN(bool row, upsert.step());
    if (!row) return make_error(ErrorCode::kInternal, "series upsert returned no id");
    int64_t id = upsert.column_int(0);
    upsert.reset();
    for (const auto& p : s.points) {
      point.bind(1, id).bind(2, to_unix_nanos(p.time)).bind(3, p.value);
      TINKR_RETURN_IF_ERROR(point.run());
      point.reset(false);
    }
  }
  return tx.commit();
}

Status TelemetryStore::insert_spans(const std::vector<Span>& spans) {
  if (spans.empty()) return ok_status();
  std::lock_guard lock(write_mu_);
  Transaction tx(writer_);
  TINKR_RETURN_IF_ERROR(tx.begin_status());
  TINKR_ASSIGN_OR_RETURN(
      auto st,
      writer_.prepare(
          "INSERT OR REPLACE INTO spans(trace_id, span_id, parent_span_id, service, name, kind, start_ns, duration_ns, "
          "status, status_message, attributes) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
  for (const auto& s : spans) {
    st.bind(1, s.trace_id)
        .bind(2, s.span_id)
        .bind(3, s.parent_span_id)
        .bind(4, s.service)
        .bind(5, s.name)
        .bind(6, static_cast<int64_t>(s.kind))
        .bind(7, to_unix_nanos(s.start))
        .bind(8, static_cast<int64_t>(s.duration.count()))
        .bind(9, static_cast<int64_t>(s.status))
        .bind(10, s.status_message)
        .bind(11, attributes_json(s.attributes));
    TINKR_RETURN_IF_ERROR(st.run());
    st.reset(false);
  }
  return tx.commit();
}

Result<int64_t> TelemetryStore::used_bytes() {
  std::lock_guard lock(write_mu_);
  TINKR_ASSIGN_OR_RETURN(int64_t pages, single_int(writer_, "PRAGMA page_count"));
  TINKR_ASSIGN_OR_RETURN(int64_t free_pages, single_int(writer_, "PRAGMA freelist_count"));
  TINKR_ASSIGN_OR_RETURN(int64_t page_size, single_int(writer_, "PRAGMA page_size"));
  return (pages - free_pages) * page_size;
}

Status TelemetryStore::enforce_limits(Timestamp now) {
  auto delete_before = [this](int64_t cutoff) -> Status {
    std::lock_guard lock(write_mu_);
    Transaction tx(writer_);
    TINKR_RETURN_IF_ERROR(tx.begin_status());
    for (const char* sql :
         {"DELETE FROM logs WHERE ts < ?", "DELETE FROM points WHERE ts < ?", "DELETE FROM spans WHERE start_ns < ?",
          "DELETE FROM series WHERE ?1 = ?1 AND NOT EXISTS (SELECT 1 FROM points WHERE series_id = series.id)"}) {
      TINKR_ASSIGN_OR_RETURN(auto st, writer_.prepare(sql));
      st.bind(1, cutoff);
      TINKR_RETURN_IF_ERROR(st.run());
    }
    return tx.commit();
  };
  if (options_.retention.count() > 0) TINKR_RETURN_IF_ERROR(delete_before(to_unix_nanos(now - options_.retention)));
  if (options_.max_size_bytes <= 0) return ok_status();
  for (int round = 0; round < 64; ++round) {
    TINKR_ASSIGN_OR_RETURN(int64_t used, used_bytes());
    if (used <= options_.max_size_bytes) break;
    int64_t lo = 0, hi = 0;
    {
      std::lock_guard lock(write_mu_);
      TINKR_ASSIGN_OR_RETURN(
          auto st,
          writer_.prepare(
              "SELECT MIN(m), MAX(x) FROM (SELECT MIN(ts) m, MAX(ts) x FROM logs UNION ALL "
              "SELECT MIN(start_ns), MAX(start_ns) FROM spans UNION ALL SELECT MIN(ts), MAX(ts) FROM points)"));
      TINKR_ASSIGN_OR_RETURN(bool row, st.step());
      if (!row || st.column_is_null(0)) break;  // nothing left to delete
      lo = st.column_int(0);
      hi = st.column_int(1);
    }
    // Delete the oldest tenth of the time span held (at least 1 ns more than the oldest).
    TINKR_RETURN_IF_ERROR(delete_before(lo + std::max<int64_t>(1, (hi - lo) / 10)));
  }
  return ok_status();
}

std::string TelemetryStore::logs_sql(std::string_view where, bool newest_first) {
  return fmt::format("SELECT {} FROM logs WHERE {} ORDER BY ts {}, id {} LIMIT ?", kLogColumns, where,
                     newest_first ? "DESC" : "ASC", newest_first ? "DESC" : "ASC");
}

Result<std::vector<LogEntry>> TelemetryStore::select_logs(const SqlCondition& cond, size_t limit, bool newest_first) {
  std::lock_guard lock(reader_mutex());
  TINKR_ASSIGN_OR_RETURN(auto st, reader().prepare(logs_sql(cond.where, newest_first)));
  bind_all(st, cond.params);
  st.bind(static_cast<int>(cond.params.size()) + 1, static_cast<int64_t>(limit));
  std::vector<LogEntry> out;
  while (true) {
    TINKR_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back(read_log(st));
  }
  if (newest_first) std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<LevelCount>> TelemetryStore::log_volume(const SqlCondition& cond, Timestamp from, Nanos bucket) {
  if (bucket.count() <= 0) return make_error(ErrorCode::kInvalidArgument, "the bucket must be positive (e.g. 1m)");
  std::lock_guard lock(reader_mutex());
  TINKR_ASSIGN_OR_RETURN(
      auto st, reader().prepare(fmt::format(
                   "SELECT (ts - ?) / ? AS b, level, COUNT(*) FROM logs WHERE {} GROUP BY b, level ORDER BY b, level",
                   cond.where)));
  st.bind(1, to_unix_nanos(from)).bind(2, static_cast<int64_t>(bucket.count()));
  bind_all(st, cond.params, 3);
  std::vector<LevelCount> out;
  while (true) {
    TINKR_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back(
        {to_unix_nanos(from) + st.column_int(0) * bucket.count(), level_of(st.column_int(1)), st.column_int(2)});
  }
  return out;
}

Result<std::vector<std::string>> TelemetryStore::list_services(const TimeRange& range) {
  std::lock_guard lock(reader_mutex());
  TINKR_ASSIGN_OR_RETURN(
      auto st,
      reader().prepare("SELECT service FROM logs WHERE ts >= ?1 AND ts < ?2 UNION "
                       "SELECT service FROM spans WHERE start_ns >= ?1 AND start_ns < ?2 UNION "
                       "SELECT s.service FROM series s WHERE s.service != '' AND EXISTS "
                       "(SELECT 1 FROM points p WHERE p.series_id = s.id AND p.ts >= ?1 AND p.ts < ?2) ORDER BY 1"));
  st.bind(1, to_unix_nanos(range.from)).bind(2, to_unix_nanos(range.to));
  std::vector<std::string> out;
  while (true) {
    TINKR_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back(st.column_text(0));
  }
  return out;
}

Result<std::vector<MetricSeries>> TelemetryStore::select_metric(std::string_view name, std::string_view service,
                                                                const TimeRange& range) {
  std::lock_guard lock(reader_mutex());
  Database& db = reader();
  TINKR_ASSIGN_OR_RETURN(auto st, db.prepare("SELECT id, service, labels, unit FROM series WHERE name = ?1 AND (?2 = "
                                             "'' OR service = ?2) ORDER BY service, labels"));
  st.bind(1, name).bind(2, service);
  std::vector<std::pair<int64_t, MetricSeries>> found;
  while (true) {
    TINKR_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    MetricSeries ms;
    ms.name = std::string(name);
    ms.labels = parse_attributes(st.column_text(2));
    if (std::string svc = st.column_text(1); !svc.empty()) ms.labels["service"] = svc;
    ms.unit = st.column_text(3);
    found.emplace_back(st.column_int(0), std::move(ms));
  }
  TINKR_ASSIGN_OR_RETURN(auto pts,
                         db.prepare(
                             "SELECT ts, value FROM points WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts"));
  std::vector<MetricSeries> out;
  for (auto& [id, ms] : found) {
    pts.bind(1, id).bind(2, to_unix_nanos(range.from)).bind(3, to_unix_nanos(range.to));
    while (true) {
      TINKR_ASSIGN_OR_RETURN(bool row, pts.step());
      if (!row) break;
      ms.points.push_back({from_unix_nanos(pts.column_int(0)), pts.column_double(1)});
    }
    pts.reset();
    out.push_back(std::move(ms));
  }
  return out;
}

Result<std::vector<ServerSpanSample>> TelemetryStore::server_spans(std::string_view service, const TimeRange& range) {
  std::lock_guard lock(reader_mutex());
  TINKR_ASSIGN_OR_RETURN(
      auto st,
      reader().prepare(
          "SELECT start_ns, duration_ns, status FROM spans WHERE service = ? AND start_ns >= ? AND start_ns < ? "
          "AND (kind = 2 OR (kind IN (0, 5) AND parent_span_id = '')) ORDER BY start_ns"));
  st.bind(1, service).bind(2, to_unix_nanos(range.from)).bind(3, to_unix_nanos(range.to));
  std::vector<ServerSpanSample> out;
  while (true) {
    TINKR_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back({st.column_int(0), st.column_int(1), st.column_int(2) == static_cast<int>(SpanStatus::kError)});
  }
  return out;
}

Result<std::vector<Span>> TelemetryStore::spans_of(Database& db, std::string_view trace_id) {
  TINKR_ASSIGN_OR_RETURN(auto st, db.prepare("SELECT trace_id, span_id, parent_span_id, service, name, kind, start_ns, "
                                             "duration_ns, status, status_message, "
                                             "attributes FROM spans WHERE trace_id = ? ORDER BY start_ns, span_id"));
  st.bind(1, trace_id);
  std::vector<Span> out;
  while (true) {
    TINKR_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    Span s;
    s.trace_id = st.column_text(0);
    s.span_id = st.column_text(1);
    s.parent_span_id = st.column_text(2);
    s.service = st.column_text(3);
    s.name = st.column_text(4);
    int64_t kind = st.column_int(5), status = st.column_int(8);
    s.kind = kind >= 0 && kind <= 5 ? static_cast<SpanKind>(kind) : SpanKind::kUnspecified;
    s.start = from_unix_nanos(st.column_int(6));
    s.duration = Nanos(st.column_int(7));
    s.status = status >= 0 && status <= 2 ? static_cast<SpanStatus>(status) : SpanStatus::kUnset;
    s.status_message = st.column_text(9);
    s.attributes = parse_attributes(st.column_text(10));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<Trace>> TelemetryStore::select_traces(const SpanSelect& q) {
  std::string candidates = "SELECT trace_id FROM spans WHERE start_ns >= ? AND start_ns < ?";
  std::vector<SqlValue> params = {to_unix_nanos(q.range.from), to_unix_nanos(q.range.to)};
  if (!q.service.empty()) {
    candidates += " AND service = ?";
    params.emplace_back(q.service);
  }
  std::string sql = fmt::format(
      "SELECT trace_id, MAX(start_ns + duration_ns) - MIN(start_ns) AS dur, MAX(status = 2) AS err FROM spans "
      "WHERE trace_id IN ({}) GROUP BY trace_id HAVING dur >= ?{}",
      candidates, q.errors_only ? " AND err = 1" : "");
  params.emplace_back(static_cast<int64_t>(q.min_duration.count()));
  for (const auto& [key, value] : q.tags) {
    if (key.find_first_of("\"\\") != std::string::npos)
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("tag name {:?} may not contain quotes or backslashes", key));
    sql += " AND MAX(json_extract(attributes, ?) = ?) = 1";
    params.emplace_back(fmt::format("$.\"{}\"", key));
    params.emplace_back(value);
  }
  sql += " ORDER BY dur DESC, trace_id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(q.limit));
  std::lock_guard lock(reader_mutex());
  Database& db = reader();
  TINKR_ASSIGN_OR_RETURN(auto st, db.prepare(sql));
  bind_all(st, params);
  std::vector<std::string> ids;
  while (true) {
    TINKR_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    ids.push_back(st.column_text(0));
  }
  std::vector<Trace> out;
  for (const auto& id : ids) {
    Trace t;
    t.trace_id = id;
    TINKR_ASSIGN_OR_RETURN(t.spans, spans_of(db, id));
    summarize_trace(t);
    out.push_back(std::move(t));
  }
  return out;
}

Result<Trace> TelemetryStore::select_trace(std::string_view trace_id) {
  std::lock_guard lock(reader_mutex());
  Trace t;
  t.trace_id = std::string(trace_id);
  TINKR_ASSIGN_OR_RETURN(t.spans, spans_of(reader(), trace_id));
  if (t.spans.empty())
    return make_error(ErrorCode::kNotFound,
                      fmt::format("trace {} is not in the local store; check the id or import it", trace_id));
  summarize_trace(t);
  return t;
}

Result<int64_t> TelemetryStore::count(std::string_view table) {
  static const std::map<std::string_view, std::string_view> kTables = {{"logs", "SELECT COUNT(*) FROM logs"},
                                                                       {"spans", "SELECT COUNT(*) FROM spans"},
                                                                       {"points", "SELECT COUNT(*) FROM points"},
                                                                       {"series", "SELECT COUNT(*) FROM series"}};
  auto it = kTables.find(table);
  if (it == kTables.end()) return make_error(ErrorCode::kInvalidArgument, "unknown table");
  std::lock_guard lock(reader_mutex());
  return single_int(reader(), it->second);
}

}  // namespace tinkr::store
