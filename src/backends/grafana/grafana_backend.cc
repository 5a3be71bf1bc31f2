#include "backends/grafana/grafana_backend.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "backends/grafana/grafana_http.h"
#include "backends/grafana/grafana_options.h"
#include "backends/grafana/grafana_wire.h"
#include "backends/grafana/loki_mapping.h"
#include "backends/grafana/loki_paging.h"
#include "backends/grafana/prometheus_queries.h"
#include "backends/grafana/tempo_mapping.h"
#include "query/query.h"

namespace tinkr {
namespace {

using grafana::GrafanaOptions;
using grafana::QueryParams;
using grafana::Signal;
using grafana::SignalClient;
namespace lw = grafana::wire::loki;
namespace pw = grafana::wire::prometheus;
namespace tw = grafana::wire::tempo;

std::string ns_text(Timestamp t) { return std::to_string(to_unix_nanos(t)); }

// Each page of a walk may repeat Loki's warning: say it once.
void add_warning(std::vector<std::string>& warnings, std::string text) {
  if (std::find(warnings.begin(), warnings.end(), text) == warnings.end()) warnings.push_back(std::move(text));
}

// A duration in one unit that LogQL ranges and Go's time.ParseDuration accept.
std::string logql_duration(Nanos d) {
  const int64_t ns = d.count();
  if (ns % 3600000000000 == 0) return fmt::format("{}h", ns / 3600000000000);
  if (ns % 60000000000 == 0) return fmt::format("{}m", ns / 60000000000);
  if (ns % 1000000000 == 0) return fmt::format("{}s", ns / 1000000000);
  return fmt::format("{}ms", std::max<int64_t>(1, ns / 1000000));
}

std::string seconds_text(Nanos d) {
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000);
  return fmt::format("{}.{:03d}", ms / 1000, ms % 1000);
}

class GrafanaBackend final : public ObservabilityBackend {
 public:
  explicit GrafanaBackend(GrafanaOptions options)
      : options_(std::move(options)),
        http_(std::make_shared<net::HttpClient>(client_options(options_))),
        loki_(options_, Signal::kLoki, http_),
        prometheus_(options_, Signal::kPrometheus, http_),
        tempo_(options_, Signal::kTempo, http_) {}

  std::string_view name() const override { return "grafana"; }

  Result<std::vector<LogEntry>> query_logs(const LogQuery& q) override {
    TINKR_RETURN_IF_ERROR(loki_.configured());
    TINKR_ASSIGN_OR_RETURN(std::string logql, translate_logs(q, false));
    net::Headers headers;
    headers.set(std::string(lw::kEncodingFlagsHeader), std::string(lw::kCategorizeLabels));
    const grafana::LokiMappingOptions mapping{options_.service_label};
    auto fetch = [&](const grafana::LokiPage& page) -> Result<std::vector<LogEntry>> {
      QueryParams params = {{std::string(lw::kQuery), logql},
                            {std::string(lw::kStart), ns_text(page.start)},
                            {std::string(lw::kEnd), ns_text(page.end)},
                            {std::string(lw::kLimit), std::to_string(page.limit)},
                            {std::string(lw::kDirection), std::string(page.backward ? lw::kBackward : lw::kForward)}};
      TINKR_ASSIGN_OR_RETURN(std::string body, loki_.get_ok(lw::kQueryRangePath, params, "log query", headers));
      auto parsed = grafana::parse_loki_streams(body, mapping);
      if (!parsed.ok()) return loki_.garbage("log query", parsed.error().message);
      if (q.warnings) {
        for (auto& w : parsed->warnings) add_warning(*q.warnings, "Loki: " + w);
      }
      return std::move(parsed->entries);
    };
    TINKR_ASSIGN_OR_RETURN(auto walked, grafana::walk_loki_window(q.range, q.limit, q.newest_first,
                                                                  options_.loki_max_entries, fetch));
    if (q.warnings) {
      for (auto& w : walked.warnings) add_warning(*q.warnings, w + " (raise loki_max_entries to fetch them)");
    }
    return std::move(walked.entries);
  }

  Result<std::string> explain_logs(const LogQuery& q) override { return translate_logs(q, false); }

