// The vendors' wire vocabulary, in one place: Loki, Prometheus and Tempo HTTP
// paths, parameters, headers and JSON field names, as documented by Grafana
// Labs and Prometheus (samples and traps: shared/conformance/grafana-loki,
// grafana-tempo, prometheus). Nothing else in the backend spells these.
#pragma once

#include <string_view>

namespace tinkr::grafana::wire {

// Shared by Loki, Prometheus and Tempo.
inline constexpr std::string_view kTenantHeader = "X-Scope-OrgID";
inline constexpr std::string_view kStatus = "status";
inline constexpr std::string_view kStatusSuccess = "success";
inline constexpr std::string_view kStatusError = "error";
inline constexpr std::string_view kData = "data";
inline constexpr std::string_view kResultType = "resultType";
inline constexpr std::string_view kResult = "result";
inline constexpr std::string_view kWarnings = "warnings";
inline constexpr std::string_view kMetric = "metric";
inline constexpr std::string_view kValues = "values";
inline constexpr std::string_view kValue = "value";
inline constexpr std::string_view kMatrix = "matrix";
inline constexpr std::string_view kVector = "vector";
inline constexpr std::string_view kScalar = "scalar";
inline constexpr std::string_view kStreams = "streams";
inline constexpr std::string_view kMetricName = "__name__";

// Loki: https://grafana.com/docs/loki/latest/reference/loki-http-api/
namespace loki {
inline constexpr std::string_view kQueryRangePath = "/loki/api/v1/query_range";
inline constexpr std::string_view kQueryPath = "/loki/api/v1/query";           // instant: query, time, limit, direction
inline constexpr std::string_view kLabelValuesPrefix = "/loki/api/v1/label/";  // + <name> + kLabelValuesSuffix
inline constexpr std::string_view kLabelValuesSuffix = "/values";
inline constexpr std::string_view kLabelsPath = "/loki/api/v1/labels";
// Asks Loki 3 for 3-tuples [ts, line, {"structuredMetadata":{…},"parsed":{…}}].
inline constexpr std::string_view kEncodingFlagsHeader = "X-Loki-Response-Encoding-Flags";
inline constexpr std::string_view kCategorizeLabels = "categorize-labels";
inline constexpr std::string_view kStream = "stream";
inline constexpr std::string_view kStructuredMetadata = "structuredMetadata";
inline constexpr std::string_view kParsed = "parsed";
// Query parameters.
inline constexpr std::string_view kQuery = "query";
inline constexpr std::string_view kStart = "start";  // ns epoch, inclusive
inline constexpr std::string_view kEnd = "end";      // ns epoch, exclusive
inline constexpr std::string_view kLimit = "limit";
inline constexpr std::string_view kDirection = "direction";  // forward | backward
inline constexpr std::string_view kForward = "forward";
inline constexpr std::string_view kBackward = "backward";
inline constexpr std::string_view kStep = "step";
inline constexpr std::string_view kTime = "time";  // instant query: ns epoch (default now)
// Labels that may hold a level (stream labels or structured metadata), in order.
inline constexpr std::string_view kLevelLabels[] = {"level", "detected_level", "severity", "severity_text", "lvl"};
// Keys that may hold the trace / span id (structured metadata, labels, parsed).
inline constexpr std::string_view kTraceIdKeys[] = {"trace_id", "traceID", "traceId", "trace.id"};
inline constexpr std::string_view kSpanIdKeys[] = {"span_id", "spanID", "spanId", "span.id"};
}  // namespace loki

// Prometheus: https://prometheus.io/docs/prometheus/latest/querying/api/
namespace prometheus {
inline constexpr std::string_view kQueryRangePath = "/api/v1/query_range";
inline constexpr std::string_view kQueryPath = "/api/v1/query";
inline constexpr std::string_view kBuildInfoPath = "/api/v1/status/buildinfo";
inline constexpr std::string_view kQuery = "query";
inline constexpr std::string_view kStart = "start";  // seconds (float ok), inclusive
inline constexpr std::string_view kEnd = "end";      // seconds, inclusive
inline constexpr std::string_view kStep = "step";    // seconds
inline constexpr std::string_view kTime = "time";
inline constexpr std::string_view kErrorType = "errorType";
inline constexpr std::string_view kError = "error";
// query_range refuses more points than this per series.
inline constexpr long kMaxPointsPerSeries = 11000;
}  // namespace prometheus

// Tempo: https://grafana.com/docs/tempo/latest/api_docs/
namespace tempo {
inline constexpr std::string_view kSearchPath = "/api/search";
inline constexpr std::string_view kTracePathPrefix = "/api/traces/";  // + hex trace id
inline constexpr std::string_view kEchoPath = "/api/echo";
// Search parameters; start/end are Unix seconds.
inline constexpr std::string_view kQ = "q";
inline constexpr std::string_view kLimit = "limit";
inline constexpr std::string_view kStart = "start";
inline constexpr std::string_view kEnd = "end";
inline constexpr std::string_view kSpss = "spss";
// Search answer.
inline constexpr std::string_view kTraces = "traces";
inline constexpr std::string_view kTraceIdSearch = "traceID";
inline constexpr std::string_view kSpanIdSearch = "spanID";
inline constexpr std::string_view kRootServiceName = "rootServiceName";
inline constexpr std::string_view kRootTraceName = "rootTraceName";
inline constexpr std::string_view kStartTimeUnixNano = "startTimeUnixNano";
inline constexpr std::string_view kDurationMs = "durationMs";
inline constexpr std::string_view kDurationNanos = "durationNanos";
inline constexpr std::string_view kSpanSet = "spanSet";
inline constexpr std::string_view kSpanSets = "spanSets";
inline constexpr std::string_view kSpans = "spans";
// Trace by id (OTLP JSON; v1 "batches", v2 {"trace":{"resourceSpans"}}).
inline constexpr std::string_view kBatches = "batches";
inline constexpr std::string_view kTrace = "trace";
inline constexpr std::string_view kResourceSpans = "resourceSpans";
inline constexpr std::string_view kResource = "resource";
inline constexpr std::string_view kScopeSpans = "scopeSpans";
inline constexpr std::string_view kInstrumentationLibrarySpans = "instrumentationLibrarySpans";
inline constexpr std::string_view kAttributes = "attributes";
inline constexpr std::string_view kKey = "key";
inline constexpr std::string_view kTraceId = "traceId";
inline constexpr std::string_view kSpanId = "spanId";
inline constexpr std::string_view kParentSpanId = "parentSpanId";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kKind = "kind";
inline constexpr std::string_view kEndTimeUnixNano = "endTimeUnixNano";
inline constexpr std::string_view kSpanStatus = "status";
inline constexpr std::string_view kCode = "code";
inline constexpr std::string_view kMessage = "message";
inline constexpr std::string_view kServiceName = "service.name";
inline constexpr std::string_view kRootNotYetReceived = "<root span not yet received>";
}  // namespace tempo

}  // namespace tinkr::grafana::wire
