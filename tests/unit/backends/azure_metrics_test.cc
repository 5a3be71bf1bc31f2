// Azure Monitor metrics: resource ids and their validation, the metric
// catalog and aliases, interval choice, the answer parser (on the vetted
// conformance samples), and MetricsClient end to end against the
// Resource Manager simulator serving the shared scenario, with its failure
// modes (audience, expiry, api-version, unknown metric, grain, 404, 429,
// partial errors, garbage, down), and the Azure backend's get_metrics (and
// the shared anomaly detector on top of it) wired to that simulator.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <numeric>
#include <sstream>

#include "analysis/anomaly_detect.h"
#include "backends/azure/metric_catalog.h"
#include "backends/azure/metrics_client.h"
#include "backends/azure/metrics_request.h"
#include "backends/azure/metrics_response.h"
#include "backends/azure/metrics_series.h"
#include "backends/azure/resource_uri.h"
#include "scenario/scenario.h"
#include "sim/azure_metrics_sim.h"
#include "sim/sim_server_query.h"
#include "testing/loopback_http_server.h"
#include "testing/ports.h"
#include "unit/backends/azure_test_support.h"

namespace tinkr::azure {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedResponse;

constexpr std::string_view kSub = "1f3fa6d2-851c-4a91-9087-1a050f3a9c38";
const Timestamp kNow = parse_rfc3339("2026-11-23T09:00:00Z").value();

std::string shared_file(const std::string& rel) {
  std::ifstream in(std::string(TINKR_SHARED_DIR) + "/conformance/azure-metrics/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const scenario::Scenario& the_scenario() {
  static const scenario::Scenario s = scenario::generate([] {
    scenario::ScenarioOptions o;
    o.now = kNow;
    return o;
  }());
  return s;
}

std::string rid(std::string_view rest) {
  return fmt::format("/subscriptions/{}/resourceGroups/prod-rg/providers/{}", kSub, rest);
}

// A credential that mints test JWTs for whatever scope it is asked.
class FakeCredential : public TokenCredential {
 public:
  explicit FakeCredential(std::string audience_override = "", Nanos lifetime = 1h)
      : audience_override_(std::move(audience_override)), lifetime_(lifetime) {}
  Result<AccessToken> get_token(std::string_view scope) override {
    ++calls;
    last_scope = std::string(scope);
    if (fail) return make_error(ErrorCode::kUnauthenticated, "no credential in the chain worked: run az login");
    std::string aud = audience_override_;
    if (aud.empty()) {
      aud = std::string(scope);
      if (aud.ends_with("/.default")) aud.resize(aud.size() - 9);
    }
    AccessToken t{sim::azure_test_token(aud, now() + lifetime_), now() + lifetime_};
    last_token = t.token;
    return t;
  }
  std::atomic<int> calls{0};
  std::string last_scope, last_token;
  bool fail = false;

 private:
  std::string audience_override_;
  Nanos lifetime_;
};

std::vector<sim::AzureMetricsResource> sim_resources() {
  return {
      {rid("Microsoft.Web/sites/payments-api"), "app_service", "payments-api"},
      {rid("Microsoft.Web/sites/order-fn"), "function_app", "order-service"},
      {rid("Microsoft.App/containerApps/payments-api"), "container_app", "payments-api"},
      {rid("Microsoft.Sql/servers/payments-sql/databases/payments"), "sql_database", "payments-api"},
  };
}

struct Fixture {
  sim::AzureMetricsSim sim{the_scenario().metrics, sim_resources()};
  std::shared_ptr<FakeCredential> cred;
  MetricsClient client;

  explicit Fixture(std::shared_ptr<FakeCredential> c = std::make_shared<FakeCredential>(),
                   const net::HttpClientOptions& http = {})
      : cred(c),
        client(MetricsClientOptions{sim.url(), "https://management.azure.com/.default"}, c,
               std::make_shared<net::HttpClient>(http)) {}
};

MetricTarget target(ResourceKind kind, std::string_view rest) {
  auto id = parse_resource_id(rid(rest));
  EXPECT_TRUE(id.ok()) << id.error().message;
  return MetricTarget{*id, kind};
}

double mean_in(const MetricSeries& s, Timestamp from, Timestamp to) {
  double sum = 0;
  int n = 0;
  for (const auto& p : s.points) {
    if (p.time >= from && p.time < to) {
      sum += p.value;
      ++n;
    }
  }
  return n ? sum / n : -1;
}

// ---------------------------------------------------------------- resource ids

TEST(AzureResourceId, ParsesAndCanonicalizesAFullId) {
  auto id = parse_resource_id(
      fmt::format("/SUBSCRIPTIONS/{}/resourcegroups/prod-rg/providers/Microsoft.Web/sites/payments-api/", kSub));
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->to_string(), rid("Microsoft.Web/sites/payments-api"));
  EXPECT_EQ(id->type(), "Microsoft.Web/sites");
  EXPECT_EQ(id->name(), "payments-api");
  EXPECT_EQ(id->kind(), ResourceKind::kAppService);
  EXPECT_EQ(id->url_path(), rid("Microsoft.Web/sites/payments-api"));
}

TEST(AzureResourceId, SqlDatabaseNamesArePercentEncodedSegmentBySegment) {
  auto id = make_resource_id(ResourceKind::kSqlDatabase, kSub, "prod-rg", "Sales DB (eu)", "payments-sql");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->type(), "Microsoft.Sql/servers/databases");
  EXPECT_EQ(id->url_path(), rid("Microsoft.Sql/servers/payments-sql/databases/Sales%20DB%20%28eu%29"));
  EXPECT_EQ(id->kind(), ResourceKind::kSqlDatabase);
}

