#include "backends/azure/log_analytics_client.h"

#include <algorithm>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "backends/azure/log_analytics_wire.h"
#include "core/strings.h"

namespace tinkr::azure {
namespace {

namespace json = boost::json;

constexpr std::string_view kPeer = "Log Analytics";

std::string shorten(std::string_view kql, size_t max = 400) {
  if (kql.size() <= max) return std::string(kql);
  return std::string(kql.substr(0, max)) + "…";
}

}  // namespace

std::string iso8601_interval(const TimeRange& range) {
  return format_rfc3339(range.from) + "/" + format_rfc3339(range.to);
}

LogAnalyticsClient::LogAnalyticsClient(const AzureOptions& options, std::string base_url, std::string scope,
                                       std::shared_ptr<TokenCredential> credential,
                                       std::shared_ptr<const net::HttpClient> http)
    : options_(options),
      base_url_(std::move(base_url)),
      scope_(std::move(scope)),
      credential_(std::move(credential)),
      http_(std::move(http)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

Status LogAnalyticsClient::configured() const { return check_workspace_id(options_); }

std::string LogAnalyticsClient::query_url() const {
  return base_url_ + std::string(wire::kWorkspacesPath) + options_.workspace_id + std::string(wire::kQuerySuffix);
}

Result<LaResult> LogAnalyticsClient::query(std::string_view kql, const TimeRange& range, std::string_view what) const {
  TINKR_RETURN_IF_ERROR(configured());
  if (!credential_) {
    return make_error(ErrorCode::kConfig, "no Azure credential is configured for the Azure backend");
  }
  auto token = credential_->get_token(scope_);
  if (!token.ok()) {
    Error e = token.error();
    e.message = fmt::format("could not get a token for Log Analytics ({}): {}", scope_, e.message);
    return e;
  }

  json::object body;
  body[wire::kQuery] = kql;
  if (range.from < range.to) body[wire::kTimespan] = iso8601_interval(range);

  net::HttpRequest r;
  r.method = "POST";
  r.url = query_url();
  r.body = json::serialize(body);
  r.headers.set("Content-Type", "application/json");
  r.headers.set("Accept", "application/json");
  r.headers.set("Authorization", net::bearer_auth(token->token));
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout).count();
  r.headers.set(std::string(wire::kPreferHeader), fmt::format("wait={}", std::clamp<int64_t>(seconds, 1, 600)));
  // Give the service its wait plus time to answer.
  r.timeout = std::chrono::duration_cast<net::Millis>(options_.timeout) + net::Millis(5000);
  r.peer_name = std::string(kPeer);
  r.config_key = "log_analytics_endpoint";
  auto res = http_->send(r);
  if (!res.ok()) {
    Error e = res.error();
    if (e.code == ErrorCode::kPayloadTooLarge) {
      e.message = fmt::format(
          "Log Analytics answer to the {} too large: {} (the cap is max_response_bytes = {}); "
          "narrow the time range or lower the limit",
          what, e.message, http_->options().max_response_bytes);
    }
    return e;
  }
  if (!res->ok()) return answer_error(*res, kql, what);

  auto parsed = parse_query_answer(res->body);
  if (!parsed.ok()) {
    return make_error(ErrorCode::kBackend,
                      fmt::format("Log Analytics at {} answered the {} with something that is not a query result ({}): "
                                  "is log_analytics_endpoint (AZURE_LOG_ANALYTICS_ENDPOINT) the Log Analytics API?",
                                  net::display_url(base_url_), what, parsed.error().message));
  }
  if (parsed->partial && !options_.allow_partial_results) {
    const LaTable* t = parsed->primary();
    return make_error(
        ErrorCode::kBackend,
        fmt::format("Log Analytics answered the {} only in part ({} rows came back): {}. Narrow the time range, add "
                    "filters or lower the limit; or set allow_partial_results = true in [profiles.{}] to accept "
                    "incomplete answers",
                    what, t ? t->rows.size() : 0, parsed->partial->describe(), options_.profile_name));
  }
  return parsed;
}

Error LogAnalyticsClient::answer_error(const net::HttpResponse& response, std::string_view kql,
                                       std::string_view what) const {
  const std::optional<LaError> la = parse_error_body(response.body);
  const std::string detail =
      la ? la->describe() + (la->code.empty() ? "" : " [" + la->code + "]") : one_line_prefix(response.body, 300);
  const std::string_view code = la ? std::string_view(la->code) : std::string_view();
  const std::string& p = options_.profile_name;
  switch (response.status) {
    case 400:
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("Log Analytics rejected the {}: {} (query: {})", what, detail, shorten(kql)));
    case 401:
      return make_error(ErrorCode::kUnauthenticated,
                        fmt::format("Log Analytics answered 401 to the {}: {}. The credential gave no usable token: "
                                    "run `az login` (local development) or check the managed identity "
                                    "(AZURE_CLIENT_ID for a user-assigned one)",
                                    what, detail));
    case 403:
      if (code == "InvalidAuthenticationTokenAudience") {
        return make_error(ErrorCode::kUnauthenticated,
                          fmt::format("Log Analytics refused the token for the {}: {}. The token was issued for "
                                      "another API: check the cloud setting and log_analytics_endpoint of profile "
                                      "'{}' (the token scope is {})",
                                      what, detail, p, scope_));
      }
      if (code == "InvalidAuthenticationToken") {
        return make_error(ErrorCode::kUnauthenticated,
                          fmt::format("Log Analytics refused the token for the {}: {}. Sign in again (`az login`) or "
                                      "check the identity's tenant",
                                      what, detail));
      }
      return make_error(
          ErrorCode::kPermissionDenied,
          fmt::format("Log Analytics denied the {} on workspace {}: {}. Grant the identity the Log Analytics Reader "
                      "role: az role assignment create --assignee <principal-id> --role \"Log Analytics Reader\" "
                      "--scope /subscriptions/{}/resourceGroups/{}",
                      what, options_.workspace_id, detail,
                      options_.subscription_id.empty() ? "<subscription-id>" : options_.subscription_id,
                      options_.resource_group.empty() ? "<resource-group>" : options_.resource_group));
    case 404:
      return make_error(ErrorCode::kNotFound,
                        fmt::format("Log Analytics has no workspace {} at {}: {}. Check workspace_id "
                                    "(AZURE_LOG_ANALYTICS_WORKSPACE_ID): it is the workspace's customer ID GUID, not "
                                    "its name or resource ID, and the cloud of profile '{}'",
                                    options_.workspace_id, net::display_url(base_url_), detail, p));
    case 429: {
      auto retry_after = response.headers.get("Retry-After");
      return make_error(ErrorCode::kRateLimited,
                        fmt::format("Log Analytics is throttling the {} (429{}) and retries ran out: {}. Wait and try "
                                    "again, or narrow the time range (Log Analytics allows about 200 queries per 30 s "
                                    "and 5 at once per user)",
                                    what, retry_after ? fmt::format(", Retry-After: {} s", *retry_after) : "", detail));
    }
    case 504:
      return make_error(ErrorCode::kDeadlineExceeded,
                        fmt::format("Log Analytics ran out of time on the {}: {}. Narrow the time range or the filter",
                                    what, detail));
    default: break;
  }
  if (response.status >= 500) {
    return make_error(response.status == 503 ? ErrorCode::kUnavailable : ErrorCode::kBackend,
                      fmt::format("Log Analytics failed the {} ({}): {}", what, response.status, detail));
  }
  return make_error(error_code_from_http_status(response.status),
                    fmt::format("Log Analytics answered {} to the {}: {}", response.status, what, detail));
}

}  // namespace tinkr::azure
