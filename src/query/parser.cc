// Lexer and recursive-descent parser for the unified query language, and the
// printer that is its inverse. Grammar (docs/query-language.md):
//
//   query   := or EOF
//   or      := and ( OR and )*
//   and     := unary ( [AND] unary )*          adjacent terms are ANDed
//   unary   := NOT unary | primary
//   primary := '(' or ')' | NAME ':' group | NAME cmp VALUE | WORD | PHRASE | '*'
//   group   := WORD | PHRASE | '(' gor ')'     values of one field
//   gor     := gand ( OR gand )* ; gand := gunary ( [AND] gunary )* ;
//   gunary  := NOT gunary | WORD | PHRASE | '(' gor ')'
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>

#include "core/strings.h"
#include "query/ast.h"

namespace tinkr::query {
namespace {

enum class Tok { kEnd, kLParen, kRParen, kColon, kCmp, kWord, kPhrase, kAnd, kOr, kNot, kStar };

// A token's text is a view into the query when it needs no unescaping (the
// common case, no allocation) and otherwise lives in `unescaped`.
struct Token {
  Tok kind = Tok::kEnd;
  size_t column = 1;         // 1-based, in bytes
  size_t end = 0;            // offset just past the token
  bool glued_colon = false;  // a word immediately followed by ':'
  bool owned = false;        // the text is `unescaped`, not `raw`
  CompareOp op = CompareOp::kGe;
  std::string_view raw;  // a slice of the query text
  std::string unescaped;

  // Word / phrase value (unescaped), operator text.
  std::string_view text() const { return owned ? std::string_view(unescaped) : raw; }
};

std::string_view describe(Tok t) {
  switch (t) {
    case Tok::kEnd: return "end of query";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kColon: return "':'";
    case Tok::kCmp: return "a comparison";
    case Tok::kWord: return "a word";
    case Tok::kPhrase: return "a quoted phrase";
    case Tok::kAnd: return "AND";
    case Tok::kOr: return "OR";
    case Tok::kNot: return "NOT";
    case Tok::kStar: return "'*'";
  }
  return "?";
}

// Character classes, looked up once per byte in the lexer's loops.
enum : unsigned char { kSpace = 1, kBreak = 2, kBackslash = 4 };
constexpr std::array<unsigned char, 256> kCharClass = [] {
  std::array<unsigned char, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[c] = kSpace | kBreak;
  for (unsigned char c : {'(', ')', '"', ':', '<', '>'}) t[c] = kBreak;
  t['\\'] = kBackslash;
  return t;
}();
unsigned char char_class(char c) { return kCharClass[static_cast<unsigned char>(c)]; }

bool is_space(char c) { return char_class(c) & kSpace; }
// Characters that end an unquoted word.
bool is_word_break(char c) { return char_class(c) & kBreak; }

Error syntax_error(std::string what, size_t column) {
  return make_error(ErrorCode::kInvalidArgument, std::move(what) + " at column " + std::to_string(column));
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // Reads the next token into `t` (reusing its buffer).
  Status next(Token& t) {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    t.kind = Tok::kEnd;
    t.column = pos_ + 1;
    t.glued_colon = false;
    t.owned = false;
    if (pos_ >= text_.size()) {
      t.raw = {};
      t.end = pos_;
      return ok_status();
    }
    char c = text_[pos_];
    if (c == '(' || c == ')' || c == ':') {
      t.kind = c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : Tok::kColon;
      t.raw = text_.substr(pos_, 1);
      t.end = ++pos_;
      return ok_status();
    }
    if (c == '<' || c == '>') {
      bool eq = pos_ + 1 < text_.size() && text_[pos_ + 1] == '=';
      t.kind = Tok::kCmp;
      t.op = c == '<' ? (eq ? CompareOp::kLe : CompareOp::kLt) : (eq ? CompareOp::kGe : CompareOp::kGt);
      t.raw = compare_op_text(t.op);
      pos_ += eq ? 2 : 1;
      t.end = pos_;
      return ok_status();
    }
    if (c == '"') return phrase(t);
    word(t);
    return ok_status();
  }

 private:
  Status phrase(Token& t) {
    ++pos_;
    size_t start = pos_;
    // Fast path: no backslash before the closing quote, the value is a slice.
    while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\\') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      t.kind = Tok::kPhrase;
      t.raw = text_.substr(start, pos_ - start);
      t.end = ++pos_;
      return ok_status();
    }
    std::string& out = t.unescaped;
    out.assign(text_.substr(start, pos_ - start));
    while (true) {
      if (pos_ >= text_.size()) return syntax_error("unterminated phrase: expected '\"'", pos_ + 1);
      char c = text_[pos_++];
      if (c == '"') break;
      if (c == '\\' && pos_ < text_.size()) {
        char e = text_[pos_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          default:
            out += '\\';
            out += e;
            break;  // unknown escapes stay literal ("C:\path")
        }
        continue;
      }
      out += c;
    }
    t.kind = Tok::kPhrase;
    t.owned = true;
    t.end = pos_;
    return ok_status();
  }