TEST(AzureResourceId, RejectsWhatAzureRejectsAndWhatCouldBreakTheUrl) {
  const std::vector<std::string> bad = {
      "",
      "subscriptions/x",
      fmt::format("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Web/sites/app"),
      fmt::format("/subscriptions/{}/resourceGroups/rg./providers/Microsoft.Web/sites/app", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/r g/providers/Microsoft.Web/sites/app", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Web/sites/-app", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Web/sites/a_b", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Web/sites/app?x=1", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Web/sites/app#f", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Web/sites", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Web/sites/../x", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.App/containerApps/a_b", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.App/containerApps/1app", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Sql/servers/srv/databases/a:b", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Sql/servers/srv/databases/db ", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Sql/servers/srv_1/databases/db", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm%2F1", kSub),
      fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm\n1", kSub),
  };
  for (const auto& text : bad) {
    auto id = parse_resource_id(text);
    EXPECT_FALSE(id.ok()) << text;
    if (!id.ok()) {
      EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument) << text;
    }
  }
  // Unicode letters are allowed in resource groups and site names.
  EXPECT_TRUE(parse_resource_id(fmt::format("/subscriptions/{}/resourceGroups/grüne-(rg)_1/providers/"
                                            "Microsoft.Web/sites/café-api",
                                            kSub))
                  .ok());
  // Other resource types are accepted with generic rules.
  auto vm =
      parse_resource_id(fmt::format("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Compute/"
                                    "virtualMachines/vm 1",
                                    kSub));
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  EXPECT_EQ(vm->kind(), ResourceKind::kOther);
  EXPECT_NE(vm->url_path().find("vm%201"), std::string::npos);
}

TEST(AzureResourceId, ParsesResourceTypeSettings) {
  EXPECT_EQ(parse_resource_kind("app_service").value(), ResourceKind::kAppService);
  EXPECT_EQ(parse_resource_kind("Microsoft.Web/sites").value(), ResourceKind::kAppService);
  EXPECT_EQ(parse_resource_kind("FUNCTIONS").value(), ResourceKind::kFunctionApp);
  EXPECT_EQ(parse_resource_kind("microsoft.app/containerapps").value(), ResourceKind::kContainerApp);
  EXPECT_EQ(parse_resource_kind("azure_sql").value(), ResourceKind::kSqlDatabase);
  auto bad = parse_resource_kind("lambda");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("container_app"), std::string::npos);
}

TEST(AzureResourceId, ResolvesTargetsFromServiceSettingsAndProfileDefaults) {
  const ResourceDefaults defaults{std::string(kSub), "prod-rg", ""};
  config::ServiceConfig svc;
  svc.resource_type = "container_app";
  auto t = resolve_metric_target("payments-api", "", &svc, defaults);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->kind, ResourceKind::kContainerApp);
  EXPECT_EQ(t->id.to_string(), rid("Microsoft.App/containerApps/payments-api"));

  // -r wins; resource_name and resource_group override.
  svc.settings["resource_name"] = "payments-prod";
  svc.settings["resource_group"] = "web-rg";
  t = resolve_metric_target("payments-api", "app_service", &svc, defaults);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->id.to_string(),
            fmt::format("/subscriptions/{}/resourceGroups/web-rg/providers/Microsoft.Web/sites/payments-prod", kSub));

  // A full resource_id; its type gives the kind.
  config::ServiceConfig full;
  full.settings["resource_id"] = rid("Microsoft.Sql/servers/payments-sql/databases/payments");
  t = resolve_metric_target("payments-db", "", &full, ResourceDefaults{});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->kind, ResourceKind::kSqlDatabase);
  // function_app is a Microsoft.Web/sites too; container_app is not.
  full.settings["resource_id"] = rid("Microsoft.Web/sites/order-fn");
  full.resource_type = "function_app";
  t = resolve_metric_target("order-fn", "", &full, ResourceDefaults{});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->kind, ResourceKind::kFunctionApp);
  full.resource_type = "container_app";
  EXPECT_EQ(resolve_metric_target("order-fn", "", &full, ResourceDefaults{}).error().code, ErrorCode::kConfig);

  // What is missing is named.
  auto e = resolve_metric_target("payments-api", "", nullptr, defaults);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("resource_type"), std::string::npos);
  e = resolve_metric_target("payments-api", "app_service", nullptr, ResourceDefaults{"", "prod-rg", ""});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("subscription_id"), std::string::npos);
  e = resolve_metric_target("payments", "sql_database", nullptr, defaults);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("server"), std::string::npos);
  // A service name that would break out of the path never reaches a URL.
  e = resolve_metric_target("payments/../../x?y", "app_service", nullptr, defaults);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kConfig);
}

// ---------------------------------------------------------------- catalog

