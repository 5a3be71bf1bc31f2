// The Log Analytics tables logs are read from, by resource type, and how a row
// of each becomes a LogEntry.
//
// The query text comes from the KQL translator (src/query/translators/kql.cc),
// which owns the same table choice; this file owns the reading side: the
// service column, the column the log volume is grouped by, and the level.
// Levels: Application Insights' SeverityLevel (0 Verbose, 1 Information,
// 2 Warning, 3 Error, 4 Critical — Microsoft's values, not the 1…5 some pages
// show); string Level/LogLevel columns through parse_level; for container
// console tables without a level, the JSON payload's level field, else the
// first level word in the line. Pure data and functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "backends/azure/log_analytics_result.h"
#include "core/model.h"
#include "core/result.h"

namespace tinkr::azure {

enum class LevelSource {
  kSeverityInt,   // Application Insights SeverityLevel
  kStringColumn,  // Level / LogLevel
  kPayload,       // none: the JSON payload, else a keyword scan of the line
};

struct LogTable {
  std::string_view name;
  std::string_view service_column;  // distinct values list the services
  std::string_view level_column;    // empty for kPayload
  std::string_view message_column;  // the line (kPayload tables are scanned in it)
  LevelSource level_source;
  bool app_insights;  // AppTraces / AppExceptions (traces live beside them)
};

// The table for a resource type: "" / app_insights / apptraces → AppTraces,
// exceptions, k8s / aks / containerlogv2, containerlog, container_app,
// app_service, function, diagnostics, or a table name. Unknown: kInvalidArgument.
Result<const LogTable*> log_table_for(std::string_view resource_type);

// A row of `table` (as projected by the translator) as a LogEntry. `service`
// is used when the row has no service column (AppServiceConsoleLogs).
LogEntry to_log_entry(const LogTable& table, const LaRow& row, std::string_view service);

// For kPayload tables: a KQL expression naming the level of a line, for
// `summarize … by Level = <it>` — the JSON line's level field first, then a
// level word, most severe first; "UNKNOWN" when none. Patterns are escaped
// KQL string literals.
std::string payload_level_case(const LogTable& table);

// Level of an Application Insights SeverityLevel (0..4); kUnknown otherwise.
Level level_from_severity(int64_t severity);
// The level of a console line: a JSON object's level/severity/lvl field, else
// the first level word (error, warn, info, …) in the text; kUnknown if none.
Level level_from_line(std::string_view line);

}  // namespace tinkr::azure
