// The Azure backend end to end against the Log Analytics simulator serving
// the shared scenario rendered into App Insights and container tables: logs,
// levels, filters, limits and order; log volume; services; traces with a
// waterfall; the error bodies (400/401/403/404/429, partial results) surfaced
// with what to do; configuration.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "backends/azure/azure_backend.h"
#include "backends/grafana/grafana_backend.h"
#include "backends/registry.h"
#include "net/http_client.h"
#include "scenario/scenario.h"
#include "sim/azure_identity_sim.h"
#include "sim/azure_log_analytics_sim.h"
#include "sim/loki_sim.h"
#include "sim/tempo_sim.h"
#include "testing/loopback_http_server.h"
#include "testing/ports.h"
#include "unit/backends/azure_test_support.h"

namespace tinkr {
namespace {

using testing::azure_backend;
using testing::SimTokenCredential;

const Timestamp kNow = parse_rfc3339("2026-11-23T09:00:00Z").value();
const std::string kWorkspace = "63613592-b6f7-4c3d-a390-22ba13102111";

const scenario::Scenario& the_scenario() {
  static const scenario::Scenario s = scenario::generate([] {
    scenario::ScenarioOptions o;
    o.now = kNow;
    return o;
  }());
  return s;
}

sim::AzureLogAnalyticsSimOptions sim_options() {
  sim::AzureLogAnalyticsSimOptions o;
  o.workspace_id = kWorkspace;
  o.now = kNow;
  return o;
}

// One simulator for the read-only tests (rendering the scenario takes a moment).
sim::AzureLogAnalyticsSim& shared_sim() {
  static auto* s = new sim::AzureLogAnalyticsSim(the_scenario().logs, the_scenario().traces, sim_options());
  return *s;
}

std::unique_ptr<ObservabilityBackend> backend(std::map<std::string, std::string> extra = {}) {
  extra.emplace("workspace_id", kWorkspace);
  return azure_backend(shared_sim().url(), extra);
}

LogQuery logs_query(std::string service, size_t limit, std::string filter = "*") {
  LogQuery q;
  q.service = std::move(service);
  q.range = the_scenario().range;
  q.limit = limit;
  q.filter = std::move(filter);
  return q;
}

// Log Analytics keeps 100 ns ticks.
Timestamp ticks(Timestamp t) { return from_unix_nanos(to_unix_nanos(t) / 100 * 100); }

std::vector<LogEntry> scenario_logs(std::string_view service) {
  std::vector<LogEntry> out;
  for (const auto& e : the_scenario().logs) {
    if (e.service == service) out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.time < b.time; });
  return out;
}

TEST(AzureBackendLogs, NewestLinesOldestFirstWithLevelsAndTraceIds) {
  auto b = backend();
  ASSERT_NE(b, nullptr);
  auto r = b->query_logs(logs_query(scenario::kPaymentsApi, 50));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 50u);
  EXPECT_TRUE(std::is_sorted(r->begin(), r->end(), [](auto& a, auto& b) { return a.time < b.time; }));
  auto expected = scenario_logs(scenario::kPaymentsApi);
  EXPECT_EQ(r->back().time, ticks(expected.back().time));
  EXPECT_EQ(r->back().message, expected.back().message);
  EXPECT_EQ(r->back().level, expected.back().level);
  for (const auto& e : *r) EXPECT_EQ(e.service, scenario::kPaymentsApi);
  EXPECT_TRUE(std::any_of(r->begin(), r->end(), [](auto& e) { return !e.trace_id.empty(); }));

  // Oldest first when asked: the first lines of the range.
  LogQuery q = logs_query(scenario::kPaymentsApi, 5);
  q.newest_first = false;
  auto first = b->query_logs(q);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(first->at(i).message, expected[i].message);
}

TEST(AzureBackendLogs, LevelsFollowMicrosoftsSeverityValues) {
  auto b = backend();
  auto errors = b->query_logs(logs_query(scenario::kPaymentsApi, 5000, "level:ERROR"));
  ASSERT_TRUE(errors.ok()) << errors.error().message;
  size_t expected_errors = 0;
  for (const auto& e : scenario_logs(scenario::kPaymentsApi)) expected_errors += e.level == Level::kError;
  EXPECT_EQ(errors->size(), expected_errors);
  for (const auto& e : *errors) EXPECT_EQ(e.level, Level::kError);

  auto warn_up = b->query_logs(logs_query(scenario::kPaymentsApi, 5000, "level>=WARN"));
  ASSERT_TRUE(warn_up.ok()) << warn_up.error().message;
  std::set<Level> levels;
  for (const auto& e : *warn_up) levels.insert(e.level);
  EXPECT_EQ(levels, (std::set<Level>{Level::kWarn, Level::kError}));

  // Verbose (0) reads back as DEBUG.
  auto debug = b->query_logs(logs_query(scenario::kPaymentsApi, 3, "level:DEBUG"));
  ASSERT_TRUE(debug.ok()) << debug.error().message;
  ASSERT_FALSE(debug->empty());
  for (const auto& e : *debug) EXPECT_EQ(e.level, Level::kDebug);
}

