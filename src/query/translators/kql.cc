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
  std::string_view message;    // a string expression
  std::string_view level;      // column; empty: none (levels searched in the message)
  LevelKind level_kind;
  std::string_view service;    // column; empty: not filterable
  std::string_view service_op; // "==", "=~" or "endswith" (_ResourceId ends with /sites/<svc>, Name with /<svc>)
  std::string_view trace;      // column or empty
  std::string_view span;       // column or empty
  std::string_view dynamic;    // dynamic column for attributes; empty: attributes are columns
  std::string_view project;
};

constexpr Table kTables[] = {
    {"AppTraces", "Message", "SeverityLevel", LevelKind::kAppInsightsInt, "AppRoleName", "==", "OperationId",
     "ParentId", "Properties",
     "TimeGenerated, Message, SeverityLevel, AppRoleName, OperationId, ParentId, Properties"},
    {"AppExceptions", "OuterMessage", "SeverityLevel", LevelKind::kAppInsightsInt, "AppRoleName", "==",
     "OperationId", "ParentId", "Properties",
     "TimeGenerated, OuterMessage, ExceptionType, SeverityLevel, AppRoleName, OperationId, ParentId, Details, "
     "Properties"},
    {"ContainerLogV2", "tostring(LogMessage)", "LogLevel", LevelKind::kString, "ContainerName", "==", "", "",
     "LogMessage", "TimeGenerated, LogMessage, LogLevel, ContainerName, PodName, PodNamespace, LogSource"},
    // ContainerLog.Name is "<pod uid>/<container name>".
    {"ContainerLog", "LogEntry", "", LevelKind::kNone, "Name", "endswith", "", "", "",
     "TimeGenerated, LogEntry, LogEntrySource, Name, ContainerID"},
    {"ContainerAppConsoleLogs_CL", "Log_s", "", LevelKind::kNone, "ContainerAppName_s", "==", "", "", "",
     "TimeGenerated, Log_s, Stream_s, ContainerAppName_s, RevisionName_s"},
    {"AppServiceConsoleLogs", "ResultDescription", "Level", LevelKind::kString, "_ResourceId", "endswith", "", "",
     "", "TimeGenerated, ResultDescription, Level, _ResourceId"},
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
std::string kql_datetime(Timestamp t) {
  int64_t ns = to_unix_nanos(t);
  if (ns % 100 != 0) ns += 100 - ((ns % 100) + 100) % 100;
  const Timestamp tick = from_unix_nanos(ns);
  return "datetime(" + format_rfc3339(tick, ns % 1000 == 0 ? -1 : 7) + ")";
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

class KqlWriter {
 public:
  explicit KqlWriter(const Table& t) : t_(t) {}

  std::string expr(const Node& n) {
    switch (n.kind) {
      case NodeKind::kAll: return "true";
      case NodeKind::kText: return text(n);
      case NodeKind::kField: return field(n);
      case NodeKind::kCompare: return compare(n);
      case NodeKind::kNot: return "not(" + expr(n.children.front()) + ")";
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        std::string out = "(";
        bool first = true;
        for (const auto& c : n.children) {
          if (!first) out += n.kind == NodeKind::kAnd ? " and " : " or ";
          first = false;
          out += expr(c);
        }
        return out + ")";
      }
    }
    return "true";
  }

 private:
  std::string text(const Node& n) {
    return std::string(t_.message) + (n.phrase ? " contains_cs " : " contains ") + escape::kql_string(n.value);
  }

  std::string attribute(const std::string& field) {
    if (!t_.dynamic.empty()) return std::string(t_.dynamic) + "[" + escape::kql_string(field) + "]";
    return "['" + field + "']";  // field names are [A-Za-z0-9_.-]
  }

  std::string level(const Node& n) {
    auto levels = selected_levels(n);
    if (t_.level_kind == LevelKind::kAppInsightsInt) {
      if (n.kind == NodeKind::kCompare)
        return std::string(t_.level) + " " + std::string(compare_op_text(n.op)) + " " +
               std::to_string(app_insights_severity(n.level));
      if (n.level == Level::kTrace || n.level == Level::kDebug) return std::string(t_.level) + " == 0";
      return std::string(t_.level) + " == " + std::to_string(app_insights_severity(n.level));
    }
    if (t_.level_kind == LevelKind::kString) {
      std::string out = std::string(t_.level) + " in~ (";
      bool first = true;
      for (Level l : levels)
        for (auto w : level_spellings(l)) {
          if (!first) out += ", ";
          first = false;
          out += escape::kql_string(w);
        }
      return out + ")";
    }
    // No level column: look for the level word in the message.
    return std::string(t_.message) + " matches regex " + escape::kql_string("\\b" + level_regex(levels) + "\\b");
  }

  std::string field(const Node& n) {
    if (n.field == kFieldMessage) return text(n);
    if (n.field == kFieldLevel) return level(n);
    std::string v = escape::kql_string(n.value);
    if (n.field == kFieldService && !t_.service.empty()) return service_match(t_, n.value);
    if (n.field == kFieldTraceId && !t_.trace.empty()) return std::string(t_.trace) + " == " + v;
    if (n.field == kFieldSpanId && !t_.span.empty()) return std::string(t_.span) + " == " + v;
    return "tostring(" + attribute(n.field) + ") == " + v;
  }

  std::string compare(const Node& n) {
    if (n.field == kFieldLevel) return level(n);
    return "todouble(" + attribute(n.field) + ") " + std::string(compare_op_text(n.op)) + " " + n.value;
  }

 public:
  static std::string service_match(const Table& t, const std::string& service) {
    if (t.service_op == "endswith") {
      const char* prefix = t.name == "AppServiceConsoleLogs" ? "/sites/" : "/";
      return std::string(t.service) + " endswith " + escape::kql_string(prefix + service);
    }
    return std::string(t.service) + " " + std::string(t.service_op) + " " + escape::kql_string(service);
  }

 private:
  const Table& t_;
};

}  // namespace

Result<NativeQuery> to_kql(const Node& root, const TranslateContext& ctx) {
  TINKR_ASSIGN_OR_RETURN(const Table* t, table_for(ctx.resource_type));
  std::string out(t->name);
  if (has_range(ctx))
    out += " | where TimeGenerated >= " + kql_datetime(ctx.range.from) + " and TimeGenerated < " +
           kql_datetime(ctx.range.to);  // half-open; `between` would include the end
  if (!ctx.service.empty()) out += " | where " + KqlWriter::service_match(*t, ctx.service);
  if (root.kind != NodeKind::kAll) {
    KqlWriter w(*t);
    std::string e = w.expr(root);
    if (root.kind == NodeKind::kAnd || root.kind == NodeKind::kOr) e = e.substr(1, e.size() - 2);
    out += " | where " + e;
  }
  if (!ctx.filter_only) {
    out += " | project " + std::string(t->project);
    out += ctx.newest_first ? " | order by TimeGenerated desc" : " | order by TimeGenerated asc";
    out += " | take " + std::to_string(ctx.limit);
  }
  NativeQuery q;
  q.dialect = Dialect::kKql;
  q.text = std::move(out);
  return q;
}

}  // namespace tinkr::query::detail
