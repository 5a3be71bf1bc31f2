#include "backends/grafana/grafana_http.h"

#include <curl/curl.h>

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include "backends/grafana/grafana_wire.h"

#include "core/json.h"
#include "core/strings.h"

namespace tinkr::grafana {
namespace {

std::string curl_escape(std::string_view text) {
  // A NULL handle is allowed since libcurl 7.82.
  char* out = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  if (!out) return {};
  std::string s(out);
  curl_free(out);
  return s;
}

std::string snippet_of(std::string_view body) {
  std::string s = one_line_prefix(body, 300);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

ErrorCode code_from_prometheus_error_type(std::string_view type, ErrorCode fallback) {
  if (type == "bad_data" || type == "execution") return ErrorCode::kInvalidArgument;
  if (type == "timeout") return ErrorCode::kDeadlineExceeded;
  if (type == "canceled") return ErrorCode::kCancelled;
  if (type == "unavailable") return ErrorCode::kUnavailable;
  if (type == "not_found") return ErrorCode::kNotFound;
  if (type == "internal") return ErrorCode::kBackend;
  return fallback;
}

std::string auth_keys(Signal s) {
  switch (s) {
    case Signal::kLoki: return "api_key (or GRAFANA_API_KEY), username/password or loki_username/loki_password";
    case Signal::kPrometheus:
      return "api_key (or GRAFANA_API_KEY), username/password or prometheus_username/prometheus_password";
    case Signal::kTempo: return "api_key (or GRAFANA_API_KEY), username/password or tempo_username/tempo_password";
  }
  return "api_key";
}

}  // namespace

std::string encode_query(const QueryParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += curl_escape(name);
    out += '=';
    out += curl_escape(value);
  }
  return out;
}

std::string encode_path_segment(std::string_view segment) { return curl_escape(segment); }

Error component_error(const Endpoint& endpoint, const net::HttpResponse& response, std::string_view what) {
  const std::string_view name = signal_display_name(endpoint.signal);
  const std::string_view key = signal_url_key(endpoint.signal);
  ErrorCode code = error_code_from_http_status(response.status);
  std::string detail = snippet_of(response.body);

  if (endpoint.signal == Signal::kPrometheus) {
    // {"status":"error","errorType":"bad_data","error":"…"}
    boost::system::error_code ec;
    json::value v = json::parse(response.body, ec);
    if (!ec && v.is_object()) {
      std::string_view type = get_string(v, wire::prometheus::kErrorType);
      std::string_view text = get_string(v, wire::prometheus::kError);
      if (!text.empty()) {
        code = code_from_prometheus_error_type(type, code);
        detail = fmt::format("{} ({})", text, type.empty() ? "error" : type);
      }
    }
  }

  switch (response.status) {
    case 400:
    case 422: return make_error(code, fmt::format("{} rejected the {}: {}", name, what, detail));
    case 401:
      return make_error(ErrorCode::kUnauthenticated,
                        fmt::format("{} answered 401 Unauthorized for the {}: set or fix {} in the profile{}", name,
                                    what, auth_keys(endpoint.signal), detail.empty() ? "" : " (" + detail + ")"));
    case 403:
      return make_error(ErrorCode::kPermissionDenied,
                        fmt::format("{} answered 403 Forbidden for the {}: the credential lacks read access{}{}", name,
                                    what, endpoint.tenant_id.empty() ? "" : " to tenant " + endpoint.tenant_id,
                                    detail.empty() ? "" : " (" + detail + ")"));
    case 404:
      return make_error(ErrorCode::kNotFound,
                        fmt::format("{} answered 404 for the {} at {}: is {} the {} base URL (not Grafana's)?{}", name,
                                    what, net::display_url(endpoint.base_url), key, name,
                                    detail.empty() ? "" : " (" + detail + ")"));
    case 429:
      return make_error(ErrorCode::kRateLimited,
                        fmt::format("{} is rate-limiting the {} (429) and retries ran out: wait and try again, or "
                                    "narrow the time range{}",
                                    name, what, detail.empty() ? "" : " (" + detail + ")"));
    default: break;
  }
  if (response.status >= 500) {
    if (code == ErrorCode::kInternal) code = ErrorCode::kBackend;
    return make_error(code, fmt::format("{} failed the {} ({} {}){}", name, what, response.status,
                                        response.status == 503 ? "unavailable" : "server error",
                                        detail.empty() ? "" : ": " + detail));
  }
  return make_error(code, fmt::format("{} answered {} to the {}{}", name, response.status, what,
                                      detail.empty() ? "" : ": " + detail));
}

SignalClient::SignalClient(const GrafanaOptions& options, Signal signal, std::shared_ptr<const net::HttpClient> http)
    : endpoint_(options.endpoint(signal)),
      profile_name_(options.profile_name),
      timeout_(std::chrono::duration_cast<net::Millis>(options.timeout)),
      http_(std::move(http)) {}

Status SignalClient::configured() const {
  if (!endpoint_.base_url.empty()) return ok_status();
  return make_error(ErrorCode::kConfig,
                    fmt::format("{} is not configured for profile '{}': set {} in [profiles.{}] of config.toml or "
                                "the environment variable {}",
                                name(), profile_name_, signal_url_key(endpoint_.signal), profile_name_,
                                signal_url_env(endpoint_.signal)));
}

Result<net::HttpResponse> SignalClient::get(std::string_view path, const QueryParams& params,
                                            const net::Headers& extra) const {
  TINKR_RETURN_IF_ERROR(configured());
  net::HttpRequest r;
  r.method = "GET";
  r.url = endpoint_.base_url + std::string(path);
  if (!params.empty()) r.url += "?" + encode_query(params);
  r.headers.set("Accept", "application/json");
  if (!endpoint_.username.empty()) {
    const std::string& secret = endpoint_.password.empty() ? endpoint_.api_key : endpoint_.password;
    r.headers.set("Authorization", net::basic_auth(endpoint_.username, secret));
  } else if (!endpoint_.api_key.empty()) {
    r.headers.set("Authorization", net::bearer_auth(endpoint_.api_key));
  }
  if (!endpoint_.tenant_id.empty()) r.headers.set(std::string(wire::kTenantHeader), endpoint_.tenant_id);
  for (const auto& [k, v] : extra.items()) r.headers.set(k, v);
  r.timeout = timeout_;
  r.peer_name = std::string(name());
  r.config_key = std::string(signal_url_key(endpoint_.signal));
  auto res = http_->send(r);
  if (!res.ok() && res.error().code == ErrorCode::kDeadlineExceeded) {
    Error e = res.error();
    e.message = fmt::format("{} did not answer in time: {}; or raise timeout in profile '{}' (now {})", name(),
                            e.message, profile_name_, format_duration(timeout_));
    return e;
  }
  if (!res.ok() && res.error().code == ErrorCode::kPayloadTooLarge) {
    Error e = res.error();
    e.message = fmt::format("{} answer too large: {} (the cap is max_response_bytes = {})", name(), e.message,
                            http_->options().max_response_bytes);
    return e;
  }
  return res;
}

Result<std::string> SignalClient::get_ok(std::string_view path, const QueryParams& params, std::string_view what,
                                         const net::Headers& extra) const {
  TINKR_ASSIGN_OR_RETURN(net::HttpResponse res, get(path, params, extra));
  if (!res.ok()) return component_error(endpoint_, res, what);
  return std::move(res.body);
}

Error SignalClient::garbage(std::string_view what, std::string_view detail) const {
  return make_error(ErrorCode::kBackend,
                    fmt::format("{} at {} answered the {} with something that is not {} JSON ({}): is {} the {} "
                                "API base URL?",
                                name(), net::display_url(endpoint_.base_url), what, name(), detail,
                                signal_url_key(endpoint_.signal), name()));
}

}  // namespace tinkr::grafana
