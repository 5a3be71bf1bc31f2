#include "sim/kql_eval.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <boost/json.hpp>

namespace tinkr::sim::kql {
namespace {

namespace json = boost::json;

// ---- lexing ----

enum class Tok { kIdent, kString, kNumber, kTimespan, kDatetime, kSym, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, symbol, decoded string, raw number
  size_t pos = 0;
  double number = 0;
  bool integral = false;
  Nanos span{0};
  Timestamp time{};
};

struct Failure {
  QueryError error;
};

QueryError syntax_at(std::string_view query, size_t pos, std::string token = {}) {
  QueryError e;
  e.syntax = true;
  e.pos = pos;
  if (token.empty()) token = pos < query.size() ? std::string(query.substr(pos, 1)) : std::string("<EOF>");
  e.token = token;
  e.message = fmt::format("Query could not be parsed at '{}' on line [1,{}]", token, pos);
  return e;
}

QueryError semantic(std::string message, size_t pos = 0) {
  QueryError e;
  e.syntax = false;
  e.pos = pos;
  e.message = std::move(message);
  return e;
}

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<Token> lex(std::string_view q) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i]))) ++i;
    Token t;
    t.pos = i;
    if (i >= q.size()) {
      t.kind = Tok::kEnd;
      out.push_back(t);
      return out;
    }
    const char c = q[i];
    if (ident_start(c)) {
      size_t j = i;
      while (j < q.size() && ident_char(q[j])) ++j;
      t.kind = Tok::kIdent;
      t.text = std::string(q.substr(i, j - i));
      i = j;
      if (t.text == "in" && i < q.size() && q[i] == '~') {
        t.text = "in~";
        ++i;
      }
      if (t.text == "datetime") {
        size_t k = i;
        while (k < q.size() && q[k] == ' ') ++k;
        if (k < q.size() && q[k] == '(') {
          const size_t close = q.find(')', k);
          if (close == std::string_view::npos) throw Failure{syntax_at(q, k)};
          std::string raw(q.substr(k + 1, close - k - 1));
          while (!raw.empty() && raw.back() == ' ') raw.pop_back();
          while (!raw.empty() && raw.front() == ' ') raw.erase(raw.begin());
          // Kusto keeps 100 ns ticks: more than 7 fractional digits is not a datetime.
          const size_t dot = raw.find('.');
          size_t digits = 0;
          while (dot != std::string::npos && dot + 1 + digits < raw.size() &&
                 std::isdigit(static_cast<unsigned char>(raw[dot + 1 + digits])))
            ++digits;
          auto parsed = parse_rfc3339(raw);
          if (!parsed.ok() || digits > 7) throw Failure{syntax_at(q, k + 1, raw)};
          t.kind = Tok::kDatetime;
          t.time = *parsed;
          i = close + 1;
        }
      }
      out.push_back(t);
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      bool dot = false;
      while (j < q.size() && (std::isdigit(static_cast<unsigned char>(q[j])) ||
                              (q[j] == '.' && !dot && j + 1 < q.size() && q[j + 1] != '.'))) {
        dot = dot || q[j] == '.';
        ++j;
      }
      std::string num(q.substr(i, j - i));
      size_t k = j;
      while (k < q.size() && std::isalpha(static_cast<unsigned char>(q[k]))) ++k;
      std::string unit(q.substr(j, k - j));
      t.number = std::strtod(num.c_str(), nullptr);
      t.integral = !dot;
      t.text = num;
      if (!unit.empty()) {
        double ns_per = 0;
        if (unit == "d") ns_per = 86400e9;
        else if (unit == "h") ns_per = 3600e9;
        else if (unit == "m") ns_per = 60e9;
        else if (unit == "s") ns_per = 1e9;
        else if (unit == "ms") ns_per = 1e6;
        else throw Failure{syntax_at(q, j, num + unit)};
        t.kind = Tok::kTimespan;
        t.span = Nanos(static_cast<int64_t>(std::llround(t.number * ns_per)));
        t.text = num + unit;
      } else {
        t.kind = Tok::kNumber;
      }
      i = k;
      out.push_back(t);
      continue;
    }
    if (c == '"' || c == '\'') {
      std::string s;
      size_t j = i + 1;
      bool closed = false;
      while (j < q.size()) {
        char d = q[j];
        if (d == c) {
          closed = true;
          ++j;
          break;
        }
        if (d == '\\') {
          if (j + 1 >= q.size()) break;
          char e = q[j + 1];
          j += 2;
          switch (e) {
            case '"': s += '"'; break;
            case '\'': s += '\''; break;
            case '\\': s += '\\'; break;
            case 'n': s += '\n'; break;
            case 'r': s += '\r'; break;
            case 't': s += '\t'; break;
            case 'u': {
              if (j + 4 > q.size()) throw Failure{syntax_at(q, j - 2)};
              unsigned v = static_cast<unsigned>(std::stoul(std::string(q.substr(j, 4)), nullptr, 16));
              j += 4;
              if (v < 0x80) {
                s += static_cast<char>(v);
              } else if (v < 0x800) {
                s += static_cast<char>(0xC0 | (v >> 6));
                s += static_cast<char>(0x80 | (v & 0x3F));
              } else {
                s += static_cast<char>(0xE0 | (v >> 12));
                s += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
                s += static_cast<char>(0x80 | (v & 0x3F));
              }
              break;
            }
            default: throw Failure{syntax_at(q, j - 2, std::string("\\") + e)};
          }
          continue;
        }
        if (d == '\n') break;  // KQL strings do not span lines
        s += d;
        ++j;
      }
      if (!closed) throw Failure{syntax_at(q, i, std::string(q.substr(i, 20)))};
      t.kind = Tok::kString;
      t.text = std::move(s);
      i = j;
      out.push_back(t);
      continue;
    }
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "=~", "!~", ".."};
    bool matched = false;
    for (auto op : kTwo) {
      if (q.substr(i, 2) == op) {
        t.kind = Tok::kSym;
        t.text = std::string(op);
        i += 2;
        matched = true;
        break;
      }
    }
    if (!matched) {
      if (std::string_view("<>=|(),[]").find(c) == std::string_view::npos) throw Failure{syntax_at(q, i)};
      t.kind = Tok::kSym;
      t.text = std::string(1, c);
      ++i;
    }
    out.push_back(t);
  }
}

