// Datadog log search (`filter.query` of POST /api/v2/logs/events/search).
//
// `service:<svc> <filter>`; words are free-text terms on the message,
// phrases quoted sequences; level becomes `status:`; trace_id the reserved
// attribute; other fields `@attribute:value`, comparisons `@field:>=N`.
// Values that are not plain [A-Za-z0-9_.] tokens are quoted (backslash before a quote or backslash).
// The time range is the request's filter.from / filter.to.
#include "query/escape.h"
#include "query/translators/common.h"

namespace tinkr::query::detail {
namespace {

bool plain_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
      return false;
  // Keywords would be read as operators.
  return s != "AND" && s != "OR" && s != "NOT";
}

std::string value(std::string_view s) { return plain_token(s) ? std::string(s) : escape::datadog_quoted(s); }

std::string status_values(const Node& n) {
  std::vector<std::string_view> words;
  for (Level l : selected_levels(n)) {
    switch (l) {
      case Level::kTrace: words.push_back("trace"); break;
      case Level::kDebug: words.push_back("debug"); break;
      case Level::kInfo: words.push_back("info"); words.push_back("notice"); break;
      case Level::kWarn: words.push_back("warn"); break;
      case Level::kError: words.push_back("error"); break;
      case Level::kCritical:
        words.push_back("critical"); words.push_back("alert"); words.push_back("emergency"); break;
      case Level::kUnknown: break;
    }
  }
  if (words.size() == 1) return "status:" + std::string(words.front());
  std::string out = "status:(";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += " OR ";
    out += words[i];
  }
  return out + ")";
}

std::string attribute(const std::string& field) {
  if (field == kFieldTraceId) return "trace_id";
  if (field == kFieldSpanId) return "@dd.span_id";
  if (field == kFieldService) return "service";
  return "@" + field;  // field names are [A-Za-z0-9_.-]
}

std::string expr(const Node& n) {
  switch (n.kind) {
    case NodeKind::kAll: return "*";
    case NodeKind::kText: return n.phrase ? escape::datadog_quoted(n.value) : value(n.value);
    case NodeKind::kField:
      if (n.field == kFieldMessage) return n.phrase ? escape::datadog_quoted(n.value) : value(n.value);
      if (n.field == kFieldLevel) return status_values(n);
      return attribute(n.field) + ":" + value(n.value);
    case NodeKind::kCompare:
      if (n.field == kFieldLevel) return status_values(n);
      return attribute(n.field) + ":" + std::string(compare_op_text(n.op)) + n.value;
    case NodeKind::kNot: return "NOT (" + expr(n.children.front()) + ")";
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      std::string out = "(";
      bool first = true;
      for (const auto& c : n.children) {
        if (!first) out += n.kind == NodeKind::kAnd ? " AND " : " OR ";
        first = false;
        out += expr(c);
      }
      return out + ")";
    }
  }
  return "*";
}

}  // namespace

Result<NativeQuery> to_datadog(const Node& root, const TranslateContext& ctx) {
  std::string out;
  if (!ctx.service.empty()) out = "service:" + value(ctx.service);
  if (root.kind != NodeKind::kAll) {
    std::string e = expr(root);
    if (root.kind == NodeKind::kOr && !out.empty()) {
      // keep the parentheses: service:x AND (a OR b)
    } else if (root.kind == NodeKind::kAnd || root.kind == NodeKind::kOr) {
      e = e.substr(1, e.size() - 2);
    }
    if (!out.empty()) out += " AND ";
    out += e;
  }
  if (out.empty()) out = "*";
  NativeQuery q;
  q.dialect = Dialect::kDatadog;
  q.text = std::move(out);
  return q;
}

}  // namespace tinkr::query::detail