TEST(AzureBackendLogs, FiltersPhrasesAndAttributes) {
  auto b = backend();
  auto timeouts = b->query_logs(logs_query(scenario::kPaymentsApi, 5000, "\"TimeoutError\""));
  ASSERT_TRUE(timeouts.ok()) << timeouts.error().message;
  ASSERT_FALSE(timeouts->empty());
  EXPECT_GE(timeouts->front().time, the_scenario().truth.onset);
  for (const auto& e : *timeouts) EXPECT_NE(e.message.find("TimeoutError"), std::string::npos);

  auto by_attr = b->query_logs(logs_query(scenario::kPaymentsApi, 5000, "peer.service:fraud-check level:ERROR"));
  ASSERT_TRUE(by_attr.ok()) << by_attr.error().message;
  ASSERT_FALSE(by_attr->empty());
  for (const auto& e : *by_attr) EXPECT_EQ(e.attributes.at("peer.service"), "fraud-check");

  auto none = b->query_logs(logs_query(scenario::kPaymentsApi, 10, "\"no such line \\\" | take 1\""));
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->empty());

  // A hostile service name stays a string literal: nothing matches, nothing is added to the query.
  for (const char* service : {"payments-api\" or true or \"", "x\\\" | take 1 //", "a\nb"}) {
    auto r = b->query_logs(logs_query(service, 10));
    ASSERT_TRUE(r.ok()) << service << ": " << r.error().message;
    EXPECT_TRUE(r->empty()) << service;
    TraceQuery tq;
    tq.service = service;
    tq.range = the_scenario().range;
    auto t = b->get_traces(tq);
    ASSERT_TRUE(t.ok()) << service << ": " << t.error().message;
    EXPECT_TRUE(t->empty()) << service;
  }
}

