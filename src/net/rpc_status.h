// google.rpc.Status (google/rpc/status.proto) as the JSON body of an HTTP
// error answer: `{"code":N,"message":"…"}`, what OTLP/HTTP answers carry
// (opentelemetry-proto docs/specification.md, "Failures"). Shared by the
// OTLP receiver's listener (server/otlp_receiver) and the local backend's
// OTLP handlers (backends/local/otlp_http). Pure, thread-safe.
#pragma once

#include <string>

#include "core/result.h"

namespace tinkr::net {

// The google.rpc.Code values (google/rpc/code.proto) Tinkr answers with.
enum class RpcCode : int {
  kInvalidArgument = 3,
  kNotFound = 5,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kUnauthenticated = 16,
};

// The code that describes an error: payload too large and rate limited are
// kResourceExhausted; codes without a counterpart are kInternal.
RpcCode rpc_code(ErrorCode code);

// The Status JSON: {"code":<code>,"message":<message>}.
std::string rpc_status_json(RpcCode code, std::string message);

}  // namespace tinkr::net
