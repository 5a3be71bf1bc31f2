#include "net/rpc_status.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tinkr::net {

RpcCode rpc_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return RpcCode::kInvalidArgument;
    case ErrorCode::kUnauthenticated: return RpcCode::kUnauthenticated;
    case ErrorCode::kPermissionDenied: return RpcCode::kPermissionDenied;
    case ErrorCode::kNotFound: return RpcCode::kNotFound;
    case ErrorCode::kPayloadTooLarge:
    case ErrorCode::kRateLimited: return RpcCode::kResourceExhausted;
    case ErrorCode::kUnimplemented: return RpcCode::kUnimplemented;
    case ErrorCode::kUnavailable: return RpcCode::kUnavailable;
    default: return RpcCode::kInternal;
  }
}

std::string rpc_status_json(RpcCode code, std::string message) {
  return boost::json::serialize(boost::json::object{{"code", static_cast<int>(code)}, {"message", std::move(message)}});
}

}  // namespace tinkr::net
