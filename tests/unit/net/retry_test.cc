#include "net/retry.h"

#include <gtest/gtest.h>

namespace tinkr::net {
namespace {

TEST(Retry, RetryableStatuses) {
  for (int s : {429, 500, 502, 503, 504}) EXPECT_TRUE(is_retryable_status(s)) << s;
  for (int s : {200, 400, 401, 403, 404, 501, 505, 507}) EXPECT_FALSE(is_retryable_status(s)) << s;
}

TEST(Retry, FullJitterStaysUnderTheCeiling) {
  RetryPolicy p;
  p.base_delay = Millis(100);
  p.max_delay = Millis(1000);
  std::mt19937_64 rng(42);
  for (int retry = 1; retry <= 10; ++retry) {
    const int64_t ceiling = std::min<int64_t>(1000, 100LL << (retry - 1));
    for (int i = 0; i < 200; ++i) {
      const auto d = backoff_delay(p, retry, rng);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d.count(), ceiling);
    }
  }
}

TEST(Retry, RetryAfterSeconds) {
  const Timestamp t = now();
  EXPECT_EQ(parse_retry_after("120", t), Millis(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", t), Millis(0));
  EXPECT_FALSE(parse_retry_after("soon", t).has_value());
  EXPECT_FALSE(parse_retry_after("", t).has_value());
  EXPECT_FALSE(parse_retry_after("-5", t).has_value());
}

TEST(Retry, RetryAfterHttpDate) {
  const Timestamp t = *parse_rfc3339("2015-10-21T07:27:00Z");
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", t), Millis(60000));
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", t), Millis(60000));  // RFC 850
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:00 2015", t), Millis(60000));           // asctime
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", t), Millis(0));          // past
}

}  // namespace
}  // namespace tinkr::net
