// AzureOptions: what the Azure backend reads from its profile and the
// environment, resolved once at construction.
//
// Profile keys win; AZURE_LOG_ANALYTICS_WORKSPACE_ID, AZURE_SUBSCRIPTION_ID,
// AZURE_RESOURCE_GROUP and AZURE_CLIENT_ID fill the gaps (the keys and
// variables of docs/backends/azure.md). A missing or malformed workspace ID is
// not an error here, so that a profile with placeholders still loads and
// `tinkr doctor` can say what to fix: the log and trace operations fail with
// a kConfig error naming the key. Endpoints and credentials are not options:
// they come from azure/cloud.h and azure/credential.h.
// A plain value type; safe to share between threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/result.h"
#include "core/time.h"

namespace tinkr::azure {

struct AzureOptions {
  std::string profile_name;
  std::string workspace_id;     // the workspace's customer ID (a GUID), not its ARM resource ID
  std::string subscription_id;  // for Azure Monitor Metrics (resource IDs)
  std::string resource_group;
  std::string client_id;      // user-assigned managed identity, read by the credential chain
  std::string resource_type;  // the default log table when a query names none ("" = AppTraces)
  // [profiles.x.services.<name>]: per-service settings (resource_type,
  // resource_id, resource_name, resource_group, server) that locate the Azure
  // resource a service's metrics come from (resource_uri.h).
  std::map<std::string, config::ServiceConfig, std::less<>> services;

  // Traces: with neither --errors nor a minimum duration, requests that failed
  // or took longer than this (the page's "Success == false or DurationMs >
  // 1000"); 0 lists every request, slowest first.
  double slow_request_ms = 1000;
  // How far back get_trace(id) looks for an operation (Log Analytics needs a
  // time bound to stay cheap).
  Nanos trace_lookback{std::chrono::hours(24 * 7)};
  // A PartialError answer (HTTP 200 with rows and an error) fails the call by
  // default, with Log Analytics' reasons; true returns the rows that came back.
  bool allow_partial_results = false;

  std::string ca_file;
  Nanos timeout{std::chrono::seconds(60)};
  size_t max_response_bytes = size_t{64} << 20;
  int max_attempts = 3;  // HTTP tries per call (429/5xx retried, Retry-After honoured)
};

// Reads the options; errors are kConfig and name the key and the expected form.
Result<AzureOptions> load_options(const config::Profile& profile, const config::Environment& env);

// True for a GUID in the 8-4-4-4-12 hex form Log Analytics workspace IDs have.
bool is_guid(std::string_view text);

// kConfig when the workspace ID is missing or not a GUID, naming the key and
// the variable and where to find the value; ok otherwise.
Status check_workspace_id(const AzureOptions& options);

}  // namespace tinkr::azure
