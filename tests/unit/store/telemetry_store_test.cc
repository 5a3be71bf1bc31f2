#include "store/telemetry_store.h"

#include <gtest/gtest.h>

#include "testing/tempdir.h"

namespace tinkr::store {
namespace {

LogEntry line(int64_t sec, std::string msg) {
  LogEntry e;
  e.time = from_unix_nanos(sec * 1'000'000'000);
  e.service = "svc";
  e.level = Level::kInfo;
  e.message = std::move(msg);
  return e;
}

TEST(TelemetryStore, RetentionDeletesOldData) {
  testing::TempDir dir("store");
  auto store = std::move(TelemetryStore::open(dir / "t.db", {.retention = std::chrono::hours(1)})).value();
  ASSERT_TRUE(store->insert_logs({line(1000, "old"), line(10000, "new")}).ok());
  ASSERT_TRUE(store
                  ->insert_metrics(
                      {MetricSeries{"m",
                                    "1",
                                    {{"service", "svc"}},
                                    {{from_unix_nanos(1000'000'000'000), 1}, {from_unix_nanos(10000'000'000'000), 2}}}})
                  .ok());
  Span s;
  s.trace_id = "5b8efff798038103d269b633813fc60c";
  s.span_id = "eee19b7ec3c1b174";
  s.service = "svc";
  s.start = from_unix_nanos(1000'000'000'000);
  ASSERT_TRUE(store->insert_spans({s}).ok());
  ASSERT_TRUE(store->enforce_limits(from_unix_nanos(10001'000'000'000)).ok());
  EXPECT_EQ(*store->count("logs"), 1);
  EXPECT_EQ(*store->count("points"), 1);
  EXPECT_EQ(*store->count("spans"), 0);
  auto logs = *store->select_logs({"1", {}}, 10, false);
  EXPECT_EQ(logs.at(0).message, "new");
}

TEST(TelemetryStore, SizeCapDeletesOldestFirst) {
  testing::TempDir dir("store");
  auto store = std::move(TelemetryStore::open(dir / "t.db", {.max_size_bytes = int64_t{256} * 1024})).value();
  std::vector<LogEntry> logs;
  for (int i = 0; i < 20000; ++i) logs.push_back(line(i, std::string(100, 'x') + std::to_string(i)));
  ASSERT_TRUE(store->insert_logs(logs).ok());
  EXPECT_GT(*store->used_bytes(), 256 * 1024);
  ASSERT_TRUE(store->enforce_limits(from_unix_nanos(0)).ok());
  EXPECT_LE(*store->used_bytes(), 256 * 1024);
  int64_t left = *store->count("logs");
  EXPECT_GT(left, 0);
  EXPECT_LT(left, 20000);
  auto newest = *store->select_logs({"1", {}}, 1, true);
  EXPECT_EQ(newest.at(0).message, std::string(100, 'x') + "19999");  // the newest survive
}

TEST(TelemetryStore, DuplicatePointsAndSpansReplace) {
  auto store = std::move(TelemetryStore::open(":memory:")).value();
  MetricSeries m{"m", "1", {{"service", "svc"}}, {{from_unix_nanos(5), 1}}};
  ASSERT_TRUE(store->insert_metrics({m}).ok());
  m.points[0].value = 2;
  ASSERT_TRUE(store->insert_metrics({m}).ok());
  auto got = *store->select_metric("m", "svc", {from_unix_nanos(0), from_unix_nanos(10)});
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].points.size(), 1u);
  EXPECT_EQ(got[0].points[0].value, 2);
}

}  // namespace
}  // namespace tinkr::store