// ---- syntax tree ----

struct Expr {
  enum Kind { kLit, kCol, kIndex, kCall, kBinary, kNot, kAnd, kOr, kIn, kBetween } kind = kLit;
  Value lit;
  std::string name;  // column, function, operator
  bool ci = false;   // in~
  size_t pos = 0;
  int col = -1;  // resolved column
  std::shared_ptr<RE2> re;
  std::vector<std::shared_ptr<Expr>> args;
};
using ExprP = std::shared_ptr<Expr>;

struct ByItem {
  std::string name;
  std::string column;
  std::shared_ptr<Expr> expr;  // name = case(…)
  std::optional<Nanos> bin;
  std::optional<Timestamp> at;
  size_t pos = 0;
};

struct Op {
  enum Kind { kWhere, kProject, kOrder, kTake, kSummarize, kDistinct, kExtend } kind = kWhere;
  size_t pos = 0;
  ExprP where;  // where: the predicate; extend: the value
  std::string extend_name;
  std::vector<std::pair<std::string, size_t>> columns;  // project, distinct (name, pos)
  std::vector<std::pair<std::string, bool>> order;      // column, descending
  int64_t take = 0;
  std::string count_name = "count_";
  std::vector<ByItem> by;
};

struct Query {
  std::string table;
  size_t table_pos = 0;
  std::vector<Op> ops;
};

class Parser {
 public:
  Parser(std::string_view q, std::vector<Token> toks) : q_(q), t_(std::move(toks)) {}

  Query parse() {
    Query out;
    const Token& first = peek();
    if (first.kind != Tok::kIdent) fail();
    out.table = first.text;
    out.table_pos = first.pos;
    ++i_;
    while (peek().kind != Tok::kEnd) {
      expect_sym("|");
      out.ops.push_back(op());
    }
    return out;
  }

 private:
  const Token& peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  [[noreturn]] void fail() const {
    const Token& t = peek();
    std::string token =
        t.kind == Tok::kEnd ? "<EOF>" : std::string(q_.substr(t.pos, std::max<size_t>(1, t.text.size())));
    if (t.kind == Tok::kString) token = q_.substr(t.pos, 1) == "'" ? "'" : "\"";
    throw Failure{syntax_at(q_, t.pos, token)};
  }
  bool is_sym(std::string_view s, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::kSym && peek(ahead).text == s;
  }
  bool is_word(std::string_view s, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::kIdent && peek(ahead).text == s;
  }
  void expect_sym(std::string_view s) {
    if (!is_sym(s)) fail();
    ++i_;
  }
  void expect_word(std::string_view s) {
    if (!is_word(s)) fail();
    ++i_;
  }
  std::string column_name() {
    if (peek().kind == Tok::kIdent) return t_[i_++].text;
    if (is_sym("[") && peek(1).kind == Tok::kString && peek(2).kind == Tok::kSym && peek(2).text == "]") {
      std::string name = peek(1).text;
      i_ += 3;
      return name;
    }
    fail();
  }

