// printable(): the display form of a translated query, made only on request.
//
// An Elastic/OpenSearch body is re-indented from its compact text by a
// Boost.JSON basic_parser handler: keys and strings are re-serialised by
// Boost.JSON (the same escaping as the compact text) and numbers are copied
// as written, so the pretty form shows exactly the values that are sent
// (re-parsing a double and serialising it again could change its last digit).
#include <cstdio>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>

#include "query/query.h"

namespace tinkr::query {
namespace {

namespace json = boost::json;

// Two spaces per level, "key": value, one member or element per line, {} and [] when empty.
class PrettyPrinter {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  explicit PrettyPrinter(std::string& out) : out_(out) {}

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return open(false); }
  bool on_object_end(std::size_t, json::error_code&) { return close('{', '}'); }
  bool on_array_begin(json::error_code&) { return open(true); }
  bool on_array_end(std::size_t, json::error_code&) { return close('[', ']'); }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) { return buffer(s); }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    part_.append(s.data(), s.size());
    next_member();
    out_ += json::serialize(json::string_view(part_));
    out_ += ": ";
    part_.clear();
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) { return buffer(s); }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    part_.append(s.data(), s.size());
    before_value();
    out_ += json::serialize(json::string_view(part_));
    part_.clear();
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) { return buffer(s); }
  bool on_int64(std::int64_t, json::string_view s, json::error_code&) { return number(s); }
  bool on_uint64(std::uint64_t, json::string_view s, json::error_code&) { return number(s); }
  bool on_double(double, json::string_view s, json::error_code&) { return number(s); }
  bool on_bool(bool b, json::error_code&) { return literal(b ? "true" : "false"); }
  bool on_null(json::error_code&) { return literal("null"); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct Container {
    bool array;
    bool empty;
  };

  bool buffer(json::string_view s) {
    part_.append(s.data(), s.size());
    return true;
  }
  bool number(json::string_view s) {
    part_.append(s.data(), s.size());
    before_value();
    out_ += part_;  // as serialised, digit for digit
    part_.clear();
    return true;
  }
  bool literal(std::string_view s) {
    before_value();
    out_ += s;
    return true;
  }
  void pad() { out_.append(stack_.size() * 2, ' '); }
  // Opens the enclosing container on its first member, or separates members.
  void next_member() {
    Container& c = stack_.back();
    if (c.empty) {
      out_ += c.array ? "[\n" : "{\n";
      c.empty = false;
    } else {
      out_ += ",\n";
    }
    pad();
  }
  // An object member's value follows its key; an array element starts a line.
  void before_value() {
    if (!stack_.empty() && stack_.back().array) next_member();
  }
  bool open(bool array) {
    before_value();
    stack_.push_back({array, true});
    return true;
  }
  bool close(char open_char, char close_char) {
    bool empty = stack_.back().empty;
    stack_.pop_back();
    if (empty) {
      out_ += open_char;
    } else {
      out_ += '\n';
      pad();
    }
    out_ += close_char;
    return true;
  }

  std::string& out_;
  std::string part_;
  std::vector<Container> stack_;
};

std::string param_text(const SqlParam& p) {
  if (const auto* i = std::get_if<int64_t>(&p)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&p)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  std::string out = "'";
  for (char c : std::get<std::string>(p)) {
    if (c == '\'') out += "''";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out + "'";
}

}  // namespace

std::string printable(const NativeQuery& q) {
  if (!q.passthrough && (q.dialect == Dialect::kElastic || q.dialect == Dialect::kOpenSearch)) {
    std::string out;
    json::basic_parser<PrettyPrinter> parser(json::parse_options{}, out);
    json::error_code ec;
    parser.write_some(false, q.text.data(), q.text.size(), ec);
    if (!ec) return out;
  }
  std::string out = q.text;
  for (size_t i = 0; i < q.params.size(); ++i)
    out += "\n-- ?" + std::to_string(i + 1) + " = " + param_text(q.params[i]);
  return out;
}

}  // namespace tinkr::query
