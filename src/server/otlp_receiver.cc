#include "server/otlp_receiver.h"

#include <chrono>

#include <fmt/format.h>

#include "core/json.h"
#include "net/content_encoding.h"
#include "net/rpc_status.h"
#include "server/log.h"

namespace tinkr::server {
namespace {

using net::RpcCode;

bool is_otlp_path(std::string_view path) { return path == "/v1/logs" || path == "/v1/metrics" || path == "/v1/traces"; }

// 401/403 answer, or nullopt when the caller may export.
std::optional<net::ServerResponse> check_token(const ServerState& state, const net::ServerRequest& request) {
  auto token = auth::bearer_token(request.header("authorization"));
  std::optional<auth::Principal> principal;
  if (token) principal = state.keys.authenticate(*token);
  if (!principal) {
    auto r = otlp_status_response(
        401, RpcCode::kUnauthenticated,
        token ? "the bearer token is not valid; create a key with `tinkr-server keys create --role oncall`"
              : "this OTLP receiver is not on loopback, so it needs 'Authorization: Bearer <token>' of a key with role "
                "oncall (collector: headers: {Authorization: \"Bearer tkr_…\"}; SDK: "
                "OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20tkr_…)");
    r.headers.emplace_back("WWW-Authenticate", token ? R"(Bearer realm="tinkr-otlp", error="invalid_token")"
                                                     : R"(Bearer realm="tinkr-otlp")");
    return r;
  }
  if (!principal->allows(auth::Role::kOncall)) {
    return otlp_status_response(403, RpcCode::kPermissionDenied,
                                fmt::format("exporting telemetry needs role oncall (or higher); '{}' has a viewer key",
                                            principal->subject));
  }
  return std::nullopt;
}

net::ServerResponse answer(ServerState& state, const OtlpReceiverOptions& options, net::ServerRequest& request) {
  if (!is_otlp_path(request.path)) {
    return otlp_status_response(404, RpcCode::kNotFound,
                                fmt::format("no OTLP endpoint {}: POST to /v1/logs, /v1/metrics or /v1/traces "
                                            "(the Tinkr API is on its other port)",
                                            request.path));
  }
  if (request.method != "POST") {
    auto r = otlp_status_response(405, RpcCode::kUnimplemented,
                                  fmt::format("{} is not allowed on {}: OTLP/HTTP exports are POST requests",
                                              request.method, request.path));
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  if (options.require_token) {
    if (auto denied = check_token(state, request)) return std::move(*denied);
  }
  ObservabilityBackend* backend = state.backend.get();
  if (!backend || !backend->accepts_otlp()) {
    return otlp_status_response(503, RpcCode::kUnavailable,
                                "the backend cannot store telemetry right now: " +
                                    (backend ? std::string("it does not accept pushed data") : state.backend_problem));
  }
  std::string_view encoding = request.header("content-encoding");
  if (!net::is_supported_content_encoding(encoding)) {
    auto r = otlp_status_response(415, RpcCode::kInvalidArgument,
                                  fmt::format("Content-Encoding '{}' is not supported: use gzip or no compression",
                                              encoding));
    r.headers.emplace_back("Accept-Encoding", "gzip, deflate");
    return r;
  }
  std::string decoded_storage;
  std::string_view body = request.body;
  if (!encoding.empty()) {
    auto decoded = net::decode_content(encoding, request.body, options.max_body);
    if (!decoded)
      return otlp_status_response(http_status(decoded.error().code), net::rpc_code(decoded.error().code),
                                  decoded.error().message);
    decoded_storage = std::move(*decoded);
    body = decoded_storage;
  }
  auto a = backend->export_otlp(request.path, request.header("content-type"), body);
  net::ServerResponse r;
  r.status = a.status;
  r.body = std::move(a.body);
  if (a.status == 503) r.headers.emplace_back("Retry-After", "5");
  if (a.status != 200 || a.rejected > 0) {
    log_json(a.status >= 500 ? LogLevel::kError : LogLevel::kWarn, "otlp export refused or partly rejected",
             {{"path", request.path},
              {"status", a.status},
              {"stored", a.stored},
              {"rejected", a.rejected},
              {"remote", request.remote_address},
              {"answer", r.body.substr(0, 300)}});
  } else {
    log_json(LogLevel::kDebug, "otlp export",
             {{"path", request.path}, {"stored", a.stored}, {"remote", request.remote_address}});
  }
  return r;
}

}  // namespace

net::ServerResponse otlp_status_response(int http_status, net::RpcCode rpc_code, std::string message) {
  net::ServerResponse r;
  r.status = http_status;
  r.content_type = "application/json";
  r.body = net::rpc_status_json(rpc_code, std::move(message));
  return r;
}

net::ServerResponse handle_otlp_request(ServerState& state, const OtlpReceiverOptions& options,
                                        net::ServerRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  net::ServerResponse r = answer(state, options, request);
  const std::string route = is_otlp_path(request.path) ? "otlp:" + request.path : "otlp:unmatched";
  state.metrics.record_request(request.method, route, r.status, std::chrono::steady_clock::now() - t0);
  return r;
}

net::HttpServerOptions otlp_server_options(std::string host, uint16_t port, const OtlpReceiverOptions& options) {
  net::HttpServerOptions o;
  o.host = std::move(host);
  o.port = port;
  o.worker_threads = 4;
  o.body_limit = options.max_body;
  o.error_body = [](const Error& e) {
    std::string message = e.message;
    if (e.code == ErrorCode::kPayloadTooLarge) message += " (the OTLP receiver's limit; send smaller batches)";
    return otlp_status_response(http_status(e.code), net::rpc_code(e.code), std::move(message));
  };
  return o;
}

}  // namespace tinkr::server
