#include "backends/azure/log_tables.h"

#include <re2/re2.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "backends/azure/log_analytics_wire.h"
#include "core/strings.h"
#include "query/escape.h"

namespace tinkr::azure {
namespace {

namespace json = boost::json;

constexpr LogTable kTables[] = {
    {"AppTraces", "AppRoleName", "SeverityLevel", "Message", LevelSource::kSeverityInt, true},
    {"AppExceptions", "AppRoleName", "SeverityLevel", "OuterMessage", LevelSource::kSeverityInt, true},
    {"ContainerLogV2", "ContainerName", "LogLevel", "LogMessage", LevelSource::kStringColumn, false},
    {"ContainerLog", "Name", "", "LogEntry", LevelSource::kPayload, false},
    {"ContainerAppConsoleLogs_CL", "ContainerAppName_s", "", "Log_s", LevelSource::kPayload, false},
    {"AppServiceConsoleLogs", "_ResourceId", "Level", "ResultDescription", LevelSource::kStringColumn, false},
    {"FunctionAppLogs", "AppName", "Level", "Message", LevelSource::kStringColumn, false},
    {"AzureDiagnostics", "Resource", "Level", "Message", LevelSource::kStringColumn, false},
};

// Level words, most severe first (the spellings level_from_line knows).
constexpr std::pair<std::string_view, std::string_view> kLevelWords[] = {
    {"CRITICAL", "fatal|panic|critical|crit|emerg|alert"},
    {"ERROR", "error|err"},
    {"WARN", "warning|warn"},
    {"INFO", "information|info|notice"},
    {"DEBUG", "debug|verbose"},
    {"TRACE", "trace"},
};

// Keys structured loggers put the level and the message under.
constexpr std::string_view kLevelKeys[] = {"level", "severity", "lvl", "log.level", "levelname", "loglevel"};
constexpr std::string_view kMessageKeys[] = {"message", "msg", "log", "Message"};

std::optional<json::object> json_object_of(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i >= text.size() || text[i] != '{') return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(text.substr(i), ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

Level level_in(const json::object& o) {
  for (auto key : kLevelKeys) {
    auto it = o.find(key);
    if (it == o.end()) continue;
    if (it->value().is_string()) return parse_level(it->value().get_string());
    if (it->value().is_int64()) return level_from_severity(it->value().get_int64());
  }
  return Level::kUnknown;
}

// A JSON log line: message from its message key, level aside, the rest as
// attributes (nested objects as dotted names: http.status_code).
void read_json_line(const json::object& o, LogEntry& e) {
  for (auto key : kMessageKeys) {
    auto it = o.find(key);
    if (it != o.end() && it->value().is_string()) {
      e.message = std::string(it->value().get_string());
      break;
    }
  }
  if (e.level == Level::kUnknown) e.level = level_in(o);
  for (const auto& [k, v] : o) {
    std::string_view key = k;
    bool skip = false;
    for (auto m : kMessageKeys) skip = skip || key == m;
    for (auto l : kLevelKeys) skip = skip || key == l;
    if (skip) continue;
    if (key == "trace_id" && v.is_string()) e.trace_id = std::string(v.get_string());
    else if (key == "span_id" && v.is_string()) e.span_id = std::string(v.get_string());
    else if (v.is_object()) flatten_dynamic(v, e.attributes, std::string(key));  // {"http":{"status_code":…}}
    else if (v.is_string()) e.attributes[std::string(key)] = std::string(v.get_string());
    else if (!v.is_null()) e.attributes[std::string(key)] = json::serialize(v);
  }
}

void read_console_line(std::string line, LogEntry& e) {
  if (auto o = json_object_of(line)) {
    read_json_line(*o, e);
    if (e.message.empty()) e.message = std::move(line);
    return;
  }
  if (e.level == Level::kUnknown) e.level = level_from_line(line);
  e.message = std::move(line);
}

// The service a resource ID names: the last path segment (".../sites/<name>").
std::string last_segment(std::string_view id) {
  const size_t slash = id.rfind('/');
  return std::string(slash == std::string_view::npos ? id : id.substr(slash + 1));
}

}  // namespace

std::string payload_level_case(const LogTable& t) {
  const std::string column(t.message_column);
  std::string out = "case(";
  for (const auto& [level, words] : kLevelWords) {
    out += column + " matches regex " +
           query::escape::kql_string(std::string(R"re((?i)"(level|severity|lvl|levelname)"\s*:\s*"()re") +
                                     std::string(words) + ")\"") +
           ", " + query::escape::kql_string(level) + ", ";
  }
  for (const auto& [level, words] : kLevelWords) {
    out += column + " matches regex " + query::escape::kql_string("(?i)\\b(" + std::string(words) + ")\\b") + ", " +
           query::escape::kql_string(level) + ", ";
  }
  return out + "\"UNKNOWN\")";
}

Level level_from_severity(int64_t severity) {
  switch (severity) {
    case 0: return Level::kDebug;  // Verbose
    case 1: return Level::kInfo;
    case 2: return Level::kWarn;
    case 3: return Level::kError;
    case 4: return Level::kCritical;
    default: return Level::kUnknown;
  }
}

Level level_from_line(std::string_view line) {
  if (auto o = json_object_of(line)) return level_in(*o);
  static const RE2 kWord(
      R"re((?i)\b(fatal|panic|critical|crit|emerg|alert|error|err|warning|warn|information|info|notice|debug|verbose|trace)\b)re");
  std::string word;
  if (RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), kWord, &word)) return parse_level(word);
  return Level::kUnknown;
}

Result<const LogTable*> log_table_for(std::string_view resource_type) {
  std::string lower(resource_type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view name = resource_type;
  if (lower.empty() || lower == "app_insights" || lower == "apptraces") name = "AppTraces";
  else if (lower == "exceptions" || lower == "appexceptions") name = "AppExceptions";
  else if (lower == "k8s" || lower == "aks" || lower == "containerlogv2") name = "ContainerLogV2";
  else if (lower == "containerlog") name = "ContainerLog";
  else if (lower == "container_app" || lower == "containerapp" || lower == "container_apps")
    name = "ContainerAppConsoleLogs_CL";
  else if (lower == "app_service" || lower == "appservice" || lower == "webapp") name = "AppServiceConsoleLogs";
  else if (lower == "function" || lower == "functions" || lower == "function_app") name = "FunctionAppLogs";
  else if (lower == "diagnostics" || lower == "azurediagnostics") name = "AzureDiagnostics";
  for (const auto& t : kTables) {
    if (t.name == name) return &t;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown Azure resource type '" + std::string(resource_type) +
                        "': expected app_insights (AppTraces), exceptions, k8s (ContainerLogV2), ContainerLog, "
                        "container_app, app_service, function or AzureDiagnostics");
}

LogEntry to_log_entry(const LogTable& t, const LaRow& row, std::string_view service) {
  LogEntry e;
  e.time = row.time(wire::col::kTimeGenerated).value_or(Timestamp{});
  const std::string name(t.name);
  if (name == "AppTraces" || name == "AppExceptions") {
    e.service = row.text(wire::col::kAppRoleName);
    e.level = level_from_severity(row.integer(wire::col::kSeverityLevel).value_or(-1));
    e.trace_id = row.text(wire::col::kOperationId);
    e.span_id = row.text(wire::col::kParentId);
    if (e.span_id == e.trace_id) e.span_id.clear();  // classic SDKs put the operation id in ParentId at the root
    flatten_dynamic(row.dynamic(wire::col::kProperties), e.attributes);
    if (name == "AppTraces") {
      e.message = row.text("Message");
    } else {
      e.message = row.text("OuterMessage");
      if (e.message.empty()) e.message = row.text("Message");
      if (std::string type = row.text("ExceptionType"); !type.empty()) {
        e.attributes["exception.type"] = type;
        if (e.message.rfind(type, 0) != 0) e.message = type + ": " + e.message;
      }
    }
    if (std::string instance = row.text(wire::col::kAppRoleInstance); !instance.empty())
      e.attributes.emplace("host", instance);
  } else if (name == "ContainerLogV2") {
    e.service = row.text("ContainerName");
    e.level = parse_level(row.text("LogLevel"));
    json::value msg = row.dynamic("LogMessage");
    if (msg.is_object()) {
      read_json_line(msg.get_object(), e);
      if (e.message.empty()) e.message = json::serialize(msg);
    } else {
      read_console_line(msg.is_string() ? std::string(msg.get_string()) : row.text("LogMessage"), e);
    }
    for (std::string_view c : {"PodName", "PodNamespace", "LogSource", "Computer"}) {
      if (std::string v = row.text(c); !v.empty()) e.attributes.emplace(std::string(c), v);
    }
  } else if (name == "ContainerLog") {
    e.service = last_segment(row.text("Name"));  // "<pod uid>/<container>"
    read_console_line(row.text("LogEntry"), e);
    if (std::string s = row.text("LogEntrySource"); !s.empty()) e.attributes.emplace("stream", s);
  } else if (name == "ContainerAppConsoleLogs_CL") {
    e.service = row.text("ContainerAppName_s");
    read_console_line(row.text("Log_s"), e);
    if (std::string s = row.text("Stream_s"); !s.empty()) e.attributes.emplace("stream", s);
    if (std::string s = row.text("RevisionName_s"); !s.empty()) e.attributes.emplace("revision", s);
  } else if (name == "AppServiceConsoleLogs") {
    e.service = std::string(service);
    if (e.service.empty()) e.service = last_segment(row.text("_ResourceId"));
    const Level column = parse_level(row.text("Level"));
    read_console_line(row.text("ResultDescription"), e);
    // Level says only which stream (stderr: Error); a level in the line is more precise.
    if (e.level == Level::kUnknown) e.level = column;
  } else {  // FunctionAppLogs, AzureDiagnostics
    e.service = row.text(t.service_column);
    // AzureDiagnostics.Resource is upper-case; the query matched it with =~.
    if (!service.empty() && iequals(e.service, service)) e.service = std::string(service);
    e.level = parse_level(row.text("Level"));
    e.message = row.text("Message");
    for (std::string_view c : {"FunctionName", "Category", "ResourceProvider"}) {
      if (std::string v = row.text(c); !v.empty()) e.attributes.emplace(std::string(c), v);
    }
  }
  return e;
}

}  // namespace tinkr::azure
