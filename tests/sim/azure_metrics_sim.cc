#include "sim/azure_metrics_sim.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "backends/azure/metric_catalog.h"
#include "backends/azure/metrics_wire.h"
#include "backends/azure/resource_uri.h"
#include "core/strings.h"
#include "sim/sim_server_query.h"

namespace tinkr::sim {
namespace {

namespace json = boost::json;
namespace az = tinkr::azure;
namespace w = az::metrics_wire;
using testing::RecordedRequest;
using testing::ScriptedResponse;

constexpr std::string_view kTraceId = "3ec6c566-f8a6-4a18-b972-d1fbb12a5d1a";  // as recorded: a bare GUID

// ---------------------------------------------------------------- tokens

std::string base64url(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(std::max(n, 0)));
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string s(in);
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return std::nullopt;
  }
  size_t pad = 0;
  while (s.size() % 4) {
    s += '=';
    ++pad;
  }
  if (pad == 3) return std::nullopt;
  std::string out(s.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0 || static_cast<size_t>(n) < pad) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

// ---------------------------------------------------------------- answers

ScriptedResponse with_request_id(ScriptedResponse r) {
  r.headers.push_back({"x-ms-request-id", "00000000-0000-0000-0000-000000000000"});
  return r;
}

// Resource Manager's envelope.
ScriptedResponse arm_error(int status, std::string_view code, std::string_view message) {
  json::object body{{"error", json::object{{"code", code}, {"message", message}}}};
  return with_request_id(ScriptedResponse::json(status, json::serialize(body)));
}

// The Insights provider's own flat shape.
ScriptedResponse provider_error(std::string_view message) {
  json::object body{{"code", "BadRequest"}, {"message", message}};
  return with_request_id(ScriptedResponse::json(400, json::serialize(body)));
}

std::string unescape_path(std::string_view s) {
  int n = 0;
  char* out = curl_easy_unescape(nullptr, s.data(), static_cast<int>(s.size()), &n);
  if (!out) return std::string(s);
  std::string r(out, static_cast<size_t>(n));
  curl_free(out);
  return r;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// .NET TimeSpan text, as Azure prints grains in its messages ("00:02:00", "1.00:00:00").
std::string timespan_text(Nanos d) {
  const int64_t total = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  const int64_t days = total / 86400, h = total % 86400 / 3600, m = total % 3600 / 60, s = total % 60;
  if (days > 0) return fmt::format("{}.{:02}:{:02}:{:02}", days, h, m, s);
  return fmt::format("{:02}:{:02}:{:02}", h, m, s);
}

// ---------------------------------------------------------------- the data model

struct Minute {
  double rps = 0, err = 0, p50 = 0, p99 = 0, cpu = 0, mem = 0;
};
using Minutes = std::map<int64_t, Minute>;  // unix minute -> values

// One metric sample for one minute (or a bucket of them).
struct Sample {
  double avg = 0, min = 0, max = 0, total = 0, count = 0;
  static Sample of(double v) { return {v, v, v, v, 1}; }
  void add(const Sample& o) {
    if (count == 0) {
      *this = o;
      return;
    }
    avg = (avg * count + o.avg * o.count) / (count + o.count);
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    total += o.total;
    count += o.count;
  }
  double get(az::Aggregation a) const {
    switch (a) {
      case az::Aggregation::kAverage: return avg;
      case az::Aggregation::kMinimum: return min;
      case az::Aggregation::kMaximum: return max;
      case az::Aggregation::kTotal: return total;
      case az::Aggregation::kCount: return count;
    }
    return avg;
  }
};

constexpr double kGiB = 1024.0 * 1024 * 1024;

// What `metric` of a `kind` resource reads in one scenario minute; nullopt for
// metrics the scenario does not model (answered as "no data"). `category`
// splits Container Apps' Requests ("" for all).
std::optional<Sample> minute_sample(az::ResourceKind kind, std::string_view metric, const Minute& m,
                                    std::string_view category) {
  const double requests = std::round(m.rps * 60);
  const double errors = std::round(requests * m.err);
  const double mean_ms = (1 - m.err) * m.p50 + m.err * m.p99;
  switch (kind) {
    case az::ResourceKind::kAppService:
    case az::ResourceKind::kFunctionApp:
      if (metric == "Requests") return Sample::of(requests);
      if (metric == "Http5xx") return Sample::of(errors);
      if (metric == "Http2xx") return Sample::of(requests - errors);
      if (metric == "Http3xx" || metric == "Http4xx" || metric == "Http101" || metric == "Http401" ||
          metric == "Http403" || metric == "Http404" || metric == "Http406")
        return Sample::of(0);
      if (metric == "HttpResponseTime" || metric == "AverageResponseTime") {
        return Sample{mean_ms / 1000, m.p50 / 2000, m.p99 / 1000, mean_ms / 1000 * requests, requests};
      }
      if (metric == "CpuTime") return Sample::of(m.cpu * 60);
      if (metric == "CpuPercentage") return Sample::of(m.cpu * 100);
      if (metric == "MemoryWorkingSet" || metric == "AverageMemoryWorkingSet" || metric == "PrivateBytes")
        return Sample::of(m.mem);
      if (metric == "FunctionExecutionCount") return Sample::of(requests);
      if (metric == "FunctionExecutionUnits") return Sample::of(std::round(requests * mean_ms * 128));
      if (metric == "InstanceCount") return Sample::of(1);
      return std::nullopt;
    case az::ResourceKind::kContainerApp:
      if (metric == "Requests") {
        if (category.empty()) return Sample::of(requests);
        if (iequals(category, "2xx")) return Sample::of(requests - errors);
        if (iequals(category, "5xx")) return Sample::of(errors);
        return std::nullopt;
      }
      if (metric == "ResponseTime") return Sample{mean_ms, m.p50 / 2, m.p99, mean_ms * requests, requests};
      if (metric == "UsageNanoCores") return Sample::of(m.cpu * 1e9);
      if (metric == "CpuPercentage") return Sample::of(m.cpu * 100);
      if (metric == "WorkingSetBytes") return Sample::of(m.mem);
      if (metric == "MemoryPercentage") return Sample::of(m.mem / (2 * kGiB) * 100);
      if (metric == "Replicas") return Sample::of(1);
      return std::nullopt;
    case az::ResourceKind::kSqlDatabase: {
      const double ok = std::round(requests * 0.1);
      if (metric == "cpu_percent" || metric == "sql_instance_cpu_percent") return Sample::of(m.cpu * 100);
      if (metric == "dtu_consumption_percent") return Sample::of(std::min(100.0, m.cpu * 120));
      if (metric == "sql_instance_memory_percent") return Sample::of(m.mem / (4 * kGiB) * 100);
      if (metric == "connection_successful") return Sample::of(ok);
      if (metric == "connection_failed") return Sample::of(std::round(ok * m.err * 0.2));
      return std::nullopt;
    }
    case az::ResourceKind::kOther: return std::nullopt;
  }
  return std::nullopt;
}

struct Resource {
  AzureMetricsResource config;
  az::ResourceId id;
  az::ResourceKind kind = az::ResourceKind::kOther;
};

struct Filter {
  std::string dimension;  // as written
  std::string value;      // "*" or a value
};

}  // namespace

std::string azure_test_token(std::string_view audience, Timestamp expires) {
  json::object header{{"alg", "none"}, {"typ", "JWT"}};
  json::object claims{{"aud", audience},
                      {"iss", "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/"},
                      {"tid", "72f988bf-86f1-41af-91ab-2d7cd011db47"},
                      {"exp", to_unix_nanos(expires) / 1000000000}};
  return base64url(json::serialize(header)) + "." + base64url(json::serialize(claims)) + ".";
}

struct AzureMetricsSim::Impl {
  AzureMetricsSimOptions options;
  std::map<std::string, Minutes, std::less<>> minutes;  // by service
  std::vector<Resource> resources;
  std::atomic<int> throttle_left{0};
  std::atomic<int> retry_after{0};
  std::atomic<size_t> answered{0};
  mutable std::mutex mu;
  std::map<std::string, std::pair<std::string, std::string>> failures;  // metric -> code, message

