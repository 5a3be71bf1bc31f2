#include "net/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tinkr::net {
namespace {

std::vector<SseEvent> parse_in_chunks(std::string_view text, size_t chunk) {
  std::vector<SseEvent> out;
  SseParser p([&](const SseEvent& e) {
    out.push_back(e);
    return true;
  });
  for (size_t i = 0; i < text.size(); i += chunk) p.feed(text.substr(i, chunk));
  return out;
}

TEST(SseParser, EventsWithTypeDataAndId) {
  const std::string text = "event: log\ndata: {\"a\":1}\nid: 7\n\n: a comment\ndata: plain\n\n";
  for (size_t chunk : {1u, 2u, 3u, 5u, 1000u}) {
    auto events = parse_in_chunks(text, chunk);
    ASSERT_EQ(events.size(), 2u) << chunk;
    EXPECT_EQ(events[0].event, "log");
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[0].id, "7");
    EXPECT_EQ(events[1].event, "message");
    EXPECT_EQ(events[1].data, "plain");
    EXPECT_EQ(events[1].id, "7");  // the last event id persists
  }
}

TEST(SseParser, MultiLineDataAndAllLineEndings) {
  const std::string text = "data: one\r\ndata:two\rdata:  three\n\r\n";
  for (size_t chunk : {1u, 2u, 4u, 1000u}) {
    auto events = parse_in_chunks(text, chunk);
    ASSERT_EQ(events.size(), 1u) << chunk;
    EXPECT_EQ(events[0].data, "one\ntwo\n three");
  }
}

TEST(SseParser, BomRetryAndEmptyEvents) {
  std::vector<SseEvent> out;
  SseParser p([&](const SseEvent& e) {
    out.push_back(e);
    return true;
  });
  p.feed("\xEF\xBB");
  p.feed(
      "\xBF"
      "retry: 1500\nevent: x\n\ndata\n\n");
  ASSERT_EQ(out.size(), 1u);  // "event: x" without data dispatches nothing
  EXPECT_EQ(out[0].event, "message");
  EXPECT_EQ(out[0].data, "");
  EXPECT_EQ(p.retry_ms(), 1500);
}

TEST(SseParser, IncompleteEventAtEndIsNotDispatched) {
  auto events = parse_in_chunks("data: a\n\ndata: b\n", 1000);
  ASSERT_EQ(events.size(), 1u);
}

TEST(SseParser, CallbackStops) {
  int calls = 0;
  SseParser p([&](const SseEvent&) { return ++calls < 2; });
  EXPECT_TRUE(p.feed("data: 1\n\n"));
  EXPECT_FALSE(p.feed("data: 2\n\ndata: 3\n\n"));
  EXPECT_FALSE(p.feed("data: 4\n\n"));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace tinkr::net
