// AzureMetricsSim: a loopback Azure Resource Manager that serves Azure Monitor
// "Metrics - List" (GET {resourceId}/providers/Microsoft.Insights/metrics)
// for a fixed set of resources, each rendering one service of the shared
// scenario (its per-minute request rate, error ratio, p50/p99 latency, CPU and
// memory) as that resource type's real metrics.
//
// It checks what Resource Manager and the Insights provider check, and answers
// in their formats (shared/conformance/azure-metrics; REST reference
// "Metrics - List"). Where each error body comes from — (recorded): seen in
// an answer quoted in a public issue; (none): no documented or recorded
// wording was found, the text is the simulator's own:
//   * Authorization, ARM envelope {"error":{"code","message"}}: missing → 401
//     AuthenticationFailed "Authentication failed. The 'Authorization' header
//     is missing." (recorded, microsoftgraph/msgraph-sdk-javascript #1562);
//     not "Bearer …" → 401 AuthenticationFailedInvalidHeader "…provided in an
//     invalid format." (recorded, Azure/azure-sdk-for-python #4124); not a JWT
//     → 401 InvalidAuthenticationToken "The access token is invalid."
//     (recorded, Azure/azure-powershell #27882); "aud" not a Resource Manager
//     audience → 401 InvalidAuthenticationTokenAudience "The access token has
//     been obtained for wrong audience or resource '…'. It should exactly
//     match with one of the allowed audiences '…','…'." (recorded,
//     JetBrains/azure-tools-for-intellij #16, Azure-Samples/active-directory-
//     dotnetcore-daemon-v2 #145); "exp" past → 401 ExpiredAuthenticationToken
//     "The access token expiry UTC time '6/15/2026 8:22:51 AM' is earlier than
//     current UTC time '…'." (recorded, .NET date format,
//     microsoft/foundry-dev-tools #461). Signatures are not checked: tests
//     mint tokens with azure_test_token().
//   * api-version required: 400 MissingApiVersionParameter "The api-version
//     query parameter (?api-version=) is required for all requests."
//     (recorded, cloudquery/cloudquery #6626, Azure/azure-dev #3914); and
//     supported: 400 NoRegisteredProviderFound "No registered resource
//     provider found for location '…' and API version '…' for type '…'. The
//     supported api-versions are '…'." (recorded up to there,
//     Azure/azure-sdk-for-net #2265; the record goes on with the locations).
//   * the resource exists: 404 ResourceNotFound "The Resource
//     'Microsoft.Web/sites/x' under resource group 'rg' was not found. For
//     more details please go to https://aka.ms/ARMResourceNotFoundFix"
//     (recorded, Azure/azure-cli #30992). A path that is not …/metrics → 404
//     InvalidResourceType and an unparsable id → 400 InvalidResourceId (none).
//   * metricnames against the type's published metrics, case-sensitive, comma
//     in a name written "%2" -> 400 in the provider's flat shape
//     {"code":"BadRequest","message":"Failed to find metric configuration for
//     provider: microsoft.web, resource Type: sites, metric: X, Valid metrics:
//     A,B,…"} (recorded, provider and type lower-case,
//     Azure/azure-sdk-for-net #29584).
//   * interval one of the metric's grains (PT1M … P1D, some metrics fewer),
//     or FULL; otherwise the flat 400 "Commonly allowed time grains:
//     00:30:00,…,1.00:00:00 between metrics: a,b, can not support requested
//     time grain: 00:01:00 please adjust your interval parameter to use one of
//     the common grains, TraceId: <guid>" (recorded, elastic/beats #43885),
//     unless AutoAdjustTimegrain=true, which answers at the closest allowed
//     grain and says so in "interval".
//   * timespan "start/end" (or start/duration, duration/end), start < end;
//     aggregation words; $filter "statusCodeCategory eq '*'|'5xx'" on
//     Container Apps' Requests (the split our aliases use). Their error texts:
//     (none).
// Throttling on demand: 429 with Retry-After and the Insights provider's
// ResourceRequestsThrottled body "Number of requests for action
// 'Microsoft.Insights/metrics/read' exceeded the limit of '400' for time
// interval '00:05:00'. Please try again after 'N' seconds." (recorded for
// the action 'Microsoft.Insights/metricDefinitions/read',
// elastic/integrations #8575; the action name is this endpoint's).
// Partial errors on demand: HTTP 200 with the metric's errorCode/errorMessage
// and no timeseries, as in the spec's GetMetricError example (documented).
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
  AzureMetricsSim(const std::vector<MetricSeries>& metrics, std::vector<AzureMetricsResource> resources,
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
