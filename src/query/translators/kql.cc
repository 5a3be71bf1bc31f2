// Azure Monitor Log Analytics KQL: `<Table> | where TimeGenerated between (…)
// | where <service column> == "svc" | where <filter> | project … | order by
// TimeGenerated desc | take N`.
//
// The table follows the resource type; each table maps the canonical fields
// to its own columns (table below). Words are `contains` (case-insensitive),
// phrases `contains_cs`; attributes are read from the table's dynamic column
// (Properties, LogMessage) or, for tables without one, as columns. Every
// literal is a KQL double-quoted string with backslash escapes.
#include "query/escape.h"
#include "query/translators/common.h"

namespace tinkr::query::detail {
namespace {

enum class LevelKind { kNone, kAppInsightsInt, kString };

struct Table {
  std::string_view name;
  std::string_view message;  // a string expression
  std::string_view level;    // column; empty: none (levels searched in the message)
  LevelKind level_kind;
  std::string_view service;     // column; empty: not filterable
  std::string_view service_op;  // "==", "=~" or "endswith" (_ResourceId ends with /sites/<svc>, Name with /<svc>)
  std::string_view trace;       // column or empty
  std::string_view span;        // column or empty
  std::string_view dynamic;     // dynamic column for attributes; empty: attributes are columns
  std::string_view project;
};

constexpr Table kTables[] = {
    {"AppTraces", "Message", "SeverityLevel", LevelKind::kAppInsightsInt, "AppRoleName", "==", "OperationId",
     "ParentId", "Properties", "TimeGenerated, Message, SeverityLevel, AppRoleName, OperationId, ParentId, Properties"},
    {"AppExceptions", "OuterMessage", "SeverityLevel", LevelKind::kAppInsightsInt, "AppRoleName", "==", "OperationId",
     "ParentId", "Properties",
     "TimeGenerated, OuterMessage, ExceptionType, SeverityLevel, AppRoleName, OperationId, ParentId, Details, "
     "Properties"},
    {"ContainerLogV2", "tostring(LogMessage)", "LogLevel", LevelKind::kString, "ContainerName", "==", "", "",
     "LogMessage", "TimeGenerated, LogMessage, LogLevel, ContainerName, PodName, PodNamespace, LogSource"},
    // ContainerLog.Name is "<pod uid>/<container name>".
    {"ContainerLog", "LogEntry", "", LevelKind::kNone, "Name", "endswith", "", "", "",
     "TimeGenerated, LogEntry, LogEntrySource, Name, ContainerID"},
    {"ContainerAppConsoleLogs_CL", "Log_s", "", LevelKind::kNone, "ContainerAppName_s", "==", "", "", "",
     "TimeGenerated, Log_s, Stream_s, ContainerAppName_s, RevisionName_s"},
    {"AppServiceConsoleLogs", "ResultDescription", "Level", LevelKind::kString, "_ResourceId", "endswith", "", "", "",
     "TimeGenerated, ResultDescription, Level, _ResourceId"},
    {"FunctionAppLogs", "Message", "Level", LevelKind::kString, "AppName", "==", "", "", "",
     "TimeGenerated, Message, Level, AppName, FunctionName, HostInstanceId"},
    {"AzureDiagnostics", "Message", "Level", LevelKind::kString, "Resource", "=~", "", "", "",
     "TimeGenerated, Message, Level, Resource, ResourceProvider, Category"},
};

Result<const Table*> table_for(std::string_view rt) {
  std::string_view name = "AppTraces";
  if (rt.empty() || rt == "app_insights" || rt == "apptraces") name = "AppTraces";
  else if (rt == "exceptions" || rt == "appexceptions") name = "AppExceptions";
  else if (rt == "k8s" || rt == "aks" || rt == "containerlogv2") name = "ContainerLogV2";
  else if (rt == "containerlog") name = "ContainerLog";
  else if (rt == "container_app" || rt == "containerapp" || rt == "container_apps") name = "ContainerAppConsoleLogs_CL";
  else if (rt == "app_service" || rt == "appservice" || rt == "webapp") name = "AppServiceConsoleLogs";
  else if (rt == "function" || rt == "functions" || rt == "function_app") name = "FunctionAppLogs";
  else if (rt == "diagnostics" || rt == "azurediagnostics") name = "AzureDiagnostics";
  else name = rt;
  for (const auto& t : kTables)
    if (t.name == name) return &t;
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown Azure resource type '" + std::string(rt) +
                        "': expected a table (AppTraces, AppExceptions, ContainerLogV2, ContainerLog, "
                        "ContainerAppConsoleLogs_CL, AppServiceConsoleLogs, FunctionAppLogs, AzureDiagnostics) or "
                        "k8s, container_app, app_service, function");
}

// KQL datetimes are 100 ns ticks: a bound is rounded up to the next tick (the
// same rows stay in [from, to)) and written with at most 7 fractional digits.
void append_kql_datetime(Timestamp t, std::string& out) {
  int64_t ns = to_unix_nanos(t);
  if (ns % 100 != 0) ns += 100 - ((ns % 100) + 100) % 100;
  const Timestamp tick = from_unix_nanos(ns);
  out += "datetime(";
  out += format_rfc3339(tick, ns % 1000 == 0 ? -1 : 7);
  out += ')';
}

// Application Insights SeverityLevel: 0 Verbose, 1 Information, 2 Warning, 3 Error, 4 Critical.
int app_insights_severity(Level l) {
  switch (l) {
    case Level::kTrace:
    case Level::kDebug: return 0;
    case Level::kInfo: return 1;
    case Level::kWarn: return 2;
    case Level::kError: return 3;
    case Level::kCritical: return 4;
    case Level::kUnknown: break;
  }
  return 0;
}

// Writes KQL expressions into one output string.
class KqlWriter {
 public:
  KqlWriter(const Table& t, std::string& out) : t_(t), out_(out) {}

