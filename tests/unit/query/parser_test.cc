// Parser: grammar, precedence, aliases, error positions, and the printing
// round trip print(parse(x)) → parse → same tree.
#include <gtest/gtest.h>

#include <random>

#include "query/ast.h"
#include "query/query.h"

namespace tinkr::query {
namespace {

std::string norm(std::string_view q) {
  auto r = normalize(q);
  return r.ok() ? r.value() : "ERROR: " + r.error().message;
}

TEST(Parser, GrammarAndPrecedence) {
  EXPECT_EQ(norm(""), "*");
  EXPECT_EQ(norm("  *  "), "*");
  EXPECT_EQ(norm("a b"), "a AND b");
  EXPECT_EQ(norm("a or b and c"), "a OR (b AND c)");
  EXPECT_EQ(norm("not a and b"), "NOT a AND b");
  EXPECT_EQ(norm("NOT (a OR b)"), "NOT (a OR b)");
  EXPECT_EQ(norm("(a OR b) c"), "(a OR b) AND c");
  EXPECT_EQ(norm("a AND (b AND c)"), "a AND b AND c");
  EXPECT_EQ(norm("a AND *"), "a");
  EXPECT_EQ(norm("a OR *"), "*");
  EXPECT_EQ(norm("NOT NOT a"), "a");
  EXPECT_EQ(norm("\"exact phrase\" word"), "\"exact phrase\" AND word");
}

TEST(Parser, FieldsAliasesAndLevels) {
  EXPECT_EQ(norm("lvl:warning"), "level:WARN");
  EXPECT_EQ(norm("severity:fatal"), "level:CRITICAL");
  EXPECT_EQ(norm("svc:a app:b msg:c trace:d span:e"),
            "service:a AND service:b AND message:c AND trace_id:d AND span_id:e");
  EXPECT_EQ(norm("level:(ERROR OR WARN)"), "level:ERROR OR level:WARN");
  EXPECT_EQ(norm("user:(a b NOT c)"), "user:a AND user:b AND NOT user:c");
  EXPECT_EQ(norm("user:\"a b\""), "user:\"a b\"");
  EXPECT_EQ(norm("status>=500 duration_ms > 1000 x<=1.5e3 y<-2"),
            "status>=500 AND duration_ms>1000 AND x<=1.5e3 AND y<-2");
  EXPECT_EQ(norm("level>=warn"), "level>=WARN");
  EXPECT_EQ(norm("http.status-code:200"), "http.status-code:200");
  EXPECT_EQ(norm("a\\:b"), "a\\:b");  // an escaped colon is a word, not a field
  // A keyword as a value: "\\not" would read back as a newline and "ot".
  EXPECT_EQ(norm("user:not"), "user:n\\ot");
  EXPECT_EQ(norm("user:or x:NOT"), "user:\\or AND x:\\NOT");
}

struct ErrorCase {
  const char* query;
  const char* message;
};

TEST(Parser, ErrorsSayWhereAndWhat) {
  const ErrorCase cases[] = {
      {"level:(ERROR OR WARN", "expected ')' at column 21"},
      {"(a OR b", "expected ')' at column 8"},
      {"a OR", "expected a word, a phrase, a field filter, '(' or NOT but found end of query at column 5"},
      {"a )", "unexpected ')' at column 3"},
      {"\"open", "unterminated phrase: expected '\"' at column 6"},
      {"status>=abc", "expected a number after 'status>=' at column 9"},
      {"status>=", "expected a number after '>=' at column 9"},
      {"level:LOUD", "unknown level 'LOUD': expected TRACE, DEBUG, INFO, WARN, ERROR or CRITICAL at column 7"},
      {"9x:1", "invalid field name '9x'"},
      {"user:", "expected a value after 'user:' at column 6"},
      {"a AND AND b", "at column 7"},
      {"level<TRACE", "matches nothing"},
  };
  for (const auto& c : cases) {
    auto r = validate(c.query);
    ASSERT_FALSE(r.ok()) << c.query;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << c.query << " → " << r.error().message;
  }
  EXPECT_FALSE(validate(std::string(200, '(') + "a" + std::string(200, ')')).ok());
  EXPECT_FALSE(validate("\xc3\x28").ok());  // invalid UTF-8
}

TEST(Parser, RoundTripExamples) {
  for (const char* q : {"level:(ERROR OR WARN) AND NOT \"health check\"", "a\\ b", "\"a\\\"b\\\\c\"", "\\and", "\\*",
                        "user:\\or", "x:\"\"", "\"tab\\there\"", "w\\nx", "NOT *", "not (a or (b and c))",
                        "user:\"é ✓ 𝄞\"", "\"C:\\path\"", "user:not", "n\\ot", "user:Not OR x:NOT"}) {
    auto a = parse(q);
    ASSERT_TRUE(a.ok()) << q << ": " << a.error().message;
    auto b = parse(format(*a));
    ASSERT_TRUE(b.ok()) << format(*a);
    EXPECT_EQ(*a, *b) << q << " → " << format(*a);
  }
}

TEST(Parser, RoundTripRandom) {
  std::mt19937 rng(7);
  const std::vector<std::string> atoms = {"a",     "\"b c\"",   "x:1",        "level:warn", "s>=5",       "*",
                                          "\\and", "\"q\\\"\"", "u:(p OR q)", "é",          "t:\"\\\\\"", "k<-1.5"};
  const std::vector<std::string> ops = {" ", " AND ", " OR ", " and ", " or "};
  std::uniform_int_distribution<size_t> pa(0, atoms.size() - 1), po(0, ops.size() - 1), coin(0, 3);
  for (int i = 0; i < 2000; ++i) {
    std::string q;
    int n = 1 + static_cast<int>(coin(rng)) * 2;
    int open = 0;
    for (int k = 0; k < n; ++k) {
      if (k) q += ops[po(rng)];
      if (coin(rng) == 0) {
        q += "NOT ";
      }
      if (coin(rng) == 0) {
        q += "(";
        ++open;
      }
      q += atoms[pa(rng)];
      if (open && coin(rng) == 0) {
        q += ")";
        --open;
      }
    }
    q += std::string(static_cast<size_t>(open), ')');
    auto a = parse(q);
    ASSERT_TRUE(a.ok()) << q << ": " << a.error().message;
    auto b = parse(format(*a));
    ASSERT_TRUE(b.ok()) << q << " → " << format(*a);
    EXPECT_EQ(*a, *b) << q << " → " << format(*a);
    EXPECT_EQ(format(*a), format(*b));
  }
}

}  // namespace
}  // namespace tinkr::query