  Result<std::vector<MetricSeries>> log_volume(const LogVolumeQuery& q) override {
    TINKR_RETURN_IF_ERROR(loki_.configured());
    if (q.range.from >= q.range.to) return std::vector<MetricSeries>{};
    Nanos bucket = q.bucket.count() > 0 ? q.bucket : Nanos(std::chrono::minutes(1));
    bucket = std::max<Nanos>(bucket, std::chrono::seconds(1));
    // Loki, like Prometheus, refuses more than 11,000 points per series.
    while (q.range.length() / bucket >= pw::kMaxPointsPerSeries) bucket *= 2;

    LogQuery lq;
    lq.service = q.service;
    lq.range = q.range;
    lq.filter = q.filter;
    lq.resource_type = q.resource_type;
    TINKR_ASSIGN_OR_RETURN(std::string selector, translate_logs(lq, true));
    // Loki evaluates at start, start+step, …, end; the point at T counts
    // (T-bucket, T]. The whole buckets come from one range query; a last,
    // shorter bucket (the range is not a multiple of the bucket) from an
    // instant query over just its length at range.to, so that it does not read
    // zero.
    const size_t buckets = static_cast<size_t>((q.range.length() + bucket - Nanos(1)) / bucket);
    const size_t whole_buckets = static_cast<size_t>(q.range.length() / bucket);
    const Nanos partial = q.range.length() - bucket * static_cast<int64_t>(whole_buckets);
    std::vector<grafana::LabelledPoints> series;
    if (whole_buckets > 0) {
      QueryParams params = {{std::string(lw::kQuery), volume_logql(selector, bucket)},
                            {std::string(lw::kStart), ns_text(q.range.from + bucket)},
                            {std::string(lw::kEnd),
                             ns_text(q.range.from + bucket * static_cast<int64_t>(whole_buckets))},
                            {std::string(lw::kStep), seconds_text(bucket)}};
      TINKR_ASSIGN_OR_RETURN(std::string body, loki_.get_ok(lw::kQueryRangePath, params, "log volume query"));
      auto matrix = grafana::parse_matrix_answer(body);
      if (!matrix.ok()) return loki_.garbage("log volume query", matrix.error().message);
      series = std::move(matrix->series);
    }
    if (partial.count() > 0) {
      // LogQL ranges have millisecond resolution; a last bucket shorter than
      // that is read as one millisecond.
      QueryParams params = {{std::string(lw::kQuery), volume_logql(selector, partial)},
                            {std::string(lw::kTime), ns_text(q.range.to)}};
      TINKR_ASSIGN_OR_RETURN(std::string body, loki_.get_ok(lw::kQueryPath, params, "log volume query"));
      auto vector = grafana::parse_matrix_answer(body);
      if (!vector.ok()) return loki_.garbage("log volume query", vector.error().message);
      const Timestamp last_end = q.range.from + bucket * static_cast<int64_t>(buckets);
      for (auto& s : vector->series) {
        for (auto& p : s.points) p.time = last_end;  // counted as the last bucket below
        series.push_back(std::move(s));
      }
    }

    // Several Loki spellings (warn, warning) may be one Level; buckets Loki
    // leaves out had no lines. Sample times come back in milliseconds (Loki
    // evaluates at start + k·step and truncates), so a point belongs to the
    // bucket whose end it is nearest to, not to an exact nanosecond.
    std::map<Level, std::vector<double>> counts;
    for (const auto& s : series) {
      auto it = s.labels.find(options_.level_label);
      const Level level = it == s.labels.end() ? Level::kUnknown : parse_level(it->second);
      auto& per_bucket = counts[level];
      per_bucket.resize(buckets, 0.0);
      for (const auto& p : s.points) {
        const auto offset = static_cast<double>((p.time - bucket - q.range.from).count());
        const int64_t index = std::llround(offset / static_cast<double>(bucket.count()));
        if (index < 0 || static_cast<size_t>(index) >= buckets) continue;
        per_bucket[static_cast<size_t>(index)] += p.value;
      }
    }
    std::vector<MetricSeries> out;
    for (const auto& [level, per_bucket] : counts) {
      MetricSeries series;
      series.name = "log_count";
      series.unit = "1";
      series.labels["level"] = std::string(level_name(level));
      for (size_t i = 0; i < buckets; ++i) {
        series.points.push_back({q.range.from + bucket * static_cast<int64_t>(i), per_bucket[i]});
      }
      out.push_back(std::move(series));
    }
    return out;
  }

