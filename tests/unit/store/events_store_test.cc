#include "store/events_store.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "testing/tempdir.h"

namespace tinkr::store {
namespace {

Timestamp at(std::string_view rfc3339) { return *parse_rfc3339(rfc3339); }

ChangeEvent event(std::string service, std::string kind, Timestamp t) {
  ChangeEvent e;
  e.service = std::move(service);
  e.kind = std::move(kind);
  e.time = t;
  return e;
}

TEST(SqliteTest, BoundParametersKeepQuotesAsData) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok()) << db.error().to_string();
  ASSERT_TRUE(db->exec("CREATE TABLE t (a TEXT)").ok());
  auto ins = db->prepare("INSERT INTO t (a) VALUES (?1)");
  ASSERT_TRUE(ins.ok());
  ins->bind(1, "x'); DROP TABLE t; --");
  ASSERT_TRUE(ins->run().ok());
  auto sel = db->prepare("SELECT a FROM t");
  ASSERT_TRUE(sel.ok());
  auto row = sel->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(sel->column_text(0), "x'); DROP TABLE t; --");
}

TEST(SqliteTest, ErrorsAreValues) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  auto st = db->prepare("SELEC nonsense");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("SQLite"), std::string::npos);
  auto bad_bind = db->prepare("SELECT ?1");
  ASSERT_TRUE(bad_bind.ok());
  bad_bind->bind(7, int64_t{1});
  EXPECT_FALSE(bad_bind->step().ok());
}

TEST(SqliteTest, TransactionRollsBackUnlessCommitted) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("CREATE TABLE t (a INTEGER)").ok());
  {
    Transaction tx(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)").ok());
  }
  {
    Transaction tx(*db);
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx.commit().ok());
  }
  auto st = db->prepare("SELECT group_concat(a) FROM t");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->column_text(0), "2");
}

TEST(EventsStoreTest, AddAndListByServiceAndTime) {
  testing::TempDir dir("events");
  auto store = EventsStore::open(dir / "events.db");
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  ChangeEvent a = event("checkout", "deploy", at("2026-01-01T10:00:00Z"));
  a.version = "v2";
  ChangeEvent b = event("payments", "config", at("2026-01-01T11:00:00Z"));
  ChangeEvent c = event("checkout", "incident", at("2026-01-01T12:00:00Z"));
  for (auto* e : {&a, &b, &c}) {
    auto r = (*store)->add(*e);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_GT(r->id, 0);
  }
  auto all = (*store)->list("", at("2026-01-01T00:00:00Z"));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].kind, "deploy");  // oldest first
  EXPECT_EQ((*all)[0].version, "v2");

  auto checkout = (*store)->list("checkout", at("2026-01-01T10:30:00Z"));
  ASSERT_TRUE(checkout.ok());
  ASSERT_EQ(checkout->size(), 1u);
  EXPECT_EQ((*checkout)[0].kind, "incident");

  auto limited = (*store)->list("", at("2026-01-01T00:00:00Z"), 2);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].kind, "incident");  // newest kept
}

TEST(EventsStoreTest, SurvivesReopen) {
  testing::TempDir dir("events");
  {
    auto store = EventsStore::open(dir / "e.db");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->add(event("s", "deploy", Timestamp{})).ok());
  }
  auto store = EventsStore::open(dir / "e.db");
  ASSERT_TRUE(store.ok());
  auto all = (*store)->list("s", Timestamp{});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
}

TEST(EventsStoreTest, JsonValidation) {
  auto ok = change_event_from_json(
      *parse_json(R"({"service":"api","kind":"deploy","time":"2026-01-01T00:00:00Z","version":"1.2"})"));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->version, "1.2");
  EXPECT_FALSE(change_event_from_json(*parse_json(R"({"kind":"deploy"})")).ok());
  EXPECT_FALSE(change_event_from_json(*parse_json(R"({"service":"a","kind":"DROP TABLE"})")).ok());
  EXPECT_FALSE(change_event_from_json(*parse_json(R"({"service":"a","kind":"deploy","time":"yesterday"})")).ok());
  auto j = to_json(*ok);
  EXPECT_EQ(get_string(j, "service"), "api");
  EXPECT_EQ(get_string(j, "time"), "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace tinkr::store
