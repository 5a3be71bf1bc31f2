#include "backends/local/text_formats.h"

#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <boost/json.hpp>

namespace tinkr::local {
namespace {

namespace json = boost::json;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <size_t N>
bool one_of(std::string_view key, const std::array<std::string_view, N>& names) {
  for (auto n : names)
    if (key == n) return true;
  return false;
}

constexpr std::array<std::string_view, 6> kTimeKeys = {"time", "timestamp", "@timestamp", "ts", "t", "datetime"};
constexpr std::array<std::string_view, 7> kLevelKeys = {"level",     "severity",  "lvl",          "loglevel",
                                                        "levelname", "log.level", "severity_text"};
constexpr std::array<std::string_view, 5> kMessageKeys = {"msg", "message", "log", "body", "event"};
constexpr std::array<std::string_view, 6> kServiceKeys = {"service", "service.name", "service_name",
                                                          "app",     "application",  "logger_service"};
constexpr std::array<std::string_view, 4> kTraceKeys = {"trace_id", "traceId", "trace.id", "traceid"};
constexpr std::array<std::string_view, 4> kSpanKeys = {"span_id", "spanId", "span.id", "spanid"};

void flatten(const json::value& v, std::string prefix, Fields& out) {
  if (v.is_object() && !v.as_object().empty()) {
    for (const auto& [k, val] : v.as_object())
      flatten(val, prefix.empty() ? std::string(k) : prefix + "." + std::string(k), out);
    return;
  }
  if (v.is_string()) out.emplace_back(std::move(prefix), std::string(v.as_string()));
  else if (v.is_null()) out.emplace_back(std::move(prefix), "");
  else if (v.is_double()) out.emplace_back(std::move(prefix), fmt::format("{}", v.as_double()));
  else out.emplace_back(std::move(prefix), json::serialize(v));
}

}  // namespace

std::optional<Timestamp> parse_log_time(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  bool numeric = std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c) || c == '.'; });
  if (numeric) {
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    double ns;
    if (v < 1e11) ns = v * 1e9;       // seconds (until year 5138)
    else if (v < 1e14) ns = v * 1e6;  // milliseconds
    else if (v < 1e17) ns = v * 1e3;  // microseconds
    else ns = v;                      // nanoseconds
    if (s.find('.') == std::string_view::npos && v >= 1e17) {
      int64_t exact = 0;
      std::from_chars(s.data(), s.data() + s.size(), exact);
      return from_unix_nanos(exact);
    }
    return from_unix_nanos(static_cast<int64_t>(std::llround(ns)));
  }
  if (s.size() < 19 || !is_digit(s[0]) || s[4] != '-') return std::nullopt;
  std::string text(s);
  if (text.size() > 19 && text[19] == ',') text[19] = '.';
  // No zone designator: UTC.
  size_t t_pos = 10;
  std::string_view after_time = std::string_view(text).substr(t_pos + 1);
  bool has_zone =
      after_time.find_first_of("zZ+") != std::string_view::npos || after_time.find('-') != std::string_view::npos;
  if (!has_zone) text += 'Z';
  auto t = parse_rfc3339(text);
  if (!t) return std::nullopt;
  return *t;
}

Level parse_log_level(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), is_digit) && text.size() == 2) {
    int n = (text[0] - '0') * 10 + (text[1] - '0');  // pino / bunyan
    if (n >= 60) return Level::kCritical;
    if (n >= 50) return Level::kError;
    if (n >= 40) return Level::kWarn;
    if (n >= 30) return Level::kInfo;
    if (n >= 20) return Level::kDebug;
    if (n >= 10) return Level::kTrace;
  }
  return parse_level(text);
}

