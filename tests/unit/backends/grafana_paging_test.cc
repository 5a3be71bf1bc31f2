// Walking Loki's time window: no gaps, no duplicates, lines sharing the
// boundary nanosecond included exactly once.
#include <gtest/gtest.h>

#include <algorithm>

#include "backends/grafana/loki_paging.h"

namespace tinkr::grafana {
namespace {

LogEntry line(int64_t ns, std::string msg) {
  LogEntry e;
  e.time = from_unix_nanos(ns);
  e.message = std::move(msg);
  return e;
}

// A fake Loki: the newest/oldest `limit` lines of [start, end), ties in
// arbitrary (here: reversed insertion) order.
struct FakeLoki {
  std::vector<LogEntry> data;
  std::vector<LokiPage> asked;
  Result<std::vector<LogEntry>> operator()(const LokiPage& p) {
    asked.push_back(p);
    std::vector<LogEntry> in;
    for (const auto& e : data) {
      if (e.time >= p.start && e.time < p.end) in.push_back(e);
    }
    std::stable_sort(in.begin(), in.end(), [&](const LogEntry& a, const LogEntry& b) {
      return p.backward ? a.time > b.time : a.time < b.time;
    });
    if (in.size() > p.limit) in.resize(p.limit);
    std::reverse(in.begin(), in.end());  // order inside the page must not matter
    return in;
  }
};

TimeRange all() { return {from_unix_nanos(0), from_unix_nanos(1000000)}; }

TEST(GrafanaLokiPaging, WalksBackwardWithoutGapsOrDuplicates) {
  FakeLoki loki;
  for (int i = 0; i < 100; ++i) loki.data.push_back(line(1000 + i / 3, "l" + std::to_string(i)));  // 3 per ns
  auto r = walk_loki_window(all(), 1000, true, 7, std::ref(loki));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->entries.size(), 100u);
  std::vector<std::string> got;
  for (const auto& e : r->entries) got.push_back(e.message);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(std::unique(got.begin(), got.end()), got.end());
  EXPECT_TRUE(std::is_sorted(r->entries.begin(), r->entries.end(),
                             [](const LogEntry& a, const LogEntry& b) { return a.time < b.time; }));
  EXPECT_GT(r->pages, 10u);
  EXPECT_TRUE(r->warnings.empty());
}

TEST(GrafanaLokiPaging, NewestOrOldestWhenLimited) {
  FakeLoki loki;
  for (int i = 0; i < 50; ++i) loki.data.push_back(line(1000 + i, "l" + std::to_string(i)));
  auto newest = walk_loki_window(all(), 20, true, 6, std::ref(loki));
  ASSERT_EQ(newest->entries.size(), 20u);
  EXPECT_EQ(newest->entries.front().message, "l30");
  EXPECT_EQ(newest->entries.back().message, "l49");
  auto oldest = walk_loki_window(all(), 20, false, 6, std::ref(loki));
  ASSERT_EQ(oldest->entries.size(), 20u);
  EXPECT_EQ(oldest->entries.front().message, "l0");
  EXPECT_EQ(oldest->entries.back().message, "l19");
  for (const auto& p : loki.asked) EXPECT_LE(p.limit, 6u);
}

TEST(GrafanaLokiPaging, ManyLinesInOneNanosecondForward) {
  FakeLoki loki;
  for (int i = 0; i < 5; ++i) loki.data.push_back(line(10, "a" + std::to_string(i)));
  for (int i = 0; i < 12; ++i) loki.data.push_back(line(20, "b" + std::to_string(i)));
  for (int i = 0; i < 5; ++i) loki.data.push_back(line(30, "c" + std::to_string(i)));
  auto r = walk_loki_window(all(), 100, false, 8, std::ref(loki));
  ASSERT_TRUE(r.ok());
  // 12 lines at ns 20 do not fit a page of 8: the walker says so and moves on.
  EXPECT_FALSE(r->warnings.empty());
  size_t c = std::count_if(r->entries.begin(), r->entries.end(), [](const LogEntry& e) { return e.message[0] == 'c'; });
  EXPECT_EQ(c, 5u);
  std::vector<std::string> got;
  for (const auto& e : r->entries) got.push_back(e.message);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(std::unique(got.begin(), got.end()), got.end());
}

TEST(GrafanaLokiPaging, ExactFromBoundary) {
  FakeLoki loki;
  for (int i = 0; i < 10; ++i) loki.data.push_back(line(100 + i, "l" + std::to_string(i)));
  auto r = walk_loki_window({from_unix_nanos(105), from_unix_nanos(200)}, 100, true, 100, std::ref(loki));
  ASSERT_EQ(r->entries.size(), 5u);
  EXPECT_EQ(r->entries.front().message, "l5");  // the line at `from` is included, earlier ones are not
}

// One page as Loki answers it: stream after stream, each in order, so the
// page as a whole is not; lines of the same nanosecond keep the page's order.
TEST(GrafanaLokiPaging, APageOfSeveralStreamsIsMergedStably) {
  const std::vector<LogEntry> page = {line(10, "a10"), line(20, "a20"), line(30, "a30"), line(10, "b10"),
                                      line(25, "b25"), line(30, "b30"), line(5, "c5"),   line(20, "c20")};
  for (const bool backward : {false, true}) {
    auto r = walk_loki_window(all(), 100, backward, 100,
                              [&](const LokiPage&) -> Result<std::vector<LogEntry>> { return page; });
    ASSERT_TRUE(r.ok());
    std::vector<std::string> got;
    for (const auto& e : r->entries) got.push_back(e.message);
    // Oldest first either way; ties: in page order walking forward, and in
    // reverse page order walking backward (the walk is reversed at the end).
    const std::vector<std::string> forward = {"c5", "a10", "b10", "a20", "c20", "b25", "a30", "b30"};
    const std::vector<std::string> reversed = {"c5", "b10", "a10", "c20", "a20", "b25", "b30", "a30"};
    EXPECT_EQ(got, backward ? reversed : forward) << "backward=" << backward;
  }
}

TEST(GrafanaLokiPaging, FetchErrorsPropagate) {
  auto r = walk_loki_window(all(), 10, true, 5, [](const LokiPage&) -> Result<std::vector<LogEntry>> {
    return make_error(ErrorCode::kUnavailable, "down");
  });
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace tinkr::grafana
