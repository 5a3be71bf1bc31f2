#include "core/time.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace tinkr {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

bool read_digits(std::string_view s, size_t& pos, size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += count;
  return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

Error bad_time(std::string_view text, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("invalid timestamp '{}': {}; expected RFC 3339 such as 2026-11-23T09:15:00Z", text,
                                why));
}

Error bad_duration(std::string_view text, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("invalid duration '{}': {}; expected e.g. 30s, 15m, 2h, 7d, 1w, 1h30m or PT1H", text,
                                why));
}

// Multiplies a unit by a count and adds it, refusing overflow.
bool add_scaled(int64_t& total, int64_t count, int64_t unit_ns) {
  if (count > std::numeric_limits<int64_t>::max() / unit_ns) return false;
  int64_t part = count * unit_ns;
  if (total > std::numeric_limits<int64_t>::max() - part) return false;
  total += part;
  return true;
}

Result<Nanos> parse_compact_duration(std::string_view text) {
  int64_t total = 0;
  size_t pos = 0;
  bool any = false;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (start == pos) return bad_duration(text, "a number must come before each unit");
    int64_t count = 0;
    auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + pos, count);
    if (ec != std::errc()) return bad_duration(text, "number too large");
    size_t ustart = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    std::string_view unit = text.substr(ustart, pos - ustart);
    int64_t unit_ns = 0;
    if (unit == "ns") unit_ns = 1;
    else if (unit == "us" || unit == "µs") unit_ns = 1'000;
    else if (unit == "ms") unit_ns = 1'000'000;
    else if (unit == "s" || unit == "sec") unit_ns = 1'000'000'000;
    else if (unit == "m" || unit == "min") unit_ns = 60'000'000'000;
    else if (unit == "h") unit_ns = 3'600'000'000'000;
    else if (unit == "d") unit_ns = 86'400'000'000'000;
    else if (unit == "w") unit_ns = 604'800'000'000'000;
    else if (unit.empty()) return bad_duration(text, "missing unit");
    else return bad_duration(text, fmt::format("unknown unit '{}'", unit));
    if (!add_scaled(total, count, unit_ns)) return bad_duration(text, "too long");
    any = true;
  }
  if (!any) return bad_duration(text, "empty");
  return Nanos(total);
}

// ISO 8601 durations: P[nW][nD][T[nH][nM][n[.f]S]]. Years and months are
// refused: their length depends on the calendar.
Result<Nanos> parse_iso_duration(std::string_view text) {
  size_t pos = 1;  // after 'P'
  bool in_time = false;
  bool any = false;
  int64_t total = 0;
  while (pos < text.size()) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[pos])));
    if (c == 'T') {
      if (in_time) return bad_duration(text, "'T' twice");
      in_time = true;
      ++pos;
      continue;
    }
    size_t start = pos;
    while (pos < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.' || text[pos] == ',')) {
      ++pos;
    }
    if (start == pos || pos >= text.size()) return bad_duration(text, "malformed ISO 8601 duration");
    std::string number(text.substr(start, pos - start));
    for (auto& ch : number) {
      if (ch == ',') ch = '.';
    }
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[pos++])));
    int64_t unit_ns = 0;
    if (!in_time && unit == 'W') unit_ns = 604'800'000'000'000;
    else if (!in_time && unit == 'D') unit_ns = 86'400'000'000'000;
    else if (in_time && unit == 'H') unit_ns = 3'600'000'000'000;
    else if (in_time && unit == 'M') unit_ns = 60'000'000'000;
    else if (in_time && unit == 'S') unit_ns = 1'000'000'000;
    else if (!in_time && (unit == 'Y' || unit == 'M'))
      return bad_duration(text, "years and months have no fixed length; use days or weeks");
    else return bad_duration(text, fmt::format("unexpected '{}'", unit));
    auto dot = number.find('.');
    if (dot == std::string::npos) {
      int64_t count = 0;
      auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
      if (ec != std::errc() || p != number.data() + number.size()) return bad_duration(text, "bad number");
      if (!add_scaled(total, count, unit_ns)) return bad_duration(text, "too long");
    } else {
      char* end = nullptr;
      double v = std::strtod(number.c_str(), &end);
      if (end != number.c_str() + number.size() || !std::isfinite(v)) return bad_duration(text, "bad number");
      double ns = v * static_cast<double>(unit_ns);
      if (ns > 9.2e18) return bad_duration(text, "too long");
      int64_t part = static_cast<int64_t>(std::llround(ns));
      if (total > std::numeric_limits<int64_t>::max() - part) return bad_duration(text, "too long");
      total += part;
    }
    any = true;
  }
  if (!any) return bad_duration(text, "no components");
  return Nanos(total);
}

}  // namespace

