#include "store/events_store.h"

#include <algorithm>

#include <fmt/format.h>
#include <boost/json/object.hpp>

#include "core/json.h"

namespace tinkr::store {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS change_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  service     TEXT NOT NULL,
  kind        TEXT NOT NULL,
  time_ns     INTEGER NOT NULL,
  version     TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL DEFAULT '',
  recorded_ns INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS change_events_service_time ON change_events (service, time_ns);
CREATE INDEX IF NOT EXISTS change_events_time ON change_events (time_ns);
)sql";

Error bad_field(std::string_view field, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument, fmt::format("field '{}': {}", field, what));
}

Result<std::string> bounded_string(const json::value& v, std::string_view key, size_t max, bool required) {
  const json::value* f = find_field(v, key);
  if (!f || f->is_null()) {
    if (required) return bad_field(key, "is required");
    return std::string();
  }
  if (!f->is_string()) return bad_field(key, "expected a string");
  std::string s(f->as_string());
  if (required && s.empty()) return bad_field(key, "must not be empty");
  if (s.size() > max) return bad_field(key, fmt::format("longer than {} characters", max));
  return s;
}

bool valid_kind(std::string_view k) {
  if (k.empty() || k.size() > 32) return false;
  return std::all_of(k.begin(), k.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; });
}

}  // namespace

json::value to_json(const ChangeEvent& e) {
  json::object o;
  o["id"] = e.id;
  o["service"] = e.service;
  o["kind"] = e.kind;
  o["time"] = format_rfc3339(e.time);
  o["version"] = e.version;
  o["description"] = e.description;
  o["source"] = e.source;
  o["recorded_by"] = e.recorded_by;
  o["recorded_at"] = format_rfc3339(e.recorded_at);
  return o;
}

Result<ChangeEvent> change_event_from_json(const json::value& v) {
  if (!v.is_object()) return make_error(ErrorCode::kInvalidArgument, "the event must be a JSON object");
  ChangeEvent e;
  TINKR_ASSIGN_OR_RETURN(e.service, bounded_string(v, "service", 256, true));
  TINKR_ASSIGN_OR_RETURN(e.kind, bounded_string(v, "kind", 32, true));
  if (!valid_kind(e.kind)) {
    return bad_field("kind", "use lower-case letters, digits, '_' or '-' (deploy, config, incident, …)");
  }
  TINKR_ASSIGN_OR_RETURN(e.version, bounded_string(v, "version", 256, false));
  TINKR_ASSIGN_OR_RETURN(e.description, bounded_string(v, "description", 4096, false));
  TINKR_ASSIGN_OR_RETURN(e.source, bounded_string(v, "source", 256, false));
  TINKR_ASSIGN_OR_RETURN(std::string time_text, bounded_string(v, "time", 64, false));
  if (!time_text.empty()) {
    auto t = parse_rfc3339(time_text);
    if (!t) return bad_field("time", t.error().message);
    e.time = *t;
  }
  return e;
}

Result<std::unique_ptr<EventsStore>> EventsStore::open(const std::filesystem::path& file) {
  TINKR_ASSIGN_OR_RETURN(Database db, Database::open(file));
  TINKR_RETURN_IF_ERROR(db.exec(kSchema));
  return std::unique_ptr<EventsStore>(new EventsStore(std::move(db)));
}

Result<ChangeEvent> EventsStore::add(ChangeEvent e) {
  if (e.recorded_at == Timestamp{}) e.recorded_at = now();
  if (e.time == Timestamp{}) e.time = e.recorded_at;
  std::lock_guard lock(mu_);
  TINKR_ASSIGN_OR_RETURN(
      Statement st,
      db_.prepare(
          "INSERT INTO change_events (service, kind, time_ns, version, description, source, recorded_by, recorded_ns) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  st.bind(1, e.service).bind(2, e.kind).bind(3, to_unix_nanos(e.time)).bind(4, e.version);
  st.bind(5, e.description).bind(6, e.source).bind(7, e.recorded_by).bind(8, to_unix_nanos(e.recorded_at));
  TINKR_RETURN_IF_ERROR(st.run());
  e.id = db_.last_insert_rowid();
  return e;
}

Result<std::vector<ChangeEvent>> EventsStore::list(std::string_view service, Timestamp since, size_t limit) {
  std::lock_guard lock(mu_);
  TINKR_ASSIGN_OR_RETURN(
      Statement st,
      db_.prepare("SELECT id, service, kind, time_ns, version, description, source, recorded_by, recorded_ns "
                  "FROM change_events WHERE time_ns >= ?1 AND (?2 = '' OR service = ?2) "
                  "ORDER BY time_ns DESC, id DESC LIMIT ?3"));
  st.bind(1, to_unix_nanos(since)).bind(2, service).bind(3, static_cast<int64_t>(limit));
  std::vector<ChangeEvent> out;
  while (true) {
    TINKR_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    ChangeEvent e;
    e.id = st.column_int(0);
    e.service = st.column_text(1);
    e.kind = st.column_text(2);
    e.time = from_unix_nanos(st.column_int(3));
    e.version = st.column_text(4);
    e.description = st.column_text(5);
    e.source = st.column_text(6);
    e.recorded_by = st.column_text(7);
    e.recorded_at = from_unix_nanos(st.column_int(8));
    out.push_back(std::move(e));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace tinkr::store
