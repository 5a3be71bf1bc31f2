// cli/logs_answer.h: the SAX reader gives exactly the DOM path's entries, and
// declines (nullopt) whatever it does not expect, leaving it to the DOM.
#include "cli/logs_answer.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace tinkr::cli {
namespace {

// What `tinkr logs` did before: a DOM, then from_json per entry.
Result<std::vector<LogEntry>> through_dom(std::string_view answer) {
  TINKR_ASSIGN_OR_RETURN(auto v, parse_json(answer));
  const json::value* entries = find_field(v, "entries");
  if (!entries) return make_error(ErrorCode::kBackend, "no entries");
  return from_json_array<LogEntry>(*entries);
}

std::vector<LogEntry> sample() {
  std::vector<LogEntry> out;
  for (int i = 0; i < 50; ++i) {
    LogEntry e;
    e.time = *parse_rfc3339("2026-11-23T15:50:01.123456789Z") + std::chrono::milliseconds(37 * i);
    e.service = i % 3 ? "payments-api" : "fraud\tcheck";
    e.level = static_cast<Level>(i % 7);
    e.message = "charge \"" + std::to_string(i) + "\" failed\n\tat fraud.py:42 \x01 é " +
                std::string(static_cast<size_t>(i) * 20, 'x');
    if (i % 2) e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    if (i % 4) e.span_id = "00f067aa0ba902b7";
    if (i % 5) e.attributes = {{"pod", "payments-7d9f"}, {"k\"ey\\", "v\nal"}, {"region", std::string(i, 'r')}};
    out.push_back(std::move(e));
  }
  return out;
}

TEST(LogsAnswer, ReadsWhatTheServerWritesLikeTheDom) {
  const auto entries = sample();
  std::string answer = "{\"query\":";
  append_json_string(answer, "{service_name=\"payments-api\"} |= `x`");
  answer += ",\"entries\":";
  append_json(answer, entries);
  answer += '}';
  auto fast = read_log_entries(answer);
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(*fast, entries);
  auto dom = through_dom(answer);
  ASSERT_TRUE(dom.ok());
  EXPECT_EQ(*fast, *dom);
  EXPECT_EQ(read_log_entries(R"({"entries":[]})"), std::vector<LogEntry>{});
}

TEST(LogsAnswer, AgreesWithTheDomOnOtherShapesItAccepts) {
  for (const char* answer : {
           R"({"entries":[{"time":"2026-01-01T00:00:00Z"}],"truncated":false,"n":3,"x":null})",  // level absent
           R"({"entries":[{"message":"m","time":"2026-01-01T00:00:00.5+02:00","level":"warning","extra":1}]})",
           R"( {"entries" : [ {"time":"2026-01-01T00:00:00Z","attributes":{},"\u0073ervice":"s\u00e9\n"} ] } )",
       }) {
    auto fast = read_log_entries(answer);
    ASSERT_TRUE(fast.has_value()) << answer;
    auto dom = through_dom(answer);
    ASSERT_TRUE(dom.ok()) << answer;
    EXPECT_EQ(*fast, *dom) << answer;
  }
}

TEST(LogsAnswer, LeavesEverythingElseToTheDom) {
  for (const char* answer : {
           "",
           "not json",
           R"({"entries":[{"time":"2026-01-01T00:00:00Z"}]} trailing)",
           R"({"query":"q"})",                                                          // no entries
           R"({"entries":{}})",                                                         // not an array
           R"({"entries":null})",                                                       //
           R"({"entries":["a"]})",                                                      // not an object
           R"({"entries":[{"service":"s"}]})",                                          // no time
           R"({"entries":[{"time":"yesterday"}]})",                                     // bad time
           R"({"entries":[{"time":null}]})",                                            //
           R"({"entries":[{"time":"2026-01-01T00:00:00Z","service":5}]})",              // wrong type
           R"({"entries":[{"time":"2026-01-01T00:00:00Z","attributes":{"n":1}}]})",     // serialised by the DOM
           R"({"entries":[{"time":"2026-01-01T00:00:00Z","attributes":"a"}]})",         //
           R"({"entries":[{"time":"2026-01-01T00:00:00Z","extra":{"a":1}}]})",          // nested unknown
           R"({"entries":[{"time":"2026-01-01T00:00:00Z","level":"a","level":"b"}]})",  // repeated key
           R"({"entries":[{"time":"2026-01-01T00:00:00Z","attributes":{"a":"1","a":"2"}}]})",
           R"({"entries":[],"entries":[]})",
           R"({"meta":{"a":1},"entries":[]})",                // nested outside the entries
           R"({"entries":[],"warnings":["lines skipped"]})",  // warnings: the caller shows them
           R"({"warnings":["lines skipped"],"entries":[]})",
       }) {
    EXPECT_FALSE(read_log_entries(answer).has_value()) << answer;
  }
}

}  // namespace
}  // namespace tinkr::cli
