#include "backends/local/otlp_http.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/json.h"

namespace tinkr::local {
namespace {

// google.rpc.Status codes used here.
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 5;
constexpr int kUnimplemented = 12;
constexpr int kUnavailable = 14;

OtlpHttpResponse status_answer(int http_status, int rpc_code, std::string message) {
  OtlpHttpResponse r;
  r.status = http_status;
  r.body = json::serialize(json::object{{"code", rpc_code}, {"message", std::move(message)}});
  return r;
}

}  // namespace

OtlpHttpResponse handle_otlp_http(store::TelemetryStore& store, std::string_view path, std::string_view content_type,
                                  std::string_view body) {
  Format format;
  const char* rejected_field;
  const char* top_key;
  if (path == "/v1/logs") {
    format = Format::kOtlpLogs, rejected_field = "rejectedLogRecords", top_key = "resourceLogs";
  } else if (path == "/v1/metrics") {
    format = Format::kOtlpMetrics, rejected_field = "rejectedDataPoints", top_key = "resourceMetrics";
  } else if (path == "/v1/traces") {
    format = Format::kOtlpTraces, rejected_field = "rejectedSpans", top_key = "resourceSpans";
  } else {
    return status_answer(404, kNotFound, fmt::format("unknown OTLP path {:?}: use /v1/logs, /v1/metrics or /v1/traces", path));
  }
  std::string_view ct = content_type.substr(0, content_type.find(';'));
  if (ct == "application/x-protobuf")
    return status_answer(415, kUnimplemented, "binary protobuf is not supported by the local store: export with "
                                              "OTEL_EXPORTER_OTLP_PROTOCOL=http/json");
  if (!ct.empty() && ct != "application/json")
    return status_answer(415, kInvalidArgument, fmt::format("unsupported Content-Type {:?}: send application/json", ct));
  auto v = parse_json(body, "OTLP request body");
  if (!v) return status_answer(400, kInvalidArgument, v.error().message);
  if (!v->is_object()) return status_answer(400, kInvalidArgument, "an OTLP/JSON request must be a JSON object");
  if (const json::value* top = find_field(*v, top_key); top && !top->is_array())
    return status_answer(400, kInvalidArgument, fmt::format("'{}' must be an array", top_key));
  // A body of another signal would be silently empty: say so.
  for (const char* other : {"resourceLogs", "resourceMetrics", "resourceSpans"})
    if (std::string_view(other) != top_key && v->as_object().contains(other))
      return status_answer(400, kInvalidArgument, fmt::format("{} sent to {}: wrong path for this signal", other, path));
  auto report = ingest_text(store, body, format, "request");
  if (!report)
    return status_answer(503, kUnavailable, "the local store could not save the data: " + report.error().message);
  OtlpHttpResponse r;
  r.report = std::move(*report);
  json::object answer;
  if (r.report.rejected > 0) {
    std::string message = fmt::format("{} record(s) rejected", r.report.rejected);
    for (const auto& p : r.report.problems) message += "; " + p.reason;
    answer["partialSuccess"] = json::object{{rejected_field, std::to_string(r.report.rejected)}, {"errorMessage", message}};
  }
  r.body = json::serialize(answer);
  return r;
}

}  // namespace tinkr::local
