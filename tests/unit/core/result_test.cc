#include "core/result.h"

#include <gtest/gtest.h>

namespace tinkr {
namespace {

Result<int> half(int x) {
  if (x % 2) return make_error(ErrorCode::kInvalidArgument, "odd");
  return x / 2;
}

Result<int> quarter(int x) {
  TINKR_ASSIGN_OR_RETURN(int h, half(x));
  TINKR_ASSIGN_OR_RETURN(int q, half(h));
  return q;
}

Status check(int x) {
  TINKR_RETURN_IF_ERROR(half(x));
  return ok_status();
}

TEST(Result, ValueAndError) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "odd");
  EXPECT_TRUE(check(2).ok());
  EXPECT_FALSE(check(3).ok());
}

TEST(ErrorCode, MapsToHttpAndExitCodes) {
  EXPECT_EQ(http_status(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(http_status(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(http_status(ErrorCode::kRateLimited), 429);
  EXPECT_EQ(http_status(ErrorCode::kBackend), 502);
  EXPECT_EQ(exit_code(ErrorCode::kInvalidArgument), 2);
  EXPECT_EQ(exit_code(ErrorCode::kBackend), 1);
  EXPECT_EQ(error_code_from_http_status(429), ErrorCode::kRateLimited);
  EXPECT_EQ(error_code_from_http_status(500), ErrorCode::kBackend);
  for (auto c : {ErrorCode::kInvalidArgument, ErrorCode::kConfig, ErrorCode::kDeadlineExceeded}) {
    EXPECT_EQ(error_code_from_name(error_code_name(c)), c);
  }
  EXPECT_EQ((Error{ErrorCode::kNotFound, "x"}).to_string(), "not_found: x");
}

}  // namespace
}  // namespace tinkr
