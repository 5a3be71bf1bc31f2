#include "backends/azure/metric_catalog.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/strings.h"

namespace tinkr::azure {
namespace {

constexpr Aggregation A = Aggregation::kAverage;
constexpr Aggregation Mn = Aggregation::kMinimum;
constexpr Aggregation Mx = Aggregation::kMaximum;
constexpr Aggregation T = Aggregation::kTotal;
constexpr Aggregation C = Aggregation::kCount;

using Dims = std::vector<std::string_view>;
const Dims kInstance = {"Instance"};
const Dims kNone = {};

// Supported metrics for Microsoft.Web/sites (App Service, Functions, Logic Apps
// Standard), from Microsoft's generated reference.
const std::vector<MetricDefinition>& web_sites() {
  static const std::vector<MetricDefinition> defs = {
      {"AlwaysReadyFunctionExecutionCount", "Count", {T}, kInstance, {}},
      {"AlwaysReadyFunctionExecutionUnits", "Count", {T}, kInstance, {}},
      {"AlwaysReadyUnits", "Count", {T}, kInstance, {}},
      {"AppConnections", "Count", {A, C, Mx, Mn}, kInstance, {}},
      {"AverageMemoryWorkingSet", "Bytes", {A}, kInstance, {}},
      {"AverageResponseTime", "Seconds", {A}, kInstance, {}},  // deprecated: HttpResponseTime
      {"BytesReceived", "Bytes", {T}, kInstance, {}},
      {"BytesSent", "Bytes", {T}, kInstance, {}},
      {"CpuPercentage", "Percent", {A}, kInstance, {}},       // Flex Consumption function apps only
      {"CpuTime", "Seconds", {T, C, Mn, Mx}, kInstance, {}},  // web apps only
      {"CurrentAssemblies", "Count", {A}, kInstance, {}},
      {"FileSystemUsage", "Bytes", {A}, kNone, {"PT6H", "PT12H", "P1D"}},
      {"FunctionExecutionCount", "Count", {T}, kInstance, {}},
      {"FunctionExecutionUnits", "Count", {T}, kInstance, {}},
      {"Gen0Collections", "Count", {T}, kInstance, {}},
      {"Gen1Collections", "Count", {T}, kInstance, {}},
      {"Gen2Collections", "Count", {T}, kInstance, {}},
      {"Handles", "Count", {A}, kInstance, {}},
      {"HealthCheckStatus", "Count", {A}, kInstance, {"PT5M", "PT1H", "P1D"}},
      {"Http101", "Count", {T}, kInstance, {}},
      {"Http2xx", "Count", {T}, kInstance, {}},
      {"Http3xx", "Count", {T}, kInstance, {}},
      {"Http401", "Count", {T}, kInstance, {}},
      {"Http403", "Count", {T}, kInstance, {}},
      {"Http404", "Count", {T}, kInstance, {}},
      {"Http406", "Count", {T}, kInstance, {}},
      {"Http4xx", "Count", {T}, kInstance, {}},
      {"Http5xx", "Count", {T}, kInstance, {}},
      {"HttpResponseTime", "Seconds", {A}, kInstance, {}},
      {"InstanceCount", "Count", {A}, kNone, {}},
      {"IoOtherBytesPerSecond", "BytesPerSecond", {T}, kInstance, {}},
      {"IoOtherOperationsPerSecond", "BytesPerSecond", {T}, kInstance, {}},
      {"IoReadBytesPerSecond", "BytesPerSecond", {T}, kInstance, {}},
      {"IoReadOperationsPerSecond", "BytesPerSecond", {T}, kInstance, {}},
      {"IoWriteBytesPerSecond", "BytesPerSecond", {T}, kInstance, {}},
      {"IoWriteOperationsPerSecond", "BytesPerSecond", {T}, kInstance, {}},
      {"MemoryWorkingSet", "Bytes", {A}, kInstance, {}},
      {"OnDemandFunctionExecutionCount", "Count", {T}, kInstance, {}},
      {"OnDemandFunctionExecutionUnits", "Count", {T}, kInstance, {}},
      {"PrivateBytes", "Bytes", {A}, kInstance, {}},
      {"Requests", "Count", {T}, kInstance, {}},
      {"RequestsInApplicationQueue", "Count", {A}, kInstance, {}},
      {"Threads", "Count", {A}, kInstance, {}},
      {"TotalAppDomains", "Count", {A}, kInstance, {}},
      {"TotalAppDomainsUnloaded", "Count", {A}, kInstance, {}},
      {"WorkflowActionsCompleted", "Count", {T}, {"workflowName", "status"}, {}},
      {"WorkflowActionsFailureRate", "Percent", {T}, {"workflowName"}, {}},
      {"WorkflowAppJobPullRate", "CountPerSecond", {T}, {"accountName"}, {}},
      {"WorkflowJobExecutionDelay", "Seconds", {A}, {"workflowName"}, {}},
      {"WorkflowJobExecutionDuration", "Seconds", {A}, {"workflowName"}, {}},
      {"WorkflowRunsCompleted", "Count", {T}, {"workflowName", "status"}, {}},
      {"WorkflowRunsDispatched", "Count", {T}, {"workflowName"}, {}},
      {"WorkflowRunsFailureRate", "Percent", {T}, {"workflowName"}, {}},
      {"WorkflowRunsStarted", "Count", {T}, {"workflowName"}, {}},
      {"WorkflowTriggersCompleted", "Count", {T}, {"workflowName", "status"}, {}},
      {"WorkflowTriggersFailureRate", "Percent", {T}, {"workflowName"}, {}},
  };
  return defs;
}

// Supported metrics for Microsoft.App/containerApps.
const std::vector<MetricDefinition>& container_apps() {
  static const Dims rev = {"revisionName"};
  static const Dims rev_pod = {"revisionName", "podName"};
  static const Dims jvm_pool = {"revisionName", "podName", "container", "poolName"};
  static const Dims jvm_pool_type = {"revisionName", "podName", "container", "poolName", "poolType"};
  static const Dims jvm_type = {"revisionName", "podName", "container", "poolType"};
  static const Dims jvm_gc = {"revisionName", "podName", "container", "gcName"};
  static const std::vector<MetricDefinition> defs = {
      {"CoresQuotaUsed", "Count", {Mx, Mn}, rev, {}},
      {"CpuPercentage", "Percent", {A, T, Mx, Mn}, {"podName"}, {}},
      {"MemoryPercentage", "Percent", {A, T, Mx, Mn}, {"podName"}, {}},
      {"Replicas", "Count", {A, T, Mx, Mn}, rev, {}},
      {"Requests", "Count", {T, A, Mx, Mn}, {"revisionName", "podName", "statusCodeCategory", "statusCode"}, {}},
      {"ResiliencyConnectTimeouts", "Count", {T, A, Mx, Mn}, rev, {}},
      {"ResiliencyEjectedHosts", "Count", {T, A, Mx, Mn}, rev, {}},
      {"ResiliencyEjectionsAborted", "Count", {T, A, Mx, Mn}, rev, {}},
      {"ResiliencyRequestRetries", "Count", {T, A, Mx, Mn}, rev, {}},
      {"ResiliencyRequestsPendingConnectionPool", "Count", {T, A, Mx, Mn}, rev, {}},
      {"ResiliencyRequestTimeouts", "Count", {T, A, Mx, Mn}, rev, {}},
      {"ResponseTime", "MilliSeconds", {A, T, Mx, Mn}, {"statusCodeCategory", "statusCode"}, {}},
      {"RestartCount", "Count", {A, T, Mx, Mn}, rev_pod, {}},
      {"RxBytes", "Bytes", {A, T, Mx, Mn}, rev_pod, {}},
      {"TotalCoresQuotaUsed", "Count", {A, Mx, Mn}, kNone, {}},
      {"TxBytes", "Bytes", {A, T, Mx, Mn}, rev_pod, {}},
      {"UsageNanoCores", "NanoCores", {A, T, Mx, Mn}, rev_pod, {}},
      {"WorkingSetBytes", "Bytes", {A, T, Mx, Mn}, rev_pod, {}},
      {"GpuUtilizationPercentage", "Percent", {A, Mx, Mn}, rev_pod, {}},
      {"JvmBufferCount", "Count", {A, Mx, Mn}, jvm_pool, {}},
      {"JvmBufferMemoryLimit", "Bytes", {A, Mx, Mn}, jvm_pool, {}},
      {"JvmBufferMemoryUsage", "Bytes", {A, Mx, Mn}, jvm_pool, {}},
      {"JvmGcCount", "Count", {T, A, Mx, Mn}, jvm_gc, {}},
      {"JvmGcDuration", "MilliSeconds", {T, A, Mx, Mn}, jvm_gc, {}},
      {"JvmMemoryCommitted", "Bytes", {A, Mx, Mn}, jvm_pool_type, {}},
      {"JvmMemoryLimit", "Bytes", {A, Mx, Mn}, jvm_pool_type, {}},
      {"JvmMemoryTotalCommitted", "Bytes", {A, Mx, Mn}, jvm_type, {}},
      {"JvmMemoryTotalLimit", "Bytes", {A, Mx, Mn}, jvm_type, {}},
      {"JvmMemoryTotalUsed", "Bytes", {A, Mx, Mn}, jvm_type, {}},
      {"JvmMemoryUsed", "Bytes", {A, Mx, Mn}, jvm_pool_type, {}},
      {"JvmThreadCount", "Count", {A, Mx, Mn}, {"revisionName", "podName", "container", "daemon", "threadState"}, {}},
  };
  return defs;
}

// Supported metrics for Microsoft.Sql/servers/databases.
const std::vector<MetricDefinition>& sql_databases() {
  static const Dims conn = {"Error", "ValidatedDriverNameAndVersion"};
  static const Dims wlg = {"WorkloadGroupName", "IsUserDefined"};
  static const std::vector<std::string_view> daily = {"P1D"};
  static const std::vector<MetricDefinition> defs = {
      {"active_queries", "Count", {T}, kNone, {}},
      {"allocated_data_storage", "Bytes", {A, Mx, Mn}, kNone, {}},
      {"app_cpu_billed", "Count", {T}, kNone, {}},
      {"app_cpu_billed_ha_replicas", "Count", {T}, kNone, {}},
      {"app_cpu_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"app_memory_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"availability", "Percent", {A, Mx, Mn, C, T}, kNone, {}},
      {"base_blob_size_bytes", "Bytes", {A, Mx, Mn}, kNone, daily},
      {"blocked_by_firewall", "Count", {T, C}, kNone, {}},
      {"cache_hit_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"cache_used_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"connection_failed", "Count", {T, C}, conn, {}},
      {"connection_failed_user_error", "Count", {T, C}, conn, {}},
      {"connection_successful", "Count", {T, C}, {"SslProtocol", "ValidatedDriverNameAndVersion"}, {}},
      {"cpu_limit", "Count", {A, Mx, Mn}, kNone, {}},
      {"cpu_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"cpu_used", "Count", {A, Mx, Mn}, kNone, {}},
      {"deadlock", "Count", {T, C}, kNone, {}},
      {"diff_backup_size_bytes", "Bytes", {A, Mx, Mn}, kNone, daily},
      {"dtu_consumption_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"dtu_limit", "Count", {A, Mx, Mn}, kNone, {}},
      {"dtu_used", "Count", {A, Mx, Mn}, kNone, {}},
      {"dwu_consumption_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"dwu_limit", "Count", {A, Mx, Mn}, kNone, {}},
      {"dwu_used", "Count", {A, Mx, Mn}, kNone, {}},
      {"free_amount_consumed", "Count", {A, Mx, Mn}, kNone, {"PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"}},
      {"free_amount_remaining", "Count", {A, Mx, Mn}, kNone, {"PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"}},
      {"full_backup_size_bytes", "Bytes", {A, Mx, Mn}, kNone, daily},
      {"ledger_digest_upload_failed", "Count", {C}, kNone, {}},
      {"ledger_digest_upload_success", "Count", {C}, kNone, {}},
      {"local_tempdb_usage_percent",
       "Percent",
       {A, Mx, Mn},
       kNone,
       {"PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"}},
      {"log_backup_size_bytes", "Bytes", {A, Mx, Mn}, kNone, daily},
      {"log_write_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"memory_usage_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"physical_data_read_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"queued_queries", "Count", {T}, kNone, {}},
      {"replication_lag_seconds",
       "Seconds",
       {A, Mx, Mn},
       {"PartnerResourceId", "PartnerServerName", "PartnerDatabaseName"},
       {}},
      {"sessions_count", "Count", {A, Mx, Mn}, kNone, {}},
      {"sessions_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"snapshot_backup_size_bytes", "Bytes", {A, Mx, Mn}, kNone, daily},
      {"storage", "Bytes", {A, Mx, Mn}, kNone, {}},
      {"storage_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"workers_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"xtp_storage_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"sql_instance_cpu_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"sql_instance_memory_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"sqlserver_process_core_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"sqlserver_process_memory_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"tempdb_data_size", "Count", {A, Mx, Mn}, kNone, {}},
      {"tempdb_log_size", "Count", {A, Mx, Mn}, kNone, {}},
      {"tempdb_log_used_percent", "Percent", {A, Mx, Mn}, kNone, {}},
      {"wlg_active_queries", "Count", {T}, wlg, {}},
      {"wlg_active_queries_timeouts", "Count", {T}, wlg, {}},
      {"wlg_allocation_relative_to_system_percent", "Percent", {A, Mx, Mn, T}, wlg, {}},
      {"wlg_allocation_relative_to_wlg_effective_cap_percent", "Percent", {A, Mx, Mn}, wlg, {}},
      {"wlg_effective_cap_resource_percent", "Percent", {A, Mx, Mn}, wlg, {}},
      {"wlg_effective_min_resource_percent", "Percent", {A, Mx, Mn, T}, wlg, {}},
      {"wlg_queued_queries", "Count", {T}, wlg, {}},
  };
  return defs;
}

constexpr std::string_view kAliases[] = {"request_rate", "error_rate", "latency_p50", "latency_p99", "cpu", "memory"};

MetricPlan alias_plan(std::string_view alias, std::string metric, Aggregation agg, Derivation d, std::string unit,
                      double scale = 1.0) {
  MetricPlan p;
  p.series_name = std::string(alias);
  p.metric = std::move(metric);
  p.aggregation = agg;
  p.derivation = d;
  p.unit = std::move(unit);
  p.scale = scale;
  p.alias = true;
  return p;
}

std::optional<MetricPlan> plan_alias(ResourceKind kind, std::string_view alias) {
  using D = Derivation;
  switch (kind) {
    case ResourceKind::kAppService:
    case ResourceKind::kFunctionApp: {
      const bool fn = kind == ResourceKind::kFunctionApp;
      if (alias == "request_rate") {
        return fn ? alias_plan(alias, "FunctionExecutionCount", T, D::kPerSecond, "1/s")
                  : alias_plan(alias, "Requests", T, D::kPerSecond, "req/s");
      }
      if (alias == "error_rate") {
        auto p = alias_plan(alias, "Http5xx", T, D::kRatio, "1");
        p.denominator = "Requests";
        return p;
      }
      // No percentiles in App Service platform metrics; HttpResponseTime offers Average only.
      if (alias == "latency_p50" || alias == "latency_p99")
        return alias_plan(alias, "HttpResponseTime", A, D::kValue, "s");
      if (alias == "cpu") {
        return fn ? alias_plan(alias, "CpuPercentage", A, D::kValue, "%")
                  : alias_plan(alias, "CpuTime", T, D::kPerSecond, "1");  // CPU seconds per second: cores
      }
      if (alias == "memory") return alias_plan(alias, "MemoryWorkingSet", A, D::kValue, "By");
      return std::nullopt;
    }
    case ResourceKind::kContainerApp: {
      if (alias == "request_rate") return alias_plan(alias, "Requests", T, D::kPerSecond, "req/s");
      if (alias == "error_rate") {
        auto p = alias_plan(alias, "Requests", T, D::kDimensionShare, "1");
        p.filter = "statusCodeCategory eq '*'";
        p.dimension = "statusCodeCategory";
        p.dimension_value = "5xx";
        return p;
      }
      if (alias == "latency_p50") return alias_plan(alias, "ResponseTime", A, D::kValue, "ms");
      if (alias == "latency_p99") return alias_plan(alias, "ResponseTime", Mx, D::kValue, "ms");
      if (alias == "cpu") return alias_plan(alias, "UsageNanoCores", A, D::kValue, "1", 1e-9);
      if (alias == "memory") return alias_plan(alias, "WorkingSetBytes", A, D::kValue, "By");
      return std::nullopt;
    }
    case ResourceKind::kSqlDatabase: {
      if (alias == "error_rate") {
        auto p = alias_plan(alias, "connection_failed", T, D::kShare, "1");
        p.denominator = "connection_successful";
        return p;
      }
      if (alias == "cpu") return alias_plan(alias, "cpu_percent", A, D::kValue, "%");
      if (alias == "memory") return alias_plan(alias, "sql_instance_memory_percent", A, D::kValue, "%");
      return std::nullopt;
    }
    case ResourceKind::kOther: return std::nullopt;
  }
  return std::nullopt;
}

bool is_known_alias(std::string_view s) {
  return std::find(std::begin(kAliases), std::end(kAliases), s) != std::end(kAliases);
}

std::string join(const std::vector<std::string_view>& items, std::string_view sep) {
  std::string out;
  for (auto s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string catalog_listing(ResourceKind kind) {
  std::vector<std::string_view> names;
  for (const auto& d : metric_definitions(kind)) names.push_back(d.name);
  const auto aliases = supported_aliases(kind);
  return fmt::format("aliases for {}: {}; Azure metrics of {}: {}", resource_kind_name(kind),
                     aliases.empty() ? std::string("none") : join(aliases, ", "), resource_kind_arm_type(kind),
                     join(names, ", "));
}

// The original product's docs named App Service's response time "responseTime".
std::string_view legacy_name(ResourceKind kind, std::string_view name) {
  if ((kind == ResourceKind::kAppService || kind == ResourceKind::kFunctionApp) && iequals(name, "responseTime"))
    return "HttpResponseTime";
  return name;
}

}  // namespace

std::string_view aggregation_name(Aggregation a) {
  switch (a) {
    case Aggregation::kAverage: return "average";
    case Aggregation::kMinimum: return "minimum";
    case Aggregation::kMaximum: return "maximum";
    case Aggregation::kTotal: return "total";
    case Aggregation::kCount: return "count";
  }
  return "average";
}

std::optional<Aggregation> parse_aggregation(std::string_view text) {
  for (Aggregation a : {Aggregation::kAverage, Aggregation::kMinimum, Aggregation::kMaximum, Aggregation::kTotal,
                        Aggregation::kCount}) {
    if (iequals(text, aggregation_name(a))) return a;
  }
  if (iequals(text, "sum")) return Aggregation::kTotal;
  if (iequals(text, "avg") || iequals(text, "mean")) return Aggregation::kAverage;
  if (iequals(text, "min")) return Aggregation::kMinimum;
  if (iequals(text, "max")) return Aggregation::kMaximum;
  return std::nullopt;
}

const std::vector<MetricDefinition>& metric_definitions(ResourceKind kind) {
  static const std::vector<MetricDefinition> none;
  switch (kind) {
    case ResourceKind::kAppService:
    case ResourceKind::kFunctionApp: return web_sites();
    case ResourceKind::kContainerApp: return container_apps();
    case ResourceKind::kSqlDatabase: return sql_databases();
    case ResourceKind::kOther: return none;
  }
  return none;
}

const MetricDefinition* find_metric(ResourceKind kind, std::string_view name) {
  for (const auto& d : metric_definitions(kind)) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::vector<std::string_view> default_metrics(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kAppService: return {"Requests", "HttpResponseTime", "Http5xx"};
    case ResourceKind::kFunctionApp: return {"FunctionExecutionCount", "FunctionExecutionUnits"};
    case ResourceKind::kContainerApp: return {"Requests", "ResponseTime"};
    case ResourceKind::kSqlDatabase: return {"dtu_consumption_percent", "connection_failed"};
    case ResourceKind::kOther: return {};
  }
  return {};
}

std::vector<std::string_view> supported_aliases(ResourceKind kind) {
  std::vector<std::string_view> out;
  for (auto a : kAliases) {
    if (plan_alias(kind, a)) out.push_back(a);
  }
  return out;
}

Result<MetricPlan> plan_metric(ResourceKind kind, std::string_view metric) {
  if (metric.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("no metric given: use an alias (request_rate, error_rate, latency_p50, latency_p99, "
                                  "cpu, memory) or an Azure metric name{}",
                                  kind == ResourceKind::kOther ? "" : " (" + catalog_listing(kind) + ")"));
  }
  if (is_known_alias(metric)) {
    if (auto p = plan_alias(kind, metric)) return std::move(*p);
    if (kind == ResourceKind::kOther) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("the alias {} needs a known resource type (app_service, function_app, "
                                    "container_app, sql_database); for this resource name an Azure metric instead",
                                    metric));
    }
    return make_error(ErrorCode::kInvalidArgument, fmt::format("Azure Monitor has no {} for {} resources; {}", metric,
                                                               resource_kind_name(kind), catalog_listing(kind)));
  }

  // "<name>[:<aggregation>]".
  std::string_view name = metric;
  std::optional<Aggregation> agg;
  if (size_t colon = metric.rfind(':'); colon != std::string_view::npos) {
    if (auto a = parse_aggregation(metric.substr(colon + 1))) {
      agg = a;
      name = metric.substr(0, colon);
    }
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return make_error(ErrorCode::kInvalidArgument, "a metric name cannot hold control characters");
    }
  }
  if (name.find("%2") != std::string_view::npos) {
    // "%2" is how a comma inside a name is written on the wire: ambiguous.
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("the metric name \"{}\" holds \"%2\", which Azure reads as a comma; write the comma",
                                  name));
  }

  MetricPlan p;
  p.aggregation = agg;
  if (kind == ResourceKind::kOther) {
    if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "empty metric name");
    p.series_name = std::string(name);
    p.metric = std::string(name);
    return p;
  }
  name = legacy_name(kind, name);
  const MetricDefinition* def = find_metric(kind, name);
  if (!def) {
    const MetricDefinition* only = nullptr;
    int matches = 0;
    for (const auto& d : metric_definitions(kind)) {
      if (iequals(d.name, name)) {
        only = &d;
        ++matches;
      }
    }
    if (matches == 1) def = only;
  }
  if (!def) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("unknown metric \"{}\" for {} resources ({}); {}", name, resource_kind_name(kind),
                                  resource_kind_arm_type(kind), catalog_listing(kind)));
  }
  if (agg && std::find(def->aggregations.begin(), def->aggregations.end(), *agg) == def->aggregations.end()) {
    std::vector<std::string_view> supported;
    for (auto a : def->aggregations) supported.push_back(aggregation_name(a));
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} does not support the {} aggregation; it supports {}", def->name,
                                  aggregation_name(*agg), join(supported, ", ")));
  }
  p.series_name = std::string(def->name);
  p.metric = std::string(def->name);
  p.aggregation = agg.value_or(def->aggregations.front());
  return p;
}

std::string unit_from_azure(std::string_view u) {
  if (u == "Count") return "1";
  if (u == "Bytes") return "By";
  if (u == "Seconds") return "s";
  if (u == "MilliSeconds" || u == "Milliseconds") return "ms";
  if (u == "Percent") return "%";
  if (u == "CountPerSecond") return "1/s";
  if (u == "BytesPerSecond") return "By/s";
  if (u == "BitsPerSecond") return "bit/s";
  if (u == "ByteSeconds") return "By.s";
  if (u == "Cores") return "{core}";
  if (u == "MilliCores") return "m{core}";
  if (u == "NanoCores") return "n{core}";
  return "";
}

}  // namespace tinkr::azure
