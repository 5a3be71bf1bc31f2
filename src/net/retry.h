// Retry policy for outgoing HTTP calls: which answers are worth another try,
// how long to wait (exponential backoff with full jitter, or what the peer asked
// for in Retry-After), and the bounds (attempts, total deadline).
//
// Pure functions over a value type; thread-safe. The random source is passed in
// so that callers (and tests) control it.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "core/time.h"

namespace tinkr::net {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
  int max_attempts = 3;           // total tries, first included; 1 disables retries
  Millis base_delay{200};         // first backoff ceiling; doubles each retry
  Millis max_delay{5000};         // ceiling of one backoff
  Millis total_deadline{60000};   // no new attempt starts after this (from the first)
  Millis max_retry_after{30000};  // a longer Retry-After gives up instead of waiting
  bool retry_connection_errors = true;
  bool retry_statuses = true;  // false: a 429/500/502/503/504 answer is final (the peer already retried)

  // One try only.
  static RetryPolicy none() {
    RetryPolicy p;
    p.max_attempts = 1;
    return p;
  }
};

// 429, 500, 502, 503 and 504: "too many requests" and the server errors that
// can pass (a 500 from Loki or Prometheus is often an overloaded querier).
// Not 501, 505 or the other 5xx, which say the request can never succeed.
bool is_retryable_status(int status);

// The wait before retry number `retry` (1 for the first retry): uniform in
// [0, min(max_delay, base_delay * 2^(retry-1))] ("full jitter").
Millis backoff_delay(const RetryPolicy& policy, int retry, std::mt19937_64& rng);

// Parses a Retry-After value: delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", also the obsolete RFC 850 and asctime
// forms). A date in the past gives 0. nullopt when the value is neither.
std::optional<Millis> parse_retry_after(std::string_view value, Timestamp now);

}  // namespace tinkr::net
