// LogAnalyticsClient: runs KQL against one Log Analytics workspace.
//
// POST <endpoint>/v1/workspaces/<workspace>/query with {"query", "timespan"}
// (the range as an ISO 8601 interval, ANDed by the service with the query's
// own time filter), `Authorization: Bearer <token>` from the TokenCredential
// for the Log Analytics scope, and `Prefer: wait=<timeout>`. Answers are
// parsed into LaResult; non-2xx answers become Errors that quote Log
// Analytics' code and message and say what to do (401/403: the credential
// chain, the audience or the RBAC role with the az command that grants it;
// 404: workspace_id; 429: retries ran out, wait or narrow the range). A
// PartialError answer fails the call, with the reasons and the row count,
// unless allow_partial_results is set.
//
// Transport (down, slow, oversized, TLS, 429/5xx retries honouring
// Retry-After) is net::HttpClient's. Thread-safe: immutable after
// construction; the credential and the HttpClient are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "backends/azure/azure_options.h"
#include "backends/azure/credential.h"
#include "backends/azure/log_analytics_result.h"
#include "core/result.h"
#include "core/time.h"
#include "net/http_client.h"

namespace tinkr::azure {

class LogAnalyticsClient {
 public:
  // base_url: the Log Analytics endpoint ("https://api.loganalytics.io", no
  // trailing slash); scope: the token scope for it ("<audience>/.default").
  LogAnalyticsClient(const AzureOptions& options, std::string base_url, std::string scope,
                     std::shared_ptr<TokenCredential> credential, std::shared_ptr<const net::HttpClient> http);

  // kConfig when the workspace ID is missing or malformed.
  Status configured() const;

  // Runs the query. An empty range (from >= to) sends no timespan: the query
  // must bound itself. `what` names the operation in errors ("log query").
  Result<LaResult> query(std::string_view kql, const TimeRange& range, std::string_view what) const;

  // The URL queries are sent to (for messages).
  std::string query_url() const;

 private:
  Error answer_error(const net::HttpResponse& response, std::string_view kql, std::string_view what) const;

  AzureOptions options_;
  std::string base_url_;
  std::string scope_;
  std::shared_ptr<TokenCredential> credential_;
  std::shared_ptr<const net::HttpClient> http_;
};

// The ISO 8601 interval Log Analytics takes as `timespan`: "<from>/<to>".
std::string iso8601_interval(const TimeRange& range);

}  // namespace tinkr::azure
