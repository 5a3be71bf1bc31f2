// google.rpc.Status bodies and the ErrorCode → google.rpc.Code mapping
// shared by the OTLP receiver and the local backend's OTLP handlers.
#include "net/rpc_status.h"

#include <gtest/gtest.h>

namespace tinkr::net {
namespace {

TEST(RpcStatus, CodesAreThoseOfGoogleRpcCodeProto) {
  EXPECT_EQ(static_cast<int>(RpcCode::kInvalidArgument), 3);
  EXPECT_EQ(static_cast<int>(RpcCode::kNotFound), 5);
  EXPECT_EQ(static_cast<int>(RpcCode::kPermissionDenied), 7);
  EXPECT_EQ(static_cast<int>(RpcCode::kResourceExhausted), 8);
  EXPECT_EQ(static_cast<int>(RpcCode::kUnimplemented), 12);
  EXPECT_EQ(static_cast<int>(RpcCode::kInternal), 13);
  EXPECT_EQ(static_cast<int>(RpcCode::kUnavailable), 14);
  EXPECT_EQ(static_cast<int>(RpcCode::kUnauthenticated), 16);
}

TEST(RpcStatus, ErrorCodesMapToTheirRpcCounterpart) {
  EXPECT_EQ(rpc_code(ErrorCode::kInvalidArgument), RpcCode::kInvalidArgument);
  EXPECT_EQ(rpc_code(ErrorCode::kUnauthenticated), RpcCode::kUnauthenticated);
  EXPECT_EQ(rpc_code(ErrorCode::kPermissionDenied), RpcCode::kPermissionDenied);
  EXPECT_EQ(rpc_code(ErrorCode::kNotFound), RpcCode::kNotFound);
  EXPECT_EQ(rpc_code(ErrorCode::kPayloadTooLarge), RpcCode::kResourceExhausted);
  EXPECT_EQ(rpc_code(ErrorCode::kRateLimited), RpcCode::kResourceExhausted);
  EXPECT_EQ(rpc_code(ErrorCode::kUnimplemented), RpcCode::kUnimplemented);
  EXPECT_EQ(rpc_code(ErrorCode::kUnavailable), RpcCode::kUnavailable);
}

TEST(RpcStatus, ErrorCodesWithoutCounterpartAreInternal) {
  for (ErrorCode c : {ErrorCode::kConflict, ErrorCode::kConfig, ErrorCode::kInternal, ErrorCode::kBackend,
                      ErrorCode::kDeadlineExceeded, ErrorCode::kCancelled})
    EXPECT_EQ(rpc_code(c), RpcCode::kInternal) << error_code_name(c);
}

TEST(RpcStatus, JsonBodyHasCodeThenEscapedMessage) {
  EXPECT_EQ(rpc_status_json(RpcCode::kNotFound, "no such path"), R"({"code":5,"message":"no such path"})");
  EXPECT_EQ(rpc_status_json(RpcCode::kInvalidArgument, "a \"quoted\"\nline"),
            R"({"code":3,"message":"a \"quoted\"\nline"})");
}

}  // namespace
}  // namespace tinkr::net
