#include "backends/azure/metrics_client.h"

#include <fmt/format.h>

#include "backends/azure/metric_catalog.h"
#include "backends/azure/metrics_request.h"
#include "backends/azure/metrics_series.h"
#include "backends/azure/metrics_wire.h"
#include "core/strings.h"

namespace tinkr::azure {
namespace {

constexpr std::string_view kPeer = "Azure Resource Manager (metrics)";
constexpr std::string_view kEndpointKey = "resource_manager_endpoint";

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Error metrics_http_error(const net::HttpResponse& response, const ResourceId& resource) {
  const ErrorCode code = error_code_from_http_status(response.status);
  std::string what;
  if (auto e = parse_azure_error(response.body)) {
    what = e->code.empty() ? e->message : fmt::format("{}: {}", e->code, e->message);
  } else {
    what = one_line_prefix(response.body, 300);
  }
  std::string fix;
  switch (response.status) {
    case 400: fix = "check the metric name, aggregation and time range"; break;
    case 401:
      fix =
          "the Azure credential was refused: check az login / the managed identity (AZURE_CLIENT_ID) and that "
          "the profile's cloud matches the Resource Manager endpoint";
      break;
    case 403:
      fix = fmt::format("grant the identity the Monitoring Reader role on {} (or its resource group or subscription)",
                        resource.to_string());
      break;
    case 404:
      fix = "check subscription_id, resource_group and the service's resource_name / resource_id / resource_type";
      break;
    case 429:
      fix = "Azure Resource Manager is throttling this subscription; wait a minute and retry (Retry-After: " +
            std::string(response.headers.get("Retry-After").value_or("not given")) + ")";
      break;
    default: fix = response.status >= 500 ? "Azure Monitor failed on its side; retry later" : "";
  }
  std::string message = fmt::format("{} answered {} for {}", kPeer, response.status, resource.to_string());
  if (!what.empty()) message += ": " + what;
  if (!fix.empty()) message += " (" + fix + ")";
  return make_error(code, std::move(message));
}

MetricsClient::MetricsClient(MetricsClientOptions options, std::shared_ptr<TokenCredential> credential,
                             std::shared_ptr<const net::HttpClient> http)
    : options_(std::move(options)), credential_(std::move(credential)), http_(std::move(http)) {
  options_.resource_manager_url = trim_slash(options_.resource_manager_url);
}

Result<AzureMetricsResponse> MetricsClient::list(const ResourceId& resource, const QueryParams& params) const {
  if (options_.resource_manager_url.empty()) {
    return make_error(ErrorCode::kConfig,
                      "no Azure Resource Manager endpoint: set the profile's cloud or resource_manager_endpoint");
  }
  if (!credential_) return make_error(ErrorCode::kConfig, "no Azure credential configured for metrics");
  auto token = credential_->get_token(options_.token_scope);
  if (!token.ok()) return token.error();

  net::HttpRequest req;
  req.method = "GET";
  req.url = options_.resource_manager_url + resource.url_path() + std::string(metrics_wire::kPathSuffix) + "?" +
            encode_query(params);
  req.headers.set("Authorization", net::bearer_auth(token->token));
  req.headers.set("Accept", "application/json");
  req.timeout = options_.timeout;
  req.peer_name = std::string(kPeer);
  req.config_key = std::string(kEndpointKey);
  TINKR_ASSIGN_OR_RETURN(net::HttpResponse resp, http_->send(req));
  if (!resp.ok()) return metrics_http_error(resp, resource);
  auto answer = parse_metrics_response(resp.body);
  if (!answer.ok()) {
    return make_error(ErrorCode::kBackend, fmt::format("{} answered something that is not a metrics answer ({}): {}",
                                                       kPeer, answer.error().message, one_line_prefix(resp.body, 120)));
  }
  return answer;
}

Result<std::vector<MetricSeries>> MetricsClient::get_metrics(const MetricTarget& target, std::string_view metric,
                                                             const TimeRange& range, Nanos step,
                                                             std::string_view service) const {
  TINKR_ASSIGN_OR_RETURN(MetricPlan plan, plan_metric(target.kind, metric));
  const metrics_wire::Grain& grain = choose_interval(range, step);
  TINKR_ASSIGN_OR_RETURN(QueryParams params, build_metrics_params(plan, range, grain, options_.api_version));
  TINKR_ASSIGN_OR_RETURN(AzureMetricsResponse answer, list(target.id, params));
  Attributes labels;
  if (!service.empty()) labels["service"] = std::string(service);
  return to_series(plan, answer, Nanos(grain.length), labels);
}

Result<std::vector<MetricSeries>> MetricsClient::get_metrics(const MetricQuery& q,
                                                             const config::ServiceConfig* settings,
                                                             const ResourceDefaults& defaults) const {
  TINKR_ASSIGN_OR_RETURN(MetricTarget target, resolve_metric_target(q.service, q.resource_type, settings, defaults));
  return get_metrics(target, q.metric, q.range, q.step, q.service);
}

}  // namespace tinkr::azure