  Op op() {
    Op o;
    o.pos = peek().pos;
    if (peek().kind != Tok::kIdent) fail();
    const std::string word = t_[i_++].text;
    if (word == "where") {
      o.kind = Op::kWhere;
      o.where = expr();
    } else if (word == "extend") {
      // Only `extend <name> = parse_json(<expr>)`, the form the translator emits.
      o.kind = Op::kExtend;
      if (peek().kind != Tok::kIdent || !is_sym("=", 1)) fail();
      o.extend_name = t_[i_].text;
      i_ += 2;
      if (!is_word("parse_json") || !is_sym("(", 1)) fail();
      o.where = primary();
    } else if (word == "project" || word == "distinct") {
      o.kind = word == "project" ? Op::kProject : Op::kDistinct;
      do {
        const size_t pos = peek().pos;
        o.columns.emplace_back(column_name(), pos);
      } while (is_sym(",") && ++i_);
    } else if (word == "order" || word == "sort") {
      o.kind = Op::kOrder;
      expect_word("by");
      do {
        std::string c = column_name();
        bool desc = true;  // Kusto sorts descending by default
        if (is_word("asc")) {
          desc = false;
          ++i_;
        } else if (is_word("desc")) {
          ++i_;
        }
        o.order.emplace_back(std::move(c), desc);
      } while (is_sym(",") && ++i_);
    } else if (word == "take" || word == "limit") {
      o.kind = Op::kTake;
      if (peek().kind != Tok::kNumber || !peek().integral) fail();
      o.take = static_cast<int64_t>(t_[i_++].number);
    } else if (word == "summarize") {
      o.kind = Op::kSummarize;
      if (peek().kind == Tok::kIdent && is_sym("=", 1)) {
        o.count_name = t_[i_].text;
        i_ += 2;
      }
      expect_word("count");
      expect_sym("(");
      expect_sym(")");
      expect_word("by");
      do o.by.push_back(by_item());
      while (is_sym(",") && ++i_);
    } else {
      --i_;
      fail();
    }
    return o;
  }

  ByItem by_item() {
    ByItem b;
    b.pos = peek().pos;
    if (peek().kind == Tok::kIdent && is_sym("=", 1)) {
      b.name = t_[i_].text;
      i_ += 2;
    }
    if (!b.name.empty() && is_word("case")) {
      b.expr = primary();
      return b;
    }
    if (is_word("bin") || is_word("bin_at")) {
      const bool at = peek().text == "bin_at";
      ++i_;
      expect_sym("(");
      b.column = column_name();
      expect_sym(",");
      if (peek().kind != Tok::kTimespan) fail();
      b.bin = t_[i_++].span;
      if (b.bin->count() <= 0) fail();
      if (at) {
        expect_sym(",");
        if (peek().kind != Tok::kDatetime) fail();
        b.at = t_[i_++].time;
      }
      expect_sym(")");
    } else {
      b.column = column_name();
    }
    if (b.name.empty()) b.name = b.column;
    return b;
  }

  ExprP make(Expr::Kind k, size_t pos) {
    auto e = std::make_shared<Expr>();
    e->kind = k;
    e->pos = pos;
    return e;
  }

