#include "backends/azure/token_response.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/strings.h"

namespace tinkr::azure {
namespace {

namespace json = boost::json;

std::optional<long long> seconds_of(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<long long>(v->as_uint64());
  if (v->is_double()) return static_cast<long long>(std::llround(v->as_double()));
  if (v->is_string()) {
    const auto& s = v->as_string();
    long long out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::optional<json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace

std::optional<long long> json_seconds(std::string_view body, std::string_view field) {
  auto o = parse_object(body);
  if (!o) return std::nullopt;
  return seconds_of(o->if_contains(field));
}

Result<ParsedToken> parse_token_response(std::string_view body, Timestamp now, std::string_view peer) {
  auto o = parse_object(body);
  if (!o) {
    return make_error(ErrorCode::kBackend, fmt::format("{} answered 200 with a body that is not a JSON object ({})",
                                                       peer, body.empty() ? "empty" : one_line_prefix(body, 60)));
  }
  const json::value* token = o->if_contains("access_token");
  if (!token || !token->is_string() || token->as_string().empty()) {
    return make_error(ErrorCode::kBackend, fmt::format("{} answered 200 without an access_token", peer));
  }
  ParsedToken out;
  out.token.token = std::string(token->as_string());
  if (auto on = seconds_of(o->if_contains("expires_on"))) {
    out.token.expires_on = Timestamp(std::chrono::seconds(*on));
  } else if (auto in = seconds_of(o->if_contains("expires_in"))) {
    out.token.expires_on = now + std::chrono::seconds(*in);
  } else {
    return make_error(ErrorCode::kBackend,
                      fmt::format("{} answered 200 without a usable expires_on or expires_in", peer));
  }
  if (auto refresh = seconds_of(o->if_contains("refresh_in")); refresh && *refresh > 0) {
    out.refresh_on = now + std::chrono::seconds(*refresh);
  }
  return out;
}

std::string describe_error_body(std::string_view body) {
  auto o = parse_object(body);
  if (!o) return body.empty() ? "(empty body)" : one_line_prefix(body, 200);
  auto text = [&](std::string_view key) -> std::string {
    const json::value* v = o->if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string error = text("error");
  std::string description = text("error_description");
  // Entra appends "\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …".
  if (size_t cut = description.find("\r\n"); cut != std::string::npos) description.resize(cut);
  if (size_t cut = description.find(" Trace ID:"); cut != std::string::npos) description.resize(cut);
  if (!error.empty() || !description.empty()) {
    if (description.empty()) return error;
    if (error.empty()) return description;
    return fmt::format("{}: {}", error, description);
  }
  if (std::string message = text("message"); !message.empty()) return message;
  if (const json::value* e = o->if_contains("error"); e && e->is_object()) {
    const json::value* m = e->as_object().if_contains("message");
    if (m && m->is_string()) return std::string(m->as_string());
  }
  return one_line_prefix(body, 200);
}

}  // namespace tinkr::azure
