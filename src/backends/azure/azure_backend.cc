#include "backends/azure/azure_backend.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "backends/azure/credential_chain.h"
#include "backends/azure/log_analytics_client.h"
#include "backends/azure/log_analytics_wire.h"
#include "backends/azure/log_tables.h"
#include "backends/azure/metrics_client.h"
#include "backends/azure/resource_uri.h"
#include "backends/azure/trace_assembly.h"
#include "query/escape.h"
#include "query/query.h"

namespace tinkr {
namespace {

using azure::LaResult;
using azure::LaRow;
using azure::LogTable;
namespace col = azure::wire::col;

constexpr size_t kMaxVolumePoints = 10000;
// Spans of a trace may start before the request that found it (its callers)
// or end after the range: the span queries look this much wider.
constexpr Nanos kTracePad = std::chrono::hours(1);

// KQL datetimes are 100 ns ticks: a bound is rounded up to the next tick (the
// same rows stay in [from, to)) and written with at most 7 fractional digits.
std::string kql_datetime(Timestamp t) {
  int64_t ns = to_unix_nanos(t);
  if (ns % 100 != 0) ns += 100 - ((ns % 100) + 100) % 100;
  const Timestamp tick = from_unix_nanos(ns);
  return "datetime(" + format_rfc3339(tick, ns % 1000 == 0 ? -1 : 7) + ")";
}

std::string kql_time_filter(const TimeRange& r) {
  return "TimeGenerated >= " + kql_datetime(r.from) + " and TimeGenerated < " + kql_datetime(r.to);
}

// A KQL timespan literal in one unit (1d, 5m, 30s, 250ms).
std::string kql_timespan(Nanos d) {
  const int64_t ns = d.count();
  if (ns % 86400000000000 == 0) return fmt::format("{}d", ns / 86400000000000);
  if (ns % 3600000000000 == 0) return fmt::format("{}h", ns / 3600000000000);
  if (ns % 60000000000 == 0) return fmt::format("{}m", ns / 60000000000);
  if (ns % 1000000000 == 0) return fmt::format("{}s", ns / 1000000000);
  return fmt::format("{}ms", std::max<int64_t>(1, ns / 1000000));
}

std::string kql_number(double v) {
  std::string s = fmt::format("{}", v);
  return s;
}

// The first word of a native query: its table.
std::string_view leading_table(std::string_view kql) {
  size_t i = 0;
  while (i < kql.size() && (kql[i] == ' ' || kql[i] == '\n' || kql[i] == '\t')) ++i;
  size_t j = i;
  while (j < kql.size() && (std::isalnum(static_cast<unsigned char>(kql[j])) || kql[j] == '_')) ++j;
  return kql.substr(i, j - i);
}

// Trace ids as users paste them: App Insights operation ids are 32 hex
// digits (W3C) or, from classic SDKs, other printable tokens.
Result<std::string> check_operation_id(std::string_view id) {
  const bool ok = !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '|';
  });
  if (!ok) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("\"{}\" is not an Application Insights operation id: expected the OperationId of "
                                  "a trace (32 hex digits, as `tinkr trace` lists them)",
                                  id.substr(0, 80)));
  }
  return std::string(id);
}

class AzureBackend final : public ObservabilityBackend {
 public:
  AzureBackend(azure::AzureOptions options, azure::AzureConnection connection)
      : options_(std::move(options)),
        connection_(std::move(connection)),
        http_(std::make_shared<net::HttpClient>(client_options(options_))),
        logs_(options_, connection_.endpoints.log_analytics, connection_.log_analytics_scope, connection_.credential,
              http_),
        metrics_(metrics_options(options_, connection_), connection_.credential, http_) {}

  std::string_view name() const override { return "azure"; }

