// Grafana Loki LogQL: `{<service label>="svc"} <line filters> [| json] [| <label filter>]...`
//
// The filter is split at its top-level ANDs. A conjunct that only looks at
// the line (words, phrases, msg:) becomes line filters: it is put in
// conjunctive normal form and each clause becomes `|= "phrase"`,
// `|~ "(?i)word"`, a regex alternation, or a single negation (`!=`, `!~`).
// A conjunct that only looks at fields becomes one label filter expression
// (`and`/`or`/parentheses, negations pushed to the comparisons) after the
// parser stage. A conjunct mixing both is an error: LogQL cannot OR a line
// filter with a label filter. Time range and limit are request parameters
// (start, end, limit, direction), not part of the query.
#include "query/escape.h"
#include "query/translators/common.h"

namespace tinkr::query::detail {
namespace {

constexpr size_t kMaxClauses = 64;

// 1: line only, 2: fields only, 3: both, 0: neither (`*`).
int classify(const Node& n) {
  switch (n.kind) {
    case NodeKind::kAll: return 0;
    case NodeKind::kText: return 1;
    case NodeKind::kField: return n.field == kFieldMessage ? 1 : 2;
    case NodeKind::kCompare: return 2;
    default: {
      int m = 0;
      for (const auto& c : n.children) m |= classify(c);
      return m;
    }
  }
}

bool valid_label_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// A field name as a Loki label: the json/logfmt parsers flatten nested keys
// with '_' and replace characters that are invalid in label names by '_'.
void append_label(const TranslateContext& ctx, const std::string& field, std::string& out) {
  if (field == kFieldService) {
    out += ctx.loki_service_label;
    return;
  }
  if (field == kFieldLevel) {
    out += ctx.loki_level_label;
    return;
  }
  if (!field.empty() && field[0] >= '0' && field[0] <= '9') out += '_';
  size_t start = out.size();
  out += field;
  for (size_t i = start; i < out.size(); ++i)
    if (out[i] == '.' || out[i] == '-') out[i] = '_';
}

struct Literal {
  bool negated = false;
  const Node* leaf = nullptr;  // kText or kField(message)
};
using Clause = std::vector<Literal>;

// CNF of a line-only NNF expression.
Result<std::vector<Clause>> cnf(const Node& n) {
  switch (n.kind) {
    case NodeKind::kAll: return std::vector<Clause>{};
    case NodeKind::kNot:
      if (n.children.front().kind == NodeKind::kAll) return unsupported("LogQL", "NOT * (it matches nothing)");
      return std::vector<Clause>{Clause{Literal{true, &n.children.front()}}};
    case NodeKind::kAnd: {
      std::vector<Clause> out;
      for (const auto& c : n.children) {
        TINKR_ASSIGN_OR_RETURN(auto part, cnf(c));
        for (auto& cl : part) out.push_back(std::move(cl));
        if (out.size() > kMaxClauses) return unsupported("LogQL", "a line filter this complex");
      }
      return out;
    }
    case NodeKind::kOr: {
      std::vector<Clause> acc = {Clause{}};
      for (const auto& c : n.children) {
        TINKR_ASSIGN_OR_RETURN(auto part, cnf(c));
        std::vector<Clause> next;
        for (const auto& a : acc)
          for (const auto& b : part) {
            Clause merged = a;
            merged.insert(merged.end(), b.begin(), b.end());
            next.push_back(std::move(merged));
            if (next.size() > kMaxClauses) return unsupported("LogQL", "a line filter this complex");
          }
        acc = std::move(next);
      }
      return acc;
    }
    default: return std::vector<Clause>{Clause{Literal{false, &n}}};
  }
}

// One clause (an OR of literals) as a line filter; `scratch` holds the regex before it is quoted.
Status append_clause(const Literal* lits, size_t count, std::string& scratch, std::string& out) {
  scratch.clear();
  if (count == 1) {
    const Node& leaf = *lits[0].leaf;
    if (leaf.phrase) {
      out += lits[0].negated ? " != " : " |= ";
      escape::append_logql_string(leaf.value, out);
      return ok_status();
    }
    out += lits[0].negated ? " !~ " : " |~ ";
    scratch += "(?i)";
    escape::append_regex_literal(leaf.value, scratch);
    escape::append_logql_string(scratch, out);
    return ok_status();
  }
  for (size_t i = 0; i < count; ++i) {
    if (lits[i].negated) return unsupported("LogQL", "an OR between a line filter and a negated line filter");
    if (!scratch.empty()) scratch += '|';  // (an empty phrase adds nothing, as before)
    const Node& leaf = *lits[i].leaf;
    if (leaf.phrase) {
      escape::append_regex_literal(leaf.value, scratch);
    } else {
      scratch += "(?i:";
      escape::append_regex_literal(leaf.value, scratch);
      scratch += ')';
    }
  }
  out += " |~ ";
  escape::append_logql_string(scratch, out);
  return ok_status();
}

// The line filters of a line-only conjunct.
Status append_line_filters(const Node& c, std::string& scratch, std::string& out) {
  // The usual shapes, a word / phrase or its negation, need no CNF.
  if (c.kind == NodeKind::kText || c.kind == NodeKind::kField) {
    Literal lit{false, &c};
    return append_clause(&lit, 1, scratch, out);
  }
  if (c.kind == NodeKind::kNot && c.children.front().kind != NodeKind::kAll) {
    Literal lit{true, &c.children.front()};
    return append_clause(&lit, 1, scratch, out);
  }
  TINKR_ASSIGN_OR_RETURN(auto clauses, cnf(c));
  for (const auto& cl : clauses) TINKR_RETURN_IF_ERROR(append_clause(cl.data(), cl.size(), scratch, out));
  return ok_status();
}

// A label filter expression from a fields-only NNF node; an AND/OR is
// parenthesised unless `outer` (a top-level conjunct).
Status append_label_expr(const Node& n, const TranslateContext& ctx, bool negated, bool& needs_parser, std::string& out,
                         bool outer = false) {
  switch (n.kind) {
    case NodeKind::kNot: return append_label_expr(n.children.front(), ctx, !negated, needs_parser, out);
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      bool is_and = (n.kind == NodeKind::kAnd) != negated;  // De Morgan
      if (!outer) out += '(';
      bool first = true;
      for (const auto& c : n.children) {
        if (!first) out += is_and ? " and " : " or ";
        first = false;
        TINKR_RETURN_IF_ERROR(append_label_expr(c, ctx, negated, needs_parser, out));
      }
      if (!outer) out += ')';
      return ok_status();
    }
    case NodeKind::kField:
    case NodeKind::kCompare: {
      if (n.field != kFieldService) needs_parser = true;
      append_label(ctx, n.field, out);
      if (n.field == kFieldLevel) {
        out += negated ? "!~" : "=~";
        escape::append_logql_string(level_regex(selected_levels(n)), out);
      } else if (n.kind == NodeKind::kField) {
        out += negated ? "!=" : "=";
        escape::append_logql_string(n.value, out);
      } else {
        out += compare_op_text(negated ? negate(n.op) : n.op);
        out += n.value;
      }
      return ok_status();
    }
    case NodeKind::kAll: return unsupported("LogQL", negated ? "NOT *" : "*");
    case NodeKind::kText: break;
  }
  return unsupported("LogQL", "a word inside a field filter");
}

// True when NOT appears only directly above leaves (then to_nnf(n) == n).
bool in_nnf(const Node& n) {
  switch (n.kind) {
    case NodeKind::kNot: {
      NodeKind c = n.children.front().kind;
      return c != NodeKind::kNot && c != NodeKind::kAnd && c != NodeKind::kOr;
    }
    case NodeKind::kAnd:
    case NodeKind::kOr:
      for (const auto& c : n.children)
        if (!in_nnf(c)) return false;
      return true;
    default: return true;
  }
}

}  // namespace