  ExprP expr() { return or_expr(); }
  ExprP or_expr() {
    ExprP l = and_expr();
    while (is_word("or")) {
      ExprP e = make(Expr::kOr, peek().pos);
      ++i_;
      e->args = {l, and_expr()};
      l = e;
    }
    return l;
  }
  ExprP and_expr() {
    ExprP l = predicate();
    while (is_word("and")) {
      ExprP e = make(Expr::kAnd, peek().pos);
      ++i_;
      e->args = {l, predicate()};
      l = e;
    }
    return l;
  }
  ExprP predicate() {
    ExprP l = primary();
    const Token& t = peek();
    static constexpr std::string_view kSymOps[] = {"==", "!=", "<", "<=", ">", ">=", "=~", "!~"};
    static constexpr std::string_view kWordOps[] = {"contains", "contains_cs", "has", "endswith", "startswith"};
    if (t.kind == Tok::kSym) {
      for (auto op : kSymOps) {
        if (t.text == op) {
          ExprP e = make(Expr::kBinary, t.pos);
          e->name = std::string(op);
          ++i_;
          e->args = {l, primary()};
          return e;
        }
      }
      return l;
    }
    if (t.kind != Tok::kIdent) return l;
    for (auto op : kWordOps) {
      if (t.text == op) {
        ExprP e = make(Expr::kBinary, t.pos);
        e->name = std::string(op);
        ++i_;
        e->args = {l, primary()};
        return e;
      }
    }
    if (t.text == "matches") {
      ExprP e = make(Expr::kBinary, t.pos);
      ++i_;
      expect_word("regex");
      e->name = "matches regex";
      if (peek().kind != Tok::kString) fail();
      RE2::Options quiet;
      quiet.set_log_errors(false);
      e->re = std::make_shared<RE2>(peek().text, quiet);
      if (!e->re->ok()) throw Failure{semantic("Relop semantic error: invalid regex: " + e->re->error(), peek().pos)};
      e->args = {l, primary()};
      return e;
    }
    if (t.text == "in" || t.text == "in~") {
      ExprP e = make(Expr::kIn, t.pos);
      e->ci = t.text == "in~";
      ++i_;
      expect_sym("(");
      e->args.push_back(l);
      do e->args.push_back(primary());
      while (is_sym(",") && ++i_);
      expect_sym(")");
      return e;
    }
    if (t.text == "between") {
      ExprP e = make(Expr::kBetween, t.pos);
      ++i_;
      expect_sym("(");
      ExprP lo = primary();
      expect_sym("..");
      ExprP hi = primary();
      expect_sym(")");
      e->args = {l, lo, hi};
      return e;
    }
    return l;
  }
  ExprP primary() {
    const Token& t = peek();
    ExprP e;
    switch (t.kind) {
      case Tok::kString:
        e = make(Expr::kLit, t.pos);
        e->lit = t.text;
        ++i_;
        return e;
      case Tok::kNumber:
        e = make(Expr::kLit, t.pos);
        if (t.integral) e->lit = static_cast<int64_t>(t.number);
        else e->lit = t.number;
        ++i_;
        return e;
      case Tok::kTimespan: fail();  // only as an argument of ago() and bin()
      case Tok::kDatetime:
        e = make(Expr::kLit, t.pos);
        e->lit = t.time;
        ++i_;
        return e;
      case Tok::kSym:
        if (t.text == "(") {
          ++i_;
          e = expr();
          expect_sym(")");
          return e;
        }
        if (t.text == "[") {
          e = make(Expr::kCol, t.pos);
          e->name = column_name();
          return postfix(e);
        }
        fail();
      case Tok::kIdent: {
        const std::string word = t.text;
        if (word == "true" || word == "false") {
          e = make(Expr::kLit, t.pos);
          e->lit = word == "true";
          ++i_;
          return e;
        }
        if (is_sym("(", 1)) {
          if (word == "ago") {
            e = make(Expr::kCall, t.pos);
            e->name = "ago";
            i_ += 2;
            if (peek().kind != Tok::kTimespan) fail();
            e->lit = static_cast<int64_t>(t_[i_++].span.count());
            expect_sym(")");
            return e;
          }
          if (word == "case") {
            e = make(Expr::kCall, t.pos);
            e->name = "case";
            i_ += 2;
            do e->args.push_back(expr());
            while (is_sym(",") && ++i_);
            expect_sym(")");
            if (e->args.size() < 3 || e->args.size() % 2 == 0) {
              throw Failure{semantic("case(): expects predicate/value pairs and an else value", t.pos)};
            }
            return e;
          }
          if (word == "coalesce") {
            e = make(Expr::kCall, t.pos);
            e->name = "coalesce";
            i_ += 2;
            do e->args.push_back(expr());
            while (is_sym(",") && ++i_);
            expect_sym(")");
            if (e->args.size() < 2) throw Failure{semantic("coalesce(): expects at least two arguments", t.pos)};
            return e;
          }
          if (word == "not" || word == "tostring" || word == "todouble" || word == "parse_json") {
            e = make(word == "not" ? Expr::kNot : Expr::kCall, t.pos);
            e->name = word;
            i_ += 2;
            e->args = {expr()};
            expect_sym(")");
            return e;
          }
          fail();
        }
        static constexpr std::string_view kReserved[] = {"and",      "or",  "by",      "in",    "in~",     "between",
                                                         "contains", "has", "matches", "where", "project", "take"};
        for (auto r : kReserved) {
          if (word == r) fail();
        }
        e = make(Expr::kCol, t.pos);
        e->name = word;
        ++i_;
        return postfix(e);
      }
      case Tok::kEnd: fail();
    }
    fail();
  }
  ExprP postfix(ExprP base) {
    while (is_sym("[")) {
      ExprP e = make(Expr::kIndex, peek().pos);
      ++i_;
      if (peek().kind != Tok::kString) fail();
      e->name = t_[i_++].text;
      expect_sym("]");
      e->args = {base};
      base = e;
    }
    return base;
  }