TEST(AzureMetricCatalog, AliasesAndDefaultsUseRealMetricsWithSupportedAggregations) {
  for (ResourceKind kind : {ResourceKind::kAppService, ResourceKind::kFunctionApp, ResourceKind::kContainerApp,
                            ResourceKind::kSqlDatabase}) {
    for (auto name : default_metrics(kind)) EXPECT_NE(find_metric(kind, name), nullptr) << name;
    for (auto alias : supported_aliases(kind)) {
      auto plan = plan_metric(kind, alias);
      ASSERT_TRUE(plan.ok()) << alias << ": " << plan.error().message;
      EXPECT_TRUE(plan->alias);
      for (const std::string& m : {plan->metric, plan->denominator}) {
        if (m.empty()) continue;
        const MetricDefinition* def = find_metric(kind, m);
        ASSERT_NE(def, nullptr) << resource_kind_name(kind) << " " << alias << " -> " << m;
        ASSERT_TRUE(plan->aggregation.has_value());
        EXPECT_NE(std::find(def->aggregations.begin(), def->aggregations.end(), *plan->aggregation),
                  def->aggregations.end())
            << alias << " -> " << m << ":" << aggregation_name(*plan->aggregation);
        if (!plan->filter.empty()) {
          EXPECT_NE(std::find(def->dimensions.begin(), def->dimensions.end(), plan->dimension), def->dimensions.end());
        }
      }
    }
  }
  EXPECT_EQ(supported_aliases(ResourceKind::kAppService).size(), 6u);
  EXPECT_EQ(supported_aliases(ResourceKind::kContainerApp).size(), 6u);
}

TEST(AzureMetricCatalog, ResolvesAliasesPerResourceType) {
  auto p = plan_metric(ResourceKind::kAppService, "error_rate").value();
  EXPECT_EQ(p.metric, "Http5xx");
  EXPECT_EQ(p.denominator, "Requests");
  EXPECT_EQ(p.derivation, Derivation::kRatio);
  p = plan_metric(ResourceKind::kContainerApp, "latency_p99").value();
  EXPECT_EQ(p.metric, "ResponseTime");
  EXPECT_EQ(*p.aggregation, Aggregation::kMaximum);
  EXPECT_EQ(p.unit, "ms");
  p = plan_metric(ResourceKind::kAppService, "latency_p99").value();  // no Maximum published: the average
  EXPECT_EQ(p.metric, "HttpResponseTime");
  EXPECT_EQ(*p.aggregation, Aggregation::kAverage);
  p = plan_metric(ResourceKind::kFunctionApp, "request_rate").value();
  EXPECT_EQ(p.metric, "FunctionExecutionCount");
  EXPECT_EQ(p.derivation, Derivation::kPerSecond);
  p = plan_metric(ResourceKind::kContainerApp, "cpu").value();
  EXPECT_DOUBLE_EQ(p.scale, 1e-9);
  p = plan_metric(ResourceKind::kSqlDatabase, "error_rate").value();
  EXPECT_EQ(p.derivation, Derivation::kShare);

  auto none = plan_metric(ResourceKind::kSqlDatabase, "latency_p99");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("dtu_consumption_percent"), std::string::npos);
  EXPECT_NE(none.error().message.find("error_rate, cpu, memory"), std::string::npos);
}

TEST(AzureMetricCatalog, AcceptsRawNamesExactlyOrUnambiguouslyIgnoringCase) {
  auto p = plan_metric(ResourceKind::kAppService, "Http5xx").value();
  EXPECT_EQ(p.metric, "Http5xx");
  EXPECT_EQ(*p.aggregation, Aggregation::kTotal);
  EXPECT_FALSE(p.alias);
  // The original product's spellings.
  EXPECT_EQ(plan_metric(ResourceKind::kAppService, "requests").value().metric, "Requests");
  EXPECT_EQ(plan_metric(ResourceKind::kAppService, "http5xx").value().metric, "Http5xx");
  EXPECT_EQ(plan_metric(ResourceKind::kAppService, "responseTime").value().metric, "HttpResponseTime");
  EXPECT_EQ(plan_metric(ResourceKind::kContainerApp, "ResponseTime").value().metric, "ResponseTime");
  // An aggregation suffix.
  p = plan_metric(ResourceKind::kContainerApp, "ResponseTime:max").value();
  EXPECT_EQ(*p.aggregation, Aggregation::kMaximum);
  auto bad_agg = plan_metric(ResourceKind::kAppService, "HttpResponseTime:maximum");
  ASSERT_FALSE(bad_agg.ok());
  EXPECT_NE(bad_agg.error().message.find("supports average"), std::string::npos);
  // Unknown: the error lists aliases and the real names.
  auto unknown = plan_metric(ResourceKind::kAppService, "Latency");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message.find("HttpResponseTime"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("request_rate"), std::string::npos);
  // Other resource types: raw names pass, aliases do not.
  EXPECT_EQ(plan_metric(ResourceKind::kOther, "Percentage CPU").value().metric, "Percentage CPU");
  EXPECT_FALSE(plan_metric(ResourceKind::kOther, "cpu").ok());
  EXPECT_FALSE(plan_metric(ResourceKind::kOther, "a%2b").ok());
  EXPECT_FALSE(plan_metric(ResourceKind::kAppService, "").ok());
}

// ---------------------------------------------------------------- request

TEST(AzureMetricsRequest, ChoosesTheSmallestAllowedGrainThatKeepsSeriesReasonable) {
  auto grain = [](Nanos range, Nanos step) {
    return std::string(choose_interval(TimeRange{kNow - range, kNow}, step).iso);
  };
  EXPECT_EQ(grain(3h, 0s), "PT1M");
  EXPECT_EQ(grain(24h, 0s), "PT5M");
  EXPECT_EQ(grain(7 * 24h, 0s), "PT1H");
  EXPECT_EQ(grain(30 * 24h, 0s), "PT6H");
  EXPECT_EQ(grain(93 * 24h, 0s), "PT12H");
  EXPECT_EQ(grain(3 * 365 * 24h, 0s), "P1D");
  EXPECT_EQ(grain(3h, 1min), "PT1M");
  EXPECT_EQ(grain(3h, 2min), "PT5M");  // never finer than asked
  EXPECT_EQ(grain(3h, 5min), "PT5M");
  EXPECT_EQ(grain(7 * 24h, 1min), "PT15M");  // capped at 1440 points
  EXPECT_EQ(grain(0s, 0s), "PT1M");
}

