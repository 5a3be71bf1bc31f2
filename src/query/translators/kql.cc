// Azure Monitor Log Analytics KQL: `<Table> | where TimeGenerated between (…)
// | where <service column> == "svc" | where <filter> | project … | order by
// TimeGenerated desc | take N`.
//
// The table follows the resource type; each table maps the canonical fields
// to its own columns (table below). Words are `contains` (case-insensitive),
// phrases `contains_cs`. Attribute fields (`order_id:123`, `user.id:42`):
//   * AppTraces / AppExceptions: the Properties dynamic column (a flat bag);
//   * ContainerLogV2: the LogMessage dynamic column (the JSON line);
//   * console tables with a string line (ContainerLog, ContainerAppConsoleLogs_CL,
//     AppServiceConsoleLogs, FunctionAppLogs, AzureDiagnostics): a field that
//     names one of the table's documented columns (Microsoft's table
//     reference, learn.microsoft.com/azure/azure-monitor/reference/tables/…)
//     is that column; in the custom-log and AzureDiagnostics tables so is a
//     name with a type suffix (_s _d _b _g _t, as Log Analytics names the
//     columns it adds); any other field is read from the line as JSON:
//     `| extend _json = parse_json(<line>)` (a line that is not JSON gives a
//     dynamic string, whose fields are null: no match) then
//     `tostring(_json["order_id"]) == "123"`.
// In a JSON line a dotted name is the flat key or, failing that, the nested
// path: `coalesce(tostring(_json["user.id"]), tostring(_json["user"]["id"]))`.
// Every literal, keys included, is a KQL double-quoted string with backslash
// escapes (query/escape.h); column names written bare come from the tables
// below, never from the query.
#include <cctype>

#include "query/escape.h"
#include "query/translators/common.h"
#include "query/translators/operands.h"

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
  std::string_view dynamic;     // dynamic column holding the attributes; empty: see json_line
  bool nested;                  // attributes are a JSON document (a.b may be nested), not a flat bag
  std::string_view json_line;   // string column holding a JSON log line (tables without `dynamic`)
  std::string_view columns;     // documented columns a field may name, space-separated
  bool typed_columns;           // <name>_s/_d/_b/_g/_t names a column (custom logs, AzureDiagnostics)
  std::string_view project;
};

// The columns are those of Microsoft's table reference (ContainerLog,
// AppServiceConsoleLogs, FunctionAppLogs; AzureDiagnostics' common ones;
// ContainerAppConsoleLogs_CL as the Container Apps environment writes it).
constexpr Table kTables[] = {
    {"AppTraces", "Message", "SeverityLevel", LevelKind::kAppInsightsInt, "AppRoleName", "==", "OperationId",
     "ParentId", "Properties", false, "", "", false,
     "TimeGenerated, Message, SeverityLevel, AppRoleName, OperationId, ParentId, Properties"},
    {"AppExceptions", "OuterMessage", "SeverityLevel", LevelKind::kAppInsightsInt, "AppRoleName", "==", "OperationId",
     "ParentId", "Properties", false, "", "", false,
     "TimeGenerated, OuterMessage, ExceptionType, SeverityLevel, AppRoleName, OperationId, ParentId, Details, "
     "Properties"},
    {"ContainerLogV2", "tostring(LogMessage)", "LogLevel", LevelKind::kString, "ContainerName", "==", "", "",
     "LogMessage", true, "", "", false,
     "TimeGenerated, LogMessage, LogLevel, ContainerName, PodName, PodNamespace, LogSource"},
    // ContainerLog.Name is "<pod uid>/<container name>".
    {"ContainerLog", "LogEntry", "", LevelKind::kNone, "Name", "endswith", "", "", "", true, "LogEntry",
     "Computer ContainerID Image ImageTag LogEntrySource Name Repository SourceSystem TimeOfCommand _ResourceId "
     "_SubscriptionId",
     false, "TimeGenerated, LogEntry, LogEntrySource, Name, ContainerID"},
    {"ContainerAppConsoleLogs_CL", "Log_s", "", LevelKind::kNone, "ContainerAppName_s", "==", "", "", "", true, "Log_s",
     "ContainerAppName_s ContainerName_s RevisionName_s EnvironmentName_s Stream_s _ResourceId", true,
     "TimeGenerated, Log_s, Stream_s, ContainerAppName_s, RevisionName_s"},
    {"AppServiceConsoleLogs", "ResultDescription", "Level", LevelKind::kString, "_ResourceId", "endswith", "", "", "",
     true, "ResultDescription",
     "Category ContainerId Host Level OperationName SourceSystem _ResourceId _SubscriptionId", false,
     "TimeGenerated, ResultDescription, Level, _ResourceId"},
    {"FunctionAppLogs", "Message", "Level", LevelKind::kString, "AppName", "==", "", "", "", true, "Message",
     "ActivityId AppName Category EventId EventName ExceptionDetails ExceptionMessage ExceptionType "
     "FunctionInvocationId FunctionName HostInstanceId HostVersion Level LevelId Location ProcessId RoleInstance "
     "SourceSystem _ResourceId _SubscriptionId",
     false, "TimeGenerated, Message, Level, AppName, FunctionName, HostInstanceId"},
    {"AzureDiagnostics", "Message", "Level", LevelKind::kString, "Resource", "=~", "", "", "", true, "Message",
     "Category CorrelationId Level OperationName Resource ResourceGroup ResourceId ResourceProvider ResourceType "
     "ResultDescription ResultType SourceSystem SubscriptionId _ResourceId",
     true, "TimeGenerated, Message, Level, Resource, ResourceProvider, Category"},
};

