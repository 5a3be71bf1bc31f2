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
std::string label_for(const TranslateContext& ctx, const std::string& field) {
  if (field == kFieldService) return ctx.loki_service_label;
  if (field == kFieldLevel) return ctx.loki_level_label;
  std::string out = field;
  for (char& c : out)
    if (c == '.' || c == '-') c = '_';
  if (!out.empty() && out[0] >= '0' && out[0] <= '9') out.insert(out.begin(), '_');
  return out;
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
    default:
      return std::vector<Clause>{Clause{Literal{false, &n}}};
  }
}

std::string leaf_regex(const Node& leaf) {
  std::string lit = escape::regex_literal(leaf.value);
  return leaf.phrase ? lit : "(?i:" + lit + ")";
}

Result<std::string> clause_filter(const Clause& cl) {
  if (cl.size() == 1) {
    const Node& leaf = *cl[0].leaf;
    if (leaf.phrase) return std::string(cl[0].negated ? " != " : " |= ") + escape::logql_string(leaf.value);
    return std::string(cl[0].negated ? " !~ " : " |~ ") +
           escape::logql_string("(?i)" + escape::regex_literal(leaf.value));
  }
  std::string alt;
  for (const auto& lit : cl) {
    if (lit.negated) return unsupported("LogQL", "an OR between a line filter and a negated line filter");
    if (!alt.empty()) alt += '|';
    alt += leaf_regex(*lit.leaf);
  }
  return " |~ " + escape::logql_string(alt);
}

// A label filter expression from a fields-only NNF node.
Result<std::string> label_expr(const Node& n, const TranslateContext& ctx, bool negated, bool& needs_parser) {
  switch (n.kind) {
    case NodeKind::kNot: return label_expr(n.children.front(), ctx, !negated, needs_parser);
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      bool is_and = (n.kind == NodeKind::kAnd) != negated;  // De Morgan
      std::string out = "(";
      bool first = true;
      for (const auto& c : n.children) {
        TINKR_ASSIGN_OR_RETURN(std::string part, label_expr(c, ctx, negated, needs_parser));
        if (!first) out += is_and ? " and " : " or ";
        first = false;
        out += part;
      }
      return out + ")";
    }
    case NodeKind::kField:
    case NodeKind::kCompare: {
      std::string label = label_for(ctx, n.field);
      if (n.field != kFieldService) needs_parser = true;
      if (n.field == kFieldLevel)
        return label + (negated ? "!~" : "=~") + escape::logql_string(level_regex(selected_levels(n)));
      if (n.kind == NodeKind::kField) return label + (negated ? "!=" : "=") + escape::logql_string(n.value);
      return label + std::string(compare_op_text(negated ? negate(n.op) : n.op)) + n.value;
    }
    case NodeKind::kAll:
      return unsupported("LogQL", negated ? "NOT *" : "*");
    case NodeKind::kText:
      break;
  }
  return unsupported("LogQL", "a word inside a field filter");
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

  std::string out = "{" + ctx.loki_service_label;
  out += ctx.service.empty() ? "=~\".+\"}" : "=" + escape::logql_string(ctx.service) + "}";

  Node nnf = to_nnf(root);
  std::vector<const Node*> conjuncts;
  if (nnf.kind == NodeKind::kAnd) {
    for (const auto& c : nnf.children) conjuncts.push_back(&c);
  } else {
    conjuncts.push_back(&nnf);
  }

  std::vector<std::string> line_filters, label_filters;
  bool needs_parser = false;
  for (const Node* c : conjuncts) {
    int kind = classify(*c);
    if (kind == 0) {
      if (c->kind == NodeKind::kNot) return unsupported("LogQL", "NOT * (it matches nothing)");
      continue;
    }
    if (kind == 3) return unsupported("LogQL", "an OR between a line filter and a field filter");
    if (kind == 1) {
      TINKR_ASSIGN_OR_RETURN(auto clauses, cnf(*c));
      for (const auto& cl : clauses) {
        TINKR_ASSIGN_OR_RETURN(std::string f, clause_filter(cl));
        line_filters.push_back(std::move(f));
      }
    } else {
      TINKR_ASSIGN_OR_RETURN(std::string f, label_expr(*c, ctx, false, needs_parser));
      if (c->kind == NodeKind::kAnd || c->kind == NodeKind::kOr) f = f.substr(1, f.size() - 2);
      label_filters.push_back(std::move(f));
    }
  }
  for (const auto& f : line_filters) out += f;
  if (needs_parser && !ctx.loki_parser.empty()) out += " | " + ctx.loki_parser;
  for (const auto& f : label_filters) out += " | " + f;

  NativeQuery q;
  q.dialect = Dialect::kLogQL;
  q.text = std::move(out);
  return q;
}

}  // namespace tinkr::query::detail
