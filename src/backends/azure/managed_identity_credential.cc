#include "backends/azure/managed_identity_credential.h"

#include <curl/curl.h>

#include <random>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

#include "backends/azure/endpoint_url.h"
#include "backends/azure/token_response.h"
#include "core/strings.h"
#include "net/retry.h"

namespace tinkr::azure {
namespace {

constexpr std::string_view kImdsAuthority = "http://169.254.169.254";
constexpr std::string_view kImdsPath = "/metadata/identity/oauth2/token";

std::string escape(std::string_view s) {
  char* out = curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size()));
  if (!out) return {};
  std::string r(out);
  curl_free(out);
  return r;
}

// A platform endpoint: https anywhere, http to a platform-local host.
Result<std::string> platform_url(std::string_view value, std::string_view setting) {
  std::string url(value);
  if (url.find("://") == std::string::npos) url = "http://" + url;
  const std::string host = url_host(url);
  if (host.empty()) return make_error(ErrorCode::kConfig, fmt::format("{} is not a valid URL", setting));
  if (url.rfind("https://", 0) == 0) return url;
  if (url.rfind("http://", 0) == 0 && is_platform_local_host(host)) return url;
  return make_error(ErrorCode::kConfig,
                    fmt::format("{} points to '{}' over plain http://, which is allowed only for loopback, link-local "
                                "and private addresses; use https://",
                                setting, host));
}

bool imds_retryable(int status) { return status == 404 || status == 410 || status == 429 || status >= 500; }

}  // namespace

bool is_platform_local_host(std::string_view host) {
  if (is_loopback_host(host)) return true;
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return false;
  if (addr.is_v6()) return addr.to_v6().is_link_local();
  const auto b = addr.to_v4().to_bytes();
  return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
         (b[0] == 169 && b[1] == 254);
}

std::string scope_to_resource(std::string_view scope) {
  constexpr std::string_view suffix = "/.default";
  if (scope.size() > suffix.size() && scope.ends_with(suffix)) scope.remove_suffix(suffix.size());
  return std::string(scope);
}

Result<std::unique_ptr<ManagedIdentityCredential>> ManagedIdentityCredential::create(
    const config::Environment& env, std::shared_ptr<const net::HttpClient> http, Clock clock,
    ManagedIdentityOptions options) {
  std::unique_ptr<ManagedIdentityCredential> c(new ManagedIdentityCredential(std::move(clock)));
  c->http_ = std::move(http);
  c->options_ = std::move(options);
  c->client_id_ = env.get("AZURE_CLIENT_ID").value_or("");
  auto get = [&](std::string_view name) { return env.get(name).value_or(""); };

  if (!get("IDENTITY_ENDPOINT").empty() && !get("IDENTITY_HEADER").empty()) {
    if (!get("IDENTITY_SERVER_THUMBPRINT").empty()) {
      c->source_ = Source::kUnsupported;
      c->unsupported_ =
          "Service Fabric managed identity (IDENTITY_SERVER_THUMBPRINT) is not supported; use "
          "workload identity or a service principal";
      return c;
    }
    auto url = platform_url(get("IDENTITY_ENDPOINT"), "IDENTITY_ENDPOINT");
    if (!url) return url.error();
    c->source_ = Source::kAppService;
    c->endpoint_ = std::move(*url);
    c->identity_header_ = get("IDENTITY_HEADER");
    return c;
  }
  if (!get("IDENTITY_ENDPOINT").empty() && !get("IMDS_ENDPOINT").empty()) {
    c->source_ = Source::kUnsupported;
    c->unsupported_ =
        "Azure Arc managed identity (IDENTITY_ENDPOINT + IMDS_ENDPOINT) is not supported; use a "
        "service principal or workload identity";
    return c;
  }
  c->source_ = Source::kImds;
  if (!c->options_.imds_authority.empty()) {
    c->endpoint_ = c->options_.imds_authority;
  } else if (std::string host = get("AZURE_POD_IDENTITY_AUTHORITY_HOST"); !host.empty()) {
    auto url = platform_url(host, "AZURE_POD_IDENTITY_AUTHORITY_HOST");
    if (!url) return url.error();
    c->endpoint_ = std::move(*url);
    c->probe_ = Probe::kAvailable;  // an explicit endpoint is not probed (azure-identity)
  } else {
    c->endpoint_ = std::string(kImdsAuthority);
  }
  while (!c->endpoint_.empty() && c->endpoint_.back() == '/') c->endpoint_.pop_back();
  return c;
}

TokenOutcome ManagedIdentityCredential::request_token(std::string_view scope) {
  const std::string resource = scope_to_resource(scope);
  switch (source_) {
    case Source::kAppService: return app_service_token(resource);
    case Source::kImds: return imds_token(resource);
    case Source::kUnsupported: break;
  }
  return TokenOutcome::not_available(unsupported_);
}

