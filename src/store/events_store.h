// EventsStore: deploys, configuration changes and incidents recorded through
// POST /api/v1/events, kept in SQLite (WAL) so that the root-cause report can
// correlate them with anomalies.
//
// Thread-safe: one connection guarded by a mutex (writes are rare and small).
// Values are stored through bound parameters only. Times are stored as Unix
// nanoseconds (UTC).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/result.h"
#include "core/time.h"
#include "store/sqlite.h"

namespace tinkr::store {

struct ChangeEvent {
  int64_t id = 0;           // assigned by the store
  std::string service;      // required
  std::string kind;         // "deploy" | "config" | "incident" | "rollback" | "scale" | "feature_flag" | …
  Timestamp time{};         // when the change happened (defaults to the recording time)
  std::string version;      // optional: the deployed version / commit
  std::string description;  // optional
  std::string source;       // optional: "github", "argo", "manual", …
  std::string recorded_by;  // the API subject that recorded it
  Timestamp recorded_at{};

  friend bool operator==(const ChangeEvent&, const ChangeEvent&) = default;
};

// {"id","service","kind","time","version","description","source","recorded_by","recorded_at"}
boost::json::value to_json(const ChangeEvent& e);
// Reads a request body: service and kind required (kind: lower-case letters,
// digits, '_' or '-', at most 32), time optional RFC 3339; strings bounded in
// length. id/recorded_* are ignored (the store and the server set them).
Result<ChangeEvent> change_event_from_json(const boost::json::value& v);

class EventsStore {
 public:
  // Opens or creates the database file (":memory:" for tests) and its schema.
  static Result<std::unique_ptr<EventsStore>> open(const std::filesystem::path& file);

  // Stores the event; returns it with id (and recorded_at when unset) filled in.
  Result<ChangeEvent> add(ChangeEvent e);

  // Events at or after `since`, for one service (empty: all), oldest first,
  // at most `limit`, the newest ones kept when the limit cuts.
  Result<std::vector<ChangeEvent>> list(std::string_view service, Timestamp since, size_t limit = 500);

 private:
  explicit EventsStore(Database db) : db_(std::move(db)) {}
  std::mutex mu_;
  Database db_;
};

}  // namespace tinkr::store
