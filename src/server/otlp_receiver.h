// The OTLP/HTTP receiver of tinkr-server: the handler and listener options of
// the second port (4318 by default), in front of a backend that stores pushed
// telemetry (ObservabilityBackend::accepts_otlp — the embedded local store).
//
// Wire rules (opentelemetry-proto docs/specification.md, "OTLP/HTTP"):
//   - POST /v1/logs, /v1/metrics, /v1/traces; any other path 404, another
//     method on those paths 405 with `Allow: POST`;
//   - `Content-Type: application/json` (JSON-encoded protobuf). Binary
//     protobuf (`application/x-protobuf`) is answered 415: it is not decoded;
//   - `Content-Encoding: gzip` (or deflate, identity) is decoded; the body is
//     limited to kOtlpMaxBody bytes before AND after decompression (413,
//     which clients must not retry);
//   - 200 with an Export<Signal>ServiceResponse (`{}`, or `partialSuccess`
//     with the rejected count and why); every 4xx/5xx body is a
//     google.rpc.Status in JSON (`{"code":N,"message":"…"}`), including the
//     HTTP layer's own 413/431/503 (otlp_server_options sets error_body).
//   - Authentication: none when the receiver is bound to loopback (any local
//     process may push, as with a collector on 4318); otherwise
//     `Authorization: Bearer <token>` of a key with role oncall (401/403).
//
// Thread-safe: handle_otlp_request runs on the listener's worker threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "net/http_server.h"
#include "net/rpc_status.h"
#include "server/state.h"

namespace tinkr::server {

// The OTLP/HTTP default port (specification: "OTLP/HTTP Default Port").
inline constexpr uint16_t kOtlpDefaultPort = 4318;
// The recommended request size limit of the specification (20 MiB).
inline constexpr size_t kOtlpMaxBody = size_t{20} * 1024 * 1024;

struct OtlpReceiverOptions {
  bool require_token = false;  // true when bound to a non-loopback address
  size_t max_body = kOtlpMaxBody;
};

// A google.rpc.Status answer (JSON) with this HTTP status.
net::ServerResponse otlp_status_response(int http_status, net::RpcCode rpc_code, std::string message);

// One request to the receiver (see the rules above); records metrics in
// state.metrics under the route "otlp:<path>".
net::ServerResponse handle_otlp_request(ServerState& state, const OtlpReceiverOptions& options,
                                        net::ServerRequest& request);

// Listener options for the receiver: host, port, body limit, Status error bodies.
net::HttpServerOptions otlp_server_options(std::string host, uint16_t port, const OtlpReceiverOptions& options);

}  // namespace tinkr::server
