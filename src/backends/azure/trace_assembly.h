// Traces from Application Insights tables: each OperationId is one trace; its
// spans are the AppRequests rows (server spans, of every role that shares the
// OperationId) and the AppDependencies rows (client spans). Parents come from
// ParentId → Id; a ParentId equal to the OperationId (classic SDKs) or empty
// marks a root. Pure functions; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "backends/azure/log_analytics_result.h"
#include "core/model.h"

namespace tinkr::azure {

// The columns the trace queries project, in order.
inline constexpr std::string_view kRequestColumns =
    "TimeGenerated, Id, ParentId, OperationId, Name, DurationMs, Success, ResultCode, AppRoleName, Url, Properties";
inline constexpr std::string_view kDependencyColumns =
    "TimeGenerated, Id, ParentId, OperationId, Name, DurationMs, Success, ResultCode, AppRoleName, Target, "
    "DependencyType, Data, Properties";

// One AppRequests row as a server span; one AppDependencies row as a client span.
Span span_from_request(const LaRow& row);
Span span_from_dependency(const LaRow& row);

// Groups spans by trace id into summarized traces (summarize_trace), spans in
// start order; traces in no particular order.
std::vector<Trace> assemble_traces(std::vector<Span> spans);

}  // namespace tinkr::azure
