// parse_loki_streams (SAX, src/backends/grafana/loki_streams.cc) against the
// DOM walk it replaced (loki_streams_reference.h): the same entries, warnings
// and error messages over thousands of generated answers — well-formed ones,
// keys in unusual orders, strings the parser delivers in parts, and every
// kind of wrong shape — plus the cases that matter on their own.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "backends/grafana/loki_mapping.h"
#include "unit/backends/loki_streams_reference.h"

namespace tinkr::grafana {
namespace {

std::string shortened(std::string_view body) {
  return body.size() <= 2000 ? std::string(body) : std::string(body.substr(0, 2000)) + "…";
}

std::string json_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out + "\"";
}

void expect_same(std::string_view body, const LokiMappingOptions& options = {}) {
  auto sax = parse_loki_streams(body, options);
  auto dom = reference::parse_loki_streams_dom(body, options);
  ASSERT_EQ(sax.ok(), dom.ok()) << shortened(body) << "\nsax: " << (sax.ok() ? "ok" : sax.error().message)
                                << "\ndom: " << (dom.ok() ? "ok" : dom.error().message);
  if (!dom.ok()) {
    EXPECT_EQ(sax.error().message, dom.error().message) << shortened(body);
    EXPECT_EQ(sax.error().code, dom.error().code);
    return;
  }
  EXPECT_EQ(sax->warnings, dom->warnings) << shortened(body);
  ASSERT_EQ(sax->entries.size(), dom->entries.size()) << shortened(body);
  for (size_t i = 0; i < dom->entries.size(); ++i) {
    const LogEntry& a = sax->entries[i];
    const LogEntry& b = dom->entries[i];
    EXPECT_EQ(a, b) << "entry " << i << " of " << shortened(body) << "\nsax: " << a.message << " " << a.service << " "
                    << level_name(a.level) << " " << a.trace_id << " " << a.span_id << " attrs " << a.attributes.size()
                    << "\ndom: " << b.message << " " << b.service << " " << level_name(b.level) << " " << b.trace_id
                    << " " << b.span_id << " attrs " << b.attributes.size();
  }
}

// Generates Loki-like answers, mostly valid, sometimes wrong in one place.
class AnswerGenerator {
 public:
  explicit AnswerGenerator(uint32_t seed) : rng_(seed) {}

  std::string answer() {
    std::vector<std::string> members;
    if (chance(97)) members.push_back(R"("status":)" + (chance(95) ? std::string(R"("success")") : R"("error")"));
    if (chance(10)) members.push_back(R"("error":)" + (chance(80) ? json_quoted("query timed out") : "42"));
    if (chance(20))
      members.push_back(R"("warnings":[)" + json_quoted("w1") + (chance(50) ? ",7" : "") + "," + json_quoted("w2") +
                        "]");
    if (chance(97)) members.push_back(R"("data":)" + data());
    shuffle(members);
    return "{" + join(members) + "}";
  }

 private:
  bool chance(int percent) { return std::uniform_int_distribution<int>(0, 99)(rng_) < percent; }
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  void shuffle(std::vector<std::string>& v) {
    if (chance(70)) return;  // usually in Loki's order
    std::shuffle(v.begin(), v.end(), rng_);
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
  }

  std::string data() {
    if (chance(2)) return "[]";
    std::vector<std::string> members;
    if (chance(97)) members.push_back(R"("resultType":)" + std::string(chance(95) ? R"("streams")" : R"("matrix")"));
    if (chance(97)) members.push_back(R"("result":)" + (chance(98) ? result() : std::string("{}")));
    members.push_back(R"("stats":{"summary":{"bytesProcessedPerSecond":1,"execTime":0.5}})");
    members.push_back(R"("encodingFlags":["categorize-labels"])");
    shuffle(members);
    return "{" + join(members) + "}";
  }

  std::string result() {
    std::vector<std::string> streams;
    for (int i = pick(4); i > 0; --i) streams.push_back(chance(99) ? stream() : "\"not a stream\"");
    return "[" + join(streams) + "]";
  }

  std::string labels(int max) {
    static const char* kKeys[] = {"service_name", "job",      "level",   "detected_level",
                                  "severity",     "trace_id", "traceID", "span_id",
                                  "filename",     "msg",      "lvl"};
    static const char* kValues[] = {"api", "error", "warn", "info", "", "abc123", "x\\\"y", "6", "nope", "é ü"};
    // Distinct keys: Loki's label maps never repeat one, and JSON leaves
    // duplicates to the reader.
    std::vector<std::string> members;
    std::set<int> used;
    for (int i = pick(max + 1); i > 0; --i) {
      const int k = pick(11);
      if (!used.insert(k).second) continue;
      std::string v = chance(95) ? std::string("\"") + kValues[pick(10)] + "\"" : (chance(50) ? "12" : "{\"a\":1}");
      members.push_back(std::string("\"") + kKeys[k] + "\":" + v);
    }
    return "{" + join(members) + "}";
  }

  std::string line() {
    switch (pick(6)) {
      case 0: return json_quoted(R"({"level":"warn","msg":"json line"})");
      case 1: return json_quoted("ts=1 lvl=ERROR msg=\"logfmt\"");
      case 2:
        return json_quoted("plain line with \"quotes\" and \\ backslash\n" +
                           std::string(static_cast<size_t>(pick(3)) * 3000, 'x'));
      case 3: return json_quoted("");
      default: return json_quoted(fmt::format("request {} handled in {} ms", pick(1000), pick(500)));
    }
  }

