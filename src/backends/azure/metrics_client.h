// MetricsClient: Azure Monitor metrics through Resource Manager's
// "Metrics - List" (GET {endpoint}{resourceId}/providers/Microsoft.Insights/
// metrics?api-version=2023-10-01&metricnames=…&timespan=…&interval=…&
// aggregation=…), for the Azure backend's get_metrics.
//
// One call: resolve the alias or raw name for the resource's kind
// (metric_catalog.h), choose the interval (metrics_request.h), get a bearer
// token for the Resource Manager scope from the TokenCredential, send the
// request (every path segment and query value percent-encoded by libcurl),
// and map the answer into MetricSeries (metrics_series.h). 429/500/502/503/504 are
// retried by net::HttpClient honouring Retry-After; what remains becomes an
// Error that names Azure's code and message and says what to do (401: the
// credential and cloud; 403: the Monitoring Reader role; 404: the resource
// settings; 429: wait). Tokens never appear in errors or logs.
//
// Thread-safe: immutable after construction; the HttpClient and the
// credential are shared and thread-safe themselves.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/azure/credential.h"
#include "backends/azure/metrics_response.h"
#include "backends/azure/resource_uri.h"
#include "backends/azure/url_encoding.h"
#include "backends/backend.h"
#include "core/model.h"
#include "core/result.h"
#include "net/http_client.h"

namespace tinkr::azure {

struct MetricsClientOptions {
  std::string resource_manager_url;  // AzureEndpoints::resource_manager, e.g. "https://management.azure.com"
  std::string token_scope;           // AzureEndpoints::resource_manager_scope()
  std::string api_version = "2023-10-01";
  net::Millis timeout{30000};  // one attempt
};

class MetricsClient {
 public:
  MetricsClient(MetricsClientOptions options, std::shared_ptr<TokenCredential> credential,
                std::shared_ptr<const net::HttpClient> http);

  // The metric (alias, raw Azure name, or "Name:aggregation") of `target`
  // over `range`; `step` 0 lets the client choose the interval. Series carry
  // labels service (when given), azure_metric, aggregation and Azure's
  // dimensions; points ascending.
  Result<std::vector<MetricSeries>> get_metrics(const MetricTarget& target, std::string_view metric,
                                                const TimeRange& range, Nanos step,
                                                std::string_view service = "") const;

  // The same for a backend query: resolves the target from the service's
  // settings and the profile defaults (resource_uri.h), then get_metrics.
  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q, const config::ServiceConfig* settings,
                                                const ResourceDefaults& defaults) const;

  // One raw "Metrics - List" call: the parsed 200 answer, or the Error.
  Result<AzureMetricsResponse> list(const ResourceId& resource, const QueryParams& params) const;

  const MetricsClientOptions& options() const { return options_; }

 private:
  MetricsClientOptions options_;
  std::shared_ptr<TokenCredential> credential_;
  std::shared_ptr<const net::HttpClient> http_;
};

// The Error for a non-2xx metrics answer: code from the status, Azure's own
// code and message (either error shape), and the fix.
Error metrics_http_error(const net::HttpResponse& response, const ResourceId& resource);

}  // namespace tinkr::azure