  Result<std::vector<MetricSeries>> get_metrics(const MetricQuery& q) override {
    TINKR_RETURN_IF_ERROR(prometheus_.configured());
    TINKR_ASSIGN_OR_RETURN(auto resolved, grafana::resolve_metric(q.metric, q.service, options_.metric_templates));
    std::string body;
    if (q.range.from >= q.range.to) {
      QueryParams params = {{std::string(pw::kQuery), resolved.promql},
                            {std::string(pw::kTime), grafana::prometheus_time(q.range.to)}};
      auto r = prometheus_.get_ok(pw::kQueryPath, params, "query");
      if (!r.ok()) return with_query(r.error(), resolved.promql);
      body = std::move(*r);
    } else {
      const Nanos step = grafana::choose_step(q.range, q.step);
      // Prometheus' end is inclusive; our ranges are half-open.
      const Timestamp end = std::max(q.range.from, q.range.to - std::chrono::milliseconds(1));
      QueryParams params = {{std::string(pw::kQuery), resolved.promql},
                            {std::string(pw::kStart), grafana::prometheus_time(q.range.from)},
                            {std::string(pw::kEnd), grafana::prometheus_time(end)},
                            {std::string(pw::kStep), seconds_text(step)}};
      auto r = prometheus_.get_ok(pw::kQueryRangePath, params, "query");
      if (!r.ok()) return with_query(r.error(), resolved.promql);
      body = std::move(*r);
    }
    auto matrix = grafana::parse_matrix_answer(body);
    if (!matrix.ok()) return prometheus_.garbage("query", matrix.error().message);

    std::vector<MetricSeries> out;
    for (auto& s : matrix->series) {
      MetricSeries series;
      std::string metric_name;
      if (auto it = s.labels.find(grafana::wire::kMetricName); it != s.labels.end()) {
        metric_name = it->second;
        s.labels.erase(it);
      }
      series.name = resolved.alias ? resolved.name : (!metric_name.empty() ? metric_name : resolved.promql);
      series.unit = !resolved.unit.empty() ? resolved.unit : std::string(grafana::unit_from_metric_name(metric_name));
      series.labels = std::move(s.labels);
      series.points = std::move(s.points);
      out.push_back(std::move(series));
    }
    return out;
  }

  Result<std::vector<Trace>> get_traces(const TraceQuery& q) override {
    TINKR_RETURN_IF_ERROR(tempo_.configured());
    TINKR_ASSIGN_OR_RETURN(std::string traceql, grafana::build_traceql(q));
    const int64_t start_s = to_unix_nanos(q.range.from) / 1000000000;
    const int64_t end_s = (to_unix_nanos(q.range.to) + 999999999) / 1000000000;
    QueryParams params = {{std::string(tw::kQ), traceql},
                          {std::string(tw::kLimit), std::to_string(std::max<size_t>(q.limit, 1))},
                          {std::string(tw::kStart), std::to_string(start_s)},
                          {std::string(tw::kEnd), std::to_string(std::max(end_s, start_s + 1))}};
    TINKR_ASSIGN_OR_RETURN(std::string body, tempo_.get_ok(tw::kSearchPath, params, "trace search"));
    auto traces = grafana::parse_tempo_search(body);
    if (!traces.ok()) return tempo_.garbage("trace search", traces.error().message);
    if (q.errors_only) {
      for (auto& t : *traces) t.has_error = true;
    }
    std::stable_sort(traces->begin(), traces->end(),
                     [](const Trace& a, const Trace& b) { return a.duration > b.duration; });
    if (q.limit > 0 && traces->size() > q.limit) traces->resize(q.limit);
    return std::move(*traces);
  }

  Result<Trace> get_trace(std::string_view trace_id) override {
    TINKR_RETURN_IF_ERROR(tempo_.configured());
    TINKR_ASSIGN_OR_RETURN(std::string id, grafana::parse_user_trace_id(trace_id));
    TINKR_ASSIGN_OR_RETURN(net::HttpResponse res,
                           tempo_.get(std::string(tw::kTracePathPrefix) + id, {}, {{"Accept", "application/json"}}));
    if (res.status == 404) return not_found(id);
    if (!res.ok()) return grafana::component_error(tempo_.endpoint(), res, "trace lookup");
    auto trace = grafana::parse_tempo_trace(res.body);
    if (!trace.ok()) return tempo_.garbage("trace lookup", trace.error().message);
    if (trace->spans.empty()) return not_found(id);
    return std::move(*trace);
  }

  Result<std::vector<std::string>> list_services(const TimeRange& range) override {
    TINKR_RETURN_IF_ERROR(loki_.configured());
    const std::string path = std::string(lw::kLabelValuesPrefix) +
                             grafana::encode_path_segment(options_.service_label) + std::string(lw::kLabelValuesSuffix);
    QueryParams params;
    if (range.from < range.to) {
      params = {{std::string(lw::kStart), ns_text(range.from)}, {std::string(lw::kEnd), ns_text(range.to)}};
    }
    TINKR_ASSIGN_OR_RETURN(std::string body, loki_.get_ok(path, params, "service list"));
    auto values = grafana::parse_label_values(body);
    if (!values.ok()) return loki_.garbage("service list", values.error().message);
    std::set<std::string> unique(values->begin(), values->end());
    return std::vector<std::string>(unique.begin(), unique.end());
  }

