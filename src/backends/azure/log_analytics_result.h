// Reading a Log Analytics query answer: the tables, their typed columns and
// positional rows, and a partial error given beside them.
//
// Cells are read by column name (never by position: projections and
// workspaces differ). Types follow the response format: datetime as ISO 8601
// with up to 7 fractional digits, int/long/real as JSON numbers or — as the
// REST spec's own example has them — decimal strings, bool as a JSON boolean
// or "true"/"false", dynamic as a JSON-encoded string (parsed again) or an
// inline value, null anywhere. Pure functions and value types; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/model.h"
#include "core/result.h"
#include "core/time.h"

namespace tinkr::azure {

struct LaColumn {
  std::string name;
  std::string type;  // bool datetime dynamic guid int long real string timespan decimal
};

struct LaTable {
  std::string name;
  std::vector<LaColumn> columns;
  std::vector<boost::json::array> rows;

  // The position of a column, or -1.
  int index(std::string_view column) const;
};

// The "error" of an answer: code, message, and the codes/messages of its
// innererror chain and details, outermost first.
struct LaError {
  std::string code;
  std::string message;
  std::vector<std::string> reasons;  // "SYN0002: Query could not be parsed at …"
  // "<message> (<reason>; <reason>)".
  std::string describe() const;
};

struct LaResult {
  std::vector<LaTable> tables;
  std::optional<LaError> partial;  // HTTP 200 with an error beside the tables
  // The first table ("PrimaryResult"); nullptr when there is none.
  const LaTable* primary() const { return tables.empty() ? nullptr : &tables.front(); }
};

// Parses a 200 answer. An error names what was wrong with the shape.
Result<LaResult> parse_query_answer(std::string_view body);
// Parses an {"error":{…}} body; nullopt when the body is not one.
std::optional<LaError> parse_error_body(std::string_view body);

// One row, read by column name. Missing columns and nulls read as nullopt / "".
class LaRow {
 public:
  LaRow(const LaTable& table, const boost::json::array& row) : table_(table), row_(row) {}

  const boost::json::value* cell(std::string_view column) const;
  std::string text(std::string_view column) const;  // strings as is; numbers and bools printed
  std::optional<Timestamp> time(std::string_view column) const;
  std::optional<int64_t> integer(std::string_view column) const;
  std::optional<double> real(std::string_view column) const;
  std::optional<bool> boolean(std::string_view column) const;
  // A dynamic cell as JSON (a JSON-encoded string is parsed; a plain string
  // that is not JSON stays a string).
  boost::json::value dynamic(std::string_view column) const;

 private:
  const LaTable& table_;
  const boost::json::array& row_;
};

// Flattens a dynamic object into string attributes ("a.b" for nested keys;
// non-string values as compact JSON).
void flatten_dynamic(const boost::json::value& v, Attributes& out, const std::string& prefix = "");

}  // namespace tinkr::azure