TEST(AzureBackendLogs, TheIssuesQueryAndTimespan) {
  auto b = backend();
  LogQuery q = logs_query(scenario::kPaymentsApi, 100, "level>=ERROR");
  q.range = {kNow - std::chrono::hours(1), kNow};
  auto explain = b->explain_logs(q);
  ASSERT_TRUE(explain.ok());
  EXPECT_EQ(*explain,
            "AppTraces | where TimeGenerated >= datetime(2026-11-23T08:00:00Z) and TimeGenerated < "
            "datetime(2026-11-23T09:00:00Z) | where AppRoleName == \"payments-api\" | where SeverityLevel >= 3 | "
            "project TimeGenerated, Message, SeverityLevel, AppRoleName, OperationId, ParentId, Properties | order by "
            "TimeGenerated desc | take 100");
  const size_t before = shared_sim().queries().size();
  auto r = b->query_logs(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_FALSE(r->empty());
  auto queries = shared_sim().queries();
  auto spans = shared_sim().timespans();
  ASSERT_EQ(queries.size(), before + 1);
  EXPECT_EQ(queries.back(), *explain);
  EXPECT_EQ(spans.back(), "2026-11-23T08:00:00Z/2026-11-23T09:00:00Z");
  for (const auto& e : *r) EXPECT_GE(e.level, Level::kError);
}

TEST(AzureBackendLogs, VolumeServicesCheck) {
  auto b = backend();
  LogVolumeQuery v;
  v.service = scenario::kPaymentsApi;
  v.range = the_scenario().range;
  v.bucket = std::chrono::minutes(5);
  auto volume = b->log_volume(v);
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  std::map<std::string, double> by_level;
  for (const auto& s : *volume) {
    EXPECT_EQ(s.name, "log_count");
    EXPECT_EQ(s.points.size(), 36u);
    for (const auto& p : s.points) by_level[s.labels.at("level")] += p.value;
  }
  std::map<std::string, double> expected;
  for (const auto& e : scenario_logs(scenario::kPaymentsApi)) expected[std::string(level_name(e.level))] += 1;
  EXPECT_EQ(by_level, expected);
  EXPECT_NE(shared_sim().queries().back().find("summarize count() by TimeGenerated = bin_at(TimeGenerated, 5m, "),
            std::string::npos)
      << shared_sim().queries().back();

  // Buckets start at the range's start, even when it is not on a bucket boundary.
  v.range.from += std::chrono::seconds(7);
  v.range.to = v.range.from + std::chrono::minutes(30);
  auto shifted = b->log_volume(v);
  ASSERT_TRUE(shifted.ok()) << shifted.error().message;
  double total = 0;
  for (const auto& s : *shifted) {
    EXPECT_EQ(s.points.front().time, v.range.from);
    for (const auto& p : s.points) total += p.value;
  }
  double in_range = 0;
  for (const auto& e : scenario_logs(scenario::kPaymentsApi)) in_range += v.range.contains(ticks(e.time));
  EXPECT_EQ(total, in_range);

  auto services = b->list_services(the_scenario().range);
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_EQ(*services, the_scenario().services);
  EXPECT_TRUE(b->check().ok()) << b->check().error().message;
}

TEST(AzureBackendLogs, TablesByResourceType) {
  auto b = backend();
  for (const char* rt :
       {"exceptions", "k8s", "ContainerLog", "container_app", "app_service", "function", "AzureDiagnostics"}) {
    LogQuery q = logs_query(scenario::kPaymentsApi, 20, "level:ERROR");
    q.range = {the_scenario().truth.onset, kNow};
    q.resource_type = rt;
    auto r = b->query_logs(q);
    ASSERT_TRUE(r.ok()) << rt << ": " << r.error().message;
    ASSERT_FALSE(r->empty()) << rt;
    for (const auto& e : *r) {
      EXPECT_EQ(e.service, scenario::kPaymentsApi) << rt;
      EXPECT_EQ(e.level, Level::kError) << rt << ": " << e.message;
      EXPECT_FALSE(e.message.empty()) << rt;
    }
  }
  // The profile's resource_type is the default table.
  auto k8s = backend({{"resource_type", "k8s"}});
  auto explain = k8s->explain_logs(logs_query(scenario::kPaymentsApi, 10));
  ASSERT_TRUE(explain.ok());
  EXPECT_EQ(explain->rfind("ContainerLogV2 |", 0), 0u) << *explain;
  LogVolumeQuery v;
  v.service = scenario::kPaymentsApi;
  v.range = {the_scenario().truth.onset, kNow};
  v.bucket = std::chrono::minutes(15);
  // Volume by level on every kind of table: a level column, or the line scanned by Log Analytics.
  double expected_errors = 0;
  for (const auto& e : scenario_logs(scenario::kPaymentsApi)) {
    expected_errors += e.level == Level::kError && v.range.contains(ticks(e.time));
  }
  for (const char* rt : {"k8s", "ContainerLog", "container_app"}) {
    v.resource_type = rt;
    auto volume = b->log_volume(v);
    ASSERT_TRUE(volume.ok()) << rt << ": " << volume.error().message;
    double errors = 0;
    for (const auto& s : *volume) {
      EXPECT_NE(s.labels.at("level"), "UNKNOWN") << rt;
      if (s.labels.at("level") == "ERROR") {
        for (const auto& p : s.points) errors += p.value;
      }
    }
    EXPECT_EQ(errors, expected_errors) << rt;
  }

  LogQuery bad = logs_query(scenario::kPaymentsApi, 10);
  bad.resource_type = "mainframe";
  EXPECT_EQ(b->query_logs(bad).error().code, ErrorCode::kInvalidArgument);
}

// Field filters on console tables with no dynamic column: the JSON line is
// parsed by Log Analytics (parse_json), flat keys and nested objects alike.
TEST(AzureBackendLogs, FieldFiltersReadTheJsonLineOfConsoleTables) {
  auto b = backend();
  // An order id of a payments-api line, and the lines that carry it.
  std::string order;
  for (const auto& e : scenario_logs(scenario::kPaymentsApi)) {
    if (auto it = e.attributes.find("order_id"); it != e.attributes.end()) order = it->second;
  }
  ASSERT_FALSE(order.empty());
  auto expected = [&](std::string_view key, std::string_view value) {
    std::multiset<std::string> out;
    for (const auto& e : scenario_logs(scenario::kPaymentsApi)) {
      auto it = e.attributes.find(key);
      if (it != e.attributes.end() && it->second == value) out.insert(e.message);
    }
    return out;
  };
  auto messages = [](const std::vector<LogEntry>& entries) {
    std::multiset<std::string> out;
    for (const auto& e : entries) out.insert(e.message);
    return out;
  };
  const auto with_order = expected("order_id", order);
  ASSERT_FALSE(with_order.empty());
  const auto with_502 = expected("http.status_code", "502");

  for (const char* rt : {"container_app", "app_service"}) {  // flat JSON keys; nested objects
    LogQuery q = logs_query(scenario::kPaymentsApi, 5000, "order_id:" + order);
    q.resource_type = rt;
    auto r = b->query_logs(q);
    ASSERT_TRUE(r.ok()) << rt << ": " << r.error().message;
    EXPECT_EQ(messages(*r), with_order) << rt;
    for (const auto& e : *r) EXPECT_EQ(e.attributes.at("order_id"), order) << rt;
    EXPECT_NE(shared_sim().queries().back().find("parse_json("), std::string::npos);

    q.filter = "http.status_code:502";  // app_service: {"http":{"status_code":"502"}}
    r = b->query_logs(q);
    ASSERT_TRUE(r.ok()) << rt << ": " << r.error().message;
    EXPECT_EQ(messages(*r), with_502) << rt;
    for (const auto& e : *r) EXPECT_EQ(e.attributes.at("http.status_code"), "502") << rt;

    // NOT / OR and a missing field: a line without order_id is not equal to it.
    q.filter = "level:ERROR";
    auto errors = b->query_logs(q);
    ASSERT_TRUE(errors.ok()) << rt << ": " << errors.error().message;
    size_t errors_with_order = 0;
    for (const auto& e : *errors) {
      auto it = e.attributes.find("order_id");
      errors_with_order += it != e.attributes.end() && it->second == order;
    }
    q.filter = "level:ERROR AND NOT order_id:" + order;
    r = b->query_logs(q);
    ASSERT_TRUE(r.ok()) << rt << ": " << r.error().message;
    EXPECT_EQ(r->size(), errors->size() - errors_with_order) << rt;
    for (const auto& e : *r) EXPECT_TRUE(!e.attributes.contains("order_id") || e.attributes.at("order_id") != order);
    q.filter = "order_id:" + order + " OR no_such_field:1";
    r = b->query_logs(q);
    ASSERT_TRUE(r.ok()) << rt << ": " << r.error().message;
    EXPECT_EQ(messages(*r), with_order) << rt;
    q.filter = "order_id:\"" + order + "\\\" or true or \\\"\"";  // a hostile value stays a literal
    r = b->query_logs(q);
    ASSERT_TRUE(r.ok()) << rt << ": " << r.error().message;
    EXPECT_TRUE(r->empty()) << rt;
  }
  // A column of the table is still the column; plain (non-JSON) lines have no fields: nothing, no error.
  LogQuery q = logs_query(scenario::kPaymentsApi, 5000, "FunctionName:Handler level:ERROR");
  q.resource_type = "function";
  auto r = b->query_logs(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->empty());
  q.filter = "order_id:" + order;
  r = b->query_logs(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->empty());
  q.resource_type = "ContainerLog";
  r = b->query_logs(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->empty());
}

// ---- traces ----

const Trace* original_trace(const std::string& id) {
  for (const auto& t : the_scenario().traces) {
    if (t.trace_id == id) return &t;
  }
  return nullptr;
}

void expect_waterfall(const Trace& got) {
  const Trace* original = original_trace(got.trace_id);
  ASSERT_NE(original, nullptr) << got.trace_id;
  ASSERT_EQ(got.spans.size(), original->spans.size());
  std::map<std::string, std::string> parents, expected_parents;
  for (const auto& s : got.spans) parents[s.span_id] = s.parent_span_id;
  for (const auto& s : original->spans) expected_parents[s.span_id] = s.parent_span_id;
  EXPECT_EQ(parents, expected_parents);  // the waterfall's shape
  EXPECT_EQ(got.root_service, original->root_service);
  EXPECT_EQ(got.root_name, original->root_name);
  EXPECT_LE(std::chrono::abs(got.duration - original->duration), std::chrono::microseconds(1));
  EXPECT_EQ(got.has_error, original->has_error);
}

TEST(AzureBackendTraces, FailedAndSlowRequestsWithTheirWaterfall) {
  auto b = backend();
  TraceQuery q;
  q.service = scenario::kPaymentsApi;
  q.range = the_scenario().range;
  q.limit = 10;
  auto traces = b->get_traces(q);
  ASSERT_TRUE(traces.ok()) << traces.error().message;
  ASSERT_EQ(traces->size(), 10u);
  EXPECT_TRUE(std::is_sorted(traces->begin(), traces->end(), [](auto& a, auto& b) { return a.duration > b.duration; }));
  for (const auto& t : *traces) {
    expect_waterfall(t);
    EXPECT_GT(t.duration, std::chrono::seconds(1));
  }
  // The dependency span names its target.
  bool fraud = false;
  for (const auto& s : traces->front().spans) {
    auto it = s.attributes.find("peer.service");
    fraud = fraud || (it != s.attributes.end() && it->second == "fraud-check" && s.status == SpanStatus::kError);
  }
  EXPECT_TRUE(fraud);

  q.errors_only = true;
  auto failed = b->get_traces(q);
  ASSERT_TRUE(failed.ok()) << failed.error().message;
  ASSERT_FALSE(failed->empty());
  for (const auto& t : *failed) EXPECT_TRUE(t.has_error);

  auto one = b->get_trace(traces->front().trace_id);
  ASSERT_TRUE(one.ok()) << one.error().message;
  expect_waterfall(*one);
  EXPECT_NE(shared_sim().queries().back().find("ago(7d)"), std::string::npos);

  EXPECT_EQ(b->get_trace("00000000000000000000000000000bad").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(b->get_trace("x\" or true or \"").error().code, ErrorCode::kInvalidArgument);
}

// ---- failures ----

TEST(AzureBackendFailures, BodiesAreSurfacedWithWhatToDo) {
  auto wrong_audience = azure_backend(shared_sim().url(), {{"workspace_id", kWorkspace}},
                                      std::make_shared<SimTokenCredential>("https://management.azure.com"));
  auto r = wrong_audience->query_logs(logs_query(scenario::kPaymentsApi, 1));
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message.find("InvalidAuthenticationTokenAudience"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("log_analytics_endpoint"), std::string::npos) << r.error().message;

  auto no_token =
      azure_backend(shared_sim().url(), {{"workspace_id", kWorkspace}}, std::make_shared<testing::FailingCredential>());
  r = no_token->query_logs(logs_query(scenario::kPaymentsApi, 1));
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message.find("could not get a token for Log Analytics"), std::string::npos);
  EXPECT_NE(r.error().message.find("DefaultAzureCredential failed"), std::string::npos);

  auto other = backend({{"workspace_id", "11111111-2222-3333-4444-555555555555"}});
  r = other->query_logs(logs_query(scenario::kPaymentsApi, 1));
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("The requested path does not exist [PathNotFoundError]"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("AZURE_LOG_ANALYTICS_WORKSPACE_ID"), std::string::npos);

  // Native KQL the service (here: the simulator) cannot parse.
  auto bad = backend()->query_logs(logs_query("", 1, "AppTraces | render timechart"));
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("SYN0002"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("render"), std::string::npos) << bad.error().message;
  auto unknown = backend()->query_logs(logs_query("", 1, "NoSuchTable | take 1"));
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message.find("SEM0100"), std::string::npos) << unknown.error().message;
}

