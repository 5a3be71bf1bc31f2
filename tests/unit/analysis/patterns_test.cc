#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "analysis/patterns/log_format.h"
#include "analysis/patterns/mine_file.h"
#include "analysis/patterns/miner.h"
#include "analysis/patterns/template_json.h"
#include "analysis/patterns/tokenizer.h"
#include "analysis/patterns/window_compare.h"

namespace tinkr::analysis {
namespace {

TEST(Tokenizer, MasksVariablesByCharacterClass) {
  EXPECT_EQ(mask_token("uid=10037,"), "uid=<*>,");
  EXPECT_EQ(mask_token("blk_-6952295868487656571"), "<*>");
  EXPECT_EQ(mask_token("10.251.73.220:50010"), "<*>");
  EXPECT_EQ(mask_token("/10.251.73.220:50010"), "/<*>");
  EXPECT_EQ(mask_token("0x7f3a2b10"), "<*>");
  EXPECT_EQ(mask_token("123e4567-e89b-12d3-a456-426614174000"), "<*>");
  EXPECT_EQ(mask_token("2026-01-02T03:04:05.123Z"), "<*>");
  EXPECT_EQ(mask_token("/var/log/app/server.log"), "<*>");
  EXPECT_EQ(mask_token("https://api.example.com/v1/users"), "<*>");
  EXPECT_EQ(mask_token("(24-54-76-216.bflony.adelphia.net)"), "(<*>)");
  EXPECT_EQ(mask_token("rhost="), "rhost=<*>");
  EXPECT_EQ(mask_token("250ms."), "<*>.");
  EXPECT_EQ(mask_token("Connection"), "Connection");
  EXPECT_EQ(mask_token("refused:"), "refused:");
  EXPECT_EQ(mask_token("org.apache.Foo"), "org.apache.Foo");
}

TEST(Tokenizer, CollapsesRunsAndDates) {
  auto t = tokenize_and_mask("connection from 1.2.3.4 at Fri Jun 17 07:07:00 2005");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[2], "<*>");
  EXPECT_EQ(t[3], "at");
  EXPECT_EQ(t[4], "<*>");
  EXPECT_TRUE(tokenize_and_mask("   ").empty());
}

TEST(Miner, GroupsMessagesAndKeepsStatistics) {
  TemplateMiner miner;
  const Timestamp t0 = from_unix_seconds(1'700'000'000);
  size_t a = miner.add("Connection to 10.0.0.1:5432 refused after 30ms", Level::kError, t0);
  size_t b = miner.add("Connection to 10.0.0.2:5432 refused after 12ms", Level::kError, t0 + std::chrono::seconds(5));
  size_t c = miner.add("User alice logged in", Level::kInfo, t0);
  size_t d =
      miner.add("Connection to db-1.internal:5432 refused after 7ms", Level::kWarn, t0 + std::chrono::seconds(9));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, d);
  EXPECT_NE(a, c);
  EXPECT_EQ(miner.cluster_count(), 2u);
  LogTemplate t = miner.snapshot(a);
  EXPECT_EQ(t.text, "Connection to <*> refused after <*>");
  EXPECT_EQ(t.id, template_id(t.text));
  EXPECT_EQ(t.id.size(), 16u);
  EXPECT_EQ(t.count, 3u);
  EXPECT_EQ(t.level_count(Level::kError), 2u);
  EXPECT_EQ(t.level_count(Level::kWarn), 1u);
  EXPECT_EQ(*t.first_seen, t0);
  EXPECT_EQ(*t.last_seen, t0 + std::chrono::seconds(9));
  EXPECT_EQ(t.examples.size(), 3u);
  EXPECT_EQ(miner.match("Connection to 10.9.9.9:1 refused after 1ms"), a);
  EXPECT_FALSE(miner.match("something else entirely").has_value());
  auto all = miner.templates();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].count, 3u);
}

TEST(Miner, TemplateIdIsStable) {
  EXPECT_EQ(template_id("a <*> b"), template_id("a <*> b"));
  EXPECT_NE(template_id("a <*> b"), template_id("a <*> c"));
  EXPECT_EQ(template_id(""), "cbf29ce484222325");  // FNV-1a 64 offset basis
}