  void word(Token& t) {
    size_t start = pos_;
    // Fast path: no backslash, the word is a slice of the query.
    // (A backslash as the last character is a literal one, like any other character.)
    while (pos_ < text_.size()) {
      unsigned char cls = char_class(text_[pos_]);
      if (cls != 0 && ((cls & kBreak) || pos_ + 1 < text_.size())) break;
      ++pos_;
    }
    bool escaped = pos_ < text_.size() && text_[pos_] == '\\';
    if (!escaped) {
      t.raw = text_.substr(start, pos_ - start);
      t.owned = false;
    } else {
      t.unescaped.assign(text_.substr(start, pos_ - start));
      t.owned = true;
    }
    std::string& out = t.unescaped;
    while (escaped && pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\\' && pos_ + 1 < text_.size()) {
        char e = text_[pos_ + 1];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        pos_ += 2;
        continue;
      }
      if (is_word_break(c)) break;
      out += c;
      ++pos_;
    }
    t.end = pos_;
    t.glued_colon = pos_ < text_.size() && text_[pos_] == ':';
    t.kind = Tok::kWord;
    if (!escaped) {
      std::string_view w = t.raw;
      if (w == "*") t.kind = Tok::kStar;
      else if (w.size() <= 3) {
        if (iequals(w, "and")) t.kind = Tok::kAnd;
        else if (iequals(w, "or")) t.kind = Tok::kOr;
        else if (iequals(w, "not")) t.kind = Tok::kNot;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Node make_all() { return Node{}; }

// The operands of an n-ary AND / OR, added one by one: nested nodes of the
// same kind are flattened and `*` simplified (x AND * == x, x OR * == *).
// An AND/OR with a single operand is that operand.
class Junction {
 public:
  Junction(NodeKind kind, Node first) : kind_(kind) {
    flat_.reserve(4);
    add(std::move(first));
  }

  void add(Node p) {
    if (p.kind == kind_) {
      for (auto& c : p.children) flat_.push_back(std::move(c));
    } else if (p.kind == NodeKind::kAll) {
      if (kind_ == NodeKind::kOr) absorbed_ = true;  // x OR * == *
      // x AND * == x: drop it
    } else {
      flat_.push_back(std::move(p));
    }
  }

  Node finish() && {
    if (absorbed_ || flat_.empty()) return make_all();
    if (flat_.size() == 1) return std::move(flat_.front());
    Node n;
    n.kind = kind_;
    n.children = std::move(flat_);
    return n;
  }

 private:
  NodeKind kind_;
  std::vector<Node> flat_;
  bool absorbed_ = false;
};

Node make_not(Node inner) {
  if (inner.kind == NodeKind::kNot) return std::move(inner.children.front());  // NOT NOT x == x
  Node n;
  n.kind = NodeKind::kNot;
  n.children.push_back(std::move(inner));
  return n;
}

// n = NOT n, with NOT NOT x == x.
void negate_in_place(Node& n) {
  if (n.kind == NodeKind::kNot) {
    Node inner = std::move(n.children.front());
    n = std::move(inner);
    return;
  }
  Node wrapped;
  wrapped.kind = NodeKind::kNot;
  wrapped.children.push_back(std::move(n));
  n = std::move(wrapped);
}

bool parse_number(std::string_view s, double& out) {
  // -?digits[.digits][e[+-]digits]: a form every dialect accepts verbatim.
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (digits == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac;
    if (frac == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  if (i != s.size()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && std::isfinite(out);
}

// Each rule parses into `out` (no Node is moved up through the recursion)
// and returns an error or ok.
class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  Status run(Node& out) {
    TINKR_RETURN_IF_ERROR(advance());
    if (tok_.kind == Tok::kEnd) return ok_status();  // empty text is `*`
    TINKR_RETURN_IF_ERROR(parse_or(0, out));
    if (tok_.kind != Tok::kEnd) {
      if (tok_.kind == Tok::kRParen) return syntax_error("unexpected ')'", tok_.column);
      return syntax_error("expected AND, OR or end of query but found " + std::string(describe(tok_.kind)),
                          tok_.column);
    }
    return ok_status();
  }

 private:
  Status advance() { return lexer_.next(tok_); }

  bool starts_unary() const {
    switch (tok_.kind) {
      case Tok::kLParen:
      case Tok::kWord:
      case Tok::kPhrase:
      case Tok::kNot:
      case Tok::kStar: return true;
      default: return false;
    }
  }

  bool starts_group_unary() const {
    return tok_.kind == Tok::kWord || tok_.kind == Tok::kPhrase || tok_.kind == Tok::kNot || tok_.kind == Tok::kLParen;
  }

  Status check_depth(int depth) const {
    if (depth > kMaxDepth) return syntax_error("query nested too deeply (more than 64 levels)", tok_.column);
    return ok_status();
  }

  // ---- top level ----
  Status parse_or(int depth, Node& out) {
    TINKR_RETURN_IF_ERROR(parse_and(depth, out));
    if (tok_.kind != Tok::kOr) return ok_status();  // the common case: no junction to build
    Junction parts(NodeKind::kOr, std::move(out));
    while (tok_.kind == Tok::kOr) {
      TINKR_RETURN_IF_ERROR(advance());
      Node next;
      TINKR_RETURN_IF_ERROR(parse_and(depth, next));
      parts.add(std::move(next));
    }
    out = std::move(parts).finish();
    return ok_status();
  }

  Status parse_and(int depth, Node& out) {
    TINKR_RETURN_IF_ERROR(parse_unary(depth, out));
    if (tok_.kind != Tok::kAnd && !starts_unary()) return ok_status();
    Junction parts(NodeKind::kAnd, std::move(out));
    while (true) {
      if (tok_.kind == Tok::kAnd) {
        TINKR_RETURN_IF_ERROR(advance());
      } else if (!starts_unary()) {
        break;
      }
      Node next;
      TINKR_RETURN_IF_ERROR(parse_unary(depth, next));
      parts.add(std::move(next));
    }
    out = std::move(parts).finish();
    return ok_status();
  }

  Status parse_unary(int depth, Node& out) {
    TINKR_RETURN_IF_ERROR(check_depth(depth));
    if (tok_.kind == Tok::kNot) {
      TINKR_RETURN_IF_ERROR(advance());
      TINKR_RETURN_IF_ERROR(parse_unary(depth + 1, out));
      negate_in_place(out);
      return ok_status();
    }
    return parse_primary(depth, out);
  }

  Status parse_primary(int depth, Node& out) {
    switch (tok_.kind) {
      case Tok::kLParen: {
        TINKR_RETURN_IF_ERROR(advance());
        TINKR_RETURN_IF_ERROR(parse_or(depth + 1, out));
        if (tok_.kind != Tok::kRParen) return syntax_error("expected ')'", tok_.column);
        return advance();
      }
      case Tok::kStar: out.kind = NodeKind::kAll; return advance();
      case Tok::kPhrase: {
        out.kind = NodeKind::kText;
        out.phrase = true;
        out.value = tok_.text();
        return advance();
      }
      case Tok::kWord: {
        std::swap(word_, tok_);  // keep the word; advance() reuses word_'s old buffer
        TINKR_RETURN_IF_ERROR(advance());
        if (word_.glued_colon && tok_.kind == Tok::kColon) return parse_field(word_, depth, out);
        if (tok_.kind == Tok::kCmp) return parse_compare(word_, out);
        out.kind = NodeKind::kText;
        out.value = word_.text();
        return ok_status();
      }
      default:
        return syntax_error("expected a word, a phrase, a field filter, '(' or NOT but found " +
                                std::string(describe(tok_.kind)),
                            tok_.column);
    }
  }

  Result<std::string> field_name(const Token& word) {
    if (!is_valid_field_name(word.text()))
      return syntax_error("invalid field name '" + std::string(word.text()) +
                              "': expected letters, digits, '_', '.' or '-', starting with a letter or '_'",
                          word.column);
    return canonical_field(word.text());
  }

  // ---- field:value, field:(A OR B) ----
  Status parse_field(const Token& name_tok, int depth, Node& out) {
    TINKR_ASSIGN_OR_RETURN(std::string name, field_name(name_tok));
    TINKR_RETURN_IF_ERROR(advance());  // past ':'
    if (tok_.kind == Tok::kLParen) {
      TINKR_RETURN_IF_ERROR(advance());
      TINKR_RETURN_IF_ERROR(parse_group_or(name, depth + 1, out));
      if (tok_.kind != Tok::kRParen) return syntax_error("expected ')'", tok_.column);
      return advance();
    }
    return parse_value(name, out);
  }

  Status parse_value(const std::string& field, Node& n) {
    if (tok_.kind != Tok::kWord && tok_.kind != Tok::kPhrase && tok_.kind != Tok::kStar && tok_.kind != Tok::kAnd &&
        tok_.kind != Tok::kOr && tok_.kind != Tok::kNot)
      return syntax_error("expected a value after '" + field + ":'", tok_.column);
    if (tok_.kind == Tok::kWord && tok_.glued_colon)
      return syntax_error("expected a value, found another field name (quote values containing ':')", tok_.column);
    n.kind = NodeKind::kField;
    n.field = field;
    n.phrase = tok_.kind == Tok::kPhrase;
    if (field == kFieldLevel) {
      n.level = parse_level(tok_.text());
      if (n.level == Level::kUnknown)
        return syntax_error("unknown level '" + std::string(tok_.text()) +
                                "': expected TRACE, DEBUG, INFO, WARN, ERROR or CRITICAL",
                            tok_.column);
      n.value = level_name(n.level);
      n.phrase = false;
    } else {
      n.value = tok_.text();
    }
    return advance();
  }

  Status parse_group_or(const std::string& field, int depth, Node& out) {
    TINKR_RETURN_IF_ERROR(parse_group_and(field, depth, out));
    if (tok_.kind != Tok::kOr) return ok_status();
    Junction parts(NodeKind::kOr, std::move(out));
    while (tok_.kind == Tok::kOr) {
      TINKR_RETURN_IF_ERROR(advance());
      Node next;
      TINKR_RETURN_IF_ERROR(parse_group_and(field, depth, next));
      parts.add(std::move(next));
    }
    out = std::move(parts).finish();
    return ok_status();
  }

  Status parse_group_and(const std::string& field, int depth, Node& out) {
    TINKR_RETURN_IF_ERROR(parse_group_unary(field, depth, out));
    if (tok_.kind != Tok::kAnd && !starts_group_unary()) return ok_status();
    Junction parts(NodeKind::kAnd, std::move(out));
    while (true) {
      if (tok_.kind == Tok::kAnd) {
        TINKR_RETURN_IF_ERROR(advance());
      } else if (!starts_group_unary()) {
        break;
      }
      Node next;
      TINKR_RETURN_IF_ERROR(parse_group_unary(field, depth, next));
      parts.add(std::move(next));
    }
    out = std::move(parts).finish();
    return ok_status();
  }

  Status parse_group_unary(const std::string& field, int depth, Node& out) {
    TINKR_RETURN_IF_ERROR(check_depth(depth));
    if (tok_.kind == Tok::kNot) {
      TINKR_RETURN_IF_ERROR(advance());
      TINKR_RETURN_IF_ERROR(parse_group_unary(field, depth + 1, out));
      negate_in_place(out);
      return ok_status();
    }
    if (tok_.kind == Tok::kLParen) {
      TINKR_RETURN_IF_ERROR(advance());
      TINKR_RETURN_IF_ERROR(parse_group_or(field, depth + 1, out));
      if (tok_.kind != Tok::kRParen) return syntax_error("expected ')'", tok_.column);
      return advance();
    }
    if (tok_.kind != Tok::kWord && tok_.kind != Tok::kPhrase)
      return syntax_error("expected a value for '" + field + "' but found " + std::string(describe(tok_.kind)),
                          tok_.column);
    return parse_value(field, out);
  }

  // ---- status>=500, level>=WARN ----
  Status parse_compare(const Token& name_tok, Node& n) {
    TINKR_ASSIGN_OR_RETURN(std::string name, field_name(name_tok));
    CompareOp op = tok_.op;
    TINKR_RETURN_IF_ERROR(advance());
    if (tok_.kind != Tok::kWord && tok_.kind != Tok::kPhrase)
      return syntax_error(std::string("expected a number after '") + std::string(compare_op_text(op)) + "'",
                          tok_.column);
    n.kind = NodeKind::kCompare;
    n.op = op;
    if (name == kFieldLevel) {
      n.level = parse_level(tok_.text());
      if (n.level == Level::kUnknown)
        return syntax_error("unknown level '" + std::string(tok_.text()) +
                                "': expected TRACE, DEBUG, INFO, WARN, ERROR or CRITICAL",
                            tok_.column);
      n.value = level_name(n.level);
      if ((op == CompareOp::kLt && n.level == Level::kTrace) || (op == CompareOp::kGt && n.level == Level::kCritical))
        return syntax_error("level" + std::string(compare_op_text(op)) + n.value + " matches nothing", tok_.column);
    } else {
      if (tok_.kind != Tok::kWord || !parse_number(tok_.text(), n.number))
        return syntax_error("expected a number after '" + name + std::string(compare_op_text(op)) + "'", tok_.column);
      n.value = tok_.text();
    }
    n.field = std::move(name);
    return advance();
  }

  Lexer lexer_;
  Token tok_;
  Token word_;  // a word whose meaning depends on the token after it
};

// ---- printing ----
bool word_needs_escape(char c) { return is_word_break(c) || c == '\\'; }

void print_word(const std::string& w, std::string& out) {
  bool keyword = w == "*" || iequals(w, "and") || iequals(w, "or") || iequals(w, "not");
  if (w.empty()) {
    out += "\"\"";
    return;
  }
  // A keyword used as a word gets one escaped letter so that it lexes as a
  // word: the first, except in "not", where "\n" would read as a newline.
  size_t keyword_escape = !keyword ? std::string::npos : w[0] == 'n' ? 1 : 0;
  for (size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    if (c == '\r') {
      out += "\\r";
      continue;
    }
    if (word_needs_escape(c) || i == keyword_escape) out += '\\';
    out += c;
  }
}

void print_phrase(const std::string& p, std::string& out) {
  out += '"';
  for (char c : p) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  out += '"';
}

void print(const Node& n, std::string& out) {
  switch (n.kind) {
    case NodeKind::kAll: out += '*'; return;
    case NodeKind::kText:
      if (n.phrase) print_phrase(n.value, out);
      else print_word(n.value, out);
      return;
    case NodeKind::kField:
      out += n.field;
      out += ':';
      if (n.phrase) print_phrase(n.value, out);
      else print_word(n.value, out);
      return;
    case NodeKind::kCompare:
      out += n.field;
      out += compare_op_text(n.op);
      out += n.value;
      return;
    case NodeKind::kNot: {
      out += "NOT ";
      const Node& c = n.children.front();
      bool paren = c.kind == NodeKind::kAnd || c.kind == NodeKind::kOr;
      if (paren) out += '(';
      print(c, out);
      if (paren) out += ')';
      return;
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      bool first = true;
      for (const auto& c : n.children) {
        if (!first) out += n.kind == NodeKind::kAnd ? " AND " : " OR ";
        first = false;
        bool paren = c.kind == NodeKind::kOr || c.kind == NodeKind::kAnd;
        if (paren) out += '(';
        print(c, out);
        if (paren) out += ')';
      }
      return;
    }
  }
}

}  // namespace

std::string_view compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
  }
  return ">=";
}

CompareOp negate(CompareOp op) {
  switch (op) {
    case CompareOp::kGt: return CompareOp::kLe;
    case CompareOp::kGe: return CompareOp::kLt;
    case CompareOp::kLt: return CompareOp::kGe;
    case CompareOp::kLe: return CompareOp::kGt;
  }
  return op;
}

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  // ASCII fast path, eight bytes at a time.
  for (uint64_t block; i + 8 <= text.size(); i += 8) {
    std::memcpy(&block, text.data() + i, 8);
    if (block & 0x8080808080808080ULL) break;
  }
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) return false;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

bool is_valid_field_name(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '.' && c != '-') return false;
  return true;
}

std::string canonical_field(std::string_view name) {
  struct Alias {
    std::string_view name, canonical;
  };
  static constexpr Alias kAliases[] = {
      {"level", kFieldLevel},      {"lvl", kFieldLevel},     {"severity", kFieldLevel},  {"service", kFieldService},
      {"svc", kFieldService},      {"app", kFieldService},   {"message", kFieldMessage}, {"msg", kFieldMessage},
      {"trace_id", kFieldTraceId}, {"trace", kFieldTraceId}, {"span_id", kFieldSpanId},  {"span", kFieldSpanId},
  };
  for (const auto& a : kAliases)
    if (iequals(name, a.name)) return std::string(a.canonical);
  return std::string(name);
}

Result<Node> parse(std::string_view text) {
  if (!is_valid_utf8(text)) return make_error(ErrorCode::kInvalidArgument, "the query is not valid UTF-8");
  Parser p(text);
  Node root;
  TINKR_RETURN_IF_ERROR(p.run(root));
  return root;
}

std::string format(const Node& node) {
  std::string out;
  print(node, out);
  return out;
}

Node to_nnf(const Node& n) {
  switch (n.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      Node r;
      r.kind = n.kind;
      for (const auto& c : n.children) r.children.push_back(to_nnf(c));
      return r;
    }
    case NodeKind::kNot: {
      const Node& c = n.children.front();
      if (c.kind == NodeKind::kNot) return to_nnf(c.children.front());
      if (c.kind == NodeKind::kAnd || c.kind == NodeKind::kOr) {
        Node r;
        r.kind = c.kind == NodeKind::kAnd ? NodeKind::kOr : NodeKind::kAnd;
        for (const auto& g : c.children) r.children.push_back(to_nnf(make_not(g)));
        return r;
      }
      return n;  // NOT of a leaf (or of `*`)
    }
    default: return n;
  }
}

}  // namespace tinkr::query