TEST(AzureBackendFailures, NoReadRoleNamesTheRoleAndTheCommand) {
  auto o = sim_options();
  o.deny_access = true;
  sim::AzureLogAnalyticsSim denied(sim::kql::Catalog{}, o);
  auto b = azure_backend(denied.url(),
                         {{"workspace_id", kWorkspace}, {"subscription_id", "sub-1"}, {"resource_group", "prod-rg"}});
  auto r = b->query_logs(logs_query(scenario::kPaymentsApi, 1));
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(r.error().message.find("The provided credentials have insufficient access to perform the requested "
                                   "operation [InsufficientAccessError]"),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("Log Analytics Reader"), std::string::npos);
  EXPECT_NE(r.error().message.find("az role assignment create"), std::string::npos);
  EXPECT_NE(r.error().message.find("/subscriptions/sub-1/resourceGroups/prod-rg"), std::string::npos);
  EXPECT_EQ(b->check().error().code, ErrorCode::kPermissionDenied);
}

TEST(AzureBackendFailures, ThrottlingHonoursRetryAfterThenSaysWhatToDo) {
  sim::AzureLogAnalyticsSim la(the_scenario().logs, {}, sim_options());
  auto b = azure_backend(la.url(), {{"workspace_id", kWorkspace}});
  la.throttle(1, 0);
  auto r = b->query_logs(logs_query(scenario::kPaymentsApi, 3));
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(la.server().request_count(), 2u);

  auto two = azure_backend(la.url(), {{"workspace_id", kWorkspace}, {"max_attempts", "2"}});
  la.throttle(5, 0);
  r = two->query_logs(logs_query(scenario::kPaymentsApi, 3));
  EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
  EXPECT_NE(r.error().message.find("Retry-After: 0 s"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("ThrottledError"), std::string::npos) << r.error().message;

  // Microsoft documents no 429 body for this API: whatever it is, its text, Retry-After and the fix come through.
  for (const char* body : {R"({"error":{"code":"TooManyRequests","message":"Too many concurrent queries"}})",
                           "Too many concurrent queries", ""}) {
    testing::LoopbackHttpServer server;
    server.route("POST", "/v1/workspaces/" + kWorkspace + "/query", [body](const testing::RecordedRequest&) {
      auto t = testing::ScriptedResponse::text(429, body);
      t.headers.emplace_back("Retry-After", "0");
      return t;
    });
    auto b = azure_backend(server.url(), {{"workspace_id", kWorkspace}, {"max_attempts", "2"}});
    r = b->query_logs(logs_query(scenario::kPaymentsApi, 3));
    EXPECT_EQ(r.error().code, ErrorCode::kRateLimited) << body;
    EXPECT_NE(r.error().message.find("Retry-After: 0 s"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("narrow the time range"), std::string::npos) << r.error().message;
    if (*body) {
      EXPECT_NE(r.error().message.find("Too many concurrent queries"), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(server.request_count(), 2u);
  }
}

TEST(AzureBackendFailures, PartialResultsFailUnlessAllowed) {
  auto o = sim_options();
  o.max_result_rows = 10;
  sim::AzureLogAnalyticsSim la(the_scenario().logs, {}, o);
  auto strict = azure_backend(la.url(), {{"workspace_id", kWorkspace}});
  auto r = strict->query_logs(logs_query(scenario::kPaymentsApi, 50));
  EXPECT_EQ(r.error().code, ErrorCode::kBackend);
  EXPECT_NE(r.error().message.find("E_QUERY_RESULT_SET_TOO_LARGE"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("10 rows came back"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("allow_partial_results"), std::string::npos);

  auto lenient = azure_backend(la.url(), {{"workspace_id", kWorkspace}, {"allow_partial_results", "true"}});
  r = lenient->query_logs(logs_query(scenario::kPaymentsApi, 50));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 10u);
}

TEST(AzureBackendFailures, DownAndGarbage) {
  const int closed = testing::free_loopback_port();
  auto down = azure_backend("http://127.0.0.1:" + std::to_string(closed),
                            {{"workspace_id", kWorkspace}, {"max_attempts", "1"}});
  auto r = down->query_logs(logs_query("x", 1));
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);

  testing::LoopbackHttpServer server;
  server.route("POST", "/v1/workspaces/" + kWorkspace + "/query", [](const testing::RecordedRequest&) {
    return testing::ScriptedResponse::text(200, "<html>sign in</html>");
  });
  auto garbage = azure_backend(server.url(), {{"workspace_id", kWorkspace}});
  r = garbage->query_logs(logs_query("x", 1));
  EXPECT_EQ(r.error().code, ErrorCode::kBackend);
  EXPECT_NE(r.error().message.find("log_analytics_endpoint"), std::string::npos) << r.error().message;
}

TEST(AzureBackendSim, AnswersInLogAnalyticsFormats) {
  net::HttpClient http;
  const std::string url = shared_sim().url() + "/v1/workspaces/" + kWorkspace + "/query";
  auto none = http.post_json(url, R"({"query":"AppTraces | take 1"})");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(
      none->body,
      R"({"error":{"code":"AuthenticationFailed","message":"Authentication failed. The 'Authorization' header is missing."}})");

  const std::string token = sim::make_test_token("https://api.loganalytics.io", now() + std::chrono::hours(1));
  net::Headers auth{{"Authorization", "Bearer " + token}};
  auto bad = http.post_json(url, R"({"query":"AppTraces | take 1"})", {{"Authorization", "Bearer not-a-jwt"}});
  EXPECT_EQ(bad->status, 403);
  EXPECT_EQ(bad->body, R"({"error":{"code":"InvalidAuthenticationToken","message":"The access token is invalid."}})");

  auto ok = http.post_json(
      url,
      R"({"query":"AppTraces | where AppRoleName == \"payments-api\" | project TimeGenerated, SeverityLevel, Properties, Message | take 2","timespan":"PT3H"})",
      auth);
  ASSERT_EQ(ok->status, 200) << ok->body;
  auto v = boost::json::parse(ok->body);
  const auto& t = v.at("tables").at(0);
  EXPECT_EQ(t.at("name").as_string(), "PrimaryResult");
  EXPECT_EQ(
      boost::json::serialize(t.at("columns")),
      R"([{"name":"TimeGenerated","type":"datetime"},{"name":"SeverityLevel","type":"int"},{"name":"Properties","type":"dynamic"},{"name":"Message","type":"string"}])");
  const auto& row = t.at("rows").at(0).as_array();
  EXPECT_EQ(row[0].as_string().size(), std::string("2026-11-23T06:00:00.1234567Z").size());
  EXPECT_TRUE(row[1].is_int64());
  EXPECT_TRUE(row[2].is_string());  // dynamic: a JSON-encoded string
  EXPECT_EQ(row[2].as_string().front(), '{');

  auto syntax = http.post_json(url, R"({"query":"AppTraces | where Message contains"})", auth);
  EXPECT_EQ(syntax->status, 400);
  auto e = boost::json::parse(syntax->body).at("error");
  EXPECT_EQ(e.at("code").as_string(), "BadArgumentError");
  EXPECT_EQ(e.at("message").as_string(), "The request had some invalid properties");
  EXPECT_EQ(e.at("innererror").at("code").as_string(), "SyntaxError");
  EXPECT_EQ(e.at("innererror").at("innererror").at("code").as_string(), "SYN0002");

  auto no_query = http.post_json(url, R"({"timespan":"PT1H"})", auth);
  EXPECT_EQ(no_query->status, 400);
  auto bad_span = http.post_json(url, R"({"query":"AppTraces | take 1","timespan":"yesterday"})", auth);
  EXPECT_EQ(bad_span->status, 400);
}

// ---- parity with the Grafana backend on the same scenario ----

TEST(AzureParity, SameAnswersAsGrafana) {
  sim::LokiSim loki(the_scenario().logs);
  sim::TempoSim tempo(the_scenario().traces);
  config::Profile gp;
  gp.name = "grafana";
  gp.backend = "grafana";
  gp.settings["loki_url"] = loki.url();
  gp.settings["tempo_url"] = tempo.url();
  auto grafana = make_grafana_backend(gp, config::Environment::from_map({}));
  ASSERT_TRUE(grafana.ok());
  auto azure = backend();

  for (const char* filter : {"level:ERROR", "\"TimeoutError\"", "level>=WARN AND NOT retrying"}) {
    auto g = (*grafana)->query_logs(logs_query(scenario::kPaymentsApi, 5000, filter));
    auto a = azure->query_logs(logs_query(scenario::kPaymentsApi, 5000, filter));
    ASSERT_TRUE(g.ok() && a.ok()) << filter;
    ASSERT_EQ(g->size(), a->size()) << filter;
    for (size_t i = 0; i < g->size(); ++i) {
      EXPECT_EQ(ticks(g->at(i).time), a->at(i).time) << filter;
      EXPECT_EQ(g->at(i).message, a->at(i).message) << filter;
      EXPECT_EQ(g->at(i).level, a->at(i).level) << filter;
      EXPECT_EQ(g->at(i).trace_id, a->at(i).trace_id) << filter;
    }
  }

  LogVolumeQuery v;
  v.service = scenario::kOrderService;
  v.range = {the_scenario().truth.onset - std::chrono::minutes(35),
             kNow};  // whole buckets: Loki drops a partial last one
  v.bucket = std::chrono::minutes(10);
  auto gv = (*grafana)->log_volume(v);
  auto av = azure->log_volume(v);
  ASSERT_TRUE(gv.ok() && av.ok());
  ASSERT_EQ(gv->size(), av->size());
  for (size_t i = 0; i < gv->size(); ++i) {
    EXPECT_EQ(gv->at(i).labels, av->at(i).labels);
    ASSERT_EQ(gv->at(i).points.size(), av->at(i).points.size());
    for (size_t k = 0; k < gv->at(i).points.size(); ++k) {
      EXPECT_EQ(format_rfc3339(gv->at(i).points[k].time), format_rfc3339(av->at(i).points[k].time));
      EXPECT_EQ(gv->at(i).points[k].value, av->at(i).points[k].value) << gv->at(i).labels.at("level") << " " << k;
    }
  }

  EXPECT_EQ((*grafana)->list_services(the_scenario().range).value(),
            azure->list_services(the_scenario().range).value());

  TraceQuery tq;
  tq.service = scenario::kPaymentsApi;
  tq.range = the_scenario().range;
  tq.errors_only = true;
  tq.limit = 1000;
  auto gt = (*grafana)->get_traces(tq);
  auto at = azure->get_traces(tq);
  ASSERT_TRUE(gt.ok() && at.ok());
  std::set<std::string> gids, aids;
  for (const auto& t : *gt) gids.insert(t.trace_id);
  for (const auto& t : *at) aids.insert(t.trace_id);
  EXPECT_FALSE(aids.empty());
  EXPECT_EQ(gids, aids);
}

// ---- configuration ----

TEST(AzureBackendConfig, ThePagesProfileLoadsAndDoctorSaysWhatToFix) {
  const char* toml = R"(
[profiles.azure-prod]
backend         = "azure"
workspace_id    = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
subscription_id = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
resource_group  = "prod-rg"
)";
  auto cfg = config::parse_config(toml, "config.toml", config::Environment::from_map({}));
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  const config::Profile& p = cfg->profiles.at("azure-prod");
  auto o = azure::load_options(p, config::Environment::from_map({}));
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->resource_group, "prod-rg");
  auto check = azure::check_workspace_id(*o);
  EXPECT_EQ(check.error().code, ErrorCode::kConfig);
  EXPECT_NE(check.error().message.find("workspace_id"), std::string::npos);
  EXPECT_NE(check.error().message.find("customerId"), std::string::npos);

  // The environment fills what the profile leaves out; the profile wins.
  auto from_env = azure::load_options(testing::azure_profile({}),
                                      config::Environment::from_map({{"AZURE_LOG_ANALYTICS_WORKSPACE_ID", kWorkspace},
                                                                     {"AZURE_SUBSCRIPTION_ID", "sub"},
                                                                     {"AZURE_RESOURCE_GROUP", "rg"},
                                                                     {"AZURE_CLIENT_ID", "cid"}}));
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->workspace_id, kWorkspace);
  EXPECT_EQ(from_env->subscription_id, "sub");
  EXPECT_EQ(from_env->resource_group, "rg");
  EXPECT_EQ(from_env->client_id, "cid");
  auto wins = azure::load_options(testing::azure_profile({{"resource_group", "mine"}}),
                                  config::Environment::from_map({{"AZURE_RESOURCE_GROUP", "rg"}}));
  EXPECT_EQ(wins->resource_group, "mine");

  auto missing = azure_backend(shared_sim().url(), {});
  auto r = missing->query_logs(logs_query("x", 1));
  EXPECT_EQ(r.error().code, ErrorCode::kConfig);
  EXPECT_NE(r.error().message.find("AZURE_LOG_ANALYTICS_WORKSPACE_ID"), std::string::npos);
  EXPECT_EQ(missing->check().error().code, ErrorCode::kConfig);

  EXPECT_EQ(azure::load_options(testing::azure_profile({{"timeout", "soon"}}), config::Environment::from_map({}))
                .error()
                .code,
            ErrorCode::kConfig);
  EXPECT_EQ(azure::load_options(testing::azure_profile({{"allow_partial_results", "maybe"}}),
                                config::Environment::from_map({}))
                .error()
                .code,
            ErrorCode::kConfig);
}