TEST(AzureMetricsRequest, BuildsTheDocumentedParameters) {
  EXPECT_EQ(format_timespan(TimeRange{kNow - 3h, kNow}), "2026-11-23T06:00:00Z/2026-11-23T09:00:00Z");
  EXPECT_EQ(join_metric_names({"Requests", "Metric,Name1"}), "Requests,Metric%2Name1");
  auto plan = plan_metric(ResourceKind::kContainerApp, "error_rate").value();
  auto params = build_metrics_params(plan, TimeRange{kNow - 1h, kNow}, choose_interval(TimeRange{kNow - 1h, kNow}, 0s),
                                     "2023-10-01");
  ASSERT_TRUE(params.ok());
  std::map<std::string, std::string> m(params->begin(), params->end());
  EXPECT_EQ(params->front().first, "api-version");
  EXPECT_EQ(m["metricnames"], "Requests");
  EXPECT_EQ(m["aggregation"], "total");
  EXPECT_EQ(m["interval"], "PT1M");
  EXPECT_EQ(m["$filter"], "statusCodeCategory eq '*'");
  EXPECT_EQ(encode_query({{"$filter", "statusCodeCategory eq '*'"}}), "%24filter=statusCodeCategory%20eq%20%27%2A%27");
  EXPECT_FALSE(build_metrics_params(plan, TimeRange{kNow, kNow}, metrics_wire::kGrains[0], "2023-10-01").ok());
}

// ---------------------------------------------------------------- answers