  Result<std::vector<LogEntry>> query_logs(const LogQuery& q) override {
    TINKR_ASSIGN_OR_RETURN(auto native, translate(q, q.filter, false));
    TINKR_ASSIGN_OR_RETURN(const LogTable* table, table_of(native, q.resource_type));
    TINKR_ASSIGN_OR_RETURN(LaResult result, logs_.query(native.text, q.range, "log query"));
    std::vector<LogEntry> out;
    if (const auto* t = result.primary()) {
      out.reserve(t->rows.size());
      for (const auto& r : t->rows) out.push_back(azure::to_log_entry(*table, LaRow(*t, r), q.service));
    }
    std::stable_sort(out.begin(), out.end(), [](const LogEntry& a, const LogEntry& b) { return a.time < b.time; });
    if (out.size() > q.limit) {
      if (q.newest_first) {
        out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(q.limit));
      } else {
        out.resize(q.limit);
      }
    }
    return out;
  }

  Result<std::string> explain_logs(const LogQuery& q) override {
    TINKR_ASSIGN_OR_RETURN(auto native, translate(q, q.filter, false));
    return std::move(native.text);
  }

  Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery& q) override {
    if (q.range.from >= q.range.to) return std::vector<MetricSeries>{};
    Nanos bucket = q.bucket.count() > 0 ? q.bucket : Nanos(std::chrono::minutes(1));
    bucket = std::max<Nanos>(bucket, std::chrono::seconds(1));
    while (q.range.length() / bucket >= static_cast<int64_t>(kMaxVolumePoints)) bucket *= 2;

    LogQuery lq;
    lq.service = q.service;
    lq.range = q.range;
    lq.resource_type = q.resource_type;
    TINKR_ASSIGN_OR_RETURN(auto native, translate(lq, q.filter, true));
    TINKR_ASSIGN_OR_RETURN(const LogTable* table, table_of(native, q.resource_type));
    // bin_at, not bin: buckets start at the range's start, not at the epoch.
    std::string kql = native.text + fmt::format(" | summarize count() by TimeGenerated = bin_at(TimeGenerated, {}, {})",
                                                kql_timespan(bucket), kql_datetime(q.range.from));
    if (!table->level_column.empty()) kql += ", " + std::string(table->level_column);
    if (table->level_source == azure::LevelSource::kPayload) kql += ", Level = " + azure::payload_level_case(*table);
    TINKR_ASSIGN_OR_RETURN(LaResult result, logs_.query(kql, q.range, "log volume query"));

    std::map<Level, std::map<Timestamp, double>> counts;
    if (const auto* t = result.primary()) {
      for (const auto& r : t->rows) {
        LaRow row(*t, r);
        auto time = row.time(col::kTimeGenerated);
        if (!time) continue;
        Level level = Level::kUnknown;
        if (table->level_source == azure::LevelSource::kSeverityInt) {
          level = azure::level_from_severity(row.integer(table->level_column).value_or(-1));
        } else if (!table->level_column.empty()) {
          level = parse_level(row.text(table->level_column));
        } else {
          level = parse_level(row.text("Level"));
        }
        counts[level][*time] += static_cast<double>(row.integer(col::kCount).value_or(0));
      }
    }
    std::vector<MetricSeries> out;
    for (const auto& [level, per_time] : counts) {
      MetricSeries series;
      series.name = "log_count";
      series.unit = "1";
      series.labels["level"] = std::string(level_name(level));
      for (Timestamp t = q.range.from; t < q.range.to; t += bucket) {
        auto it = per_time.find(t);
        series.points.push_back({t, it == per_time.end() ? 0.0 : it->second});
      }
      out.push_back(std::move(series));
    }
    return out;
  }

  // Azure Monitor Metrics through Resource Manager; the resource comes from
  // the service's settings and the profile's subscription / resource group.
  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) override {
    const config::ServiceConfig* settings = nullptr;
    if (auto it = options_.services.find(q.service); it != options_.services.end()) settings = &it->second;
    azure::ResourceDefaults defaults{options_.subscription_id, options_.resource_group, ""};
    // The profile's resource_type also picks log tables (app_insights, k8s, …):
    // it is a metrics default only when it names a metrics resource type.
    if (azure::parse_resource_kind(options_.resource_type).ok()) defaults.resource_type = options_.resource_type;
    return metrics_.get_metrics(q, settings, defaults);
  }

  Result<std::vector<Trace>> get_traces(const TraceQuery& q) override {
    if (q.range.from >= q.range.to) return std::vector<Trace>{};
    const size_t limit = std::max<size_t>(q.limit, 1);
    std::string kql = "AppRequests | where " + kql_time_filter(q.range);
    if (!q.service.empty()) kql += " | where AppRoleName == " + query::escape::kql_string(q.service);
    if (q.errors_only) kql += " | where Success == false";
    if (q.min_duration.count() > 0) {
      kql += " | where DurationMs >= " + kql_number(static_cast<double>(q.min_duration.count()) / 1e6);
    }
    if (!q.errors_only && q.min_duration.count() == 0 && options_.slow_request_ms > 0) {
      kql += " | where Success == false or DurationMs > " + kql_number(options_.slow_request_ms);
    }
    for (const auto& [key, value] : q.tags) {
      kql += " | where tostring(Properties[" + query::escape::kql_string(key) +
             "]) == " + query::escape::kql_string(value);
    }
    kql += " | project OperationId, Name, DurationMs, Success, ResultCode, TimeGenerated | order by DurationMs desc";
    kql += " | take " + std::to_string(limit);
    TINKR_ASSIGN_OR_RETURN(LaResult found, logs_.query(kql, q.range, "trace search"));

    std::vector<std::string> ids;
    std::set<std::string> seen;
    if (const auto* t = found.primary()) {
      for (const auto& r : t->rows) {
        std::string id = LaRow(*t, r).text(col::kOperationId);
        if (!id.empty() && seen.insert(id).second) ids.push_back(std::move(id));
      }
    }
    if (ids.empty()) return std::vector<Trace>{};
    const TimeRange wide{q.range.from - kTracePad, q.range.to + kTracePad};
    TINKR_ASSIGN_OR_RETURN(auto traces, fetch_operations(ids, "where " + kql_time_filter(wide), wide));
    std::stable_sort(traces.begin(), traces.end(),
                     [](const Trace& a, const Trace& b) { return a.duration > b.duration; });
    if (traces.size() > limit) traces.resize(limit);
    return traces;
  }

  Result<Trace> get_trace(std::string_view trace_id) override {
    TINKR_ASSIGN_OR_RETURN(std::string id, check_operation_id(trace_id));
    // No request timespan: the query bounds itself relative to the service's clock.
    TINKR_ASSIGN_OR_RETURN(auto traces,
                           fetch_operations({id},
                                            "where TimeGenerated >= ago(" + kql_timespan(options_.trace_lookback) + ")",
                                            TimeRange{}));
    if (traces.empty()) {
      return make_error(ErrorCode::kNotFound,
                        fmt::format("trace {} not found in Application Insights (AppRequests and AppDependencies of "
                                    "workspace {}) in the last {}: it may be older (trace_lookback), sampled out, or "
                                    "sent to another workspace",
                                    id, options_.workspace_id, format_duration(options_.trace_lookback)));
    }
    return std::move(traces.front());
  }

  Result<std::vector<std::string>> list_services(const TimeRange& range) override {
    TimeRange r = range;
    if (r.from >= r.to) r = TimeRange{now() - std::chrono::hours(24), now()};
    TINKR_ASSIGN_OR_RETURN(const LogTable* table, azure::log_table_for(options_.resource_type));
    std::set<std::string> services;
    auto collect = [&](std::string_view table_name, std::string_view column) -> Status {
      const std::string kql = fmt::format("{} | where {} | distinct {}", table_name, kql_time_filter(r), column);
      TINKR_ASSIGN_OR_RETURN(LaResult result, logs_.query(kql, r, "service list"));
      if (const auto* t = result.primary()) {
        for (const auto& row : t->rows) {
          std::string s = LaRow(*t, row).text(column);
          if (column == "_ResourceId" || column == "Name")
            s = s.substr(s.rfind('/') == std::string::npos ? 0 : s.rfind('/') + 1);
          if (!s.empty()) services.insert(std::move(s));
        }
      }
      return ok_status();
    };
    TINKR_RETURN_IF_ERROR(collect(table->name, table->service_column));
    // Services that trace but do not log to this table.
    if (table->app_insights) TINKR_RETURN_IF_ERROR(collect("AppRequests", col::kAppRoleName));
    return std::vector<std::string>(services.begin(), services.end());
  }

  Status check() override {
    TINKR_RETURN_IF_ERROR(logs_.configured());
    TINKR_ASSIGN_OR_RETURN(const LogTable* table, azure::log_table_for(options_.resource_type));
    const Timestamp t = now();
    auto r = logs_.query(std::string(table->name) + " | take 1", TimeRange{t - std::chrono::minutes(5), t},
                         "connection check");
    if (!r.ok()) return r.error();
    return ok_status();
  }

 private:
  static azure::MetricsClientOptions metrics_options(const azure::AzureOptions& o, const azure::AzureConnection& c) {
    azure::MetricsClientOptions m;
    m.resource_manager_url = c.endpoints.resource_manager;
    m.token_scope = c.resource_manager_scope;
    m.timeout = std::chrono::duration_cast<net::Millis>(o.timeout);
    return m;
  }

  static net::HttpClientOptions client_options(const azure::AzureOptions& o) {
    net::HttpClientOptions c;
    c.ca_file = o.ca_file;
    c.max_response_bytes = o.max_response_bytes;
    c.retry.max_attempts = o.max_attempts;
    return c;
  }

  std::string resource_type(std::string_view asked) const {
    return asked.empty() ? options_.resource_type : std::string(asked);
  }

  // The KQL for a log query through the shared translator (user text is escaped there).
  Result<query::NativeQuery> translate(const LogQuery& q, std::string_view filter, bool filter_only) const {
    query::TranslateContext ctx;
    ctx.service = q.service;
    ctx.range = q.range;
    ctx.limit = q.limit;
    ctx.newest_first = q.newest_first;
    ctx.resource_type = resource_type(q.resource_type);
    ctx.filter_only = filter_only;
    return query::translate(query::Dialect::kKql, filter.empty() ? std::string_view("*") : filter, ctx);
  }

  // The table a translated query reads: the one its text starts with (native
  // queries name their own), else the resource type's.
  Result<const LogTable*> table_of(const query::NativeQuery& native, std::string_view asked) const {
    if (auto named = azure::log_table_for(leading_table(native.text)); named.ok()) return *named;
    return azure::log_table_for(resource_type(asked));
  }

  // Every request and dependency of the operations, assembled into traces.
  Result<std::vector<Trace>> fetch_operations(const std::vector<std::string>& ids, const std::string& time_filter,
                                              const TimeRange& timespan) const {
    std::string in = "(";
    for (size_t i = 0; i < ids.size(); ++i) in += (i ? ", " : "") + query::escape::kql_string(ids[i]);
    in += ")";
    std::vector<Span> spans;
    const std::string requests =
        fmt::format("AppRequests | {} | where OperationId in {} | project {}", time_filter, in, azure::kRequestColumns);
    TINKR_ASSIGN_OR_RETURN(LaResult req, logs_.query(requests, timespan, "trace lookup (requests)"));
    if (const auto* t = req.primary()) {
      for (const auto& r : t->rows) spans.push_back(azure::span_from_request(LaRow(*t, r)));
    }
    const std::string deps = fmt::format("AppDependencies | {} | where OperationId in {} | project {}", time_filter, in,
                                         azure::kDependencyColumns);
    TINKR_ASSIGN_OR_RETURN(LaResult dep, logs_.query(deps, timespan, "trace lookup (dependencies)"));
    if (const auto* t = dep.primary()) {
      for (const auto& r : t->rows) spans.push_back(azure::span_from_dependency(LaRow(*t, r)));
    }
    return azure::assemble_traces(std::move(spans));
  }

  azure::AzureOptions options_;
  azure::AzureConnection connection_;
  std::shared_ptr<const net::HttpClient> http_;
  azure::LogAnalyticsClient logs_;
  azure::MetricsClient metrics_;
};

}  // namespace