  void expr(const Node& n) {
    switch (n.kind) {
      case NodeKind::kAll: out_ += "true"; return;
      case NodeKind::kText: text(n); return;
      case NodeKind::kField: field(n); return;
      case NodeKind::kCompare: compare(n); return;
      case NodeKind::kNot:
        out_ += "not(";
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
    out_ += "true";
  }

  // The operands of an AND / OR joined, without the surrounding parentheses.
  void operands(const Node& n) {
    bool first = true;
    for (const auto& c : n.children) {
      if (!first) out_ += n.kind == NodeKind::kAnd ? " and " : " or ";
      first = false;
      expr(c);
    }
  }

  static void service_match(const Table& t, std::string_view service, std::string& out) {
    out += t.service;
    if (t.service_op == "endswith") {
      out += " endswith ";
      std::string suffix = t.name == "AppServiceConsoleLogs" ? "/sites/" : "/";
      suffix += service;
      escape::append_kql_string(suffix, out);
      return;
    }
    out += ' ';
    out += t.service_op;
    out += ' ';
    escape::append_kql_string(service, out);
  }

 private:
  void text(const Node& n) {
    out_ += t_.message;
    out_ += n.phrase ? " contains_cs " : " contains ";
    escape::append_kql_string(n.value, out_);
  }

  void attribute(const std::string& field) {
    if (!t_.dynamic.empty()) {
      out_ += t_.dynamic;
      out_ += '[';
      escape::append_kql_string(field, out_);
      out_ += ']';
      return;
    }
    out_ += "['";  // field names are [A-Za-z0-9_.-]
    out_ += field;
    out_ += "']";
  }

  void level(const Node& n) {
    if (t_.level_kind == LevelKind::kAppInsightsInt) {
      out_ += t_.level;
      if (n.kind == NodeKind::kCompare) {
        out_ += ' ';
        out_ += compare_op_text(n.op);
        out_ += ' ';
      } else {
        out_ += " == ";
      }
      out_ += static_cast<char>('0' + app_insights_severity(n.level));  // 0..4
      return;
    }
    auto levels = selected_levels(n);
    if (t_.level_kind == LevelKind::kString) {
      out_ += t_.level;
      out_ += " in~ (";
      bool first = true;
      for (Level l : levels)
        for (auto w : level_spellings(l)) {
          if (!first) out_ += ", ";
          first = false;
          escape::append_kql_string(w, out_);
        }
      out_ += ')';
      return;
    }
    // No level column: look for the level word in the message.
    out_ += t_.message;
    out_ += " matches regex ";
    escape::append_kql_string("\\b" + level_regex(levels) + "\\b", out_);
  }

  void field(const Node& n) {
    if (n.field == kFieldMessage) return text(n);
    if (n.field == kFieldLevel) return level(n);
    if (n.field == kFieldService && !t_.service.empty()) return service_match(t_, n.value, out_);
    if (n.field == kFieldTraceId && !t_.trace.empty()) return column_equals(t_.trace, n.value);
    if (n.field == kFieldSpanId && !t_.span.empty()) return column_equals(t_.span, n.value);
    out_ += "tostring(";
    attribute(n.field);
    out_ += ") == ";
    escape::append_kql_string(n.value, out_);
  }

  void column_equals(std::string_view column, std::string_view value) {
    out_ += column;
    out_ += " == ";
    escape::append_kql_string(value, out_);
  }

  void compare(const Node& n) {
    if (n.field == kFieldLevel) return level(n);
    out_ += "todouble(";
    attribute(n.field);
    out_ += ") ";
    out_ += compare_op_text(n.op);
    out_ += ' ';
    out_ += n.value;
  }

  const Table& t_;
  std::string& out_;
};

}  // namespace

Result<NativeQuery> to_kql(const Node& root, const TranslateContext& ctx) {
  TINKR_ASSIGN_OR_RETURN(const Table* t, table_for(ctx.resource_type));
  NativeQuery q;
  q.dialect = Dialect::kKql;
  std::string& out = q.text;
  out.reserve(256);
  out += t->name;
  if (has_range(ctx)) {
    out += " | where TimeGenerated >= ";
    append_kql_datetime(ctx.range.from, out);
    out += " and TimeGenerated < ";  // half-open; `between` would include the end
    append_kql_datetime(ctx.range.to, out);
  }
  if (!ctx.service.empty()) {
    out += " | where ";
    KqlWriter::service_match(*t, ctx.service, out);
  }
  if (root.kind != NodeKind::kAll) {
    out += " | where ";
    KqlWriter w(*t, out);
    if (root.kind == NodeKind::kAnd || root.kind == NodeKind::kOr) w.operands(root);
    else w.expr(root);
  }
  if (!ctx.filter_only) {
    out += " | project ";
    out += t->project;
    out += ctx.newest_first ? " | order by TimeGenerated desc" : " | order by TimeGenerated asc";
    out += " | take ";
    out += std::to_string(ctx.limit);
  }
  return q;
}

}  // namespace tinkr::query::detail
