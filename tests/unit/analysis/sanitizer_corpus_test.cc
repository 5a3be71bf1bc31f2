// The sanitizer corpus: every real-format secret in data/sanitizer_corpus_secrets.tsv
// must be caught with its kind, and every look-alike in
// data/sanitizer_corpus_lookalikes.txt must pass through unchanged.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "analysis/sanitizer.h"

namespace tinkr::sanitize {
namespace {

std::vector<std::string> read_lines(const std::string& name) {
  std::ifstream in(std::string(TINKR_SOURCE_DIR) + "/tests/unit/analysis/data/" + name);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') out.push_back(line);
  return out;
}

TEST(SanitizerCorpus, CatchesEveryRealFormatSecret) {
  const auto lines = read_lines("sanitizer_corpus_secrets.tsv");
  ASSERT_GE(lines.size(), 50u);
  for (const auto& line : lines) {
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string kind = line.substr(0, tab);
    const std::string text = line.substr(tab + 1);
    std::vector<Finding> findings;
    const std::string out = Sanitizer::standard().sanitize(text, &findings);
    bool found = false;
    for (const auto& f : findings) found = found || f.kind == kind;
    EXPECT_TRUE(found) << "missed " << kind << " in: " << text << "\n  got: " << out;
  }
}

TEST(SanitizerCorpus, LeavesLookAlikesAlone) {
  const auto lines = read_lines("sanitizer_corpus_lookalikes.txt");
  ASSERT_GE(lines.size(), 50u);
  for (const auto& text : lines) {
    std::vector<Finding> findings;
    const std::string out = Sanitizer::standard().sanitize(text, &findings);
    EXPECT_EQ(out, text) << "over-redacted (" << (findings.empty() ? "" : findings[0].kind) << ")";
  }
}

}  // namespace
}  // namespace tinkr::sanitize
