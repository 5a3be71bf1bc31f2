// Google Cloud Logging query language (entries.list `filter`).
//
// Scope: `resource.type="…" AND resource.labels.<label>="svc"` from the
// resource type (Cloud Run by default), then the time range
// (`timestamp>="…" AND timestamp<"…"`), then the filter. Words and phrases
// are substring matches (`:`, case-insensitive in Cloud Logging) on
// textPayload or jsonPayload.message; fields live under jsonPayload; levels
// become LogSeverity comparisons.
#include "query/escape.h"
#include "query/translators/common.h"
#include "query/translators/operands.h"

namespace tinkr::query::detail {
namespace {

struct Scope {
  std::string_view resource_type;  // resource.type value; empty: none
  std::string_view service_field;  // the filter path holding the service name
};

Result<Scope> scope_for(std::string_view rt) {
  if (rt.empty() || rt == "cloud_run" || rt == "cloud_run_revision" || rt == "run")
    return Scope{"cloud_run_revision", "resource.labels.service_name"};
  if (rt == "gke" || rt == "k8s" || rt == "k8s_container" || rt == "kubernetes")
    return Scope{"k8s_container", "resource.labels.container_name"};
  if (rt == "cloud_function" || rt == "function" || rt == "functions" || rt == "cloud_functions")
    return Scope{"cloud_function", "resource.labels.function_name"};
  if (rt == "app_engine" || rt == "gae_app" || rt == "gae") return Scope{"gae_app", "resource.labels.module_id"};
  if (rt == "gce" || rt == "gce_instance" || rt == "vm") return Scope{"gce_instance", "jsonPayload.service"};
  if (rt == "any" || rt == "global") return Scope{"", "jsonPayload.service"};
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown GCP resource type '" + std::string(rt) +
                        "': expected cloud_run, gke, cloud_function, app_engine, gce or any");
}

bool plain_segment(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// jsonPayload.a.b, with segments that are not plain identifiers quoted.
void append_payload_path(const std::string& field, std::string& out) {
  out += "jsonPayload";
  size_t start = 0;
  while (start <= field.size()) {
    size_t dot = field.find('.', start);
    std::string_view seg =
        std::string_view(field).substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    out += '.';
    if (plain_segment(seg)) out += seg;
    else escape::append_cloud_logging_string(seg, out);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
}

std::string_view severity_name(Level l) {
  switch (l) {
    case Level::kTrace:
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarn: return "WARNING";
    case Level::kError: return "ERROR";
    case Level::kCritical: return "CRITICAL";
    case Level::kUnknown: break;
  }
  return "DEFAULT";
}

void append_level(const Node& n, std::string& out) {
  if (n.kind == NodeKind::kCompare) {
    // Cloud Logging's scale has no TRACE; DEBUG stands in for it.
    out += "severity";
    out += compare_op_text(n.op);
    out += severity_name(n.level);
    return;
  }
  switch (n.level) {
    case Level::kInfo: out += "(severity=INFO OR severity=NOTICE)"; return;
    case Level::kCritical: out += "severity>=CRITICAL"; return;  // CRITICAL, ALERT, EMERGENCY
    default:
      out += "severity=";
      out += severity_name(n.level);
      return;
  }
}

void append_text(const Node& n, std::string& out) {
  out += "(textPayload:";
  escape::append_cloud_logging_string(n.value, out);
  out += " OR jsonPayload.message:";
  escape::append_cloud_logging_string(n.value, out);
  out += ')';
}

void append_expr(const Node& n, const Scope& scope, std::string& out);

// The operands of an AND / OR joined, without the surrounding parentheses.
void append_junction_operands(const Node& n, const Scope& scope, std::string& out) {
  append_operands(n, kUpperCaseJunctions, out, [&](const Node& c) { append_expr(c, scope, out); });
}

void append_equals(std::string_view path, std::string_view value, std::string& out) {
  out += path;
  out += '=';
  escape::append_cloud_logging_string(value, out);
}

void append_expr(const Node& n, const Scope& scope, std::string& out) {
  switch (n.kind) {
    case NodeKind::kAll: return;
    case NodeKind::kText: return append_text(n, out);
    case NodeKind::kField:
      if (n.field == kFieldMessage) return append_text(n, out);
      if (n.field == kFieldLevel) return append_level(n, out);
      if (n.field == kFieldService) return append_equals(scope.service_field, n.value, out);
      if (n.field == kFieldTraceId) {
        out += "trace:";
        escape::append_cloud_logging_string(n.value, out);
        return;
      }
      if (n.field == kFieldSpanId) return append_equals("spanId", n.value, out);
      append_payload_path(n.field, out);
      out += '=';
      escape::append_cloud_logging_string(n.value, out);
      return;
    case NodeKind::kCompare:
      if (n.field == kFieldLevel) return append_level(n, out);
      append_payload_path(n.field, out);
      out += compare_op_text(n.op);
      out += n.value;
      return;
    case NodeKind::kNot: {
      const Node& c = n.children.front();
      if (c.kind == NodeKind::kAll) {
        out += "NOT timestamp>=\"1970-01-01T00:00:00Z\"";  // matches nothing
        return;
      }
      out += "NOT (";
      append_expr(c, scope, out);
      out += ')';
      return;
    }
    case NodeKind::kAnd:
    case NodeKind::kOr:
      out += '(';
      append_junction_operands(n, scope, out);
      out += ')';
      return;
  }
}

}  // namespace

Result<NativeQuery> to_cloud_logging(const Node& root, const TranslateContext& ctx) {
  TINKR_ASSIGN_OR_RETURN(Scope scope, scope_for(ctx.resource_type));
  NativeQuery q;
  q.dialect = Dialect::kCloudLogging;
  std::string& out = q.text;
  out.reserve(256);
  auto next_part = [&out] {
    if (!out.empty()) out += " AND ";
  };
  if (!scope.resource_type.empty()) {
    out += "resource.type=\"";
    out += scope.resource_type;
    out += '"';
  }
  if (!ctx.service.empty()) {
    next_part();
    append_equals(scope.service_field, ctx.service, out);
  }
  if (has_range(ctx)) {
    next_part();
    out += "timestamp>=\"";
    out += format_rfc3339(ctx.range.from);
    out += "\" AND timestamp<\"";
    out += format_rfc3339(ctx.range.to);
    out += '"';
  }
  if (root.kind != NodeKind::kAll) {
    // And/Or come parenthesised (Cloud Logging gives OR precedence over AND),
    // unless the filter is all there is.
    bool alone = out.empty();
    next_part();
    if (is_junction(root) && alone) append_junction_operands(root, scope, out);
    else append_expr(root, scope, out);
  }
  return q;
}

}  // namespace tinkr::query::detail