// The column a console table's line is parsed into (`| extend _json = parse_json(<line>)`).
constexpr std::string_view kJsonColumn = "_json";

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

  // True once an attribute was read from the parsed JSON line (the query needs the `extend`).
  bool uses_json_line() const { return uses_json_line_; }

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
    append_operands(n, kLowerCaseJunctions, out_, [this](const Node& c) { expr(c); });
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

  // A documented column of the table named exactly `field`, or "".
  std::string_view known_column(std::string_view field) const {
    std::string_view rest = t_.columns;
    while (!rest.empty()) {
      const size_t space = rest.find(' ');
      const std::string_view column = rest.substr(0, space);
      if (column == field) return column;
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
    return {};
  }

  // Log Analytics' own type suffixes for the columns it adds to custom-log and
  // AzureDiagnostics tables (string, double, bool, guid, datetime).
  static bool typed_column_name(std::string_view field) {
    if (field.size() < 3 || field[field.size() - 2] != '_') return false;
    if (std::string_view("sdbgt").find(field.back()) == std::string_view::npos) return false;
    for (char c : field) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
  }

  // `base["k1"]["k2"]…` for the keys of `path` (split at `sep`, or the whole name when sep is 0).
  void json_path(std::string_view base, std::string_view path, char sep) {
    out_ += base;
    while (true) {
      const size_t dot = sep == 0 ? std::string_view::npos : path.find(sep);
      out_ += '[';
      escape::append_kql_string(path.substr(0, dot), out_);
      out_ += ']';
      if (dot == std::string_view::npos) break;
      path.remove_prefix(dot + 1);
    }
  }

  // The value of attribute `field` converted with `conversion` (tostring / todouble).
  void attribute(std::string_view field, std::string_view conversion) {
    out_ += conversion;
    out_ += '(';
    if (std::string_view column = known_column(field); !column.empty()) {
      out_ += column;  // from the table list, not from the query
    } else if (t_.typed_columns && typed_column_name(field)) {
      out_ += '[';  // a quoted column name: ["requestUri_s"]
      escape::append_kql_string(field, out_);
      out_ += ']';
    } else {
      std::string_view base = t_.dynamic;
      if (base.empty()) {
        base = kJsonColumn;
        uses_json_line_ = true;
      }
      if (!t_.nested || field.find('.') == std::string_view::npos) {
        json_path(base, field, 0);
      } else {
        // A dotted name: the flat key ("user.id") first, else the nested path (user → id).
        out_ += "coalesce(tostring(";
        json_path(base, field, 0);
        out_ += "), tostring(";
        json_path(base, field, '.');
        out_ += "))";
      }
    }
    out_ += ')';
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
    attribute(n.field, "tostring");
    out_ += " == ";
    escape::append_kql_string(n.value, out_);
  }

  void column_equals(std::string_view column, std::string_view value) {
    out_ += column;
    out_ += " == ";
    escape::append_kql_string(value, out_);
  }

  void compare(const Node& n) {
    if (n.field == kFieldLevel) return level(n);
    attribute(n.field, "todouble");
    out_ += ' ';
    out_ += compare_op_text(n.op);
    out_ += ' ';
    out_ += n.value;
  }

  const Table& t_;
  std::string& out_;
  bool uses_json_line_ = false;
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
    std::string filter;
    KqlWriter w(*t, filter);
    if (is_junction(root)) w.operands(root);
    else w.expr(root);
    if (w.uses_json_line()) {
      out += " | extend ";
      out += kJsonColumn;
      out += " = parse_json(";
      out += t->json_line;
      out += ')';
    }
    out += " | where ";
    out += filter;
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
