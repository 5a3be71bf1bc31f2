// A small RAII wrapper over SQLite 3: one Database (a connection), prepared
// Statements with bound parameters, and a Transaction guard.
//
// Values reach SQL only as bound parameters (bind), never by building SQL text
// from user input. Every failure is a Result carrying SQLite's message and the
// statement that failed. A Database is one connection: use it from one thread
// at a time (callers that share one across threads hold their own mutex, or
// open one connection per thread; WAL mode lets readers run beside a writer).
// Statements belong to their Database and must not outlive it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tinkr::store {

struct OpenOptions {
  bool create = true;  // create the file when it does not exist
  bool read_only = false;
  bool wal = true;             // PRAGMA journal_mode=WAL (ignored for ":memory:")
  int busy_timeout_ms = 5000;  // how long to wait for a lock held by another connection
};

class Statement;

class Database {
 public:
  // Opens (or creates) the file; ":memory:" gives a private in-memory database.
  // Foreign keys are enabled; the parent directory must exist.
  static Result<Database> open(const std::filesystem::path& file, const OpenOptions& options = {});

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements without parameters (schema, pragmas).
  Status exec(std::string_view sql);
  // Compiles one statement; bind its parameters before step().
  Result<Statement> prepare(std::string_view sql);

  // The rowid of the last successful INSERT on this connection.
  int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;

  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// A prepared statement. Parameters are numbered from 1 (or named ":name"),
// result columns from 0. Typical use:
//   auto st = db.prepare("SELECT a FROM t WHERE b = ?1");
//   st->bind(1, value);
//   while (true) { auto row = st->step(); if (!row.ok()) …; if (!*row) break; st->column_text(0); }
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Bind by 1-based index. Text and blobs are copied (SQLITE_TRANSIENT).
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  // Bind by name (":name", "@name" or "$name", including the prefix).
  int parameter_index(std::string_view name) const;

  // Advances: true when a row is available, false when done. The first bind
  // failure (bad index, …) is reported here.
  Result<bool> step();
  // Runs a statement that returns no rows (INSERT/UPDATE/DELETE) to completion.
  Status run();
  // Makes the statement runnable again; keeps bindings unless clear is true.
  void reset(bool clear_bindings = true);

  int column_count() const;
  bool column_is_null(int col) const;
  int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;  // "" for NULL
  std::string column_blob(int col) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql) : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  void note_bind_error(int rc, int index);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  std::optional<Error> bind_error_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit()
// succeeded. Check ok() (or begin_status()) before using it.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  const Status& begin_status() const { return begin_; }
  bool ok() const { return begin_.ok(); }
  Status commit();

 private:
  Database& db_;
  Status begin_;
  bool done_ = false;
};

}  // namespace tinkr::store