TEST(AzureMetricsResponse, ParsesTheSpecExample) {
  auto r = parse_metrics_response(shared_file("metrics_list.response.json"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->interval, "PT1H");
  EXPECT_EQ(r->region, "westus2");
  ASSERT_EQ(r->metrics.size(), 2u);
  const auto& blob = r->metrics[0];
  EXPECT_EQ(blob.name, "BlobCount");
  EXPECT_EQ(blob.unit, "Count");
  EXPECT_TRUE(blob.ok());
  ASSERT_EQ(blob.timeseries.size(), 3u);
  EXPECT_EQ(blob.timeseries[0].dimensions.at("tier"), "Hot");
  ASSERT_EQ(blob.timeseries[0].data.size(), 2u);
  EXPECT_EQ(blob.timeseries[0].data[0].time, parse_rfc3339("2021-04-20T09:00:00Z").value());
  EXPECT_DOUBLE_EQ(*blob.timeseries[0].data[0].average, 7.0);
  EXPECT_FALSE(blob.timeseries[0].data[0].total.has_value());
  EXPECT_DOUBLE_EQ(*r->metrics[1].timeseries[1].data[1].maximum, 4733.0);
}

TEST(AzureMetricsResponse, KeepsPartialErrorsAndMissingAggregates) {
  auto r = parse_metrics_response(shared_file("metrics_list_partial_error.response.json"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->metrics.size(), 2u);
  EXPECT_FALSE(r->metrics[0].ok());
  EXPECT_EQ(r->metrics[0].error_code, "InvalidSamplingType");
  EXPECT_TRUE(r->metrics[0].timeseries.empty());
  EXPECT_TRUE(r->metrics[1].ok());

  auto vm = parse_metrics_response(shared_file("metrics_list_vm_cpu.response.constructed.json"));
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  const auto& data = vm->metrics[0].timeseries[0].data;
  ASSERT_EQ(data.size(), 4u);
  EXPECT_FALSE(data[2].any().has_value());  // no data, not zero
  EXPECT_DOUBLE_EQ(*data[3].count, 4.0);
  EXPECT_DOUBLE_EQ(*data[3].total, 8.0);

  // Failing metrics surface as errors that name them.
  MetricPlan plan = plan_metric(ResourceKind::kOther, "MongoRequestsCount").value();
  auto s = to_series(plan, *r, 1min, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kBackend);
  EXPECT_NE(s.error().message.find("MongoRequestsCount (InvalidSamplingType): Sampling type is not found"),
            std::string::npos);
  // The other one maps; a point without aggregates is left out.
  plan = plan_metric(ResourceKind::kOther, "Percentage CPU:average").value();
  s = to_series(plan, *vm, 1min, {{"service", "vm1"}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].unit, "%");
  EXPECT_EQ((*s)[0].points.size(), 3u);
  EXPECT_EQ((*s)[0].labels.at("azure_metric"), "Percentage CPU");
  EXPECT_EQ((*s)[0].labels.at("service"), "vm1");
}

TEST(AzureMetricsResponse, ReadsBothErrorShapesAndRejectsGarbage) {
  auto arm = parse_azure_error(shared_file("error.response.constructed.json"));
  ASSERT_TRUE(arm.has_value());
  EXPECT_EQ(arm->code, "BadRequest");
  EXPECT_NE(arm->message.find("BlobCountt"), std::string::npos);
  auto flat = parse_azure_error(R"({"code":"BadRequest","message":"Failed to find metric configuration"})");
  ASSERT_TRUE(flat.has_value());
  EXPECT_EQ(flat->message, "Failed to find metric configuration");
  EXPECT_FALSE(parse_azure_error("<html>bad gateway</html>").has_value());

  EXPECT_FALSE(parse_metrics_response("not json").ok());
  EXPECT_FALSE(parse_metrics_response(R"({"timespan":"x"})").ok());
  EXPECT_FALSE(parse_metrics_response(
                   R"({"value":[{"name":{"value":"A"},"timeseries":[{"data":[{"timeStamp":"yesterday"}]}]}]})")
                   .ok());
}

TEST(AzureMetricsSeries, RatiosAndPerSecondRatesUseTheAnsweredInterval) {
  AzureMetricsResponse answer;
  answer.interval = "PT5M";  // asked PT1M, Azure adjusted
  const Timestamp t0 = kNow - 10min, t1 = kNow - 5min;
  AzureMetric req{"Requests", "Count", "Success", "", {{{}, {{t0, {}, {}, {}, 600.0, {}}, {t1, {}, {}, {}, 0.0, {}}}}}};
  AzureMetric err{"Http5xx", "Count", "Success", "", {{{}, {{t1, {}, {}, {}, 0.0, {}}}}}};
  answer.metrics = {err, req};
  auto rate = to_series(plan_metric(ResourceKind::kAppService, "request_rate").value(), answer, 1min, {});
  ASSERT_TRUE(rate.ok()) << rate.error().message;
  ASSERT_EQ((*rate)[0].points.size(), 2u);
  EXPECT_DOUBLE_EQ((*rate)[0].points[0].value, 2.0);  // 600 per 5 minutes
  EXPECT_EQ((*rate)[0].unit, "req/s");
  auto ratio = to_series(plan_metric(ResourceKind::kAppService, "error_rate").value(), answer, 1min, {});
  ASSERT_TRUE(ratio.ok()) << ratio.error().message;
  ASSERT_EQ((*ratio)[0].points.size(), 1u);            // t1 had no requests: no ratio
  EXPECT_DOUBLE_EQ((*ratio)[0].points[0].value, 0.0);  // no 5xx sample where requests were counted
  EXPECT_EQ((*ratio)[0].labels.at("azure_metric"), "Http5xx/Requests");
}

// ---------------------------------------------------------------- end to end

TEST(AzureMetricsClient, AppServiceShowsThePaymentsIncident) {
  Fixture f;
  const TimeRange range = the_scenario().range;
  const Timestamp onset = the_scenario().truth.onset;
  const auto t = target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api");

  auto latency = f.client.get_metrics(t, "latency_p99", range, 0s, "payments-api");
  ASSERT_TRUE(latency.ok()) << latency.error().message;
  ASSERT_EQ(latency->size(), 1u);
  const MetricSeries& l = (*latency)[0];
  EXPECT_EQ(l.name, "latency_p99");
  EXPECT_EQ(l.unit, "s");
  EXPECT_EQ(l.labels.at("azure_metric"), "HttpResponseTime");
  EXPECT_EQ(l.labels.at("aggregation"), "average");
  EXPECT_EQ(l.labels.at("service"), "payments-api");
  EXPECT_EQ(l.points.size(), 180u);  // 3 h at PT1M
  const double before = mean_in(l, range.from, onset), after = mean_in(l, onset + 20min, range.to);
  EXPECT_GT(before, 0);
  EXPECT_GT(after, 3 * before) << before << " -> " << after;

  auto errors = f.client.get_metrics(t, "error_rate", range, 5min, "payments-api");
  ASSERT_TRUE(errors.ok()) << errors.error().message;
  const MetricSeries& e = (*errors)[0];
  EXPECT_EQ(e.points.size(), 36u);
  EXPECT_LT(mean_in(e, range.from, onset), 0.01);
  EXPECT_GT(mean_in(e, onset + 20min, range.to), 0.15);

  auto rate = f.client.get_metrics(t, "request_rate", range, 0s, "payments-api");
  ASSERT_TRUE(rate.ok()) << rate.error().message;
  EXPECT_EQ((*rate)[0].unit, "req/s");
  EXPECT_GT(mean_in((*rate)[0], range.from, range.to), 0.5);

  // The wire: one GET per call, the documented path and parameters, a bearer for ARM.
  const auto reqs = f.sim.server().requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].path, rid("Microsoft.Web/sites/payments-api") + "/providers/Microsoft.Insights/metrics");
  auto q = sim::decode_query(reqs[0].query);
  EXPECT_EQ(q["api-version"], "2023-10-01");
  EXPECT_EQ(q["metricnames"], "HttpResponseTime");
  EXPECT_EQ(q["aggregation"], "average");
  EXPECT_EQ(q["timespan"], "2026-11-23T06:00:00Z/2026-11-23T09:00:00Z");
  EXPECT_EQ(sim::decode_query(reqs[1].query)["metricnames"], "Http5xx,Requests");
  EXPECT_EQ(sim::decode_query(reqs[1].query)["interval"], "PT5M");
  EXPECT_EQ(reqs[0].header("Authorization").rfind("Bearer ", 0), 0u);
  EXPECT_EQ(f.cred->last_scope, "https://management.azure.com/.default");
}

