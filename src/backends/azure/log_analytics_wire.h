// The Log Analytics query API's names in one place.
//
// POST {endpoint}/v1/workspaces/{workspaceId}/query, JSON body
// {"query": "<KQL>", "timespan": "<ISO 8601 interval>"}; answer
// {"tables":[{"name","columns":[{"name","type"}],"rows":[[…]]}]} with, on
// partial failure, an "error" beside the tables; failures
// {"error":{"code","message","innererror"?,"details"?}}.
// Sources: learn.microsoft.com/azure/azure-monitor/logs/api/request-format,
// …/response-format, …/errors (copies in shared/conformance/azure-log-analytics).
#pragma once

#include <string_view>

namespace tinkr::azure::wire {

inline constexpr std::string_view kWorkspacesPath = "/v1/workspaces/";
inline constexpr std::string_view kQuerySuffix = "/query";
// Server-side timeout request (seconds, at most 600).
inline constexpr std::string_view kPreferHeader = "Prefer";

// Request body.
inline constexpr std::string_view kQuery = "query";
inline constexpr std::string_view kTimespan = "timespan";

// Answer.
inline constexpr std::string_view kTables = "tables";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kColumns = "columns";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kRows = "rows";
inline constexpr std::string_view kError = "error";
inline constexpr std::string_view kCode = "code";
inline constexpr std::string_view kMessage = "message";
inline constexpr std::string_view kInnerError = "innererror";
inline constexpr std::string_view kDetails = "details";
inline constexpr std::string_view kPartialError = "PartialError";

// Application Insights columns (workspace-based tables).
namespace col {
inline constexpr std::string_view kTimeGenerated = "TimeGenerated";
inline constexpr std::string_view kAppRoleName = "AppRoleName";
inline constexpr std::string_view kAppRoleInstance = "AppRoleInstance";
inline constexpr std::string_view kOperationId = "OperationId";
inline constexpr std::string_view kParentId = "ParentId";
inline constexpr std::string_view kId = "Id";
inline constexpr std::string_view kName = "Name";
inline constexpr std::string_view kDurationMs = "DurationMs";
inline constexpr std::string_view kSuccess = "Success";
inline constexpr std::string_view kResultCode = "ResultCode";
inline constexpr std::string_view kTarget = "Target";
inline constexpr std::string_view kDependencyType = "DependencyType";
inline constexpr std::string_view kData = "Data";
inline constexpr std::string_view kUrl = "Url";
inline constexpr std::string_view kProperties = "Properties";
inline constexpr std::string_view kSeverityLevel = "SeverityLevel";
inline constexpr std::string_view kCount = "count_";
}  // namespace col

}  // namespace tinkr::azure::wire