  std::string_view q_;
  std::vector<Token> t_;
  size_t i_ = 0;
};

// ---- evaluation ----

bool is_null(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return true;
  if (auto j = std::get_if<json::value>(&v)) return j->is_null();
  return false;
}

std::optional<double> as_number(const Value& v) {
  if (auto i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto j = std::get_if<json::value>(&v)) {
    if (j->is_number()) return j->to_number<double>();
  }
  return std::nullopt;
}

std::optional<std::string> as_string(const Value& v) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  if (auto j = std::get_if<json::value>(&v)) {
    if (j->is_string()) return std::string(j->get_string());
  }
  return std::nullopt;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string to_text(const Value& v) {
  if (is_null(v)) return {};
  if (auto s = as_string(v)) return *s;
  if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  if (auto t = std::get_if<Timestamp>(&v)) return format_rfc3339(*t, 7);
  if (auto j = std::get_if<json::value>(&v)) return json::serialize(*j);
  return {};
}

// -1, 0, 1; nullopt when the values cannot be compared.
std::optional<int> compare(const Value& a, const Value& b) {
  if (is_null(a) || is_null(b)) return std::nullopt;
  if (auto ta = std::get_if<Timestamp>(&a)) {
    if (auto tb = std::get_if<Timestamp>(&b)) return *ta < *tb ? -1 : (*ta > *tb ? 1 : 0);
    return std::nullopt;
  }
  if (auto ba = std::get_if<bool>(&a)) {
    if (auto bb = std::get_if<bool>(&b)) return *ba == *bb ? 0 : (*ba ? 1 : -1);
    return std::nullopt;
  }
  auto na = as_number(a), nb = as_number(b);
  if (na && nb) return *na < *nb ? -1 : (*na > *nb ? 1 : 0);
  auto sa = as_string(a), sb = as_string(b);
  if (sa && sb) return *sa < *sb ? -1 : (*sa > *sb ? 1 : 0);
  return std::nullopt;
}

bool has_term(const std::string& hay, const std::string& term) {
  if (term.empty()) return true;
  const std::string h = lower(hay), t = lower(term);
  for (size_t at = h.find(t); at != std::string::npos; at = h.find(t, at + 1)) {
    const bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(h[at - 1]));
    const size_t end = at + t.size();
    const bool right = end >= h.size() || !std::isalnum(static_cast<unsigned char>(h[end]));
    if (left && right) return true;
  }
  return false;
}

// Kusto's parse_json(): a dynamic value as is; a string holding JSON parsed;
// any other string kept as a dynamic string (so its fields are null).
Value parse_json(const Value& v) {
  if (is_null(v)) return std::monostate{};
  if (std::holds_alternative<json::value>(v)) return v;
  auto s = as_string(v);
  if (!s) return json::value(json::string(to_text(v)));
  boost::system::error_code ec;
  json::value parsed = json::parse(*s, ec);
  if (ec) return json::value(json::string(*s));
  return parsed;
}

class Evaluator {
 public:
  Evaluator(const Table& table, Timestamp now) : table_(table), now_(now) {}

  // Resolves columns; a semantic error for unknown ones.
  void resolve(Expr& e, std::string_view op) const {
    if (e.kind == Expr::kCol) {
      e.col = table_.index(e.name);
      if (e.col < 0) {
        throw Failure{
            semantic(fmt::format("'{}' operator: Failed to resolve scalar expression named '{}'", op, e.name), e.pos)};
      }
    }
    for (auto& a : e.args) resolve(*a, op);
  }