Result<NativeQuery> to_logql(const Node& root, const TranslateContext& ctx) {
  if (!valid_label_name(ctx.loki_service_label))
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid Loki service label '" + ctx.loki_service_label + "': expected [a-zA-Z_][a-zA-Z0-9_]*");
  if (!valid_label_name(ctx.loki_level_label))
    return make_error(ErrorCode::kInvalidArgument, "invalid Loki level label '" + ctx.loki_level_label + "'");
  if (!ctx.loki_parser.empty() && ctx.loki_parser != "json" && ctx.loki_parser != "logfmt")
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid Loki parser '" + ctx.loki_parser + "': expected json, logfmt or empty");

  NativeQuery q;
  q.dialect = Dialect::kLogQL;
  std::string& out = q.text;
  out.reserve(256);
  out += '{';
  out += ctx.loki_service_label;
  if (ctx.service.empty()) {
    out += "=~\".+\"}";
  } else {
    out += '=';
    escape::append_logql_string(ctx.service, out);
    out += '}';
  }

  Node converted;
  const Node* nnf = &root;
  if (!in_nnf(root)) {
    converted = to_nnf(root);
    nnf = &converted;
  }
  const Node* const* conjuncts;
  size_t count;
  std::vector<const Node*> children;
  if (nnf->kind == NodeKind::kAnd) {
    children.reserve(nnf->children.size());
    for (const auto& c : nnf->children) children.push_back(&c);
    conjuncts = children.data();
    count = children.size();
  } else {
    conjuncts = &nnf;
    count = 1;
  }

  // Line filters go straight after the selector; label filters come after
  // the parser stage, so they are collected apart.
  std::string label_filters, scratch;
  bool needs_parser = false;
  for (size_t i = 0; i < count; ++i) {
    const Node* c = conjuncts[i];
    int kind = classify(*c);
    if (kind == 0) {
      if (c->kind == NodeKind::kNot) return unsupported("LogQL", "NOT * (it matches nothing)");
      continue;
    }
    if (kind == 3) return unsupported("LogQL", "an OR between a line filter and a field filter");
    if (kind == 1) {
      TINKR_RETURN_IF_ERROR(append_line_filters(*c, scratch, out));
    } else {
      label_filters += " | ";
      TINKR_RETURN_IF_ERROR(append_label_expr(*c, ctx, false, needs_parser, label_filters, /*outer=*/true));
    }
  }
  if (needs_parser && !ctx.loki_parser.empty()) {
    out += " | ";
    out += ctx.loki_parser;
  }
  out += label_filters;
  return q;
}

}  // namespace tinkr::query::detail
