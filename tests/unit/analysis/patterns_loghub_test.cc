// Grouping accuracy on Loghub-2k stays above a floor (a regression guard, not
// a timing test). Default options, generic masking only: no per-system regex
// or threshold. Set TINKR_LOGHUB_DEBUG=<System> to print that system's
// mis-grouped events.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>

#include "patterns_loghub_support.h"

namespace tinkr::analysis {
namespace {

// A little below what the miner achieves (see bench/RESULTS.md, "Log patterns").
const std::map<std::string, double> kFloor = {
    {"HDFS", 0.99}, {"Hadoop", 0.98},      {"Spark", 0.92},   {"Zookeeper", 0.98}, {"BGL", 0.98},
    {"HPC", 0.94},  {"Thunderbird", 0.97}, {"Windows", 0.99}, {"Linux", 0.74},     {"Android", 0.91},
};

TEST(PatternsLoghub, GroupingAccuracyAboveFloor) {
  auto systems = testing::load_loghub();
  ASSERT_EQ(systems.size(), 10u) << "expected the 10 systems of " << testing::loghub_dir();
  double sum = 0, drain_sum = 0;
  for (const auto& s : systems) {
    ASSERT_EQ(s.lines.size(), 2000u) << s.name;
    ASSERT_EQ(s.truth.size(), 2000u) << s.name;
    MinerOptions o;
    double ga = testing::mine_and_score(s, o);
    if (const char* dbg = std::getenv("TINKR_LOGHUB_DEBUG"); dbg && s.name == dbg) testing::explain_errors(s, o);
    std::printf("%-12s GA %.4f  (Drain %.3f)\n", s.name.c_str(), ga, s.drain_ga);
    sum += ga;
    drain_sum += s.drain_ga;
    auto floor = kFloor.find(s.name);
    ASSERT_NE(floor, kFloor.end()) << s.name;
    EXPECT_GE(ga, floor->second) << s.name;
  }
  double avg = sum / static_cast<double>(systems.size());
  std::printf("%-12s GA %.4f  (Drain %.4f)\n", "average", avg, drain_sum / static_cast<double>(systems.size()));
  EXPECT_GE(avg, 0.94);
}

TEST(PatternsLoghub, LogFormatGivesTheContentColumn) {
  // The header-format parser extracts exactly the labelled Content on every line.
  auto systems = testing::load_loghub();
  for (const auto& s : systems) {
    auto format = LogFormat::parse(s.log_format);
    ASSERT_TRUE(format.ok()) << s.name << ": " << format.error().message;
    auto rows = testing::read_csv(
        testing::read_all(testing::loghub_dir() + "/" + s.name + "/" + s.name + "_2k.log_structured.csv"));
    size_t content_col = 0;
    for (size_t i = 0; i < rows[0].size(); ++i)
      if (rows[0][i] == "Content") content_col = i;
    std::vector<std::string_view> values;
    size_t mismatched = 0;
    for (size_t i = 0; i < s.lines.size(); ++i) {
      if (!format->extract(s.lines[i], values) || values[format->content_index()] != rows[i + 1][content_col])
        ++mismatched;
    }
    EXPECT_EQ(mismatched, 0u) << s.name;
  }
}

}  // namespace
}  // namespace tinkr::analysis