  std::string timestamp() {
    switch (chance(95) ? 0 : pick(5)) {
      case 0: return fmt::format("\"{}\"", 1700000000000000000LL + pick(1000000));
      case 1: return "1700000000000000123";
      case 2: return "\"17000x\"";
      case 3: return "1.5";
      default: return "true";
    }
  }

  std::string tuple() {
    if (chance(1)) return "{}";
    std::vector<std::string> items = {timestamp(), chance(99) ? line() : "5"};
    if (chance(1)) items.pop_back();
    if (chance(60)) {
      std::vector<std::string> cat;
      if (chance(60)) cat.push_back(R"("structuredMetadata":)" + labels(3));
      if (chance(30)) cat.push_back(R"("parsed":)" + labels(2));
      if (chance(10)) cat.push_back(R"("other":{"x":"y"})");
      if (chance(50)) std::shuffle(cat.begin(), cat.end(), rng_);
      items.push_back(chance(98) ? "{" + join(cat) + "}" : "null");
    }
    if (chance(2)) items.push_back("\"extra element\"");
    return "[" + join(items) + "]";
  }

  std::string stream() {
    std::vector<std::string> values;
    for (int i = pick(6); i > 0; --i) values.push_back(tuple());
    std::vector<std::string> members;
    if (chance(95)) members.push_back(R"("stream":)" + (chance(98) ? labels(4) : std::string("null")));
    if (chance(98)) members.push_back(R"("values":)" + (chance(99) ? "[" + join(values) + "]" : std::string("{}")));
    shuffle(members);
    return "{" + join(members) + "}";
  }

  std::mt19937 rng_;
};

TEST(GrafanaStreamsSax, SameAsTheDomWalkOnGeneratedAnswers) {
  for (uint32_t seed = 1; seed <= 3000; ++seed) {
    AnswerGenerator gen(seed);
    const std::string body = gen.answer();
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_same(body);
    expect_same(body, {"job"});
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(GrafanaStreamsSax, SameAsTheDomWalkOnTheConformanceShapes) {
  expect_same(R"({"status":"success","data":{"resultType":"streams","result":[
    {"stream":{"service_name":"api","level":"info"},"values":[["1","a"],["2","b",{}]]},
    {"stream":{},"values":[]}]}})");
  expect_same("<html>nginx</html>");
  expect_same(R"({"status":"success","data":{"resultType":"streams","result":[]}} trailing)");
  expect_same(R"({"status":"error","errorType":"bad_data","error":"parse error"})");
  expect_same(R"([1,2])");
  expect_same(R"("text")");
  expect_same("");
}

TEST(GrafanaStreamsSax, ValuesBeforeTheirLabels) {
  const std::string body = R"({"data":{"result":[{"values":[["5","x",{"structuredMetadata":{"trace_id":"t1"}}],
    ["6","y"]],"stream":{"service_name":"api","level":"error","trace_id":"t0"}}],"resultType":"streams"},
    "status":"success"})";
  auto r = parse_loki_streams(body, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->entries.size(), 2u);
  EXPECT_EQ(r->entries[0].service, "api");
  EXPECT_EQ(r->entries[0].level, Level::kError);
  EXPECT_EQ(r->entries[0].trace_id, "t1");  // metadata wins over the stream label
  EXPECT_EQ(r->entries[1].trace_id, "t0");
  expect_same(body);
}

TEST(GrafanaStreamsSax, ParsedLabelsWinOverMetadataInEitherOrder) {
  for (const char* cat : {R"({"structuredMetadata":{"k":"sm"},"parsed":{"k":"p"}})",
                          R"({"parsed":{"k":"p"},"structuredMetadata":{"k":"sm"}})"}) {
    const std::string body = std::string(R"({"status":"success","data":{"resultType":"streams","result":[)") +
                             R"({"stream":{"k":"label"},"values":[["1","x",)" + cat + "]]}]}}";
    auto r = parse_loki_streams(body, {});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->entries.at(0).attributes.at("k"), "p") << cat;
    expect_same(body);
  }
}

TEST(GrafanaStreamsSax, LongEscapedStringsArriveWhole) {
  // Escapes make the parser hand strings over in parts; keys too.
  std::string line;
  for (int i = 0; i < 2000; ++i) line += "say \"hi\"\t\\ ";
  const std::string key(5000, 'k');
  const std::string body = std::string(R"({"status":"success","data":{"resultType":"streams","result":[)") +
                           R"({"stream":{"service_name":)" + json_quoted("a\\\"b" + std::string(9000, 'v')) + "," +
                           json_quoted(key + "\n") + R"(:"v"},"values":[[")" + "17" + R"(",)" + json_quoted(line) +
                           "]]}]}}";
  auto r = parse_loki_streams(body, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->entries.size(), 1u);
  EXPECT_EQ(r->entries[0].message, line);
  EXPECT_EQ(r->entries[0].service, "a\\\"b" + std::string(9000, 'v'));
  EXPECT_EQ(r->entries[0].attributes.at(key + "\n"), "v");
  EXPECT_EQ(to_unix_nanos(r->entries[0].time), 17);
  expect_same(body);
}

TEST(GrafanaStreamsSax, FirstWrongValueIsTheError) {
  const std::string body = R"({"status":"success","data":{"resultType":"streams","result":[
    {"stream":{},"values":[["1","ok"],["x","bad ts"],[true]]}]}})";
  auto r = parse_loki_streams(body, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBackend);
  EXPECT_NE(r.error().message.find("timestamp"), std::string::npos) << r.error().message;
  expect_same(body);
}

}  // namespace
}  // namespace tinkr::grafana