TokenOutcome ManagedIdentityCredential::app_service_token(std::string_view resource) {
  net::HttpRequest req;
  req.url = fmt::format("{}?api-version=2019-08-01&resource={}", endpoint_, escape(resource));
  if (!client_id_.empty()) req.url += "&client_id=" + escape(client_id_);
  req.headers.set("X-IDENTITY-HEADER", identity_header_);
  req.peer_name = "the App Service managed identity endpoint";
  req.config_key = "IDENTITY_ENDPOINT";
  auto resp = http_->send(req);
  if (!resp) return TokenOutcome::failed(resp.error());
  if (resp->ok()) {
    auto parsed = parse_token_response(resp->body, now(), "the App Service managed identity endpoint");
    if (!parsed) return TokenOutcome::failed(parsed.error());
    return TokenOutcome::success(std::move(*parsed));
  }
  std::string hint = client_id_.empty()
                         ? "check that a system-assigned identity is enabled on the app (Identity blade)"
                         : fmt::format(
                               "check that the user-assigned identity with client id {} (AZURE_CLIENT_ID) is "
                               "attached to the app",
                               client_id_);
  return TokenOutcome::failed(make_error(resp->status == 400 || resp->status == 401 || resp->status == 403
                                             ? ErrorCode::kUnauthenticated
                                             : error_code_from_http_status(resp->status),
                                         fmt::format("the App Service managed identity endpoint answered {}: {}; {}",
                                                     resp->status, describe_error_body(resp->body), hint)));
}

std::string ManagedIdentityCredential::imds_url(std::string_view resource) const {
  std::string url = fmt::format("{}{}?api-version=2018-02-01&resource={}", endpoint_, kImdsPath, escape(resource));
  if (!client_id_.empty()) url += "&client_id=" + escape(client_id_);
  return url;
}

TokenOutcome ManagedIdentityCredential::imds_token(std::string_view resource) {
  {
    std::lock_guard lock(probe_mu_);
    if (probe_ == Probe::kUnknown) {
      // A request IMDS rejects at once (no Metadata header): any answer means it is there.
      net::HttpRequest probe;
      probe.url = imds_url(resource);
      probe.connect_timeout = options_.probe_connect_timeout;
      probe.timeout = options_.probe_timeout;
      probe.retry = net::RetryPolicy::none();
      probe.retry->retry_connection_errors = false;
      auto answer = http_->send(probe);
      if (answer) {
        probe_ = Probe::kAvailable;
      } else {
        probe_ = Probe::kUnavailable;
        unavailable_reason_ = fmt::format(
            "no managed identity endpoint found: IMDS ({}) did not answer within {} ms (not running on an Azure VM, "
            "scale set or AKS node, or IMDS is blocked)",
            endpoint_, options_.probe_timeout.count());
      }
    }
    if (probe_ == Probe::kUnavailable) return TokenOutcome::not_available(unavailable_reason_);
  }

  net::HttpRequest req;
  req.url = imds_url(resource);
  req.headers.set("Metadata", "true");
  req.connect_timeout = options_.connect_timeout;
  req.retry = net::RetryPolicy::none();
  req.peer_name = "IMDS";
  std::mt19937_64 rng(std::random_device{}());
  net::RetryPolicy backoff;
  backoff.base_delay = options_.retry_base_delay;
  backoff.max_delay = options_.retry_max_delay;
  for (int attempt = 0;; ++attempt) {
    auto resp = http_->send(req);
    if (!resp) return TokenOutcome::failed(resp.error());
    if (resp->ok()) {
      auto parsed = parse_token_response(resp->body, now(), "IMDS");
      if (!parsed) return TokenOutcome::failed(parsed.error());
      return TokenOutcome::success(std::move(*parsed));
    }
    if (resp->status == 400) {
      std::lock_guard lock(probe_mu_);
      probe_ = Probe::kUnavailable;
      unavailable_reason_ =
          client_id_.empty()
              ? fmt::format(
                    "IMDS answered 400 ({}): no managed identity is assigned to this resource; enable a "
                    "system-assigned identity or set AZURE_CLIENT_ID to a user-assigned one",
                    describe_error_body(resp->body))
              : fmt::format(
                    "IMDS answered 400 ({}): the user-assigned identity with client id {} (AZURE_CLIENT_ID) "
                    "is not assigned to this resource",
                    describe_error_body(resp->body), client_id_);
      return TokenOutcome::not_available(unavailable_reason_);
    }
    if (imds_retryable(resp->status) && attempt < options_.max_retries) {
      std::chrono::milliseconds wait = net::backoff_delay(backoff, attempt + 1, rng);
      // Full jitter may pick ~0; keep at least half the ceiling so IMDS gets its breather.
      const std::chrono::milliseconds ceiling =
          std::min(backoff.max_delay, std::chrono::milliseconds(backoff.base_delay.count() << std::min(attempt, 20)));
      wait = std::max(wait, ceiling / 2);
      if (auto ra = resp->headers.get("Retry-After")) {
        if (auto parsed = net::parse_retry_after(*ra, tinkr::now())) wait = std::min(*parsed, backoff.max_delay);
      }
      std::this_thread::sleep_for(wait);
      continue;
    }
    return TokenOutcome::failed(
        make_error(resp->status == 429 ? ErrorCode::kRateLimited
                                       : (resp->status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kUnauthenticated),
                   fmt::format("IMDS answered {} after {} attempt(s): {}{}", resp->status, attempt + 1,
                               describe_error_body(resp->body),
                               resp->status == 429 ? "; IMDS is throttling: too many token requests from this machine"
                                                   : "")));
  }
}

}  // namespace tinkr::azure