// Metrics need to know which Azure resource a service is (azure_metrics_test.cc
// covers them end to end against the Resource Manager simulator).
TEST(AzureBackendConfig, MetricsNeedTheServicesResourceType) {
  MetricQuery q;
  q.service = scenario::kPaymentsApi;
  q.metric = "latency_p99";
  q.range = the_scenario().range;
  auto r = backend({{"subscription_id", "1f3fa6d2-851c-4a91-9087-1a050f3a9c38"}, {"resource_group", "prod-rg"}})
               ->get_metrics(q);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConfig);
  EXPECT_NE(r.error().message.find("resource_type"), std::string::npos) << r.error().message;
}

TEST(AzureBackendRegistry, RegisteredByNameAndWiredToTheCredentialChain) {
  // A service principal (EnvironmentCredential) against the Entra ID
  // simulator, whose tokens the Log Analytics simulator accepts.
  sim::AzureIdentitySimOptions io;
  io.client_secret = "s3cr3t-for-tests";
  sim::AzureIdentitySim identity(io);
  auto o = sim_options();
  o.accept_opaque_prefix = "sim-";
  sim::AzureLogAnalyticsSim la(the_scenario().logs, the_scenario().traces, o);

  config::Profile p = testing::azure_profile({{"workspace_id", kWorkspace}, {"log_analytics_endpoint", la.url()}});
  auto env = config::Environment::from_map({{"AZURE_TENANT_ID", io.tenant_id},
                                            {"AZURE_CLIENT_ID", io.client_id},
                                            {"AZURE_CLIENT_SECRET", io.client_secret},
                                            {"AZURE_AUTHORITY_HOST", identity.url()},
                                            {"AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential"}});
  auto b = builtin_backends().create(p, env);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ((*b)->name(), "azure");
  auto r = (*b)->query_logs(logs_query(scenario::kPaymentsApi, 5, "level:ERROR"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 5u);
  EXPECT_TRUE((*b)->check().ok());
  EXPECT_EQ(identity.issued(sim::SimEndpoint::kEntra), 1);  // one token, cached for the second call

  // A bad endpoint setting is a configuration error at construction.
  config::Profile bad =
      testing::azure_profile({{"workspace_id", kWorkspace}, {"log_analytics_endpoint", "http://la.example.com"}});
  auto e = builtin_backends().create(bad, env);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kConfig);
}

}  // namespace
}  // namespace tinkr
