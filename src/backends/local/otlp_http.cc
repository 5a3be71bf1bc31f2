#include "backends/local/otlp_http.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json.h"
#include "net/rpc_status.h"

namespace tinkr::local {
namespace {

using net::RpcCode;

OtlpHttpResponse status_answer(int http_status, RpcCode rpc_code, std::string message) {
  OtlpHttpResponse r;
  r.status = http_status;
  r.body = net::rpc_status_json(rpc_code, std::move(message));
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
    return status_answer(404, RpcCode::kNotFound,
                         fmt::format("unknown OTLP path {:?}: use /v1/logs, /v1/metrics or /v1/traces", path));
  }
  std::string ct(content_type.substr(0, content_type.find(';')));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  std::transform(ct.begin(), ct.end(), ct.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ct == "application/x-protobuf" || ct == "application/protobuf")
    return status_answer(415, RpcCode::kUnimplemented,
                         "binary protobuf (application/x-protobuf) is not decoded by Tinkr's OTLP receiver: send "
                         "OTLP/JSON with Content-Type: application/json (SDKs: OTEL_EXPORTER_OTLP_PROTOCOL=http/json; "
                         "collector otlphttp exporter: encoding: json)");
  if (!ct.empty() && ct != "application/json")
    return status_answer(415, RpcCode::kInvalidArgument,
                         fmt::format("unsupported Content-Type {:?}: send OTLP/JSON as application/json", ct));
  // An export that carries nothing is a success (specification: "Full Success").
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    OtlpHttpResponse empty;
    empty.body = "{}";
    return empty;
  }
  auto v = parse_json(body, "OTLP request body");
  if (!v) return status_answer(400, RpcCode::kInvalidArgument, v.error().message);
  if (!v->is_object())
    return status_answer(400, RpcCode::kInvalidArgument, "an OTLP/JSON request must be a JSON object");
  if (const json::value* top = find_field(*v, top_key); top && !top->is_array())
    return status_answer(400, RpcCode::kInvalidArgument, fmt::format("'{}' must be an array", top_key));
  // A body of another signal would be silently empty: say so.
  for (const char* other : {"resourceLogs", "resourceMetrics", "resourceSpans"})
    if (std::string_view(other) != top_key && v->as_object().contains(other))
      return status_answer(400, RpcCode::kInvalidArgument,
                           fmt::format("{} sent to {}: wrong path for this signal", other, path));
  IngestOptions options;
  options.default_service = "unknown_service";  // OTel's name for a resource without service.name
  auto report = ingest_text(store, body, format, "request", options);
  if (!report)
    return status_answer(503, RpcCode::kUnavailable,
                         "the local store could not save the data: " + report.error().message);
  OtlpHttpResponse r;
  r.report = std::move(*report);
  json::object answer;
  if (r.report.rejected > 0) {
    std::string message = fmt::format("{} record(s) rejected", r.report.rejected);
    for (const auto& p : r.report.problems) message += "; " + p.reason;
    answer["partialSuccess"] =
        json::object{{rejected_field, std::to_string(r.report.rejected)}, {"errorMessage", message}};
  }
  r.body = json::serialize(answer);
  return r;
}

}  // namespace tinkr::local