  Status check() override {
    bool any = false;
    const Timestamp t = now();
    if (loki_.configured().ok()) {
      any = true;
      QueryParams params = {{std::string(lw::kStart), ns_text(t - std::chrono::minutes(5))},
                            {std::string(lw::kEnd), ns_text(t)}};
      auto r = loki_.get_ok(lw::kLabelsPath, params, "label list");
      if (!r.ok()) return r.error();
      if (!grafana::parse_label_values(*r).ok()) return loki_.garbage("label list", "not a label list");
    }
    if (prometheus_.configured().ok()) {
      any = true;
      auto r = prometheus_.get_ok(pw::kBuildInfoPath, {}, "build info request");
      if (!r.ok()) return r.error();
      boost::system::error_code ec;
      auto v = boost::json::parse(*r, ec);
      if (ec || !v.is_object() || !v.get_object().contains(grafana::wire::kStatus)) {
        return prometheus_.garbage("build info request", ec ? ec.message() : "no \"status\"");
      }
    }
    if (tempo_.configured().ok()) {
      any = true;
      auto r = tempo_.get_ok(tw::kEchoPath, {}, "echo request");
      if (!r.ok()) return r.error();
    }
    if (!any) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("profile '{}' (backend grafana) has no loki_url, prometheus_url or tempo_url: set "
                                    "at least one (or GRAFANA_LOKI_URL, GRAFANA_PROMETHEUS_URL, GRAFANA_TEMPO_URL)",
                                    options_.profile_name));
    }
    return ok_status();
  }

 private:
  // Lines per level over `window`, as a LogQL metric query on `selector`.
  std::string volume_logql(const std::string& selector, Nanos window) const {
    return fmt::format("sum by ({}) (count_over_time({} [{}]))", options_.level_label, selector,
                       logql_duration(window));
  }

  static net::HttpClientOptions client_options(const GrafanaOptions& o) {
    net::HttpClientOptions c;
    c.ca_file = o.ca_file;
    c.max_response_bytes = o.max_response_bytes;
    c.retry.max_attempts = o.max_attempts;
    return c;
  }

  // LogQL for a log query through the shared translator (user text is escaped there).
  Result<std::string> translate_logs(const LogQuery& q, bool filter_only) const {
    query::TranslateContext ctx;
    ctx.service = q.service;
    ctx.range = q.range;
    ctx.limit = q.limit;
    ctx.newest_first = q.newest_first;
    ctx.resource_type = q.resource_type;
    ctx.loki_service_label = options_.service_label;
    ctx.loki_parser = options_.loki_parser == "none" ? "" : options_.loki_parser;
    ctx.loki_level_label = options_.level_label;
    ctx.filter_only = filter_only;
    TINKR_ASSIGN_OR_RETURN(query::NativeQuery native, query::translate(query::Dialect::kLogQL, q.filter, ctx));
    return std::move(native.text);
  }

  static Error with_query(Error e, std::string_view promql) {
    if (e.code == ErrorCode::kInvalidArgument) e.message += fmt::format(" (query: {})", promql);
    return e;
  }

  Error not_found(std::string_view id) const {
    return make_error(ErrorCode::kNotFound,
                      fmt::format("trace {} not found in Tempo at {}: it may be older than Tempo's retention{}", id,
                                  net::display_url(tempo_.endpoint().base_url),
                                  tempo_.endpoint().tenant_id.empty() ? "" : " or belong to another tenant"));
  }

  GrafanaOptions options_;
  std::shared_ptr<const net::HttpClient> http_;
  SignalClient loki_;
  SignalClient prometheus_;
  SignalClient tempo_;
};

}  // namespace

Result<std::unique_ptr<ObservabilityBackend>> make_grafana_backend(const config::Profile& profile,
                                                                   const config::Environment& env) {
  auto options = grafana::load_options(profile, env);
  if (!options.ok()) return options.error();
  return std::unique_ptr<ObservabilityBackend>(std::make_unique<GrafanaBackend>(std::move(*options)));
}

void register_grafana_backend(BackendRegistry& registry) { registry.add("grafana", &make_grafana_backend); }

}  // namespace tinkr