  Value eval(const Expr& e, const std::vector<Value>& row) const {
    switch (e.kind) {
      case Expr::kLit: return e.lit;
      case Expr::kCol: return row[static_cast<size_t>(e.col)];
      case Expr::kIndex: {
        Value base = eval(*e.args[0], row);
        auto j = std::get_if<json::value>(&base);
        if (!j || !j->is_object()) return std::monostate{};
        auto it = j->get_object().find(e.name);
        if (it == j->get_object().end()) return std::monostate{};
        return json::value(it->value());
      }
      case Expr::kCall: {
        if (e.name == "ago") return now_ - Nanos(std::get<int64_t>(e.lit));
        if (e.name == "case") {
          for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
            Value p = eval(*e.args[i], row);
            if (auto b = std::get_if<bool>(&p); b && *b) return eval(*e.args[i + 1], row);
          }
          return eval(*e.args.back(), row);
        }
        if (e.name == "coalesce") {
          // The first non-null value (for strings: non-empty).
          for (const auto& a : e.args) {
            Value v = eval(*a, row);
            if (is_null(v)) continue;
            if (auto s = std::get_if<std::string>(&v); s && s->empty()) continue;
            return v;
          }
          return std::monostate{};
        }
        Value v = eval(*e.args[0], row);
        if (e.name == "tostring") return to_text(v);
        if (e.name == "parse_json") return parse_json(v);
        // todouble
        if (auto n = as_number(v)) return *n;
        if (auto s = as_string(v)) {
          char* end = nullptr;
          const double d = std::strtod(s->c_str(), &end);
          if (end != s->c_str() && *end == '\0') return d;
        }
        return std::monostate{};
      }
      case Expr::kNot: {
        Value v = eval(*e.args[0], row);
        auto b = std::get_if<bool>(&v);
        if (!b) return std::monostate{};
        return !*b;
      }
      case Expr::kAnd:
      case Expr::kOr: {
        Value l = eval(*e.args[0], row);
        auto lb = std::get_if<bool>(&l);
        if (e.kind == Expr::kAnd && lb && !*lb) return false;
        if (e.kind == Expr::kOr && lb && *lb) return true;
        Value r = eval(*e.args[1], row);
        auto rb = std::get_if<bool>(&r);
        if (!lb || !rb) {
          if (e.kind == Expr::kAnd && rb && !*rb) return false;
          if (e.kind == Expr::kOr && rb && *rb) return true;
          return std::monostate{};
        }
        return e.kind == Expr::kAnd ? (*lb && *rb) : (*lb || *rb);
      }
      case Expr::kIn: {
        Value l = eval(*e.args[0], row);
        if (is_null(l)) return false;
        for (size_t i = 1; i < e.args.size(); ++i) {
          Value r = eval(*e.args[i], row);
          if (e.ci) {
            auto ls = as_string(l), rs = as_string(r);
            if (ls && rs && lower(*ls) == lower(*rs)) return true;
          } else if (compare(l, r) == 0) {
            return true;
          }
        }
        return false;
      }
      case Expr::kBetween: {
        Value v = eval(*e.args[0], row);
        auto lo = compare(v, eval(*e.args[1], row)), hi = compare(v, eval(*e.args[2], row));
        if (!lo || !hi) return false;
        return *lo >= 0 && *hi <= 0;
      }
      case Expr::kBinary: return binary(e, row);
    }
    return std::monostate{};
  }

 private:
  Value binary(const Expr& e, const std::vector<Value>& row) const {
    Value l = eval(*e.args[0], row);
    Value r = eval(*e.args[1], row);
    const std::string& op = e.name;
    if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
      auto c = compare(l, r);
      if (!c) return false;
      if (op == "==") return *c == 0;
      if (op == "!=") return *c != 0;
      if (op == "<") return *c < 0;
      if (op == "<=") return *c <= 0;
      if (op == ">") return *c > 0;
      return *c >= 0;
    }
    auto ls = as_string(l);
    if (!ls && !is_null(l) && !std::holds_alternative<json::value>(l)) ls = to_text(l);
    auto rs = as_string(r);
    if (!ls || !rs) return false;
    if (op == "=~") return lower(*ls) == lower(*rs);
    if (op == "!~") return lower(*ls) != lower(*rs);
    if (op == "contains") return lower(*ls).find(lower(*rs)) != std::string::npos;
    if (op == "contains_cs") return ls->find(*rs) != std::string::npos;
    if (op == "has") return has_term(*ls, *rs);
    if (op == "endswith") {
      const std::string a = lower(*ls), b = lower(*rs);
      return a.size() >= b.size() && a.compare(a.size() - b.size(), b.size(), b) == 0;
    }
    if (op == "startswith") return lower(*ls).rfind(lower(*rs), 0) == 0;
    if (op == "matches regex") return RE2::PartialMatch(*ls, *e.re);
    return false;
  }

  const Table& table_;
  Timestamp now_;
};

