#include "sim/azure_tables.h"

#include <functional>

#include <fmt/format.h>
#include <boost/json.hpp>

namespace tinkr::sim {
namespace {

namespace json = boost::json;
using kql::Column;
using kql::Table;
using kql::Value;

int severity(Level l) {
  switch (l) {
    case Level::kTrace:
    case Level::kDebug: return 0;
    case Level::kInfo: return 1;
    case Level::kWarn: return 2;
    case Level::kError: return 3;
    case Level::kCritical: return 4;
    case Level::kUnknown: break;
  }
  return 1;
}

std::string container_level(Level l) {
  switch (l) {
    case Level::kTrace: return "TRACE";
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarn: return "WARNING";
    case Level::kError: return "ERROR";
    case Level::kCritical: return "CRITICAL";
    case Level::kUnknown: break;
  }
  return "UNKNOWN";
}

// .NET LogLevel names, as FunctionAppLogs writes them.
std::string dotnet_level(Level l) {
  switch (l) {
    case Level::kTrace: return "Trace";
    case Level::kDebug: return "Debug";
    case Level::kInfo: return "Information";
    case Level::kWarn: return "Warning";
    case Level::kError: return "Error";
    case Level::kCritical: return "Critical";
    case Level::kUnknown: break;
  }
  return "Information";
}

std::string lower_level(Level l) {
  std::string s(level_name(l));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json::value properties(const Attributes& a, std::initializer_list<std::string_view> skip = {}) {
  json::object o;
  for (const auto& [k, v] : a) {
    bool drop = false;
    for (auto s : skip) drop = drop || k == s;
    if (!drop) o[k] = v;
  }
  return o;
}

std::string attr(const Attributes& a, std::string_view key) {
  auto it = a.find(key);
  return it == a.end() ? std::string() : it->second;
}

Value text_or_null(std::string s) {
  if (s.empty()) return std::monostate{};
  return s;
}

// Stable per service; the shape of a Kubernetes pod UID.
std::string pod_uid(std::string_view service) {
  const uint64_t h = std::hash<std::string_view>{}(service);
  return fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", h & 0xffffffffu, (h >> 32) & 0xffffu, (h >> 8) & 0xfffu,
                     (h >> 20) & 0xfffu, h & 0xffffffffffffu);
}

json::object json_line(const LogEntry& e) {
  json::object o;
  o["level"] = lower_level(e.level);
  o["message"] = e.message;
  if (!e.trace_id.empty()) o["trace_id"] = e.trace_id;
  if (!e.span_id.empty()) o["span_id"] = e.span_id;
  for (const auto& [k, v] : e.attributes) o[k] = v;
  return o;
}

// The same line as a structured logger that nests dotted names writes it
// (pino, zap, ECS-nested): {"http":{"status_code":"502"}, "peer":{"service":…}}.
// A name that is also another's prefix stays flat.
json::object nested_json_line(const LogEntry& e) {
  json::object o;
  o["level"] = lower_level(e.level);
  o["message"] = e.message;
  if (!e.trace_id.empty()) o["trace_id"] = e.trace_id;
  for (const auto& [k, v] : e.attributes) {
    json::object* at = &o;
    std::string_view rest = k;
    for (size_t dot = rest.find('.'); dot != std::string_view::npos && at; dot = rest.find('.')) {
      json::value& child = (*at)[rest.substr(0, dot)];
      if (child.is_null()) child = json::object();
      at = child.if_object();
      rest.remove_prefix(dot + 1);
    }
    if (at && !at->contains(rest)) (*at)[rest] = v;
    else o[k] = v;
  }
  return o;
}

Table table(std::string name, std::vector<Column> columns) {
  Table t;
  t.name = std::move(name);
  t.columns = std::move(columns);
  return t;
}

}  // namespace

kql::Catalog render_azure_tables(const std::vector<LogEntry>& logs, const std::vector<Trace>& traces,
                                 std::string_view subscription_id, std::string_view resource_group) {
  Table app_traces = table("AppTraces", {{"TimeGenerated", "datetime"},
                                         {"Message", "string"},
                                         {"SeverityLevel", "int"},
                                         {"AppRoleName", "string"},
                                         {"AppRoleInstance", "string"},
                                         {"AppVersion", "string"},
                                         {"OperationId", "string"},
                                         {"ParentId", "string"},
                                         {"Properties", "dynamic"},
                                         {"ItemCount", "int"},
                                         {"Type", "string"}});
  Table app_exceptions = table("AppExceptions", {{"TimeGenerated", "datetime"},
                                                 {"ProblemId", "string"},
                                                 {"ExceptionType", "string"},
                                                 {"OuterType", "string"},
                                                 {"OuterMessage", "string"},
                                                 {"Message", "string"},
                                                 {"Details", "dynamic"},
                                                 {"SeverityLevel", "int"},
                                                 {"AppRoleName", "string"},
                                                 {"AppRoleInstance", "string"},
                                                 {"OperationId", "string"},
                                                 {"ParentId", "string"},
                                                 {"Properties", "dynamic"},
                                                 {"ItemCount", "int"},
                                                 {"Type", "string"}});
  Table v2 = table("ContainerLogV2", {{"TimeGenerated", "datetime"},
                                      {"Computer", "string"},
                                      {"ContainerId", "string"},
                                      {"ContainerName", "string"},
                                      {"PodName", "string"},
                                      {"PodNamespace", "string"},
                                      {"LogMessage", "dynamic"},
                                      {"LogSource", "string"},
                                      {"LogLevel", "string"},
                                      {"Type", "string"}});
  Table v1 = table("ContainerLog", {{"TimeGenerated", "datetime"},
                                    {"Computer", "string"},
                                    {"ContainerID", "string"},
                                    {"Image", "string"},
                                    {"LogEntry", "string"},
                                    {"LogEntrySource", "string"},
                                    {"Name", "string"},
                                    {"Type", "string"}});
  Table apps = table("ContainerAppConsoleLogs_CL", {{"TimeGenerated", "datetime"},
                                                    {"ContainerAppName_s", "string"},
                                                    {"ContainerName_s", "string"},
                                                    {"RevisionName_s", "string"},
                                                    {"EnvironmentName_s", "string"},
                                                    {"Stream_s", "string"},
                                                    {"Log_s", "string"},
                                                    {"Type", "string"}});
  Table app_service = table("AppServiceConsoleLogs", {{"TimeGenerated", "datetime"},
                                                      {"Level", "string"},
                                                      {"ResultDescription", "string"},
                                                      {"Host", "string"},
                                                      {"_ResourceId", "string"},
                                                      {"Category", "string"},
                                                      {"Type", "string"}});
  Table functions = table("FunctionAppLogs", {{"TimeGenerated", "datetime"},
                                              {"AppName", "string"},
                                              {"FunctionName", "string"},
                                              {"HostInstanceId", "string"},
                                              {"Level", "string"},
                                              {"LevelId", "int"},
                                              {"Message", "string"},
                                              {"Category", "string"},
                                              {"Type", "string"}});
  Table diagnostics = table("AzureDiagnostics", {{"TimeGenerated", "datetime"},
                                                 {"Resource", "string"},
                                                 {"ResourceProvider", "string"},
                                                 {"Category", "string"},
                                                 {"Level", "string"},
                                                 {"Message", "string"},
                                                 {"Type", "string"}});

  for (const auto& e : logs) {
    const std::string host = attr(e.attributes, "host");
    const std::string version = attr(e.attributes, "version");
    app_traces.rows.push_back({e.time, e.message, int64_t{severity(e.level)}, e.service, text_or_null(host),
                               text_or_null(version), e.trace_id, e.span_id, properties(e.attributes, {"host"}),
                               int64_t{1}, std::string("AppTraces")});
    if (const std::string type = attr(e.attributes, "exception.type"); !type.empty()) {
      const std::string first_line = e.message.substr(0, e.message.find('\n'));
      json::array details{json::object{{"type", type}, {"message", first_line}, {"rawStack", e.message}}};
      app_exceptions.rows.push_back({e.time, type + " at " + e.service, type, type, first_line, first_line,
                                     json::value(details), int64_t{severity(e.level)}, e.service, text_or_null(host),
                                     e.trace_id, e.span_id, properties(e.attributes, {"host"}), int64_t{1},
                                     std::string("AppExceptions")});
    }
    const bool err = e.level >= Level::kError;
    const std::string uid = pod_uid(e.service);
    v2.rows.push_back({e.time, std::string("aks-nodepool1-0"), uid, e.service, text_or_null(host),
                       std::string("default"), json::value(json_line(e)), std::string(err ? "stderr" : "stdout"),
                       container_level(e.level), std::string("ContainerLogV2")});
    v1.rows.push_back({e.time, std::string("aks-nodepool1-0"), uid, std::string("acme/" + e.service),
                       container_level(e.level) + " " + e.message, std::string(err ? "stderr" : "stdout"),
                       uid + "/" + e.service, std::string("ContainerLog")});
    apps.rows.push_back({e.time, e.service, e.service, e.service + "--rev1", std::string("prod-env"),
                         std::string(err ? "stderr" : "stdout"), json::serialize(json_line(e)),
                         std::string("ContainerAppConsoleLogs_CL")});
    app_service.rows.push_back({e.time, std::string(err ? "Error" : "Informational"),
                                json::serialize(nested_json_line(e)), std::string("lw0sdlwk0000ZZ"),
                                fmt::format("/subscriptions/{}/resourcegroups/{}/providers/microsoft.web/sites/{}",
                                            subscription_id, resource_group, e.service),
                                std::string("AppServiceConsoleLogs"), std::string("AppServiceConsoleLogs")});
    functions.rows.push_back({e.time, e.service, std::string("Handler"), std::string("a1b2c3"), dotnet_level(e.level),
                              int64_t{static_cast<int>(e.level) - 1}, e.message, std::string("Function.Handler"),
                              std::string("FunctionAppLogs")});
    std::string upper = e.service;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    diagnostics.rows.push_back({e.time, upper, std::string("MICROSOFT.WEB"), std::string("AppServiceAppLogs"),
                                dotnet_level(e.level), e.message, std::string("AzureDiagnostics")});
  }

  Table requests = table("AppRequests", {{"TimeGenerated", "datetime"},
                                         {"Id", "string"},
                                         {"ParentId", "string"},
                                         {"OperationId", "string"},
                                         {"OperationName", "string"},
                                         {"Name", "string"},
                                         {"Url", "string"},
                                         {"DurationMs", "real"},
                                         {"Success", "bool"},
                                         {"ResultCode", "string"},
                                         {"AppRoleName", "string"},
                                         {"AppVersion", "string"},
                                         {"Properties", "dynamic"},
                                         {"ItemCount", "int"},
                                         {"Type", "string"}});
  Table dependencies = table("AppDependencies", {{"TimeGenerated", "datetime"},
                                                 {"Id", "string"},
                                                 {"ParentId", "string"},
                                                 {"OperationId", "string"},
                                                 {"Name", "string"},
                                                 {"Target", "string"},
                                                 {"DependencyType", "string"},
                                                 {"Data", "string"},
                                                 {"DurationMs", "real"},
                                                 {"Success", "bool"},
                                                 {"ResultCode", "string"},
                                                 {"AppRoleName", "string"},
                                                 {"Properties", "dynamic"},
                                                 {"ItemCount", "int"},
                                                 {"Type", "string"}});
  for (const auto& t : traces) {
    for (const auto& s : t.spans) {
      const double ms = static_cast<double>(s.duration.count()) / 1e6;
      const bool ok = s.status != SpanStatus::kError;
      const std::string code = attr(s.attributes, "http.status_code");
      if (s.kind == SpanKind::kServer || s.kind == SpanKind::kConsumer) {
        const std::string route = attr(s.attributes, "http.route");
        requests.rows.push_back({s.start, s.span_id, s.parent_span_id.empty() ? s.trace_id : s.parent_span_id,
                                 s.trace_id, t.root_name, s.name,
                                 text_or_null(route.empty() ? "" : "http://" + s.service + route), ms, ok,
                                 code.empty() ? std::string(ok ? "200" : "500") : code, s.service,
                                 text_or_null(attr(s.attributes, "service.version")),
                                 properties(s.attributes, {"http.status_code", "service.version"}), int64_t{1},
                                 std::string("AppRequests")});
      } else {
        const std::string peer = attr(s.attributes, "peer.service");
        const std::string db = attr(s.attributes, "db.system");
        const std::string type =
            !db.empty()
                ? db
                : (!attr(s.attributes, "http.method").empty() || s.name.find('/') != std::string::npos ? "HTTP"
                                                                                                       : "InProc");
        dependencies.rows.push_back(
            {s.start, s.span_id, s.parent_span_id.empty() ? s.trace_id : s.parent_span_id, s.trace_id, s.name,
             text_or_null(peer), type, s.name, ms, ok, code.empty() ? std::string(ok ? "200" : "") : code, s.service,
             properties(s.attributes, {"peer.service"}), int64_t{1}, std::string("AppDependencies")});
      }
    }
  }

  kql::Catalog out;
  for (Table* t : {&app_traces, &app_exceptions, &requests, &dependencies, &v2, &v1, &apps, &app_service, &functions,
                   &diagnostics}) {
    std::string name = t->name;
    out.emplace(std::move(name), std::move(*t));
  }
  return out;
}

}  // namespace tinkr::sim