Result<LogEntry> entry_from_fields(Fields&& fields, std::string_view default_service) {
  LogEntry e;
  bool have_time = false, have_message = false, have_level = false, have_service = false, have_trace = false,
       have_span = false;
  for (auto& [k, v] : fields) {
    if (!have_time && one_of(k, kTimeKeys)) {
      auto t = parse_log_time(v);
      if (!t) return make_error(ErrorCode::kInvalidArgument, fmt::format("field '{}': not a timestamp: {:.40}", k, v));
      e.time = *t;
      have_time = true;
    } else if (!have_level && one_of(k, kLevelKeys)) {
      e.level = parse_log_level(v);
      have_level = true;
    } else if (!have_message && one_of(k, kMessageKeys)) {
      e.message = std::move(v);
      have_message = true;
    } else if (!have_service && one_of(k, kServiceKeys)) {
      e.service = std::move(v);
      have_service = !e.service.empty();
    } else if (!have_trace && one_of(k, kTraceKeys)) {
      e.trace_id = lower(v);
      have_trace = true;
    } else if (!have_span && one_of(k, kSpanKeys)) {
      e.span_id = lower(v);
      have_span = true;
    } else {
      e.attributes.insert_or_assign(std::move(k), std::move(v));
    }
  }
  if (!have_time)
    return make_error(ErrorCode::kInvalidArgument, "no timestamp field (time, timestamp, @timestamp, ts)");
  if (!have_message) return make_error(ErrorCode::kInvalidArgument, "no message field (msg, message, log, body)");
  if (!have_service) e.service = std::string(default_service);
  return e;
}

Result<LogEntry> parse_json_line(std::string_view line, std::string_view default_service) {
  unsigned char buf[8192];
  json::monotonic_resource mr(buf, sizeof buf);
  boost::system::error_code ec;
  json::value v = json::parse(line, ec, &mr);
  if (ec) return make_error(ErrorCode::kInvalidArgument, "invalid JSON: " + ec.message());
  if (!v.is_object()) return make_error(ErrorCode::kInvalidArgument, "a JSON line must be an object");
  Fields fields;
  fields.reserve(v.as_object().size() + 4);
  flatten(v, "", fields);
  return entry_from_fields(std::move(fields), default_service);
}