std::string key_of(const std::vector<Value>& values) {
  std::string k;
  for (const auto& v : values) {
    k += std::to_string(v.index());
    k += ':';
    k += to_text(v);
    k += '\x1f';
  }
  return k;
}

Timestamp floor_to(Timestamp t, Nanos bin, Timestamp at) {
  int64_t d = (t - at).count();
  int64_t b = bin.count();
  int64_t q = d / b;
  if (d % b != 0 && d < 0) --q;
  return at + Nanos(q * b);
}

Table apply(const Table& in, const Op& o, Timestamp now) {
  Table out;
  out.name = in.name;
  switch (o.kind) {
    case Op::kWhere: {
      Evaluator ev(in, now);
      Expr copy = *o.where;
      ev.resolve(copy, "where");
      out.columns = in.columns;
      for (const auto& row : in.rows) {
        Value v = ev.eval(copy, row);
        auto b = std::get_if<bool>(&v);
        if (b && *b) out.rows.push_back(row);
      }
      return out;
    }
    case Op::kExtend: {
      Evaluator ev(in, now);
      Expr copy = *o.where;
      ev.resolve(copy, "extend");
      out.columns = in.columns;
      const int existing = in.index(o.extend_name);
      if (existing < 0) out.columns.push_back({o.extend_name, "dynamic"});
      for (const auto& row : in.rows) {
        std::vector<Value> r = row;
        Value v = ev.eval(copy, row);
        if (existing < 0) r.push_back(std::move(v));
        else r[static_cast<size_t>(existing)] = std::move(v);
        out.rows.push_back(std::move(r));
      }
      if (existing >= 0) out.columns[static_cast<size_t>(existing)].type = "dynamic";
      return out;
    }
    case Op::kProject:
    case Op::kDistinct: {
      std::vector<int> idx;
      const char* name = o.kind == Op::kProject ? "project" : "distinct";
      for (const auto& [c, pos] : o.columns) {
        int i = in.index(c);
        if (i < 0) {
          throw Failure{
              semantic(fmt::format("'{}' operator: Failed to resolve scalar expression named '{}'", name, c), pos)};
        }
        idx.push_back(i);
        out.columns.push_back(in.columns[static_cast<size_t>(i)]);
      }
      std::map<std::string, bool> seen;
      for (const auto& row : in.rows) {
        std::vector<Value> r;
        for (int i : idx) r.push_back(row[static_cast<size_t>(i)]);
        if (o.kind == Op::kDistinct && !seen.emplace(key_of(r), true).second) continue;
        out.rows.push_back(std::move(r));
      }
      return out;
    }
    case Op::kOrder: {
      std::vector<std::pair<int, bool>> keys;
      for (const auto& [c, desc] : o.order) {
        int i = in.index(c);
        if (i < 0) {
          throw Failure{
              semantic(fmt::format("'order' operator: Failed to resolve scalar expression named '{}'", c), o.pos)};
        }
        keys.emplace_back(i, desc);
      }
      out = in;
      std::stable_sort(out.rows.begin(), out.rows.end(), [&](const auto& a, const auto& b) {
        for (const auto& [i, desc] : keys) {
          const Value& x = a[static_cast<size_t>(i)];
          const Value& y = b[static_cast<size_t>(i)];
          // Nulls sort first ascending, last descending.
          if (is_null(x) != is_null(y)) return desc ? !is_null(x) : is_null(x);
          auto c = compare(x, y);
          if (!c || *c == 0) continue;
          return desc ? *c > 0 : *c < 0;
        }
        return false;
      });
      return out;
    }
    case Op::kTake: {
      out = in;
      if (o.take >= 0 && out.rows.size() > static_cast<size_t>(o.take)) out.rows.resize(static_cast<size_t>(o.take));
      return out;
    }
    case Op::kSummarize: {
      std::vector<int> idx;
      std::vector<Expr> computed(o.by.size());
      Evaluator ev(in, now);
      for (size_t k = 0; k < o.by.size(); ++k) {
        const ByItem& b = o.by[k];
        if (b.expr) {
          computed[k] = *b.expr;
          ev.resolve(computed[k], "summarize");
          idx.push_back(-1);
          out.columns.push_back({b.name, "string"});
          continue;
        }
        int i = in.index(b.column);
        if (i < 0) {
          throw Failure{
              semantic(fmt::format("'summarize' operator: Failed to resolve scalar expression named '{}'", b.column),
                       b.pos)};
        }
        const std::string& type = in.columns[static_cast<size_t>(i)].type;
        if (b.bin && type != "datetime") {
          throw Failure{semantic(fmt::format("bin(): argument '{}' is {}; this simulator bins datetime columns only",
                                             b.column, type),
                                 b.pos)};
        }
        idx.push_back(i);
        out.columns.push_back({b.name, type});
      }
      out.columns.push_back({o.count_name, "long"});
      std::map<std::string, std::pair<std::vector<Value>, int64_t>> groups;
      for (const auto& row : in.rows) {
        std::vector<Value> key;
        for (size_t k = 0; k < idx.size(); ++k) {
          if (idx[k] < 0) {
            key.push_back(ev.eval(computed[k], row));
            continue;
          }
          Value v = row[static_cast<size_t>(idx[k])];
          const ByItem& b = o.by[k];
          if (b.bin) {
            if (auto t = std::get_if<Timestamp>(&v)) v = floor_to(*t, *b.bin, b.at.value_or(Timestamp{}));
          }
          key.push_back(std::move(v));
        }
        auto& g = groups[key_of(key)];
        if (g.second == 0) g.first = key;
        ++g.second;
      }
      for (auto& [k, g] : groups) {
        g.first.push_back(g.second);
        out.rows.push_back(std::move(g.first));
      }
      return out;
    }
  }
  return out;
}

}  // namespace

