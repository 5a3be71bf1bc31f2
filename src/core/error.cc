#include "core/result.h"

#include <array>

namespace tinkr {
namespace {

struct CodeInfo {
  ErrorCode code;
  std::string_view name;
  int http;
};

constexpr std::array<CodeInfo, 14> kCodes = {{
    {ErrorCode::kInvalidArgument, "invalid_argument", 400},
    {ErrorCode::kUnauthenticated, "unauthenticated", 401},
    {ErrorCode::kPermissionDenied, "permission_denied", 403},
    {ErrorCode::kNotFound, "not_found", 404},
    {ErrorCode::kConflict, "conflict", 409},
    {ErrorCode::kPayloadTooLarge, "payload_too_large", 413},
    {ErrorCode::kRateLimited, "rate_limited", 429},
    {ErrorCode::kConfig, "config_error", 500},
    {ErrorCode::kInternal, "internal", 500},
    {ErrorCode::kUnimplemented, "unimplemented", 501},
    {ErrorCode::kBackend, "backend_error", 502},
    {ErrorCode::kUnavailable, "unavailable", 503},
    {ErrorCode::kDeadlineExceeded, "deadline_exceeded", 504},
    {ErrorCode::kCancelled, "cancelled", 499},
}};

const CodeInfo& info(ErrorCode code) {
  for (const auto& c : kCodes) {
    if (c.code == code) return c;
  }
  return kCodes[8];  // internal
}

}  // namespace

std::string_view error_code_name(ErrorCode code) { return info(code).name; }

ErrorCode error_code_from_name(std::string_view name) {
  for (const auto& c : kCodes) {
    if (c.name == name) return c.code;
  }
  return ErrorCode::kInternal;
}

int http_status(ErrorCode code) { return info(code).http; }

ErrorCode error_code_from_http_status(int status) {
  switch (status) {
    case 400:
    case 422: return ErrorCode::kInvalidArgument;
    case 401: return ErrorCode::kUnauthenticated;
    case 403: return ErrorCode::kPermissionDenied;
    case 404: return ErrorCode::kNotFound;
    case 409: return ErrorCode::kConflict;
    case 413: return ErrorCode::kPayloadTooLarge;
    case 429: return ErrorCode::kRateLimited;
    case 499: return ErrorCode::kCancelled;
    case 501: return ErrorCode::kUnimplemented;
    case 503: return ErrorCode::kUnavailable;
    case 504: return ErrorCode::kDeadlineExceeded;
    default: break;
  }
  if (status >= 500) return ErrorCode::kBackend;
  if (status >= 400) return ErrorCode::kInvalidArgument;
  return ErrorCode::kInternal;
}

int exit_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 2;
    case ErrorCode::kCancelled: return 130;
    default: return 1;
  }
}

std::string Error::to_string() const {
  std::string out(error_code_name(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace tinkr
