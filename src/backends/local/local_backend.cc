#include "backends/local/local_backend.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "backends/local/otlp_http.h"
#include "query/query.h"

namespace tinkr::local {
namespace {

// Stored metric names tried, in order, for each alias.
const std::map<std::string, std::vector<std::string>, std::less<>>& metric_aliases() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> kMetricAliases = {
      {"request_rate",
       {"request_rate", "http_server_request_rate", "http_requests_per_second", "http.server.request_rate"}},
      {"error_rate", {"error_rate", "http_server_error_rate", "http.server.error_rate"}},
      {"latency_p50",
       {"latency_p50", "http_server_latency_p50", "http.server.request.duration_p50", "http.server.duration_p50",
        "http_server_request_duration_seconds_p50"}},
      {"latency_p99",
       {"latency_p99", "http_server_latency_p99", "http.server.request.duration_p99", "http.server.duration_p99",
        "http_server_request_duration_seconds_p99"}},
      {"cpu",
       {"cpu", "process_cpu_utilization", "process.cpu.utilization", "system.cpu.utilization", "container_cpu_usage",
        "cpu_usage"}},
      {"memory",
       {"memory", "process_memory_usage", "process.memory.usage", "system.memory.usage", "container_memory_usage_bytes",
        "memory_usage"}},
  };
  return kMetricAliases;
}

store::SqlCondition condition(const query::SqlFilter& f) { return store::SqlCondition{f.where, f.params}; }

Result<query::SqlFilter> translate(std::string_view filter, std::string_view service, const TimeRange& range) {
  query::TranslateContext ctx;
  ctx.service = std::string(service);
  ctx.range = range;
  return query::translate_sql_filter(filter.empty() ? "*" : filter, ctx);
}

// Averages points into step buckets aligned on range.from.
void resample(MetricSeries& s, const TimeRange& range, Nanos step) {
  if (step.count() <= 0 || s.points.empty()) return;
  std::map<int64_t, std::pair<double, int>> buckets;
  for (const auto& p : s.points) {
    auto& b = buckets[(p.time - range.from) / step];
    b.first += p.value;
    ++b.second;
  }
  s.points.clear();
  for (const auto& [k, b] : buckets) s.points.push_back({range.from + step * k, b.first / b.second});
}

double percentile(std::vector<int64_t>& v, double q) {
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return static_cast<double>(v[std::min(v.size() - 1, idx == 0 ? 0 : idx - 1)]);
}

std::string sql_param_text(const query::SqlParam& p) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          std::string out = "'";
          for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
          return out + "'";
        } else {
          return fmt::format("{}", v);
        }
      },
      p);
}

}  // namespace

LocalBackend::LocalBackend(std::shared_ptr<store::TelemetryStore> store) : store_(std::move(store)) {}

Result<std::vector<LogEntry>> LocalBackend::query_logs(const LogQuery& q) {
  TINKR_ASSIGN_OR_RETURN(auto f, translate(q.filter, q.service, q.range));
  return store_->select_logs(condition(f), q.limit, q.newest_first);
}

Result<std::string> LocalBackend::explain_logs(const LogQuery& q) {
  TINKR_ASSIGN_OR_RETURN(auto f, translate(q.filter, q.service, q.range));
  std::string out = store::TelemetryStore::logs_sql(f.where, q.newest_first);
  f.params.emplace_back(static_cast<int64_t>(q.limit));
  for (size_t i = 0; i < f.params.size(); ++i) out += fmt::format("\n-- ?{} = {}", i + 1, sql_param_text(f.params[i]));
  return out;
}