Result<std::unique_ptr<ObservabilityBackend>> make_azure_backend(azure::AzureOptions options,
                                                                 azure::AzureConnection connection) {
  if (!connection.credential) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile '{}' (backend azure): no Azure credential", options.profile_name));
  }
  return std::unique_ptr<ObservabilityBackend>(
      std::make_unique<AzureBackend>(std::move(options), std::move(connection)));
}

Result<std::unique_ptr<ObservabilityBackend>> make_azure_backend(const config::Profile& profile,
                                                                 const config::Environment& env) {
  TINKR_ASSIGN_OR_RETURN(azure::AzureOptions options, azure::load_options(profile, env));
  TINKR_ASSIGN_OR_RETURN(azure::AzureEndpoints endpoints, azure::resolve_endpoints(profile, env));
  azure::CredentialOptions credential_options;
  credential_options.http.ca_file = options.ca_file;
  TINKR_ASSIGN_OR_RETURN(auto credential, azure::make_default_credential(profile, env, credential_options));
  azure::AzureConnection connection;
  connection.log_analytics_scope = endpoints.log_analytics_scope();
  connection.resource_manager_scope = endpoints.resource_manager_scope();
  connection.endpoints = std::move(endpoints);
  connection.credential = std::move(credential);
  return make_azure_backend(std::move(options), std::move(connection));
}

void register_azure_backend(BackendRegistry& registry) {
  registry.add("azure", [](const config::Profile& profile, const config::Environment& env) {
    return make_azure_backend(profile, env);
  });
}

}  // namespace tinkr