TEST(AzureMetricsClient, ContainerAppsSplitByStatusCategoryAndShowTheTail) {
  Fixture f;
  const TimeRange range = the_scenario().range;
  const Timestamp onset = the_scenario().truth.onset;
  const auto t = target(ResourceKind::kContainerApp, "Microsoft.App/containerApps/payments-api");
  auto p99 = f.client.get_metrics(t, "latency_p99", range, 0s);
  ASSERT_TRUE(p99.ok()) << p99.error().message;
  EXPECT_EQ((*p99)[0].unit, "ms");
  EXPECT_EQ((*p99)[0].labels.at("aggregation"), "maximum");
  EXPECT_GT(mean_in((*p99)[0], onset + 20min, range.to), 4900);
  EXPECT_LT(mean_in((*p99)[0], range.from, onset), 2000);

  auto err = f.client.get_metrics(t, "error_rate", range, 0s);
  ASSERT_TRUE(err.ok()) << err.error().message;
  EXPECT_GT(mean_in((*err)[0], onset + 20min, range.to), 0.15);
  EXPECT_EQ(sim::decode_query(f.sim.server().requests().back().query)["$filter"], "statusCodeCategory eq '*'");

  auto cpu = f.client.get_metrics(t, "cpu", range, 0s);
  ASSERT_TRUE(cpu.ok()) << cpu.error().message;
  const double cores = mean_in((*cpu)[0], range.from, range.to);
  EXPECT_GT(cores, 0.1);
  EXPECT_LT(cores, 1.0);
  auto mem = f.client.get_metrics(t, "memory", range, 0s);
  ASSERT_TRUE(mem.ok()) << mem.error().message;
  EXPECT_EQ((*mem)[0].unit, "By");
  EXPECT_GT(mean_in((*mem)[0], range.from, range.to), 1e6);
}

TEST(AzureMetricsClient, FunctionsAndSqlAndRawNames) {
  Fixture f;
  const TimeRange range = the_scenario().range;
  auto fn = f.client.get_metrics(target(ResourceKind::kFunctionApp, "Microsoft.Web/sites/order-fn"),
                                 "FunctionExecutionCount", range, 0s);
  ASSERT_TRUE(fn.ok()) << fn.error().message;
  EXPECT_EQ((*fn)[0].name, "FunctionExecutionCount");
  EXPECT_EQ((*fn)[0].unit, "1");
  EXPECT_GT(mean_in((*fn)[0], range.from, range.to), 10);

  const auto sql = target(ResourceKind::kSqlDatabase, "Microsoft.Sql/servers/payments-sql/databases/payments");
  auto dtu = f.client.get_metrics(sql, "dtu_consumption_percent", range, 0s);
  ASSERT_TRUE(dtu.ok()) << dtu.error().message;
  EXPECT_EQ((*dtu)[0].unit, "%");
  auto cpu = f.client.get_metrics(sql, "cpu", range, 0s);
  ASSERT_TRUE(cpu.ok()) << cpu.error().message;
  EXPECT_GT(mean_in((*cpu)[0], range.from, range.to), 10);
  auto failed = f.client.get_metrics(sql, "error_rate", range, 0s);
  ASSERT_TRUE(failed.ok()) << failed.error().message;

  // Metrics the resource does not publish are refused before any request.
  const size_t before = f.sim.server().request_count();
  auto bad = f.client.get_metrics(sql, "Requests", range, 0s);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(f.sim.server().request_count(), before);

  // A metric with restricted grains answers at its closest one.
  auto fs = f.client.get_metrics(target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api"),
                                 "FileSystemUsage", range, 0s);
  ASSERT_TRUE(fs.ok()) << fs.error().message;
}

