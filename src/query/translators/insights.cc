// CloudWatch Logs Insights: `fields … | filter <expr> | sort @timestamp desc | limit N`.
//
// Words are case-insensitive regex matches on @message (`@message like
// /(?i)word/`), phrases are substring matches (`@message like "phrase"`),
// fields are compared by name in backticks. Log groups, the time range and
// the service (which is the log group in CloudWatch) are request parameters
// of StartQuery (logGroupNames, startTime, endTime), not part of this text.
#include "query/escape.h"
#include "query/translators/common.h"
#include "query/translators/operands.h"

namespace tinkr::query::detail {
namespace {

void append_field_ref(const std::string& field, std::string& out) {
  if (field == kFieldMessage) {
    out += "@message";
    return;
  }
  out += '`';  // field names are [A-Za-z0-9_.-]: no backtick can occur
  out += field;
  out += '`';
}

// Writes Insights filter expressions into one output string.
class InsightsWriter {
 public:
  explicit InsightsWriter(std::string& out) : out_(out) {}

  void expr(const Node& n) {
    switch (n.kind) {
      case NodeKind::kAll: out_ += "1=1"; return;
      case NodeKind::kText: return text(n);
      case NodeKind::kField:
        if (n.field == kFieldMessage) return text(n);
        if (n.field == kFieldLevel) return level(n);
        append_field_ref(n.field, out_);
        out_ += " = ";
        escape::append_insights_string(n.value, out_);
        return;
      case NodeKind::kCompare:
        if (n.field == kFieldLevel) return level(n);
        append_field_ref(n.field, out_);
        out_ += ' ';
        out_ += compare_op_text(n.op);
        out_ += ' ';
        out_ += n.value;
        return;
      case NodeKind::kNot:
        out_ += "not (";
        expr(n.children.front());
        out_ += ')';
        return;
      case NodeKind::kAnd:
      case NodeKind::kOr:
        out_ += '(';
        operands(n);
        out_ += ')';
        return;
    }
    out_ += "1=1";
  }

  // The operands of an AND / OR joined, without the surrounding parentheses.
  void operands(const Node& n) {
    append_operands(n, kLowerCaseJunctions, out_, [this](const Node& c) { expr(c); });
  }

 private:
  void text(const Node& n) {
    out_ += "@message like ";
    if (n.phrase) return escape::append_insights_string(n.value, out_);
    scratch_ = "(?i)";
    escape::append_regex_literal(n.value, scratch_);
    escape::append_insights_regex(scratch_, out_);
  }

  void level(const Node& n) {
    out_ += "`level` like ";
    scratch_ = "^";
    scratch_ += level_regex(selected_levels(n));
    scratch_ += '$';
    escape::append_insights_regex(scratch_, out_);
  }

  std::string& out_;
  std::string scratch_;
};

}  // namespace

Result<NativeQuery> to_insights(const Node& root, const TranslateContext& ctx) {
  NativeQuery q;
  q.dialect = Dialect::kInsights;
  std::string& out = q.text;
  out.reserve(192);
  out += "fields @timestamp, @message, @logStream, @log";
  if (root.kind != NodeKind::kAll) {
    out += " | filter ";
    InsightsWriter w(out);
    if (is_junction(root)) w.operands(root);
    else w.expr(root);
  }
  if (!ctx.filter_only) {
    out += ctx.newest_first ? " | sort @timestamp desc" : " | sort @timestamp asc";
    out += " | limit ";
    out += std::to_string(ctx.limit);
  }
  return q;
}

}  // namespace tinkr::query::detail
