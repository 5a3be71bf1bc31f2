// AzureLogAnalyticsSim: a loopback Log Analytics query API over in-memory
// tables (usually the shared scenario rendered by render_azure_tables).
//
//   POST /v1/workspaces/{workspaceId}/query   {"query": "<KQL>", "timespan": "<ISO 8601>"}
//
// It checks what the service checks and answers in its formats
// (learn.microsoft.com/azure/azure-monitor/logs/api/request-format,
// …/response-format, …/errors; samples in shared/conformance/azure-log-analytics).
// Where each error body comes from:
//   * 401 AuthenticationFailed ("Authentication failed. The 'Authorization'
//     header is missing."), 403 InvalidAuthenticationToken ("The access token
//     is invalid."; also for an expired token), 403
//     InvalidAuthenticationTokenAudience ("…obtained from wrong audience or
//     resource '…'. It should exactly match (including forward slash) with one
//     of the allowed audiences …"), 400 BadArgumentError → SyntaxError:
//     verbatim from the errors page (documented).
//   * 403 InsufficientAccessError with a correlationId: as the Azure SDK's own
//     troubleshooting guide quotes it (Azure/azure-sdk-for-net PR #37173,
//     sdk/monitor/…/TROUBLESHOOTING.md) (recorded).
//   * The SyntaxError / SemanticError chain with SYN0002 / SEM0100, line, pos,
//     token: the shape seen from the service (conformance
//     error_400_syntax_detailed, constructed); the texts come from kql_eval.
//   * 404 PathNotFoundError "The requested path does not exist", for a
//     workspace other than this one and for any other path: what the service
//     answers to a workspace name instead of the GUID and to a wrong path
//     (Azure/azure-cli-extensions #3914 and #2479, Azure/azure-sdk-for-python
//     #45580, Azure/azure-sdk-for-net #24274) (recorded). No source shows the
//     answer for a well-formed GUID that is not a workspace; the simulator
//     answers the same.
//   * 429: Microsoft documents the status only (per-user concurrency queue,
//     "Azure Monitor Logs—Concurrency query throttle", 2020; the query API
//     limits), no body, and no recorded body was found. The simulator's body
//     ({"error":{"code":"ThrottledError","message":…,"correlationId"}} +
//     Retry-After) is an assumption in the service's error envelope; clients
//     must not depend on its code or text.
//   * 405 MethodNotAllowed, 415 UnsupportedMediaType, 400 QueryValidationError
//     for a missing query or a bad timespan: no source found; simulator
//     wording.
// Checks:
//   * Authorization: none → 401; not a bearer JWT → 403; expired → 403; an
//     `aud` claim other than the Log Analytics audience → 403 …Audience;
//     `deny_access` → 403 InsufficientAccessError.
//   * The API version is the path's /v1 (this endpoint has no api-version
//     parameter); another path or workspace → 404; not POST → 405.
//   * Body: JSON with a string "query" (else 400 BadArgumentError), an
//     optional ISO 8601 "timespan" (interval "a/b", "a/PT1H", or a duration
//     ending now; else 400), ANDed with the query.
//   * KQL: evaluated by sim/kql_eval.h; what it does not support is a 400
//     BadArgumentError → SyntaxError (SYN0002) or SemanticError (SEM0100).
//   * Answers: {"tables":[{"name":"PrimaryResult","columns":[{name,type}],
//     "rows":[[…]]}]}, datetimes with 7 fractional digits, dynamic as
//     JSON-encoded strings. A result longer than max_result_rows is cut and
//     answered 200 with a PartialError beside the table (E_QUERY_RESULT_SET_TOO_LARGE;
//     conformance partial_error, constructed from the documented behaviour).
//   * throttle(n, s): the next n queries get 429 with Retry-After: s.
//
// Test tokens (the contract with the tests' credentials): an unsigned JWT,
// make_test_token(audience, expires) = base64url({"alg":"none","typ":"JWT"})
// "." base64url({"aud": audience, "exp": <unix s>}) "." — the simulator
// decodes the payload and checks `aud` and `exp`, as the service does after
// verifying the signature (which it cannot here). Real Entra ID tokens for
// Log Analytics carry aud "https://api.loganalytics.io".
// Thread-safe (the server's thread answers; tables are immutable).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "sim/kql_eval.h"
#include "testing/loopback_http_server.h"

namespace tinkr::sim {

struct AzureLogAnalyticsSimOptions {
  std::string workspace_id = "63613592-b6f7-4c3d-a390-22ba13102111";
  std::string audience = "https://api.loganalytics.io";
  Timestamp now{};                  // resolves ago() and duration timespans; {} = the system clock
  size_t max_result_rows = 500000;  // the service's E_QUERY_RESULT_SET_TOO_LARGE limit
  bool deny_access = false;         // the identity has no read role on the workspace
  // Also accept opaque bearer tokens with this prefix (e.g. "sim-", the
  // tokens AzureIdentitySim issues), whose audience cannot be read: that
  // simulator checked the scope when it issued them. "" = JWTs only.
  std::string accept_opaque_prefix;
};

class AzureLogAnalyticsSim {
 public:
  AzureLogAnalyticsSim(kql::Catalog tables, AzureLogAnalyticsSimOptions options = {});
  // The scenario's logs and traces rendered into the workspace's tables.
  AzureLogAnalyticsSim(const std::vector<LogEntry>& logs, const std::vector<Trace>& traces,
                       AzureLogAnalyticsSimOptions options = {});
  ~AzureLogAnalyticsSim();

  std::string url() const { return server_.url(); }
  testing::LoopbackHttpServer& server() { return server_; }
  const AzureLogAnalyticsSimOptions& options() const;

  // The next `count` queries are answered 429 with Retry-After: retry_after_s.
  void throttle(int count, int retry_after_s);
  // KQL texts received, in order.
  std::vector<std::string> queries() const;
  // Request bodies' timespans, in order ("" when absent).
  std::vector<std::string> timespans() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  testing::LoopbackHttpServer server_;
};

// An unsigned test JWT for `audience` (see the header comment).
std::string make_test_token(std::string_view audience, Timestamp expires);

}  // namespace tinkr::sim