Timestamp now() { return std::chrono::time_point_cast<Nanos>(std::chrono::system_clock::now()); }

Timestamp from_unix_seconds(double s) { return Timestamp(Nanos(static_cast<int64_t>(std::llround(s * 1e9)))); }

Result<Timestamp> parse_rfc3339(std::string_view text) {
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;  // initialised: -O3 (Release, make bench) warns maybe-uninitialized
  if (!read_digits(text, pos, 4, y) || !expect(text, pos, '-') || !read_digits(text, pos, 2, mo) ||
      !expect(text, pos, '-') || !read_digits(text, pos, 2, d)) {
    return bad_time(text, "bad date");
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return bad_time(text, "missing 'T' between date and time");
  }
  ++pos;
  if (!read_digits(text, pos, 2, h) || !expect(text, pos, ':') || !read_digits(text, pos, 2, mi) ||
      !expect(text, pos, ':') || !read_digits(text, pos, 2, s)) {
    return bad_time(text, "bad time of day");
  }
  int64_t frac_ns = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    size_t start = pos;
    int64_t scale = 100'000'000;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (scale > 0) {
        frac_ns += (text[pos] - '0') * scale;
        scale /= 10;
      }
      ++pos;
    }
    if (pos == start) return bad_time(text, "empty fraction");
  }
  int offset_min = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!read_digits(text, pos, 2, oh)) return bad_time(text, "bad UTC offset");
    expect(text, pos, ':');
    if (!read_digits(text, pos, 2, om)) return bad_time(text, "bad UTC offset");
    if (oh > 23 || om > 59) return bad_time(text, "bad UTC offset");
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad_time(text, "missing time zone ('Z' or an offset such as +02:00)");
  }
  if (pos != text.size()) return bad_time(text, "unexpected text after the time zone");
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad_time(text, "no such date");
  if (h > 23 || mi > 59 || s > 60) return bad_time(text, "no such time of day");
  if (s == 60) s = 59;  // leap second: clamp, as most systems do
  if (y < 1678 || y > 2261) return bad_time(text, "year out of range 1678..2261");
  auto tp = sys_days{ymd} + hours(h) + minutes(mi) + seconds(s) - minutes(offset_min);
  return Timestamp(duration_cast<Nanos>(tp.time_since_epoch()) + Nanos(frac_ns));
}

