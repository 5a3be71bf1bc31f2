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
std::string payload_path(const std::string& field) {
  std::string out = "jsonPayload";
  size_t start = 0;
  while (start <= field.size()) {
    size_t dot = field.find('.', start);
    std::string_view seg = std::string_view(field).substr(start, dot == std::string::npos ? std::string::npos
                                                                                           : dot - start);
    out += '.';
    out += plain_segment(seg) ? std::string(seg) : escape::cloud_logging_string(seg);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
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

std::string level_expr(const Node& n) {
  if (n.kind == NodeKind::kCompare) {
    // Cloud Logging's scale has no TRACE; DEBUG stands in for it.
    return "severity" + std::string(compare_op_text(n.op)) + std::string(severity_name(n.level));
  }
  switch (n.level) {
    case Level::kInfo: return "(severity=INFO OR severity=NOTICE)";
    case Level::kCritical: return "severity>=CRITICAL";  // CRITICAL, ALERT, EMERGENCY
    default: return "severity=" + std::string(severity_name(n.level));
  }
}

std::string text(const Node& n) {
  std::string v = escape::cloud_logging_string(n.value);
  return "(textPayload:" + v + " OR jsonPayload.message:" + v + ")";
}

std::string expr(const Node& n, const Scope& scope) {
  switch (n.kind) {
    case NodeKind::kAll: return "";
    case NodeKind::kText: return text(n);
    case NodeKind::kField:
      if (n.field == kFieldMessage) return text(n);
      if (n.field == kFieldLevel) return level_expr(n);
      if (n.field == kFieldService) return std::string(scope.service_field) + "=" + escape::cloud_logging_string(n.value);
      if (n.field == kFieldTraceId) return "trace:" + escape::cloud_logging_string(n.value);
      if (n.field == kFieldSpanId) return "spanId=" + escape::cloud_logging_string(n.value);
      return payload_path(n.field) + "=" + escape::cloud_logging_string(n.value);
    case NodeKind::kCompare:
      if (n.field == kFieldLevel) return level_expr(n);
      return payload_path(n.field) + std::string(compare_op_text(n.op)) + n.value;
    case NodeKind::kNot: {
      const Node& c = n.children.front();
      if (c.kind == NodeKind::kAll) return "NOT timestamp>=\"1970-01-01T00:00:00Z\"";  // matches nothing
      return "NOT (" + expr(c, scope) + ")";
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      std::string out = "(";
      bool first = true;
      for (const auto& c : n.children) {
        if (!first) out += n.kind == NodeKind::kAnd ? " AND " : " OR ";
        first = false;
        out += expr(c, scope);
      }
      return out + ")";
    }
  }
  return "";
}

}  // namespace

Result<NativeQuery> to_cloud_logging(const Node& root, const TranslateContext& ctx) {
  TINKR_ASSIGN_OR_RETURN(Scope scope, scope_for(ctx.resource_type));
  std::vector<std::string> parts;
  if (!scope.resource_type.empty()) parts.push_back("resource.type=\"" + std::string(scope.resource_type) + "\"");
  if (!ctx.service.empty())
    parts.push_back(std::string(scope.service_field) + "=" + escape::cloud_logging_string(ctx.service));
  if (has_range(ctx)) {
    parts.push_back("timestamp>=\"" + format_rfc3339(ctx.range.from) + "\"");
    parts.push_back("timestamp<\"" + format_rfc3339(ctx.range.to) + "\"");
  }
  if (root.kind != NodeKind::kAll) {
    std::string e = expr(root, scope);
    // And/Or come parenthesised (Cloud Logging gives OR precedence over AND).
    if ((root.kind == NodeKind::kAnd || root.kind == NodeKind::kOr) && parts.empty()) e = e.substr(1, e.size() - 2);
    parts.push_back(std::move(e));
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += " AND ";
    out += p;
  }
  NativeQuery q;
  q.dialect = Dialect::kCloudLogging;
  q.text = std::move(out);
  return q;
}

}  // namespace tinkr::query::detail
