// core/json_writer.h writes exactly what json::serialize(to_json(x)) writes.
#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <random>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "core/json.h"
#include "core/time.h"

namespace tinkr {
namespace {

std::string written(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonWriter, StringsAreEscapedAsBoostJsonDoes) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
  for (std::string_view text : {std::string_view(""), std::string_view("plain"), std::string_view("a\"b\\c/d"),
                                std::string_view("tab\tnl\ncr\rff\fbs\b"), std::string_view("\x01\x1f\x7f"),
                                std::string_view("héllo ✓ \xff\xfe broken"), std::string_view(every_byte)}) {
    EXPECT_EQ(written(text), json::serialize(json::string(text))) << text;
  }
  EXPECT_EQ(written("\x01"), "\"\\u0001\"");

  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  for (int i = 0; i < 2000; ++i) {
    std::string text(static_cast<size_t>(length(rng)), '\0');
    for (char& c : text) c = static_cast<char>(byte(rng));
    ASSERT_EQ(written(text), json::serialize(json::string(text)));
  }
  // One byte to escape (or the byte just outside the set) at every position of
  // texts around the 16-byte blocks the plain-text check reads at once.
  for (size_t size : {1, 15, 16, 17, 31, 32, 33, 47}) {
    for (size_t at = 0; at < size; ++at) {
      for (char c : {'"', '\\', '\n', '\x1f', '\x00', '\x20', '\x7f', '\x80', '\xff'}) {
        std::string text(size, 'x');
        text[at] = c;
        ASSERT_EQ(written(text), json::serialize(json::string(text)))
            << size << " " << at << " " << static_cast<int>(c);
      }
    }
  }
  // Long, mostly plain text with the odd byte to escape anywhere.
  const std::string specials = std::string("\"\\\n\t\x01\x1f\x7f\xff", 8);
  std::uniform_int_distribution<int> printable(0x20, 0x7e), pick(0, 7), odds(0, 30);
  for (int i = 0; i < 2000; ++i) {
    std::string text(static_cast<size_t>(length(rng)) * 5, '\0');
    for (char& c : text)
      c = odds(rng) == 0 ? specials[static_cast<size_t>(pick(rng))] : static_cast<char>(printable(rng));
    ASSERT_EQ(written(text), json::serialize(json::string(text)));
  }
}

TEST(JsonWriter, LogEntriesMatchTheTreeSerialisation) {
  std::vector<LogEntry> entries;
  LogEntry full;
  full.time = *parse_rfc3339("2026-11-23T15:50:01.123456789Z");
  full.service = "payments-api";
  full.level = Level::kError;
  full.message = "charge failed: \"card_declined\"\n\tat fraud.py:42";
  full.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  full.span_id = "00f067aa0ba902b7";
  full.attributes = {{"pod", "payments-7d9f"}, {"k\"ey", "v\\al"}, {"region", "eu-west-1"}};
  entries.push_back(full);
  LogEntry bare;
  bare.time = *parse_rfc3339("2026-01-01T00:00:00Z");
  bare.level = Level::kInfo;
  entries.push_back(bare);
  LogEntry unknown = bare;
  unknown.level = Level::kUnknown;
  unknown.message = "\x01\x7f\xc3";
  unknown.span_id = "only-span";
  entries.push_back(unknown);

  for (const auto& e : entries) {
    std::string out;
    append_json(out, e);
    EXPECT_EQ(out, json::serialize(to_json(e)));
  }
  std::string all;
  append_json(all, entries);
  EXPECT_EQ(all, json::serialize(to_json(entries)));
  std::string none;
  append_json(none, std::vector<LogEntry>{});
  EXPECT_EQ(none, "[]");
}

TEST(JsonWriter, AFieldSetKeepsOnlyItsMembersAndTheTime) {
  LogEntry e;
  e.time = *parse_rfc3339("2026-11-23T15:50:01.123456789Z");
  e.service = "payments-api";
  e.level = Level::kWarn;
  e.message = "slow \"charge\"";
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  e.span_id = "00f067aa0ba902b7";
  e.attributes = {{"pod", "payments-7d9f"}};

  std::string table;
  append_json(table, e, kLogService | kLogLevel | kLogMessage);
  EXPECT_EQ(table, R"({"time":"2026-11-23T15:50:01.123456789Z","service":"payments-api","level":"WARN",)"
                   R"("message":"slow \"charge\""})");
  std::string ids;
  append_json(ids, e, kLogTraceId | kLogAttributes);
  EXPECT_EQ(ids, R"({"time":"2026-11-23T15:50:01.123456789Z","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",)"
                 R"("attributes":{"pod":"payments-7d9f"}})");
  std::string only_time;
  append_json(only_time, std::vector<LogEntry>{e, e}, 0);
  EXPECT_EQ(only_time, R"([{"time":"2026-11-23T15:50:01.123456789Z"},{"time":"2026-11-23T15:50:01.123456789Z"}])");

  // Every name the API accepts, and nothing else.
  unsigned all = 0;
  for (std::string_view name : {"time", "service", "level", "message", "trace_id", "span_id", "attributes"}) {
    EXPECT_NE(log_entry_field(name), 0U) << name;
    all |= log_entry_field(name);
  }
  EXPECT_EQ(all, kAllLogEntryFields);
  EXPECT_EQ(log_entry_field("Time"), 0U);
  EXPECT_EQ(log_entry_field("labels"), 0U);
  EXPECT_EQ(log_entry_field(""), 0U);
}

}  // namespace
}  // namespace tinkr
