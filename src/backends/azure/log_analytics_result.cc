#include "backends/azure/log_analytics_result.h"

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "backends/azure/log_analytics_wire.h"

namespace tinkr::azure {
namespace {

namespace json = boost::json;

std::string_view str_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return it->value().get_string();
}

void collect_reasons(const json::object& o, std::vector<std::string>& out, int depth) {
  if (depth > 8) return;
  auto add = [&](const json::object& e) {
    std::string_view code = str_field(e, wire::kCode);
    std::string_view message = str_field(e, wire::kMessage);
    if (!message.empty()) out.push_back(code.empty() ? std::string(message) : fmt::format("{}: {}", code, message));
    collect_reasons(e, out, depth + 1);
  };
  if (auto it = o.find(wire::kInnerError); it != o.end() && it->value().is_object()) add(it->value().get_object());
  if (auto it = o.find(wire::kDetails); it != o.end() && it->value().is_array()) {
    for (const auto& d : it->value().get_array()) {
      if (d.is_object()) add(d.get_object());
    }
  }
}

LaError read_error(const json::object& e) {
  LaError out;
  out.code = std::string(str_field(e, wire::kCode));
  out.message = std::string(str_field(e, wire::kMessage));
  collect_reasons(e, out.reasons, 0);
  return out;
}

}  // namespace

int LaTable::index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

std::string LaError::describe() const {
  std::string out = message.empty() ? code : message;
  if (!reasons.empty()) out += fmt::format(" ({})", fmt::join(reasons, "; "));
  return out;
}

Result<LaResult> parse_query_answer(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return make_error(ErrorCode::kBackend, "not JSON: " + ec.message());
  if (!v.is_object()) return make_error(ErrorCode::kBackend, "the answer is not a JSON object");
  const json::object& root = v.get_object();
  LaResult out;
  if (auto it = root.find(wire::kError); it != root.end() && it->value().is_object()) {
    out.partial = read_error(it->value().get_object());
  }
  auto tables = root.find(wire::kTables);
  if (tables == root.end() || !tables->value().is_array()) {
    return make_error(ErrorCode::kBackend, "no \"tables\" array");
  }
  for (const auto& t : tables->value().get_array()) {
    if (!t.is_object()) return make_error(ErrorCode::kBackend, "a table is not an object");
    const json::object& to = t.get_object();
    LaTable table;
    table.name = std::string(str_field(to, wire::kName));
    auto cols = to.find(wire::kColumns);
    auto rows = to.find(wire::kRows);
    if (cols == to.end() || !cols->value().is_array() || rows == to.end() || !rows->value().is_array()) {
      return make_error(ErrorCode::kBackend, fmt::format("table \"{}\" has no columns or rows", table.name));
    }
    for (const auto& c : cols->value().get_array()) {
      if (!c.is_object()) return make_error(ErrorCode::kBackend, "a column is not an object");
      table.columns.push_back(
          {std::string(str_field(c.get_object(), wire::kName)), std::string(str_field(c.get_object(), wire::kType))});
    }
    for (const auto& r : rows->value().get_array()) {
      if (!r.is_array() || r.get_array().size() != table.columns.size()) {
        return make_error(ErrorCode::kBackend, fmt::format("a row of table \"{}\" does not have {} values", table.name,
                                                           table.columns.size()));
      }
      table.rows.push_back(r.get_array());
    }
    out.tables.push_back(std::move(table));
  }
  return out;
}

std::optional<LaError> parse_error_body(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  auto it = v.get_object().find(wire::kError);
  if (it == v.get_object().end() || !it->value().is_object()) return std::nullopt;
  LaError e = read_error(it->value().get_object());
  if (e.code.empty() && e.message.empty()) return std::nullopt;
  return e;
}

const json::value* LaRow::cell(std::string_view column) const {
  const int i = table_.index(column);
  if (i < 0 || static_cast<size_t>(i) >= row_.size()) return nullptr;
  const json::value& v = row_[static_cast<size_t>(i)];
  return v.is_null() ? nullptr : &v;
}

std::string LaRow::text(std::string_view column) const {
  const json::value* v = cell(column);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

std::optional<Timestamp> LaRow::time(std::string_view column) const {
  const json::value* v = cell(column);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  auto t = parse_rfc3339(v->get_string());
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::optional<int64_t> LaRow::integer(std::string_view column) const {
  const json::value* v = cell(column);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  if (v->is_string()) {
    std::string_view s = v->get_string();
    int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::optional<double> LaRow::real(std::string_view column) const {
  const json::value* v = cell(column);
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) return v->to_number<double>();
  if (v->is_string()) {
    std::string s(v->get_string());
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == '\0') return d;
  }
  return std::nullopt;
}

std::optional<bool> LaRow::boolean(std::string_view column) const {
  const json::value* v = cell(column);
  if (v == nullptr) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  if (v->is_string()) {
    if (v->get_string() == "true" || v->get_string() == "True") return true;
    if (v->get_string() == "false" || v->get_string() == "False") return false;
  }
  if (v->is_int64()) return v->get_int64() != 0;
  return std::nullopt;
}

json::value LaRow::dynamic(std::string_view column) const {
  const json::value* v = cell(column);
  if (v == nullptr) return nullptr;
  if (!v->is_string()) return *v;
  std::string_view s = v->get_string();
  if (!s.empty() && (s.front() == '{' || s.front() == '[')) {
    boost::system::error_code ec;
    json::value parsed = json::parse(s, ec);
    if (!ec) return parsed;
  }
  return *v;
}

void flatten_dynamic(const json::value& v, Attributes& out, const std::string& prefix) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.get_object()) {
      std::string key = prefix.empty() ? std::string(k) : prefix + "." + std::string(k);
      if (child.is_object() && prefix.size() < 256) {
        flatten_dynamic(child, out, key);
      } else if (child.is_string()) {
        out[key] = std::string(child.get_string());
      } else if (!child.is_null()) {
        out[key] = json::serialize(child);
      }
    }
    return;
  }
  if (v.is_null()) return;
  out[prefix.empty() ? "value" : prefix] = v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

}  // namespace tinkr::azure