Result<std::vector<MetricSeries>> LocalBackend::log_volume(const LogVolumeQuery& q) {
  if (q.bucket.count() <= 0) return make_error(ErrorCode::kInvalidArgument, "the bucket must be positive (e.g. 1m)");
  TINKR_ASSIGN_OR_RETURN(auto f, translate(q.filter, q.service, q.range));
  TINKR_ASSIGN_OR_RETURN(auto counts, store_->log_volume(condition(f), q.range.from, q.bucket));
  // One series per level seen, with a zero for every empty bucket of the range.
  std::map<Level, std::map<int64_t, double>> by_level;
  for (const auto& c : counts) by_level[c.level][c.bucket_start_ns] = static_cast<double>(c.count);
  std::vector<MetricSeries> out;
  for (auto& [level, buckets] : by_level) {
    MetricSeries s;
    s.name = "log_count";
    s.unit = "1";
    s.labels = {{"level", std::string(level_name(level))}};
    if (!q.service.empty()) s.labels["service"] = q.service;
    for (Timestamp t = q.range.from; t < q.range.to; t += q.bucket) {
      auto it = buckets.find(to_unix_nanos(t));
      s.points.push_back({t, it == buckets.end() ? 0.0 : it->second});
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<MetricSeries>> LocalBackend::get_metrics(const MetricQuery& q) {
  if (q.metric.empty())
    return make_error(ErrorCode::kInvalidArgument, "name a metric (request_rate, error_rate, latency_p99, …)");
  auto alias = metric_aliases().find(q.metric);
  std::vector<std::string> names = alias == metric_aliases().end() ? std::vector<std::string>{q.metric} : alias->second;
  for (const auto& n : names) {
    TINKR_ASSIGN_OR_RETURN(auto series, store_->select_metric(n, q.service, q.range));
    if (series.empty()) continue;
    for (auto& s : series) {
      s.name = q.metric;
      resample(s, q.range, q.step);
    }
    return series;
  }
  const bool derivable =
      q.metric == "request_rate" || q.metric == "error_rate" || q.metric == "latency_p50" || q.metric == "latency_p99";
  if (!derivable || q.service.empty())
    return make_error(
        ErrorCode::kNotFound,
        fmt::format("no metric {:?}{} in the local store: ingest it (OTLP /v1/metrics, Prometheus text) "
                    "or ask for request_rate, error_rate, latency_p50, latency_p99 of a service with traces",
                    q.metric, q.service.empty() ? "" : " for " + q.service));
  // Derived from the service's server spans.
  TINKR_ASSIGN_OR_RETURN(auto spans, store_->server_spans(q.service, q.range));
  if (spans.empty())
    return make_error(ErrorCode::kNotFound, fmt::format("no stored metric {:?} and no server spans of {} in the range "
                                                        "to derive it from",
                                                        q.metric, q.service));
  Nanos step = q.step.count() > 0 ? q.step : std::chrono::minutes(1);
  std::map<int64_t, std::vector<const store::ServerSpanSample*>> buckets;
  for (const auto& s : spans) buckets[(s.start_ns - to_unix_nanos(q.range.from)) / step.count()].push_back(&s);
  MetricSeries out;
  out.name = q.metric;
  out.labels = {{"service", q.service}, {"source", "spans"}};
  out.unit = q.metric == "request_rate" ? "req/s" : q.metric == "error_rate" ? "1" : "ms";
  const double step_s = std::chrono::duration<double>(step).count();
  for (int64_t k = 0; q.range.from + step * k < q.range.to; ++k) {
    Timestamp t = q.range.from + step * k;
    auto it = buckets.find(k);
    if (it == buckets.end()) {
      if (q.metric == "request_rate") out.points.push_back({t, 0.0});
      continue;  // no requests: no error rate or latency
    }
    const auto& b = it->second;
    double v = 0;
    if (q.metric == "request_rate") {
      v = static_cast<double>(b.size()) / step_s;
    } else if (q.metric == "error_rate") {
      v = static_cast<double>(std::count_if(b.begin(), b.end(), [](auto* s) { return s->error; })) /
          static_cast<double>(b.size());
    } else {
      std::vector<int64_t> d;
      for (auto* s : b) d.push_back(s->duration_ns);
      v = percentile(d, q.metric == "latency_p50" ? 0.5 : 0.99) / 1e6;
    }
    out.points.push_back({t, v});
  }
  return std::vector<MetricSeries>{std::move(out)};
}

Result<std::vector<Trace>> LocalBackend::get_traces(const TraceQuery& q) {
  store::SpanSelect s;
  s.service = q.service;
  s.range = q.range;
  s.min_duration = q.min_duration;
  s.errors_only = q.errors_only;
  s.tags = q.tags;
  s.limit = q.limit;
  return store_->select_traces(s);
}

Result<Trace> LocalBackend::get_trace(std::string_view trace_id) {
  std::string id(trace_id);
  for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return store_->select_trace(id);
}

Result<std::vector<std::string>> LocalBackend::list_services(const TimeRange& range) {
  return store_->list_services(range);
}

OtlpExportAnswer LocalBackend::export_otlp(std::string_view path, std::string_view content_type,
                                           std::string_view body) {
  auto r = handle_otlp_http(*store_, path, content_type, body);
  OtlpExportAnswer a;
  a.status = r.status;
  a.body = std::move(r.body);
  a.stored = r.report.logs + r.report.points + r.report.spans;
  a.rejected = r.report.rejected;
  return a;
}

Status LocalBackend::check() {
  auto n = store_->count("logs");
  if (!n) return n.error();
  return ok_status();
}

Result<std::unique_ptr<LocalBackend>> make_local_backend(const config::Profile& profile,
                                                         const config::Environment& env) {
  std::string path = profile.get("path");
  std::filesystem::path file = path.empty() ? config::tinkr_home() / "local.db" : std::filesystem::path(path);
  if (path.starts_with("~/")) {
    auto home = env.get("HOME");
    if (!home)
      return make_error(ErrorCode::kConfig,
                        fmt::format("profile {}: path {:?} uses ~ but HOME is not set", profile.name, path));
    file = std::filesystem::path(*home) / path.substr(2);
  }
  store::TelemetryStoreOptions options;
  auto retention = parse_duration(profile.get("retention", "7d"));
  if (!retention && profile.get("retention") != "0" && profile.get("retention") != "0s")
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile {}: retention: {} (e.g. \"7d\")", profile.name, retention.error().message));
  options.retention = retention ? *retention : Nanos(0);
  std::string size = profile.get("max_size_mb", "1024");
  char* end = nullptr;
  long long mb = std::strtoll(size.c_str(), &end, 10);
  if (size.empty() || *end != '\0' || mb < 0)
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile {}: max_size_mb must be a whole number of megabytes, got {:?}", profile.name,
                                  size));
  options.max_size_bytes = mb * 1024 * 1024;
  TINKR_ASSIGN_OR_RETURN(auto store, store::TelemetryStore::open(file, options));
  TINKR_RETURN_IF_ERROR(store->enforce_limits(now()));
  return std::make_unique<LocalBackend>(std::shared_ptr<store::TelemetryStore>(std::move(store)));
}

}  // namespace tinkr::local

namespace tinkr {

void register_local_backend(BackendRegistry& registry) {
  registry.add("local",
               [](const config::Profile& profile,
                  const config::Environment& env) -> Result<std::unique_ptr<ObservabilityBackend>> {
                 TINKR_ASSIGN_OR_RETURN(auto backend, local::make_local_backend(profile, env));
                 return std::unique_ptr<ObservabilityBackend>(std::move(backend));
               });
}

}  // namespace tinkr
