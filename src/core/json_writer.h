// JSON text written directly, for answers too large to build as a
// boost::json tree first (the logs route's 1,000 entries: the tree's
// allocations were most of the route's serialisation time).
//
// The output is byte for byte json::serialize(to_json(x)) (core/json.h): the
// same key order and Boost.JSON's escaping (\" \\ \b \f \n \r \t, other
// control characters as \u00xx in lower case, every other byte as it is);
// tests/unit/core/json_writer_test.cc compares the two. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace tinkr {

// A JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

// {"key":"value",…} in the map's order.
void append_json(std::string& out, const Attributes& attributes);

// The members of a written LogEntry, as bits of a field set.
enum LogEntryField : unsigned {
  kLogTime = 1U << 0,
  kLogService = 1U << 1,
  kLogLevel = 1U << 2,
  kLogMessage = 1U << 3,
  kLogTraceId = 1U << 4,
  kLogSpanId = 1U << 5,
  kLogAttributes = 1U << 6,
};
constexpr unsigned kAllLogEntryFields = (1U << 7) - 1;

// The bit of a member's JSON name ("time", "service", "level", "message",
// "trace_id", "span_id", "attributes"); 0 for any other name.
unsigned log_entry_field(std::string_view name);

// {"time":…,"service":…,"level":…,"message":…[,"trace_id"][,"span_id"][,"attributes"]}
// With a field set, only its members (and always "time"); trace_id, span_id
// and attributes are left out when empty, as to_json does.
void append_json(std::string& out, const LogEntry& entry, unsigned fields = kAllLogEntryFields);
// [entry,…]
void append_json(std::string& out, const std::vector<LogEntry>& entries, unsigned fields = kAllLogEntryFields);

}  // namespace tinkr