TEST(LogFormat, ExtractsFieldsAndRejectsBadFormats) {
  auto f = LogFormat::parse("<Date> <Time> <Level> <Component>: <Content>");
  ASSERT_TRUE(f.ok());
  std::vector<std::string_view> v;
  ASSERT_TRUE(
      f->extract("17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers", v));
  EXPECT_EQ(v[2], "INFO");
  EXPECT_EQ(v[3], "executor.CoarseGrainedExecutorBackend");
  EXPECT_EQ(v[f->content_index()], "Registered signal handlers");
  EXPECT_FALSE(f->extract("\tat org.apache.Foo.bar(Foo.java:12)", v));
  EXPECT_FALSE(LogFormat::parse("<Date> <Time>").ok());
  EXPECT_FALSE(LogFormat::parse("<Date> <Date> <Content>").ok());
  EXPECT_FALSE(LogFormat::parse("<Date> (<Content>").ok());
}

TEST(MineFile, CountsUnmatchedLinesAndAssignsEveryLine) {
  std::string text =
      "2026-01-02 10:00:00 ERROR db: Connection to 10.0.0.1 refused\r\n"
      "2026-01-02 10:00:01 INFO web: GET /api/v1/users 200 12ms\r\n"
      "\tat com.acme.Db.connect(Db.java:42)\r\n"
      "\r\n"
      "2026-01-02 10:00:02 ERROR db: Connection to 10.0.0.2 refused";
  auto r = mine_text(text, std::string("<Date> <Time> <Level> <Component>: <Content>"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total_lines, 4u);
  EXPECT_EQ(r->unmatched_lines, 1u);
  ASSERT_EQ(r->unmatched_line_numbers.size(), 1u);
  EXPECT_EQ(r->unmatched_line_numbers[0], 3u);
  ASSERT_EQ(r->lines.size(), 4u);
  EXPECT_EQ(r->lines[0].template_index, r->lines[3].template_index);
  EXPECT_EQ(r->lines[3].line_number, 5u);
  EXPECT_FALSE(r->lines[2].header_matched);
  const LogTemplate& top = r->templates[r->lines[0].template_index];
  EXPECT_EQ(top.text, "Connection to <*> refused");
  EXPECT_EQ(top.level_count(Level::kError), 2u);
  auto j = to_json(r->lines[0], r->templates);
  EXPECT_EQ(j.as_object().at("template").as_string(), "Connection to <*> refused");
  EXPECT_EQ(j.as_object().at("line").to_number<int64_t>(), 1);
  auto tj = to_json(top);
  EXPECT_EQ(tj.as_object().at("levels").as_object().at("ERROR").to_number<int64_t>(), 2);

  auto missing = mine_file("/nonexistent/app.log", std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto bad = mine_text("x", std::string("<Date>"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(MineFile, ReadsALoghubFile) {
  auto r = mine_file(std::string(TINKR_SHARED_DIR) + "/data/loghub-2k/HDFS/HDFS_2k.log",
                     std::string("<Date> <Time> <Pid> <Level> <Component>: <Content>"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total_lines, 2000u);
  EXPECT_EQ(r->unmatched_lines, 0u);
  EXPECT_EQ(r->templates.size(), 14u);  // the 14 labelled events
}

TEST(WindowCompare, ListsTemplatesAbsentFromTheBaseline) {
  auto entry = [](std::string msg) {
    LogEntry e;
    e.message = std::move(msg);
    e.level = Level::kError;
    return e;
  };
  std::vector<LogEntry> base = {entry("GET /health 200 in 3ms"), entry("GET /health 200 in 4ms")};
  std::vector<LogEntry> cur = {entry("GET /health 200 in 5ms"), entry("NullPointerException in OrderService line 42"),
                               entry("NullPointerException in OrderService line 43")};
  auto cmp = compare_windows(base, cur);
  auto fresh = cmp.new_templates();
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].current_count, 2u);
  EXPECT_EQ(fresh[0].tmpl.text, "NullPointerException in OrderService line <*>");
  EXPECT_EQ(cmp.templates.size(), 2u);
  EXPECT_EQ(cmp.templates[1].baseline_count, 2u);
  EXPECT_EQ(cmp.templates[1].current_count, 1u);
}

}  // namespace
}  // namespace tinkr::analysis