int Table::index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

Outcome run(const Catalog& catalog, std::string_view query, Timestamp now, std::optional<TimeRange> timespan) {
  Outcome out;
  try {
    Parser p(query, lex(query));
    Query q = p.parse();
    auto it = catalog.find(q.table);
    if (it == catalog.end()) {
      throw Failure{semantic(fmt::format("'{}' operator: Failed to resolve table or column expression named '{}'",
                                         q.table, q.table),
                             q.table_pos)};
    }
    const Table& source = it->second;
    Table current;
    current.name = source.name;
    current.columns = source.columns;
    // The leading `where`s run on the source rows, so that only matching rows are copied.
    Evaluator ev(source, now);
    std::vector<Expr> leading;
    size_t next = 0;
    for (; next < q.ops.size() && q.ops[next].kind == Op::kWhere; ++next) {
      leading.push_back(*q.ops[next].where);
      ev.resolve(leading.back(), "where");
    }
    const int time_col = source.index("TimeGenerated");
    for (const auto& row : source.rows) {
      if (timespan && time_col >= 0) {
        auto t = std::get_if<Timestamp>(&row[static_cast<size_t>(time_col)]);
        if (!t || !timespan->contains(*t)) continue;
      }
      bool keep = true;
      for (const auto& p : leading) {
        Value v = ev.eval(p, row);
        auto b = std::get_if<bool>(&v);
        if (!b || !*b) {
          keep = false;
          break;
        }
      }
      if (keep) current.rows.push_back(row);
    }
    for (; next < q.ops.size(); ++next) current = apply(current, q.ops[next], now);
    current.name = "PrimaryResult";
    out.table = std::move(current);
  } catch (const Failure& f) {
    out.error = f.error;
  }
  return out;
}

json::value encode(const Value& v, std::string_view type) {
  if (is_null(v)) return nullptr;
  if (type == "datetime") {
    if (auto t = std::get_if<Timestamp>(&v)) {
      // Log Analytics keeps 100 ns ticks.
      const Timestamp ticks = Timestamp(Nanos(to_unix_nanos(*t) / 100 * 100));
      return json::string(format_rfc3339(ticks, 7));
    }
  }
  if (type == "dynamic") {
    if (auto j = std::get_if<json::value>(&v)) return json::string(json::serialize(*j));
  }
  if (auto b = std::get_if<bool>(&v)) return *b;
  if (auto i = std::get_if<int64_t>(&v)) return *i;
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto s = std::get_if<std::string>(&v)) return json::string(*s);
  if (auto j = std::get_if<json::value>(&v)) return *j;
  return json::string(to_text(v));
}

}  // namespace tinkr::sim::kql