Result<Fields> parse_logfmt(std::string_view line) {
  Fields out;
  size_t i = 0, n = line.size();
  while (i < n) {
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= n) break;
    size_t key_start = i;
    while (i < n && line[i] != '=' && line[i] != ' ' && line[i] != '\t' && line[i] != '"') ++i;
    std::string key(line.substr(key_start, i - key_start));
    if (key.empty())
      return make_error(ErrorCode::kInvalidArgument, fmt::format("logfmt: expected a key at column {}", i + 1));
    if (i >= n || line[i] != '=') {  // a bare key is a boolean flag
      if (i < n && line[i] == '"')
        return make_error(ErrorCode::kInvalidArgument, fmt::format("logfmt: unexpected quote at column {}", i + 1));
      out.emplace_back(std::move(key), "true");
      continue;
    }
    ++i;  // '='
    std::string value;
    if (i < n && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        char c = line[i++];
        if (c == '\\' && i < n) {
          char e = line[i++];
          value.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed)
        return make_error(ErrorCode::kInvalidArgument, "logfmt: unterminated quoted value for key '" + key + "'");
    } else {
      size_t v0 = i;
      while (i < n && line[i] != ' ' && line[i] != '\t') ++i;
      value.assign(line.substr(v0, i - v0));
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  if (out.empty()) return make_error(ErrorCode::kInvalidArgument, "logfmt: empty line");
  return out;
}

std::optional<std::pair<Timestamp, std::string_view>> leading_timestamp(std::string_view line) {
  // "2026-11-23T09:13:00.123Z", "2026-11-23 09:13:00,123", "2026-11-23 09:13:00.123+02:00", optionally in [ ].
  size_t skip = !line.empty() && line[0] == '[' ? 1 : 0;
  std::string_view s = line.substr(skip);
  if (s.size() < 19 || !is_digit(s[0]) || !is_digit(s[3]) || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != ' ' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  size_t end = 19;
  if (end < s.size() && (s[end] == '.' || s[end] == ',')) {
    ++end;
    while (end < s.size() && is_digit(s[end])) ++end;
  }
  if (end < s.size() && (s[end] == 'Z' || s[end] == 'z')) {
    ++end;
  } else if (end + 5 < s.size() + 0 && (s[end] == '+' || s[end] == '-') && is_digit(s[end + 1])) {
    size_t z = end + 1;
    while (z < s.size() && (is_digit(s[z]) || s[z] == ':')) ++z;
    end = z;
  }
  auto t = parse_log_time(s.substr(0, end));
  if (!t) return std::nullopt;
  std::string_view rest = s.substr(end);
  if (skip && !rest.empty() && rest[0] == ']') rest.remove_prefix(1);
  while (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t')) rest.remove_prefix(1);
  return std::make_pair(*t, rest);
}

LogEntry plain_entry(Timestamp t, std::string_view rest, std::string_view default_service) {
  LogEntry e;
  e.time = t;
  e.service = std::string(default_service);
  // The level word is one of the first three tokens: "ERROR", "[ERROR]", "ERROR:", "<error>".
  std::string_view scan = rest;
  for (int tok = 0; tok < 3 && !scan.empty(); ++tok) {
    size_t sp = scan.find(' ');
    std::string_view word = scan.substr(0, sp);
    std::string_view w = word;
    while (!w.empty() && (w.front() == '[' || w.front() == '<' || w.front() == '(')) w.remove_prefix(1);
    while (!w.empty() && (w.back() == ']' || w.back() == '>' || w.back() == ':' || w.back() == ')' || w.back() == ','))
      w.remove_suffix(1);
    if (w.size() >= 4 && w.size() <= 11 &&
        std::all_of(w.begin(), w.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
      Level l = parse_level(w);
      if (l != Level::kUnknown) {
        e.level = l;
        break;
      }
    }
    if (sp == std::string_view::npos) break;
    scan = scan.substr(sp + 1);
    while (!scan.empty() && scan.front() == ' ') scan.remove_prefix(1);
  }
  e.message = std::string(rest);
  return e;
}

Result<PromSample> parse_prometheus_sample(std::string_view line, bool seconds_timestamps) {
  PromSample s;
  size_t i = 0, n = line.size();
  auto fail = [&](std::string_view what) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("prometheus: {} at column {}", what, i + 1));
  };
  auto name_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && is_digit(c));
  };
  while (i < n && name_char(line[i], i == 0)) ++i;
  if (i == 0) return fail("expected a metric name");
  s.name.assign(line.substr(0, i));
  if (i < n && line[i] == '{') {
    ++i;
    while (true) {
      while (i < n && (line[i] == ' ' || line[i] == ',')) ++i;
      if (i < n && line[i] == '}') {
        ++i;
        break;
      }
      size_t k0 = i;
      while (i < n && name_char(line[i], i == k0)) ++i;
      if (i == k0) return fail("expected a label name");
      std::string key(line.substr(k0, i - k0));
      while (i < n && line[i] == ' ') ++i;
      if (i >= n || line[i] != '=') return fail("expected '='");
      ++i;
      while (i < n && line[i] == ' ') ++i;
      if (i >= n || line[i] != '"') return fail("expected '\"'");
      ++i;
      std::string value;
      bool closed = false;
      while (i < n) {
        char c = line[i++];
        if (c == '\\') {
          if (i >= n) break;
          char e = line[i++];
          if (e == 'n') value.push_back('\n');
          else if (e == '\\' || e == '"') value.push_back(e);
          else return fail("invalid escape in label value");
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return fail("unterminated label value");
      s.labels.insert_or_assign(std::move(key), std::move(value));
    }
  }
  if (i >= n || (line[i] != ' ' && line[i] != '\t')) return fail("expected a space before the value");
  while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t v0 = i;
  while (i < n && line[i] != ' ' && line[i] != '\t') ++i;
  std::string_view value = line.substr(v0, i - v0);
  if (value == "NaN") s.value = std::nan("");
  else if (value == "+Inf" || value == "Inf") s.value = HUGE_VAL;
  else if (value == "-Inf") s.value = -HUGE_VAL;
  else {
    std::string_view v = value;
    if (!v.empty() && v[0] == '+') v.remove_prefix(1);
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), s.value);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size()) return fail("invalid sample value");
  }
  while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i < n && line[i] != '#') {
    size_t t0 = i;
    while (i < n && line[i] != ' ' && line[i] != '\t') ++i;
    std::string_view ts = line.substr(t0, i - t0);
    if (seconds_timestamps) {
      double secs = 0;
      auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), secs);
      if (ec != std::errc() || p != ts.data() + ts.size()) return fail("invalid timestamp (seconds)");
      s.time_ns = static_cast<int64_t>(std::llround(secs * 1e9));
    } else {
      int64_t ms = 0;
      auto [p, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), ms);
      if (ec != std::errc() || p != ts.data() + ts.size()) return fail("invalid timestamp (milliseconds)");
      s.time_ns = ms * 1'000'000;
    }
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < n && line[i] != '#') return fail("unexpected text after the timestamp");
  }
  return s;
}

}  // namespace tinkr::local
