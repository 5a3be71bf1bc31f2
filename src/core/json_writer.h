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

// {"time":…,"service":…,"level":…,"message":…[,"trace_id"][,"span_id"][,"attributes"]}
void append_json(std::string& out, const LogEntry& entry);
// [entry,…]
void append_json(std::string& out, const std::vector<LogEntry>& entries);

}  // namespace tinkr
