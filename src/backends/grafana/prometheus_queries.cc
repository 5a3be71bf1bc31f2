#include "backends/grafana/prometheus_queries.h"

#include <algorithm>

#include <fmt/format.h>

#include "backends/grafana/grafana_wire.h"
#include "query/escape.h"

namespace tinkr::grafana {
namespace {

constexpr std::string_view kPlaceholders[] = {"{{service}}", "{{ service }}"};

std::string fill(std::string_view tmpl, std::string_view escaped_service) {
  std::string out(tmpl);
  for (std::string_view ph : kPlaceholders) {
    size_t pos = 0;
    while ((pos = out.find(ph, pos)) != std::string::npos) {
      out.replace(pos, ph.size(), escaped_service);
      pos += escaped_service.size();
    }
  }
  return out;
}

bool has_placeholder(std::string_view tmpl) {
  return std::any_of(std::begin(kPlaceholders), std::end(kPlaceholders),
                     [&](std::string_view ph) { return tmpl.find(ph) != std::string_view::npos; });
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const std::map<std::string, std::string, std::less<>>& default_metric_templates() {
  static const std::map<std::string, std::string, std::less<>> templates = {
      {"request_rate", R"(sum(rate(http_requests_total{job="{{service}}"}[5m])))"},
      {"error_rate",
       R"(sum(rate(http_requests_total{job="{{service}}",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="{{service}}"}[5m])))"},
      {"latency_p99",
       R"(histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{job="{{service}}"}[5m]))))"},
      {"latency_p50",
       R"(histogram_quantile(0.5, sum by (le) (rate(http_server_request_duration_seconds_bucket{job="{{service}}"}[5m]))))"},
      {"cpu", R"(sum(rate(process_cpu_seconds_total{job="{{service}}"}[5m])))"},
      {"memory", R"(sum(process_resident_memory_bytes{job="{{service}}"}))"},
  };
  return templates;
}

std::string escape_promql_string(std::string_view text) { return query::escape::go_string_contents(text); }

std::string_view alias_unit(std::string_view alias) {
  if (alias == "request_rate") return "req/s";
  if (alias == "error_rate") return "1";
  if (alias == "latency_p99" || alias == "latency_p50") return "s";
  if (alias == "cpu") return "1";
  if (alias == "memory") return "By";
  return "";
}

std::string_view unit_from_metric_name(std::string_view name) {
  if (ends_with(name, "_seconds")) return "s";
  if (ends_with(name, "_milliseconds") || ends_with(name, "_ms")) return "ms";
  if (ends_with(name, "_bytes")) return "By";
  if (ends_with(name, "_ratio")) return "1";
  if (ends_with(name, "_percent")) return "%";
  return "";
}

Result<ResolvedMetric> resolve_metric(std::string_view metric, std::string_view service,
                                      const std::map<std::string, std::string, std::less<>>& overrides) {
  if (metric.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "no metric given: use an alias (request_rate, error_rate, latency_p99, latency_p50, cpu, memory) "
                      "or a PromQL expression");
  }
  ResolvedMetric out;
  const std::string escaped = escape_promql_string(service);
  const std::string* tmpl = nullptr;
  if (auto it = overrides.find(metric); it != overrides.end()) tmpl = &it->second;
  else if (auto d = default_metric_templates().find(metric); d != default_metric_templates().end()) tmpl = &d->second;

  if (tmpl) {
    if (service.empty() && has_placeholder(*tmpl)) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("the metric alias {} needs a service: pass one (e.g. --service payments-api)",
                                    metric));
    }
    out.promql = fill(*tmpl, escaped);
    out.name = std::string(metric);
    out.unit = std::string(alias_unit(metric));
    out.alias = true;
    return out;
  }
  out.promql = fill(metric, escaped);
  // A bare metric name: infer its unit from the suffix.
  bool bare = std::all_of(metric.begin(), metric.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
  });
  if (bare) out.unit = std::string(unit_from_metric_name(metric));
  return out;
}

Nanos choose_step(const TimeRange& range, Nanos requested) {
  using std::chrono::seconds;
  const Nanos length = std::max(range.length(), Nanos(0));
  Nanos step = requested.count() > 0 ? requested : std::max<Nanos>(seconds(15), length / 300);
  // (end - start) / step + 1 <= 11000 points.
  const Nanos min_step = length / (wire::prometheus::kMaxPointsPerSeries - 1) + Nanos(1);
  step = std::max({step, min_step, Nanos(seconds(1))});
  // Round up to whole seconds.
  const int64_t s = (step.count() + 999999999) / 1000000000;
  return seconds(s);
}

std::string prometheus_time(Timestamp t) {
  const int64_t ms = to_unix_nanos(t) / 1000000;
  const int64_t whole = ms / 1000;
  const int64_t frac = ms % 1000;
  if (frac == 0) return std::to_string(whole);
  return fmt::format("{}.{:03d}", whole, frac);
}

}  // namespace tinkr::grafana
