#include "net/retry.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>
#include <string>

namespace tinkr::net {
namespace {

// An HTTP-date (RFC 9110 §5.6.7) as seconds since the epoch: IMF-fixdate, or
// the obsolete RFC 850 and asctime forms a recipient must also accept. The
// names of days and months are English whatever the process's locale.
std::optional<time_t> parse_http_date(std::string_view text) {
  static constexpr const char* kForms[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                                           "%a %b %d %H:%M:%S %Y"};
  for (const char* form : kForms) {
    std::istringstream in{std::string(text)};
    in.imbue(std::locale::classic());
    std::tm tm{};
    in >> std::get_time(&tm, form);
    if (in.fail()) continue;
    in >> std::ws;
    if (!in.eof()) continue;  // something follows the date
    return timegm(&tm);
  }
  return std::nullopt;
}

}  // namespace

bool is_retryable_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

Millis backoff_delay(const RetryPolicy& policy, int retry, std::mt19937_64& rng) {
  if (retry < 1) retry = 1;
  const int64_t base = std::max<int64_t>(0, policy.base_delay.count());
  const int64_t cap = std::max<int64_t>(0, policy.max_delay.count());
  int64_t ceiling = base;
  for (int i = 1; i < retry && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  if (ceiling <= 0) return Millis(0);
  std::uniform_int_distribution<int64_t> dist(0, ceiling);
  return Millis(dist(rng));
}

std::optional<Millis> parse_retry_after(std::string_view value, Timestamp now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t seconds = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || p != value.data() + value.size()) return Millis(INT64_MAX / 2);  // absurdly large
    if (seconds > INT64_MAX / 2000) return Millis(INT64_MAX / 2);
    return Millis(seconds * 1000);
  }
  const auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  const auto target = std::chrono::sys_seconds(std::chrono::seconds(*when));
  const auto delta = std::chrono::duration_cast<Millis>(target - now);
  return delta.count() > 0 ? delta : Millis(0);
}

}  // namespace tinkr::net
