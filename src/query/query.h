// The unified query language: one filter, every backend.
//
// A user writes `level:(ERROR OR WARN) AND NOT "health check"`; translate()
// turns it into the native query of a backend (LogQL, CloudWatch Logs
// Insights, Cloud Logging filter, KQL, Datadog log search, Elasticsearch /
// OpenSearch query DSL, or parameterised SQL for the embedded store), adding
// the service and time constraints that belong in that backend's query text.
// Text that is already native for the backend (Loki `{…}`, Datadog `@…`,
// an Insights pipeline with `|`, a Cloud Logging `resource.…`/`labels.…`/
// `severity=…` filter, KQL `Table | …`) passes through unchanged.
//
// Safety contract: user text (filter values, field names, the service name)
// reaches the output only through the dialect's escaping or, for SQL, as a
// bound parameter; no input can close a string, add a clause or comment out
// the rest. The grammar and translation tables are in docs/query-language.md.
//
// Every function here is pure and thread-safe. Errors are kInvalidArgument
// with the column (1-based) and what was expected: "expected ')' at column 17".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace tinkr::query {

// The native languages we translate to.
enum class Dialect {
  kLogQL,         // backend "grafana" (alias "loki")
  kInsights,      // backend "cloudwatch"
  kCloudLogging,  // backend "gcp"
  kKql,           // backend "azure"
  kDatadog,       // backend "datadog"
  kElastic,       // backend "elastic" (alias "elasticsearch"): ECS field names
  kOpenSearch,    // backend "otel" (alias "opensearch"): Data Prepper OTel log fields
  kSql,           // backend "local" (alias "sql"): the embedded store's `logs` table
};

// The dialect of a backend name (case-insensitive); an error lists the names.
Result<Dialect> dialect_for_backend(std::string_view backend_name);
// "logql", "insights", "cloud-logging", "kql", "datadog", "elastic", "opensearch", "sql".
std::string_view dialect_name(Dialect dialect);

// What a translation needs besides the filter text.
struct TranslateContext {
  std::string service;  // empty: every service
  // [from, to). An empty range (from >= to, e.g. default-constructed) adds no
  // time constraint. Where the backend takes time as request parameters
  // (Loki start/end, Insights startTime/endTime, Datadog from/to, the Log
  // Analytics timespan) it is NOT put into the query text; see
  // docs/query-language.md for each dialect.
  TimeRange range{};
  size_t limit = 100;
  bool newest_first = true;
  // Azure: picks the table (AppTraces by default; AppExceptions, ContainerLogV2,
  // ContainerLog, ContainerAppConsoleLogs_CL, AppServiceConsoleLogs,
  // FunctionAppLogs, AzureDiagnostics; also accepts the profile's short names
  // `k8s`/`aks`, `container_app`, `app_service`, `function`/`functions`).
  // GCP: picks resource.type and the label holding the service (cloud_run
  // (default), gke/k8s, cloud_function, gce, app_engine).
  // CloudWatch: not used in the query text (log groups are a request
  // parameter, chosen by the backend).
  std::string resource_type;
  // Loki: the stream label that holds the service (service_name, service,
  // app, job, container, …). Must be a valid Prometheus label name.
  std::string loki_service_label = "service_name";
  // Loki: the parser stage put before field filters: "json" (default),
  // "logfmt", or "" when fields are already labels / structured metadata.
  std::string loki_parser = "json";
  // Loki: the label holding the level ("level"; Loki 3 also has "detected_level").
  std::string loki_level_label = "level";
  // When true the query stops after the filters: no projection, sort or limit
  // (KQL, Insights, SQL, Elastic "size"), so a backend can append its own
  // aggregation (`| summarize count() by bin(...)`, `| stats count(*) by bin(...)`).
  bool filter_only = false;
};

// A bound SQL parameter, in `?` order.
using SqlParam = std::variant<int64_t, double, std::string>;

// A translated query.
struct NativeQuery {
  Dialect dialect = Dialect::kSql;
  // The query: LogQL, Insights query string, Cloud Logging filter, KQL,
  // Datadog `filter.query`, the Elastic/OpenSearch `_search` JSON body, or SQL.
  std::string text;
  std::vector<SqlParam> params;  // SQL only: one per `?` in text, in order
  bool passthrough = false;      // the input was already native
};

// For display (`tinkr query translate`): the text (an Elastic/OpenSearch JSON
// body pretty-printed) and, for SQL, one "-- ?N = value" line per parameter.
// Made on request so that translate() does not pay for it.
std::string printable(const NativeQuery& query);

// Parses `query_text` (or recognises native text) and translates it for the
// backend. The one entry point the CLI and the backends need.
Result<NativeQuery> translate(std::string_view backend_name, std::string_view query_text, const TranslateContext& ctx);
Result<NativeQuery> translate(Dialect dialect, std::string_view query_text, const TranslateContext& ctx);

// True when `query_text` is already in the dialect's native syntax.
bool is_native(Dialect dialect, std::string_view query_text);

// The embedded store's WHERE condition (without the keyword) and its
// parameters: `ts >= ? AND ts < ? [AND service = ?] AND (<filter>)`, for a
// caller that builds its own SELECT (counts, GROUP BY).
struct SqlFilter {
  std::string where;
  std::vector<SqlParam> params;
};
Result<SqlFilter> translate_sql_filter(std::string_view query_text, const TranslateContext& ctx);

// Checks the syntax only; the same errors as translate().
Status validate(std::string_view query_text);

// The canonical form of a query ("level:ERROR AND NOT \"health check\""), which
// parses back to the same tree. Errors are parse errors.
Result<std::string> normalize(std::string_view query_text);

}  // namespace tinkr::query
