// Loki answers into model types: query_range "streams" into LogEntry (labels,
// Loki 3 structured metadata and parsed labels into attributes; the service
// from the configured service label; the level from a level label or parsed
// from a JSON / logfmt line; trace and span ids from metadata), "matrix"
// (also Prometheus') into labelled point lists, and label values.
//
// Streams are mapped while a SAX parser reads them (loki_streams.cc: no DOM,
// the answers can be tens of MB); the other answers parse into a monotonic
// arena per call. Pure functions; thread-safe. Errors are kBackend with what
// was wrong.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/result.h"

namespace tinkr::grafana {

struct LokiMappingOptions {
  std::string service_label = "service_name";
};

struct LokiStreamsAnswer {
  std::vector<LogEntry> entries;  // in answer order (per stream), not merged
  std::vector<std::string> warnings;
};

// Parses a query_range / query answer whose resultType is "streams". Accepts
// 2-tuples [ts, line] and categorize-labels 3-tuples [ts, line, {…}].
Result<LokiStreamsAnswer> parse_loki_streams(std::string_view body, const LokiMappingOptions& options);

// One series of a "matrix" answer: its label set and points (ascending).
struct LabelledPoints {
  Attributes labels;
  std::vector<MetricPoint> points;
};

struct MatrixAnswer {
  std::vector<LabelledPoints> series;
  std::vector<std::string> warnings;
};

// Parses a Loki or Prometheus answer of resultType "matrix" (or "vector" /
// "scalar", turned into one-point series). Values "NaN"/"±Inf" are dropped
// (JSON cannot carry them). Does not interpret {"status":"error"} bodies
// beyond failing with their text.
Result<MatrixAnswer> parse_matrix_answer(std::string_view body);

// The "data" array of a label values answer.
Result<std::vector<std::string>> parse_label_values(std::string_view body);

// The level of a log line from its text: a JSON object's level/lvl/severity/
// levelname/log.level key, or a logfmt level=/lvl=/severity= pair. kUnknown
// when neither is there.
Level level_from_line(std::string_view line);

}  // namespace tinkr::grafana
