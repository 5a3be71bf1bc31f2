// The OTLP/HTTP receiver's request handlers (JSON encoding) for the paths
// /v1/logs, /v1/metrics and /v1/traces. tinkr-server's listener (port 4318,
// server/otlp_receiver.h: auth, gzip, size limit) reaches it through
// ObservabilityBackend::export_otlp; this turns a decoded body into the answer.
//
// Answers follow the OTLP specification (protocol/otlp.md, "OTLP/HTTP
// Response"): 200 with an Export<Signal>ServiceResponse JSON body — `{}` on
// full success, `{"partialSuccess":{"rejectedLogRecords":"N","errorMessage":…}}`
// (rejectedDataPoints / rejectedSpans for the other signals; int64 as a
// decimal string) when some records were rejected; 400 with a google.rpc.Status
// JSON body (`{"code":3,"message":…}`) for a body that is not valid OTLP/JSON;
// 415 for binary protobuf (not supported: send application/json); 404 for an
// unknown path; 503 (retryable) when the store fails. An empty body is a
// success. Resources without service.name are stored as "unknown_service".
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "backends/local/ingest.h"
#include "store/telemetry_store.h"

namespace tinkr::local {

struct OtlpHttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  IngestReport report;  // what was stored (for the server's own logs and metrics)
};

OtlpHttpResponse handle_otlp_http(store::TelemetryStore& store, std::string_view path, std::string_view content_type,
                                  std::string_view body);

}  // namespace tinkr::local
