// Datadog log search (`filter.query` of POST /api/v2/logs/events/search).
//
// `service:<svc> <filter>`; words are free-text terms on the message,
// phrases quoted sequences; level becomes `status:`; trace_id the reserved
// attribute; other fields `@attribute:value`, comparisons `@field:>=N`.
// Values that are not plain [A-Za-z0-9_.] tokens are quoted (backslash before a quote or backslash).
// The time range is the request's filter.from / filter.to.
#include "query/escape.h"
#include "query/translators/common.h"
#include "query/translators/operands.h"

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

void append_value(std::string_view s, std::string& out) {
  if (plain_token(s)) out += s;
  else escape::append_datadog_quoted(s, out);
}

void append_status_values(const Node& n, std::string& out) {
  std::string_view words[12];
  size_t count = 0;
  for (Level l : selected_levels(n)) {
    switch (l) {
      case Level::kTrace: words[count++] = "trace"; break;
      case Level::kDebug: words[count++] = "debug"; break;
      case Level::kInfo:
        words[count++] = "info";
        words[count++] = "notice";
        break;
      case Level::kWarn: words[count++] = "warn"; break;
      case Level::kError: words[count++] = "error"; break;
      case Level::kCritical:
        words[count++] = "critical";
        words[count++] = "alert";
        words[count++] = "emergency";
        break;
      case Level::kUnknown: break;
    }
  }
  if (count == 1) {
    out += "status:";
    out += words[0];
    return;
  }
  out += "status:(";
  for (size_t i = 0; i < count; ++i) {
    if (i) out += " OR ";
    out += words[i];
  }
  out += ')';
}

void append_attribute(const std::string& field, std::string& out) {
  if (field == kFieldTraceId) out += "trace_id";
  else if (field == kFieldSpanId) out += "@dd.span_id";
  else if (field == kFieldService) out += "service";
  else (out += '@') += field;  // field names are [A-Za-z0-9_.-]
}

void append_expr(const Node& n, std::string& out);

// The operands of an AND / OR joined, without the surrounding parentheses.
void append_junction_operands(const Node& n, std::string& out) {
  append_operands(n, kUpperCaseJunctions, out, [&out](const Node& c) { append_expr(c, out); });
}

void append_expr(const Node& n, std::string& out) {
  switch (n.kind) {
    case NodeKind::kAll: out += '*'; return;
    case NodeKind::kText:
      if (n.phrase) escape::append_datadog_quoted(n.value, out);
      else append_value(n.value, out);
      return;
    case NodeKind::kField:
      if (n.field == kFieldMessage) {
        if (n.phrase) escape::append_datadog_quoted(n.value, out);
        else append_value(n.value, out);
        return;
      }
      if (n.field == kFieldLevel) return append_status_values(n, out);
      append_attribute(n.field, out);
      out += ':';
      append_value(n.value, out);
      return;
    case NodeKind::kCompare:
      if (n.field == kFieldLevel) return append_status_values(n, out);
      append_attribute(n.field, out);
      out += ':';
      out += compare_op_text(n.op);
      out += n.value;
      return;
    case NodeKind::kNot:
      out += "NOT (";
      append_expr(n.children.front(), out);
      out += ')';
      return;
    case NodeKind::kAnd:
    case NodeKind::kOr:
      out += '(';
      append_junction_operands(n, out);
      out += ')';
      return;
  }
  out += '*';
}

}  // namespace

Result<NativeQuery> to_datadog(const Node& root, const TranslateContext& ctx) {
  NativeQuery q;
  q.dialect = Dialect::kDatadog;
  std::string& out = q.text;
  out.reserve(128);
  if (!ctx.service.empty()) {
    out += "service:";
    append_value(ctx.service, out);
  }
  if (root.kind != NodeKind::kAll) {
    if (!out.empty()) out += " AND ";
    // Keep the parentheses of an OR after the service: service:x AND (a OR b).
    if (is_junction(root) && !(root.kind == NodeKind::kOr && !ctx.service.empty())) append_junction_operands(root, out);
    else append_expr(root, out);
  }
  if (out.empty()) out = "*";
  return q;
}

}  // namespace tinkr::query::detail
