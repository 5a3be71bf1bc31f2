// The shared scenario (or any logs and traces) rendered into the Log
// Analytics tables an Azure workspace would hold, with the columns and types
// of Microsoft's table reference (learn.microsoft.com/azure/azure-monitor/
// reference/tables/<table>):
//
//   AppTraces        every log line: Message, SeverityLevel (0 Verbose …
//                    4 Critical), AppRoleName, AppRoleInstance, AppVersion,
//                    OperationId (trace id), ParentId (span id), Properties
//   AppExceptions    log lines with an exception.type attribute (as an SDK's
//                    TrackException beside the log line): ExceptionType,
//                    OuterMessage, OuterType, Details, SeverityLevel, …
//   AppRequests      server spans: Id, ParentId (the OperationId for a root,
//                    as classic SDKs write it), Name, DurationMs, Success,
//                    ResultCode, Url, AppRoleName, OperationId, Properties
//   AppDependencies  client spans: Id, ParentId, Name, Target (peer.service),
//                    DependencyType, Data, DurationMs, Success, ResultCode, …
//   ContainerLogV2   JSON log lines in LogMessage (dynamic), LogLevel,
//                    ContainerName, PodName, PodNamespace, LogSource
//   ContainerLog     plain lines "<LEVEL> <message>" in LogEntry, Name
//                    "<pod uid>/<container>", LogEntrySource
//   ContainerAppConsoleLogs_CL  JSON lines in Log_s, ContainerAppName_s,
//                    RevisionName_s, Stream_s
//   AppServiceConsoleLogs  JSON lines in ResultDescription, dotted names
//                    nested ({"http":{"status_code":"502"}}, as pino or zap
//                    write them), Level by stream (Error / Informational)
//   FunctionAppLogs, AzureDiagnostics: plain lines with their Level strings
//                    and resource columns.
// Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "core/model.h"
#include "sim/kql_eval.h"

namespace tinkr::sim {

kql::Catalog render_azure_tables(const std::vector<LogEntry>& logs, const std::vector<Trace>& traces,
                                 std::string_view subscription_id = "00000000-0000-0000-0000-000000000000",
                                 std::string_view resource_group = "prod-rg");

}  // namespace tinkr::sim