std::string format_rfc3339(Timestamp t, int frac_digits) {
  using namespace std::chrono;
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  auto tod = t - day_point;
  int64_t total_ns = tod.count();
  int64_t secs = total_ns / 1'000'000'000;
  int64_t frac = total_ns % 1'000'000'000;
  int h = static_cast<int>(secs / 3600), mi = static_cast<int>((secs / 60) % 60), s = static_cast<int>(secs % 60);
  if (frac_digits < 0) {
    if (frac == 0) frac_digits = 0;
    else if (frac % 1'000'000 == 0) frac_digits = 3;
    else if (frac % 1'000 == 0) frac_digits = 6;
    else frac_digits = 9;
  }
  if (frac_digits > 9) frac_digits = 9;
  int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {  // rare: keep fmt's sign and width rules
    std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", y, static_cast<unsigned>(ymd.month()),
                                  static_cast<unsigned>(ymd.day()), h, mi, s);
    if (frac_digits > 0) {
      std::string digits = fmt::format("{:09d}", frac);
      out += '.';
      out.append(digits, 0, static_cast<size_t>(frac_digits));
    }
    out += 'Z';
    return out;
  }
  // Fixed-width digits written in place: this runs for every query translated
  // with a time range, and fmt::format was most of the cost.
  char buf[32] = "0000-00-00T00:00:00.000000000";
  auto put = [&buf](size_t at, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) buf[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  put(0, y, 4);
  put(5, static_cast<unsigned>(ymd.month()), 2);
  put(8, static_cast<unsigned>(ymd.day()), 2);
  put(11, h, 2);
  put(14, mi, 2);
  put(17, s, 2);
  put(20, frac, 9);
  size_t len = frac_digits > 0 ? 20 + static_cast<size_t>(frac_digits) : 19;
  buf[len] = 'Z';
  return std::string(buf, len + 1);
}

Result<Nanos> parse_duration(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return bad_duration(text, "empty");
  if (text.front() == '-') return bad_duration(text, "negative");
  if (text.front() == 'P' || text.front() == 'p') return parse_iso_duration(text);
  return parse_compact_duration(text);
}

std::string format_duration(Nanos d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out += '-';
    ns = -ns;
  }
  if (ns % 1'000'000'000 != 0) {
    if (ns < 1'000) return out + fmt::format("{}ns", ns);
    if (ns < 1'000'000) return out + fmt::format("{}us", ns / 1'000);
    if (ns < 1'000'000'000) return out + fmt::format("{}ms", ns / 1'000'000);
    // more than a second with a fraction: seconds with up to 3 decimals
    return out + fmt::format("{:.3g}s", static_cast<double>(ns) / 1e9);
  }
  int64_t s = ns / 1'000'000'000;
  const std::pair<int64_t, const char*> units[] = {{604800, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (auto [len, name] : units) {
    if (s >= len) {
      out += fmt::format("{}{}", s / len, name);
      s %= len;
    }
  }
  return out;
}

std::string format_iso8601_duration(Nanos d) {
  int64_t ns = d.count();
  if (ns <= 0) return "PT0S";
  int64_t days_part = ns / 86'400'000'000'000;
  int64_t rest = ns % 86'400'000'000'000;
  std::string out = "P";
  if (days_part > 0) out += fmt::format("{}D", days_part);
  if (rest > 0) {
    out += 'T';
    int64_t h = rest / 3'600'000'000'000;
    rest %= 3'600'000'000'000;
    int64_t m = rest / 60'000'000'000;
    rest %= 60'000'000'000;
    if (h) out += fmt::format("{}H", h);
    if (m) out += fmt::format("{}M", m);
    if (rest) {
      if (rest % 1'000'000'000 == 0) out += fmt::format("{}S", rest / 1'000'000'000);
      else {
        std::string frac = fmt::format("{}.{:09d}", rest / 1'000'000'000, rest % 1'000'000'000);
        while (frac.back() == '0') frac.pop_back();
        out += frac + "S";
      }
    }
  }
  return out;
}

Result<Timestamp> parse_instant(std::string_view text, Timestamp now_time) {
  if (text == "now") return now_time;
  if (text.substr(0, 4) == "now-") {
    auto d = parse_duration(text.substr(4));
    if (!d) return d.error();
    return now_time - *d;
  }
  if (!text.empty() && std::all_of(text.begin(), text.end(),
                                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; })) {
    if (text.size() == 10 || text.find('.') != std::string_view::npos) {
      char* end = nullptr;
      std::string s(text);
      double v = std::strtod(s.c_str(), &end);
      if (end == s.c_str() + s.size()) return from_unix_seconds(v);
    }
  }
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    return parse_rfc3339(std::string(text) + "T00:00:00Z");
  }
  return parse_rfc3339(text);
}

Result<TimeRange> resolve_range(const std::optional<std::string>& since, const std::optional<std::string>& from,
                                const std::optional<std::string>& to, Timestamp now_time, Nanos default_since) {
  if (since && from) {
    return make_error(ErrorCode::kInvalidArgument, "--since and --from cannot be used together; pick one");
  }
  if (to && !from) {
    return make_error(ErrorCode::kInvalidArgument, "--to needs --from");
  }
  if (from) {
    auto f = parse_instant(*from, now_time);
    if (!f) return f.error();
    Timestamp t = now_time;
    if (to) {
      auto parsed = parse_instant(*to, now_time);
      if (!parsed) return parsed.error();
      t = *parsed;
    }
    if (*f >= t) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("--from ({}) must be before --to ({})", format_rfc3339(*f), format_rfc3339(t)));
    }
    return TimeRange{*f, t};
  }
  Nanos length = default_since;
  if (since) {
    auto d = parse_duration(*since);
    if (!d) return d.error();
    if (d->count() == 0) return make_error(ErrorCode::kInvalidArgument, "--since must be longer than 0s");
    length = *d;
  }
  return TimeRange{now_time - length, now_time};
}

}  // namespace tinkr
