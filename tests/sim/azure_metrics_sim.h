// AzureMetricsSim: a loopback Azure Resource Manager that serves Azure Monitor
// "Metrics - List" (GET {resourceId}/providers/Microsoft.Insights/metrics)
// for a fixed set of resources, each rendering one service of the shared
// scenario (its per-minute request rate, error ratio, p50/p99 latency, CPU and
// memory) as that resource type's real metrics.
//
// It checks what Resource Manager and the Insights provider check, and answers
// in their formats (shared/conformance/azure-metrics; REST reference
// "Metrics - List"; observed service errors):
//   * Authorization: Bearer <JWT>; missing -> 401 AuthenticationFailed, not a
//     JWT -> 401 InvalidAuthenticationToken, "aud" not a Resource Manager
//     audience -> 401 InvalidAuthenticationTokenAudience, "exp" past -> 401
//     ExpiredAuthenticationToken (ARM envelope {"error":{"code","message"}}).
//     Signatures are not checked: tests mint tokens with azure_test_token().
//   * api-version required (400 MissingApiVersionParameter) and supported
//     (400 NoRegisteredProviderFound).
//   * the resource exists (404 ResourceNotFound, ARM's wording).
//   * metricnames against the type's published metrics, case-sensitive, comma
//     in a name written "%2" -> 400 {"code":"BadRequest","message":"Failed to
//     find metric configuration for provider: Microsoft.Web, resource Type:
//     sites, metric: X, Valid metrics: …"} (the flat shape the provider sends).
//   * interval one of the metric's grains (PT1M … P1D, some metrics fewer),
//     or FULL; otherwise 400 "Commonly allowed time grains: 00:01:00,… can
//     not support requested time grain: …", unless AutoAdjustTimegrain=true,
//     which answers at the closest allowed grain and says so in "interval".
//   * timespan "start/end" (or start/duration, duration/end), start < end.
//   * aggregation words; $filter "statusCodeCategory eq '*'|'5xx'" on
//     Container Apps' Requests (the split our aliases use).
// Throttling on demand: 429 with Retry-After and ARM's TooManyRequests body.
// Partial errors on demand: HTTP 200 with the metric's errorCode/errorMessage
// and no timeseries, as in the spec's GetMetricError example.
//
// Data: data points start at the timespan's start (truncated to the minute)
// and step by the grain; a bucket with no scenario minute has only its
// timeStamp (Azure's "no data"). Per scenario minute: Requests = rate x 60,
// Http5xx = Requests x error ratio, response time average = (1 - error ratio)
// x p50 + error ratio x p99 (the timeouts dominate), maximum = p99, CPU
// seconds = utilization x 60, nanocores = utilization x 1e9, memory as is.
// Requests split by statusCodeCategory gives "2xx" and "5xx".
// Thread-safe (the server thread answers; data is immutable).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/time.h"
#include "testing/loopback_http_server.h"

namespace tinkr::sim {

struct AzureMetricsResource {
  std::string resource_id;  // "/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<name>"
  std::string kind;         // "app_service" | "function_app" | "container_app" | "sql_database"
  std::string service;      // the scenario service it renders
  std::string region = "westeurope";
};

struct AzureMetricsSimOptions {
  // Token audiences accepted (ARM's list for the public cloud by default).
  std::vector<std::string> audiences = {"https://management.core.windows.net/", "https://management.core.windows.net",
                                        "https://management.azure.com/", "https://management.azure.com"};
  std::vector<std::string> api_versions = {"2018-01-01", "2021-05-01", "2023-10-01"};
  Timestamp now{};  // the end of a default (missing) timespan: the last hour before it
};

class AzureMetricsSim {
 public:
  // `metrics`: the scenario's series (labels {"service": …}, one point a minute).
  AzureMetricsSim(std::vector<MetricSeries> metrics, std::vector<AzureMetricsResource> resources,
                  AzureMetricsSimOptions options = {});
  ~AzureMetricsSim();

  std::string url() const { return server_.url(); }
  testing::LoopbackHttpServer& server() { return server_; }

  // The next `times` metrics requests (after the token check) answer 429 with
  // Retry-After: retry_after_seconds.
  void throttle(int times, int retry_after_seconds);
  // Answer `metric` with a per-metric error (HTTP 200, errorCode/errorMessage).
  void fail_metric(std::string metric, std::string error_code, std::string error_message);
  // Metrics - List requests answered with 200 so far.
  size_t answered() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  testing::LoopbackHttpServer server_;
};

// An unsigned JWT ("alg":"none") with the claims Resource Manager reads:
// aud, exp (Unix seconds), iss and tid. For tests only.
std::string azure_test_token(std::string_view audience, Timestamp expires);

}  // namespace tinkr::sim