TEST(AzureMetricsClient, TheSimulatorAnswersLikeAzureWhenTheClientIsBypassed) {
  Fixture f;
  const auto id = target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api").id;
  const std::string span = format_timespan(the_scenario().range);
  // Unknown (wrong-case) metric: the provider's flat error with the valid names.
  auto r = f.client.list(id, {{"api-version", "2023-10-01"}, {"metricnames", "requests"}, {"timespan", span}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("BadRequest: Failed to find metric configuration for provider: microsoft.web, "
                                   "resource Type: sites, metric: requests, Valid metrics: "
                                   "AlwaysReadyFunctionExecutionCount"),
            std::string::npos)
      << r.error().message;
  // A grain Azure does not have.
  r = f.client.list(
      id, {{"api-version", "2023-10-01"}, {"metricnames", "Requests"}, {"timespan", span}, {"interval", "PT2M"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("can not support requested time grain: 00:02:00"), std::string::npos)
      << r.error().message;
  r = f.client.list(id, {{"api-version", "2023-10-01"},
                         {"metricnames", "Requests"},
                         {"timespan", span},
                         {"interval", "PT2M"},
                         {"AutoAdjustTimegrain", "true"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->interval, "PT1M");
  // FileSystemUsage has PT6H and up only.
  r = f.client.list(id, {{"api-version", "2023-10-01"},
                         {"metricnames", "FileSystemUsage"},
                         {"timespan", span},
                         {"interval", "PT1H"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Commonly allowed time grains: 06:00:00,12:00:00,1.00:00:00 between metrics: "
                                   "FileSystemUsage, can not support requested time grain: 01:00:00 please adjust "
                                   "your interval parameter to use one of the common grains, TraceId: "),
            std::string::npos)
      << r.error().message;
  // api-version is required, and must exist.
  r = f.client.list(id, {{"metricnames", "Requests"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("MissingApiVersionParameter: The api-version query parameter (?api-version=) is "
                                   "required for all requests."),
            std::string::npos)
      << r.error().message;
  r = f.client.list(id, {{"api-version", "2099-01-01"}, {"metricnames", "Requests"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("NoRegisteredProviderFound: No registered resource provider found for location"),
            std::string::npos)
      << r.error().message;
  // A resource that does not exist.
  auto other = make_resource_id(ResourceKind::kAppService, kSub, "prod-rg", "nope").value();
  r = f.client.list(other, {{"api-version", "2023-10-01"}, {"metricnames", "Requests"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("ResourceNotFound: The Resource 'Microsoft.Web/sites/nope' under resource group "
                                   "'prod-rg' was not found. For more details please go to "
                                   "https://aka.ms/ARMResourceNotFoundFix"),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("resource_name"), std::string::npos);  // the fix
  EXPECT_EQ(f.sim.answered(), 1u);
}

TEST(AzureMetricsClient, TokensForTheWrongAudienceOrExpiredAreRefused) {
  const TimeRange range = the_scenario().range;
  {
    Fixture f(std::make_shared<FakeCredential>("https://api.loganalytics.io"));
    auto r =
        f.client.get_metrics(target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api"), "cpu", range, 0s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_NE(r.error().message.find("InvalidAuthenticationTokenAudience"), std::string::npos);
    EXPECT_NE(r.error().message.find("'https://api.loganalytics.io'"), std::string::npos);
    EXPECT_EQ(r.error().message.find(f.cred->last_token), std::string::npos);  // never the token
  }
  {
    Fixture f(std::make_shared<FakeCredential>("", -1min));
    auto r =
        f.client.get_metrics(target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api"), "cpu", range, 0s);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("ExpiredAuthenticationToken: The access token expiry UTC time '"),
              std::string::npos)
        << r.error().message;
    // .NET's general date format, as Resource Manager writes it: M/d/yyyy h:mm:ss AM|PM.
    static const RE2 kNetTime(
        R"(UTC time '\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M' is earlier than current UTC )"
        R"(time '\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M'\.)");
    EXPECT_TRUE(RE2::PartialMatch(r.error().message, kNetTime)) << r.error().message;
  }
  {
    auto cred = std::make_shared<FakeCredential>();
    cred->fail = true;
    Fixture f(cred);
    auto r =
        f.client.get_metrics(target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api"), "cpu", range, 0s);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("az login"), std::string::npos);
    EXPECT_EQ(f.sim.server().request_count(), 0u);
  }
  // No Authorization header at all.
  sim::AzureMetricsSim s(the_scenario().metrics, sim_resources());
  net::HttpClient http;
  auto resp = http.get(s.url() + rid("Microsoft.Web/sites/payments-api") +
                       "/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests");
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 401);
  EXPECT_EQ(
      resp->body,
      R"({"error":{"code":"AuthenticationFailed","message":"Authentication failed. The 'Authorization' header is missing."}})");
  // Not a bearer token; a bearer that is not a JWT.
  resp = http.get(s.url() + rid("Microsoft.Web/sites/payments-api") +
                      "/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests",
                  {{"Authorization", "Basic dXNlcjpwYXNz"}});
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 401);
  EXPECT_NE(resp->body.find(R"("code":"AuthenticationFailedInvalidHeader","message":"Authentication failed. The )"
                            R"('Authorization' header is provided in an invalid format.")"),
            std::string::npos)
      << resp->body;
  resp = http.get(s.url() + rid("Microsoft.Web/sites/payments-api") +
                      "/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests",
                  {{"Authorization", "Bearer not-a-jwt"}});
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->body, R"({"error":{"code":"InvalidAuthenticationToken","message":"The access token is invalid."}})");
}

TEST(AzureMetricsClient, ThrottlingIsRetriedHonouringRetryAfterThenReported) {
  const TimeRange range = the_scenario().range;
  const auto t = target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api");
  {
    Fixture f;
    f.sim.throttle(1, 1);
    const auto start = std::chrono::steady_clock::now();
    auto r = f.client.get_metrics(t, "request_rate", range, 0s);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);  // waited as asked
    EXPECT_EQ(f.sim.server().request_count(), 2u);
  }
  {
    net::HttpClientOptions http;
    http.retry.max_attempts = 2;
    http.retry.max_retry_after = net::Millis(0);  // give up rather than wait
    Fixture f(std::make_shared<FakeCredential>(), http);
    f.sim.throttle(5, 30);
    auto r = f.client.get_metrics(t, "request_rate", range, 0s);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
    EXPECT_NE(r.error().message.find("ResourceRequestsThrottled: Number of requests for action "
                                     "'Microsoft.Insights/metrics/read' exceeded the limit of '400' for time interval "
                                     "'00:05:00'. Please try again after '30' seconds."),
              std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("Retry-After: 30"), std::string::npos);
  }
}

TEST(AzureMetricsClient, PartialErrorsAreSurfacedNotDropped) {
  Fixture f;
  f.sim.fail_metric("Http5xx", "InvalidSamplingType", "Sampling type is not found. Metric:Http5xx");
  auto r = f.client.get_metrics(target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api"), "error_rate",
                                the_scenario().range, 0s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBackend);
  EXPECT_NE(r.error().message.find("Http5xx (InvalidSamplingType)"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("Requests was answered"), std::string::npos) << r.error().message;
  // The other metrics still work.
  EXPECT_TRUE(f.client
                  .get_metrics(target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api"), "request_rate",
                               the_scenario().range, 0s)
                  .ok());
}

TEST(AzureMetricsClient, GarbageAndDownAndForbiddenAreClearErrors) {
  testing::LoopbackHttpServer server;
  const auto t = target(ResourceKind::kAppService, "Microsoft.Web/sites/payments-api");
  const std::string path = rid("Microsoft.Web/sites/payments-api") + "/providers/Microsoft.Insights/metrics";
  net::HttpClientOptions no_retry;
  no_retry.retry = net::RetryPolicy::none();
  MetricsClient client(MetricsClientOptions{server.url() + "/", "https://management.azure.com/.default"},
                       std::make_shared<FakeCredential>(), std::make_shared<net::HttpClient>(no_retry));
  server.enqueue("GET", path, ScriptedResponse::json(200, "<html>proxy</html>"));
  auto r = client.get_metrics(t, "cpu", the_scenario().range, 0s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBackend);
  EXPECT_NE(r.error().message.find("not a metrics answer"), std::string::npos);

  server.enqueue("GET", path,
                 ScriptedResponse::json(403, R"({"error":{"code":"AuthorizationFailed","message":"The client 'x' with )"
                                             R"(object id 'y' does not have authorization to perform action )"
                                             R"('Microsoft.Insights/metrics/read'"}})"));
  r = client.get_metrics(t, "cpu", the_scenario().range, 0s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(r.error().message.find("AuthorizationFailed"), std::string::npos);
  EXPECT_NE(r.error().message.find("Monitoring Reader"), std::string::npos);

  MetricsClient down(MetricsClientOptions{"http://127.0.0.1:" + std::to_string(testing::free_loopback_port()),
                                          "https://management.azure.com/.default"},
                     std::make_shared<FakeCredential>(), std::make_shared<net::HttpClient>(no_retry));
  r = down.get_metrics(t, "cpu", the_scenario().range, 0s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

TEST(AzureMetricsClient, ResolvesTheServiceFromAMetricQuery) {
  Fixture f;
  config::ServiceConfig svc;
  svc.resource_type = "container_app";
  MetricQuery q;
  q.service = "payments-api";
  q.metric = "request_rate";
  q.range = the_scenario().range;
  auto r = f.client.get_metrics(q, &svc, ResourceDefaults{std::string(kSub), "prod-rg", ""});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].labels.at("service"), "payments-api");
  EXPECT_EQ(f.sim.server().requests().back().path,
            rid("Microsoft.App/containerApps/payments-api") + "/providers/Microsoft.Insights/metrics");
}

// ---------------------------------------------------------------- through the backend

std::map<std::string, config::ServiceConfig, std::less<>> backend_services() {
  std::map<std::string, config::ServiceConfig, std::less<>> services;
  services["payments-api"].resource_type = "container_app";
  services["order-service"].resource_type = "function";  // the log-table spelling works too
  services["order-service"].settings["resource_name"] = "order-fn";
  services["payments-db"].resource_type = "sql_database";
  services["payments-db"].settings["server"] = "payments-sql";
  services["payments-db"].settings["resource_name"] = "payments";
  return services;
}

TEST(AzureBackendMetrics, GetMetricsReadsTheServicesResource) {
  sim::AzureMetricsSim sim(the_scenario().metrics, sim_resources());
  auto backend = testing::azure_backend("http://127.0.0.1:1", {{"resource_group", "prod-rg"}}, nullptr,
                                        {{"AZURE_SUBSCRIPTION_ID", std::string(kSub)}}, sim.url(), backend_services());
  ASSERT_NE(backend, nullptr);
  const TimeRange range = the_scenario().range;
  const Timestamp onset = the_scenario().truth.onset;
  MetricQuery q;
  q.service = "payments-api";
  q.metric = "latency_p99";
  q.range = range;
  auto r = backend->get_metrics(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_GT(mean_in((*r)[0], onset + 20min, range.to), 4900);
  EXPECT_EQ(sim.server().requests().back().path,
            rid("Microsoft.App/containerApps/payments-api") + "/providers/Microsoft.Insights/metrics");

  q.service = "order-service";
  q.metric = "request_rate";
  r = backend->get_metrics(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(sim.server().requests().back().path,
            rid("Microsoft.Web/sites/order-fn") + "/providers/Microsoft.Insights/metrics");
  EXPECT_EQ(sim::decode_query(sim.server().requests().back().query)["metricnames"], "FunctionExecutionCount");

  q.service = "payments-db";
  q.metric = "dtu_consumption_percent";
  r = backend->get_metrics(q);
  ASSERT_TRUE(r.ok()) << r.error().message;

  // -r names the type for a service without settings.
  q.service = "payments-api";
  q.metric = "Requests";
  q.resource_type = "app_service";
  r = backend->get_metrics(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(sim.server().requests().back().path,
            rid("Microsoft.Web/sites/payments-api") + "/providers/Microsoft.Insights/metrics");
}

TEST(AzureBackendMetrics, TheSharedAnomalyDetectorSeesTheLatencyRise) {
  // Logs are unreachable here (Log Analytics at a closed port): the detector
  // still works from the metrics and says what it could not read.
  sim::AzureMetricsSim sim(the_scenario().metrics, sim_resources());
  auto backend = testing::azure_backend("http://127.0.0.1:1",
                                        {{"resource_group", "prod-rg"},
                                         {"subscription_id", std::string(kSub)},
                                         {"max_attempts", "1"}},
                                        nullptr, {}, sim.url(), backend_services());
  ASSERT_NE(backend, nullptr);
  AnomalyQuery q;
  q.service = "payments-api";
  q.range = TimeRange{the_scenario().truth.onset, the_scenario().range.to};
  auto report = anomaly::run_anomaly_detection(*backend, q);
  ASSERT_TRUE(report.ok()) << report.error().message;
  std::string what;
  for (const auto& a : report->anomalies) what += a.metric + " " + a.kind + ": " + a.reason + "\n";
  for (const auto& u : report->unavailable) what += "unavailable " + u.signal + ": " + u.error.message + "\n";
  for (const auto& n : report->notes) what += "note " + n + "\n";
  const bool latency = std::any_of(report->anomalies.begin(), report->anomalies.end(), [](const Anomaly& a) {
    return a.kind == "latency" && a.metric.starts_with("latency_p99");
  });
  EXPECT_TRUE(latency) << what;
  EXPECT_NE(std::find(report->signals_checked.begin(), report->signals_checked.end(), "latency_p99"),
            report->signals_checked.end());
}

}  // namespace
}  // namespace tinkr::azure
