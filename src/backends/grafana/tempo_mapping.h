// Tempo answers into model types, and the TraceQL for a trace search.
//
// Ids: Tempo's search answer carries hex ids, sometimes without leading zeros;
// its trace-by-id answer (OTLP JSON through jsonpb) carries base64. Both are
// normalised to lower-case hex of 32 (trace) / 16 (span) digits. Times are
// nanosecond decimal strings; search durations are durationMs numbers.
// Pure functions; thread-safe. Errors are kBackend (answers) or
// kInvalidArgument (ids and tags given by the user).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backends/backend.h"
#include "core/model.h"
#include "core/result.h"

namespace tinkr::grafana {

// Hex (any case, leading zeros may be missing) or base64 (standard, padded
// or not) to lower-case hex of `hex_digits` digits; nullopt when it is neither.
std::optional<std::string> normalize_id(std::string_view id, size_t hex_digits);
// A trace id the user typed: 1..32 hex digits → 32 lower-case digits.
Result<std::string> parse_user_trace_id(std::string_view id);

// `text` escaped for the inside of a "…" TraceQL string.
std::string escape_traceql_string(std::string_view text);

// The TraceQL `q` of a search: the service (resource.service.name) and tag
// filters in one spanset (a tag value that reads as a number or true/false
// matches that typed value or the string: TraceQL does not convert types), `{ status = error }` and `{ traceDuration >=
// D }` as further spansets; `{ }` when there is nothing to filter on.
Result<std::string> build_traceql(const TraceQuery& q);

// The /api/search answer as trace summaries (no spans), in answer order.
Result<std::vector<Trace>> parse_tempo_search(std::string_view body);

// The /api/traces/<id> answer (v1 "batches", v2 {"trace":{"resourceSpans"}},
// or plain "resourceSpans"; scopeSpans or instrumentationLibrarySpans) as a
// summarized Trace with every span.
Result<Trace> parse_tempo_trace(std::string_view body);

}  // namespace tinkr::grafana
