// A KQL evaluator for the Log Analytics simulator: exactly the subset the
// KQL translator (src/query/translators/kql.cc) and the Azure backend emit,
// over in-memory tables. Anything else is refused the way Log Analytics
// refuses it (a syntax or semantic error the simulator turns into its 400
// body), so a change that emits unsupported KQL fails loudly in tests.
//
// Supported: `Table` then `| where <expr>`, `| extend name = parse_json(<expr>)`
// (that form only), `| project c, …`, `| order by c
// [asc|desc], …` (and `sort by`), `| take N` / `| limit N`, `| distinct c, …`,
// `| summarize count() by <c | [name =] bin(c, span) | bin_at(c, span,
// datetime(…)) | name = case(pred, value, …, else)>, …`. Expressions: == != < <= > >= =~ !~, contains,
// contains_cs, has, endswith, startswith, matches regex, in (…), in~ (…),
// between (a .. b), and / or / not(…), literals (strings with \" \\ \n \r \t
// \uXXXX escapes, numbers, true/false, timespans 5m 1h 7d 250ms,
// datetime(…), ago(span)), columns (also ['name']), dynamic["key"]["key"]…,
// tostring(), todouble(), coalesce(a, b, …) (first non-null / non-empty
// string), parse_json() (Kusto's: a string that is not JSON stays a dynamic
// string, whose fields are null). Comparisons with null are false, as in Kusto.
// Pure (the clock is an argument); thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/value.hpp>

#include "core/time.h"

namespace tinkr::sim::kql {

// null, bool, long (int/long), real, string, datetime, dynamic.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string, Timestamp, boost::json::value>;

struct Column {
  std::string name;
  std::string type;  // string int long real bool datetime dynamic
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
  int index(std::string_view column) const;
};

using Catalog = std::map<std::string, Table, std::less<>>;

// What went wrong, for the simulator's error body.
struct QueryError {
  bool syntax = true;   // SyntaxError (SYN0002) or SemanticError (SEM0100)
  std::string message;  // "Query could not be parsed at 'x' on line [1,12]" / "'where' operator: …"
  std::string token;
  size_t pos = 0;  // 0-based offset in the query
};

struct Outcome {
  std::optional<Table> table;
  std::optional<QueryError> error;
};

// Runs `query` over the catalog. `now` resolves ago(); `timespan`, when set,
// keeps only rows of the source table with TimeGenerated in [from, to).
Outcome run(const Catalog& catalog, std::string_view query, Timestamp now, std::optional<TimeRange> timespan);

// A value as the Log Analytics answer encodes it for its column type
// (datetime: ISO 8601 with 7 fractional digits; dynamic: a JSON-encoded string).
boost::json::value encode(const Value& v, std::string_view type);

}  // namespace tinkr::sim::kql
