// CloudWatch Logs Insights: `fields … | filter <expr> | sort @timestamp desc | limit N`.
//
// Words are case-insensitive regex matches on @message (`@message like
// /(?i)word/`), phrases are substring matches (`@message like "phrase"`),
// fields are compared by name in backticks. Log groups, the time range and
// the service (which is the log group in CloudWatch) are request parameters
// of StartQuery (logGroupNames, startTime, endTime), not part of this text.
#include "query/escape.h"
#include "query/translators/common.h"

namespace tinkr::query::detail {
namespace {

std::string field_ref(const std::string& field) {
  if (field == kFieldMessage) return "@message";
  return "`" + field + "`";  // field names are [A-Za-z0-9_.-]: no backtick can occur
}

std::string text(const Node& n) {
  if (n.phrase) return "@message like " + escape::insights_string(n.value);
  return "@message like " + escape::insights_regex("(?i)" + escape::regex_literal(n.value));
}

Result<std::string> expr(const Node& n) {
  switch (n.kind) {
    case NodeKind::kAll: return std::string("1=1");
    case NodeKind::kText: return text(n);
    case NodeKind::kField:
      if (n.field == kFieldMessage) return text(n);
      if (n.field == kFieldLevel)
        return "`level` like " + escape::insights_regex("^" + level_regex(selected_levels(n)) + "$");
      return field_ref(n.field) + " = " + escape::insights_string(n.value);
    case NodeKind::kCompare:
      if (n.field == kFieldLevel)
        return "`level` like " + escape::insights_regex("^" + level_regex(selected_levels(n)) + "$");
      return field_ref(n.field) + " " + std::string(compare_op_text(n.op)) + " " + n.value;
    case NodeKind::kNot: {
      TINKR_ASSIGN_OR_RETURN(std::string inner, expr(n.children.front()));
      return "not (" + inner + ")";
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      std::string out = "(";
      bool first = true;
      for (const auto& c : n.children) {
        TINKR_ASSIGN_OR_RETURN(std::string part, expr(c));
        if (!first) out += n.kind == NodeKind::kAnd ? " and " : " or ";
        first = false;
        out += part;
      }
      return out + ")";
    }
  }
  return std::string("1=1");
}

}  // namespace

Result<NativeQuery> to_insights(const Node& root, const TranslateContext& ctx) {
  std::string out = "fields @timestamp, @message, @logStream, @log";
  if (root.kind != NodeKind::kAll) {
    TINKR_ASSIGN_OR_RETURN(std::string e, expr(root));
    if (root.kind == NodeKind::kAnd || root.kind == NodeKind::kOr) e = e.substr(1, e.size() - 2);
    out += " | filter " + e;
  }
  if (!ctx.filter_only) {
    out += ctx.newest_first ? " | sort @timestamp desc" : " | sort @timestamp asc";
    out += " | limit " + std::to_string(ctx.limit);
  }
  NativeQuery q;
  q.dialect = Dialect::kInsights;
  q.text = std::move(out);
  return q;
}

}  // namespace tinkr::query::detail