  ScriptedResponse handle(const RecordedRequest& req);
  std::optional<ScriptedResponse> check_token(const RecordedRequest& req) const;
};

std::optional<ScriptedResponse> AzureMetricsSim::Impl::check_token(const RecordedRequest& req) const {
  const std::string auth = req.header("Authorization");
  if (auth.empty())
    return arm_error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
  if (auth.size() < 7 || !iequals(std::string_view(auth).substr(0, 7), "Bearer ")) {
    return arm_error(401, "AuthenticationFailedInvalidHeader",
                     "Authentication failed. The 'Authorization' header is provided in an invalid format.");
  }
  const auto parts = split(std::string_view(auth).substr(7), '.');
  std::optional<std::string> payload = parts.size() == 3 ? base64url_decode(parts[1]) : std::nullopt;
  boost::system::error_code ec;
  json::value claims = payload ? json::parse(*payload, ec) : json::value();
  if (!payload || ec || !claims.is_object()) {
    return arm_error(401, "InvalidAuthenticationToken", "The access token is invalid.");
  }
  const json::value* aud = claims.as_object().if_contains("aud");
  const std::string audience = aud && aud->is_string() ? std::string(aud->as_string()) : std::string();
  if (std::find(options.audiences.begin(), options.audiences.end(), audience) == options.audiences.end()) {
    std::string allowed;
    for (const auto& a : options.audiences) allowed += (allowed.empty() ? "'" : ",'") + a + "'";
    return arm_error(401, "InvalidAuthenticationTokenAudience",
                     fmt::format("The access token has been obtained for wrong audience or resource '{}'. It should "
                                 "exactly match with one of the allowed audiences {}.",
                                 audience, allowed));
  }
  const json::value* exp = claims.as_object().if_contains("exp");
  const int64_t exp_s = exp && exp->is_int64() ? exp->as_int64() : 0;
  const int64_t now_s = to_unix_nanos(tinkr::now()) / 1000000000;
  if (exp_s <= now_s) {
    // .NET's invariant general date/time, as Resource Manager prints it: "6/15/2026 8:22:51 AM".
    auto us_time = [](int64_t s) {
      const std::time_t t = static_cast<std::time_t>(s);
      std::tm tm{};
      gmtime_r(&t, &tm);
      const int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
      return fmt::format("{}/{}/{} {}:{:02}:{:02} {}", tm.tm_mon + 1, tm.tm_mday, tm.tm_year + 1900, hour12, tm.tm_min,
                         tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
    };
    return arm_error(401, "ExpiredAuthenticationToken",
                     fmt::format("The access token expiry UTC time '{}' is earlier than current UTC time '{}'.",
                                 us_time(exp_s), us_time(now_s)));
  }
  return std::nullopt;
}

ScriptedResponse AzureMetricsSim::Impl::handle(const RecordedRequest& req) {
  if (auto denied = check_token(req)) return *denied;
  const QueryMap q = decode_query(req.query);

  // api-version: required, and one the provider registers.
  const auto version = param(q, w::kParamApiVersion);
  if (!version || version->empty()) {
    return arm_error(400, "MissingApiVersionParameter",
                     "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (std::find(options.api_versions.begin(), options.api_versions.end(), *version) == options.api_versions.end()) {
    return arm_error(400, "NoRegisteredProviderFound",
                     fmt::format("No registered resource provider found for location 'global' and API version '{}' "
                                 "for type 'metrics'. The supported api-versions are '{}'.",
                                 *version, joined(options.api_versions, ", ")));
  }

  if (throttle_left.load() > 0) {
    --throttle_left;
    const int seconds = retry_after.load();
    auto r = arm_error(429, "ResourceRequestsThrottled",
                       fmt::format("Number of requests for action 'Microsoft.Insights/metrics/read' exceeded the "
                                   "limit of '400' for time interval '00:05:00'. Please try again after '{}' seconds.",
                                   seconds));
    r.headers.push_back({"Retry-After", std::to_string(seconds)});
    r.headers.push_back({"x-ms-ratelimit-remaining-subscription-reads", "0"});
    return r;
  }

  // The resource: everything before /providers/Microsoft.Insights/metrics.
  const std::string path = unescape_path(req.path);
  const std::string_view suffix = w::kPathSuffix;
  if (path.size() <= suffix.size() || !iequals(std::string_view(path).substr(path.size() - suffix.size()), suffix)) {
    return arm_error(404, "InvalidResourceType",
                     "The resource type could not be found in the namespace "
                     "'Microsoft.Insights' for api version '" +
                         *version + "'.");
  }
  const std::string rid = path.substr(0, path.size() - suffix.size());
  const Resource* res = nullptr;
  for (const auto& r : resources) {
    if (iequals(r.config.resource_id, rid)) res = &r;
  }
  if (!res) {
    auto parsed = az::parse_resource_id(rid);
    if (!parsed.ok()) {
      return arm_error(400, "InvalidResourceId", fmt::format("The resource id '{}' is not valid.", rid));
    }
    return arm_error(404, "ResourceNotFound",
                     fmt::format("The Resource '{}/{}' under resource group '{}' was not found. For more details "
                                 "please go to https://aka.ms/ARMResourceNotFoundFix",
                                 parsed->type(), parsed->name(), parsed->resource_group));
  }
  const auto& defs = az::metric_definitions(res->kind);

  // metricnames: a comma separates names; "%2" is a comma inside one.
  std::vector<const az::MetricDefinition*> metrics;
  const std::string names_text = param(q, w::kParamMetricNames).value_or("");
  if (names_text.empty()) {
    return provider_error(
        "metricnames is required by this simulator (Azure would answer the resource's default "
        "metric; Tinkr always names its metrics)");
  }
  for (std::string name : split(names_text, ',')) {
    for (size_t p = 0; (p = name.find(w::kCommaInName, p)) != std::string::npos; ++p) name.replace(p, 2, ",");
    const az::MetricDefinition* def = az::find_metric(res->kind, name);
    if (!def) {
      std::vector<std::string> valid;
      for (const auto& d : defs) valid.emplace_back(d.name);
      // The provider and type are written lower-case, as recorded.
      std::string provider = res->id.provider, type = res->id.type().substr(res->id.provider.size() + 1);
      for (std::string* t : {&provider, &type}) {
        for (char& c : *t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      return provider_error(fmt::format(
          "Failed to find metric configuration for provider: {}, resource Type: {}, metric: {}, Valid metrics: {}",
          provider, type, name, joined(valid, ",")));
    }
    metrics.push_back(def);
  }

  // timespan: start/end, start/duration or duration/end; default the last hour.
  Timestamp end = options.now, start = options.now - std::chrono::hours(1);
  if (auto ts = param(q, w::kParamTimespan); ts && !ts->empty()) {
    const auto sides = split(*ts, '/');
    auto instant = [](const std::string& s) { return parse_rfc3339(s); };
    bool ok = sides.size() == 2;
    if (ok) {
      const bool d0 = !sides[0].empty() && (sides[0][0] == 'P' || sides[0][0] == 'p');
      const bool d1 = !sides[1].empty() && (sides[1][0] == 'P' || sides[1][0] == 'p');
      if (!d0 && !d1) {
        auto a = instant(sides[0]), b = instant(sides[1]);
        ok = a.ok() && b.ok();
        if (ok) start = *a, end = *b;
      } else if (!d0 && d1) {
        auto a = instant(sides[0]);
        auto d = parse_duration(sides[1]);
        ok = a.ok() && d.ok();
        if (ok) start = *a, end = *a + *d;
      } else if (d0 && !d1) {
        auto d = parse_duration(sides[0]);
        auto b = instant(sides[1]);
        ok = d.ok() && b.ok();
        if (ok) start = *b - *d, end = *b;
      } else {
        ok = false;
      }
    }
    if (!ok) return provider_error(fmt::format("Invalid timespan '{}': use startDateTime_ISO/endDateTime_ISO", *ts));
  }
  if (start >= end) return provider_error("Invalid timespan: the start time must be before the end time");
  const Timestamp first = from_unix_nanos(to_unix_nanos(start) / 60000000000 * 60000000000);

  // interval: one of the grains every requested metric supports, or FULL.
  std::vector<std::string_view> common;
  for (const auto& g : w::kGrains) {
    bool all = true;
    for (const auto* m : metrics) {
      all = all && (m->grains.empty() || std::find(m->grains.begin(), m->grains.end(), g.iso) != m->grains.end());
    }
    if (all) common.push_back(g.iso);
  }
  const std::string interval_text = param(q, w::kParamInterval).value_or("PT1M");
  const bool full = iequals(interval_text, w::kIntervalFull);
  Nanos grain = end - first;
  std::string answered_interval = std::string(w::kIntervalFull);
  if (!full) {
    auto asked = parse_duration(interval_text);
    if (!asked.ok()) return provider_error(fmt::format("Invalid interval '{}'", interval_text));
    const w::Grain* match = nullptr;
    for (const auto& g : w::kGrains) {
      if (Nanos(g.length) == *asked && std::find(common.begin(), common.end(), g.iso) != common.end()) match = &g;
    }
    if (!match) {
      const bool adjust = iequals(param(q, w::kParamAutoAdjust).value_or("false"), "true");
      if (!adjust || common.empty()) {
        std::vector<std::string> allowed, names;
        for (const auto& g : w::kGrains) {
          if (std::find(common.begin(), common.end(), g.iso) != common.end()) allowed.emplace_back(g.timespan);
        }
        for (const auto* m : metrics) names.emplace_back(m->name);
        return provider_error(
            fmt::format("Commonly allowed time grains: {} between metrics: {}, can not support "
                        "requested time grain: {} please adjust your interval parameter to use "
                        "one of the common grains, TraceId: {}",
                        joined(allowed, ","), joined(names, ","), timespan_text(*asked), kTraceId));
      }
      // The closest allowed grain.
      for (const auto& g : w::kGrains) {
        if (std::find(common.begin(), common.end(), g.iso) == common.end()) continue;
        if (!match ||
            std::llabs((Nanos(g.length) - *asked).count()) < std::llabs((Nanos(match->length) - *asked).count()))
          match = &g;
      }
    }
    grain = Nanos(match->length);
    answered_interval = std::string(match->iso);
  }

  // aggregation: the words, or each metric's primary one.
  std::vector<az::Aggregation> aggs;
  if (auto a = param(q, w::kParamAggregation); a && !a->empty()) {
    for (const auto& word : split(*a, ',')) {
      auto parsed = az::parse_aggregation(word);
      if (!parsed) return provider_error(fmt::format("Invalid aggregation type '{}'", word));
      aggs.push_back(*parsed);
    }
  }

  // $filter: "<dimension> eq '<value>'" (only the statusCodeCategory split is modeled).
  std::vector<Filter> filters;
  if (auto f = param(q, w::kParamFilter); f && !f->empty()) {
    static const RE2 kClause(R"re(\s*([A-Za-z][A-Za-z0-9_]*)\s+eq\s+'([^']*)'\s*(?:and\s+)?)re");
    re2::StringPiece in(*f);
    Filter one;
    while (!in.empty() && RE2::Consume(&in, kClause, &one.dimension, &one.value)) filters.push_back(one);
    if (!in.empty() || filters.empty()) return provider_error(fmt::format("Invalid $filter '{}'", *f));
    for (const auto& fl : filters) {
      for (const auto* m : metrics) {
        bool known = std::any_of(m->dimensions.begin(), m->dimensions.end(),
                                 [&](std::string_view d) { return iequals(d, fl.dimension); });
        if (!known) {
          return provider_error(
              fmt::format("Metric: {} does not support requested dimension combination: {}", m->name, fl.dimension));
        }
        if (!(res->kind == az::ResourceKind::kContainerApp && m->name == "Requests" &&
              iequals(fl.dimension, "statusCodeCategory"))) {
          return provider_error(fmt::format("this simulator models no split of {} by {}", m->name, fl.dimension));
        }
      }
    }
  }

  std::vector<std::pair<std::string, std::string>> failed;
  {
    std::lock_guard lock(mu);
    for (const auto* m : metrics) {
      if (auto it = failures.find(std::string(m->name)); it != failures.end()) failed.push_back(it->second);
      else failed.emplace_back();
    }
  }

  const Minutes* data = nullptr;
  if (auto it = minutes.find(res->config.service); it != minutes.end()) data = &it->second;
  json::array value;
  int64_t buckets = 0;
  for (size_t mi = 0; mi < metrics.size(); ++mi) {
    const az::MetricDefinition& def = *metrics[mi];
    json::object metric{{"id", res->config.resource_id + std::string(w::kPathSuffix) + "/" + std::string(def.name)},
                        {"type", w::kMetricsType},
                        {"name", json::object{{"value", def.name}, {"localizedValue", def.name}}},
                        {"displayDescription", ""},
                        {"unit", def.unit}};
    if (!failed[mi].first.empty()) {
      metric["timeseries"] = json::array();
      metric["errorMessage"] = failed[mi].second;
      metric["errorCode"] = failed[mi].first;
      value.push_back(std::move(metric));
      continue;
    }
    const std::vector<az::Aggregation> wanted =
        aggs.empty() ? std::vector<az::Aggregation>{def.aggregations.front()} : aggs;
    // One series, or one per requested statusCodeCategory.
    std::vector<std::string> categories = {""};
    if (!filters.empty()) {
      categories.clear();
      for (const auto& f : filters) {
        if (f.value == "*") categories.insert(categories.end(), {"2xx", "5xx"});
        else categories.push_back(f.value);
      }
    }
    json::array timeseries;
    for (const auto& category : categories) {
      json::array points;
      for (Timestamp b = first; b < end; b += grain) {
        ++buckets;
        json::object point{{"timeStamp", format_rfc3339(b, 0)}};
        Sample s;
        if (data) {
          const int64_t from_min = to_unix_nanos(b) / 60000000000;
          const int64_t to_min = to_unix_nanos(std::min(b + grain, end) - Nanos(1)) / 60000000000;
          for (auto it = data->lower_bound(from_min); it != data->end() && it->first <= to_min; ++it) {
            if (auto sample = minute_sample(res->kind, def.name, it->second, category)) s.add(*sample);
          }
        }
        if (s.count > 0) {
          for (auto a : wanted) point[az::aggregation_name(a)] = s.get(a);
        }
        points.push_back(std::move(point));
      }
      json::array md;
      if (!category.empty()) {
        // Azure lower-cases dimension names in metadatavalues.
        md.push_back(json::object{{"name", json::object{{"value", "statuscodecategory"},
                                                        {"localizedValue", "statuscodecategory"}}},
                                  {"value", category}});
      }
      timeseries.push_back(json::object{{"metadatavalues", std::move(md)}, {"data", std::move(points)}});
    }
    metric["timeseries"] = std::move(timeseries);
    metric["errorCode"] = w::kSuccess;
    value.push_back(std::move(metric));
  }
  json::object body{{"cost", buckets},
                    {"timespan", format_rfc3339(start, 0) + "/" + format_rfc3339(end, 0)},
                    {"interval", answered_interval},
                    {"value", std::move(value)},
                    {"namespace", res->id.type()},
                    {"resourceregion", res->config.region}};
  ++answered;
  return with_request_id(ScriptedResponse::json(200, json::serialize(body)));
}

AzureMetricsSim::AzureMetricsSim(const std::vector<MetricSeries>& metrics, std::vector<AzureMetricsResource> resources,
                                 AzureMetricsSimOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  for (const auto& s : metrics) {
    auto svc = s.labels.find("service");
    if (svc == s.labels.end()) continue;
    Minutes& mins = impl_->minutes[svc->second];
    for (const auto& p : s.points) {
      Minute& m = mins[to_unix_nanos(p.time) / 60000000000];
      if (s.name == "http_server_request_rate") m.rps = p.value;
      else if (s.name == "http_server_error_rate") m.err = p.value;
      else if (s.name == "http_server_latency_p50") m.p50 = p.value;
      else if (s.name == "http_server_latency_p99") m.p99 = p.value;
      else if (s.name == "process_cpu_utilization") m.cpu = p.value;
      else if (s.name == "process_memory_usage") m.mem = p.value;
    }
    if (impl_->options.now == Timestamp{} && !s.points.empty())
      impl_->options.now = std::max(impl_->options.now, s.points.back().time + std::chrono::minutes(1));
  }
  for (auto& r : resources) {
    Resource res;
    auto id = az::parse_resource_id(r.resource_id);
    auto kind = az::parse_resource_kind(r.kind);
    if (!id.ok() || !kind.ok()) {
      ADD_FAILURE() << "bad AzureMetricsResource " << r.resource_id << " / " << r.kind;
      continue;
    }
    res.id = std::move(*id);
    res.kind = *kind;
    res.config = std::move(r);
    impl_->resources.push_back(std::move(res));
  }
  // Resource ids are paths of any shape: every request goes to the handler.
  server_.fallback([impl = impl_.get()](const RecordedRequest& req) { return impl->handle(req); });
}

AzureMetricsSim::~AzureMetricsSim() = default;

void AzureMetricsSim::throttle(int times, int retry_after_seconds) {
  impl_->retry_after = retry_after_seconds;
  impl_->throttle_left = times;
}

void AzureMetricsSim::fail_metric(std::string metric, std::string error_code, std::string error_message) {
  std::lock_guard lock(impl_->mu);
  impl_->failures[std::move(metric)] = {std::move(error_code), std::move(error_message)};
}

size_t AzureMetricsSim::answered() const { return impl_->answered.load(); }

}  // namespace tinkr::sim
