// Time in Tinkr: UTC instants with nanosecond precision, durations, ranges.
//
// Timestamp is std::chrono::sys_time<nanoseconds> (UTC, int64 ns since the Unix
// epoch: years 1678..2261). Every function here is pure and thread-safe except
// now(), which reads the system clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tinkr {

using Nanos = std::chrono::nanoseconds;
using Timestamp = std::chrono::sys_time<Nanos>;

// The current time.
Timestamp now();

// Nanoseconds since the epoch, and back.
inline int64_t to_unix_nanos(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp from_unix_nanos(int64_t ns) { return Timestamp(Nanos(ns)); }
inline double to_unix_seconds(Timestamp t) { return static_cast<double>(to_unix_nanos(t)) / 1e9; }
Timestamp from_unix_seconds(double seconds);

// Parses RFC 3339 ("2026-11-23T09:13:00.123456789Z", offsets "+02:00", a space
// or lower-case 't'/'z' accepted). Fractions beyond 9 digits are truncated.
Result<Timestamp> parse_rfc3339(std::string_view text);

// Formats as RFC 3339 in UTC with a 'Z'. frac_digits 0..9 fixes the fraction;
// -1 uses the shortest of 0, 3, 6 or 9 digits that is exact.
std::string format_rfc3339(Timestamp t, int frac_digits = -1);

// Parses a duration: compact ("30s", "15m", "2h", "7d", "1w", "500ms", "1h30m",
// units ns us ms s m h d w) or ISO 8601 ("PT1H", "P1D", "PT1H30M", "PT0.5S",
// "P1W"). Negative and empty durations are errors.
Result<Nanos> parse_duration(std::string_view text);

// "1h30m", "45s", "250ms", "0s": the compact form parse_duration accepts.
std::string format_duration(Nanos d);
// ISO 8601 form ("PT1H30M", "P1D", "PT0.5S").
std::string format_iso8601_duration(Nanos d);

// A half-open interval [from, to).
struct TimeRange {
  Timestamp from;
  Timestamp to;
  Nanos length() const { return to - from; }
  bool contains(Timestamp t) const { return t >= from && t < to; }
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// Parses an instant for --from/--to: RFC 3339, a date ("2026-11-23", midnight
// UTC), "now", "now-1h", or Unix seconds.
Result<Timestamp> parse_instant(std::string_view text, Timestamp now);

// The range a command asks for: --since D gives [now-D, now); --from/--to give
// [from, to) (to defaults to now). since and from together, or from >= to, are
// invalid-argument errors. With neither, [now - default_since, now).
Result<TimeRange> resolve_range(const std::optional<std::string>& since, const std::optional<std::string>& from,
                                const std::optional<std::string>& to, Timestamp now,
                                Nanos default_since = std::chrono::hours(1));

}  // namespace tinkr
