// The Grafana backend end to end against the Loki and Tempo simulators
// serving the shared scenario, and the failure modes (down, slow, 500, 429,
// garbage, oversized, bad PromQL) against a scripted loopback server.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "backends/grafana/grafana_backend.h"
#include "net/http_client.h"
#include "scenario/scenario.h"
#include "sim/loki_sim.h"
#include "sim/sim_server_query.h"
#include "sim/tempo_sim.h"
#include "testing/loopback_http_server.h"
#include "testing/ports.h"
#include "testing/tls_loopback_server.h"

namespace tinkr {
namespace {

using testing::LoopbackHttpServer;
using testing::ScriptedResponse;

const Timestamp kNow = parse_rfc3339("2026-11-23T09:00:00Z").value();

sim::LokiSimOptions loki_options(std::string label, std::string tenant = "", std::string authorization = "") {
  sim::LokiSimOptions o;
  o.service_label = std::move(label);
  o.tenant = std::move(tenant);
  o.authorization = std::move(authorization);
  return o;
}

const scenario::Scenario& the_scenario() {
  static const scenario::Scenario s = scenario::generate([] {
    scenario::ScenarioOptions o;
    o.now = kNow;
    return o;
  }());
  return s;
}

config::Profile profile(const std::map<std::string, std::string>& settings) {
  config::Profile p;
  p.name = "test";
  p.backend = "grafana";
  for (const auto& [k, v] : settings) p.settings[k] = v;
  return p;
}

std::unique_ptr<ObservabilityBackend> backend(const std::map<std::string, std::string>& settings,
                                              std::map<std::string, std::string> env = {}) {
  auto b = make_grafana_backend(profile(settings), config::Environment::from_map(std::move(env)));
  EXPECT_TRUE(b.ok()) << b.error().message;
  return b.ok() ? std::move(*b) : nullptr;
}

LogQuery logs_query(std::string service, size_t limit, std::string filter = "*") {
  LogQuery q;
  q.service = std::move(service);
  q.range = the_scenario().range;
  q.limit = limit;
  q.filter = std::move(filter);
  return q;
}

std::vector<LogEntry> scenario_logs(std::string_view service) {
  std::vector<LogEntry> out;
  for (const auto& e : the_scenario().logs) {
    if (e.service == service) out.push_back(e);
  }
  return out;
}

TEST(GrafanaBackendLoki, NewestLinesOldestFirstWithMetadata) {
  sim::LokiSim loki(the_scenario().logs);
  auto b = backend({{"loki_url", loki.url()}});
  auto r = b->query_logs(logs_query(scenario::kPaymentsApi, 50));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 50u);
  EXPECT_TRUE(std::is_sorted(r->begin(), r->end(), [](auto& a, auto& b) { return a.time < b.time; }));
  auto expected = scenario_logs(scenario::kPaymentsApi);
  EXPECT_EQ(r->back().time, expected.back().time);
  EXPECT_EQ(r->back().message, expected.back().message);
  EXPECT_EQ(r->back().level, expected.back().level);
  for (const auto& e : *r) EXPECT_EQ(e.service, scenario::kPaymentsApi);
  EXPECT_TRUE(std::any_of(r->begin(), r->end(), [](auto& e) { return !e.trace_id.empty(); }));
}

TEST(GrafanaBackendLoki, WalksPagesWithoutGapsOrDuplicates) {
  sim::LokiSim loki(the_scenario().logs);
  auto b = backend({{"loki_url", loki.url()}, {"loki_max_entries", "300"}});
  auto expected = scenario_logs(scenario::kPaymentsApi);
  const size_t want = std::min<size_t>(2000, expected.size());
  auto r = b->query_logs(logs_query(scenario::kPaymentsApi, want));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), want);
  EXPECT_GE(loki.query_count(), want / 300);
  std::multiset<std::pair<int64_t, std::string>> got, exp;
  for (const auto& e : *r) got.emplace(to_unix_nanos(e.time), e.message);
  for (size_t i = expected.size() - want; i < expected.size(); ++i)
    exp.emplace(to_unix_nanos(expected[i].time), expected[i].message);
  EXPECT_EQ(got, exp);
}

TEST(GrafanaBackendLoki, LinesSharingTheBoundaryNanosecond) {
  std::vector<LogEntry> logs;
  for (int i = 0; i < 23; ++i) {
    LogEntry e;
    e.time = kNow - std::chrono::seconds(10) + Nanos(i / 5);  // five lines per nanosecond
    e.service = "svc";
    e.level = Level::kInfo;
    e.message = "line " + std::to_string(i);
    logs.push_back(e);
  }
  sim::LokiSim loki(logs);
  auto b = backend({{"loki_url", loki.url()}, {"loki_max_entries", "7"}});
  for (bool newest : {true, false}) {
    LogQuery q = logs_query("svc", 100);
    q.newest_first = newest;
    auto r = b->query_logs(q);
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::set<std::string> messages;
    for (const auto& e : *r) messages.insert(e.message);
    EXPECT_EQ(r->size(), 23u);
    EXPECT_EQ(messages.size(), 23u);
  }
  // The tail's poll: `from` is inclusive to the nanosecond.
  LogQuery q = logs_query("svc", 100);
  q.range.from = logs[10].time;
  auto r = b->query_logs(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 13u);
}

TEST(GrafanaBackendLoki, FiltersVolumeServicesExplain) {
  sim::LokiSim loki(the_scenario().logs);
  auto b = backend({{"loki_url", loki.url()}});
  auto errors = b->query_logs(logs_query(scenario::kPaymentsApi, 5000, "level:ERROR"));
  ASSERT_TRUE(errors.ok()) << errors.error().message;
  ASSERT_FALSE(errors->empty());
  for (const auto& e : *errors) EXPECT_EQ(e.level, Level::kError);
  auto timeouts = b->query_logs(logs_query(scenario::kPaymentsApi, 5000, "\"TimeoutError\""));
  ASSERT_TRUE(timeouts.ok());
  ASSERT_FALSE(timeouts->empty());
  EXPECT_GE(timeouts->front().time, the_scenario().truth.onset);

  LogVolumeQuery v;
  v.service = scenario::kPaymentsApi;
  v.range = the_scenario().range;
  v.bucket = std::chrono::minutes(5);
  auto volume = b->log_volume(v);
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  std::map<std::string, double> by_level;
  for (const auto& s : *volume) {
    EXPECT_EQ(s.name, "log_count");
    EXPECT_EQ(s.points.size(), 36u);  // 3 h / 5 min, empty buckets as zeros
    for (const auto& p : s.points) by_level[s.labels.at("level")] += p.value;
  }
  std::map<std::string, double> expected;
  for (const auto& e : scenario_logs(scenario::kPaymentsApi)) expected[std::string(level_name(e.level))] += 1;
  EXPECT_EQ(by_level, expected);

  auto services = b->list_services(the_scenario().range);
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_EQ(*services, the_scenario().services);

  auto explain = b->explain_logs(logs_query(scenario::kPaymentsApi, 10, "level:ERROR"));
  ASSERT_TRUE(explain.ok());
  EXPECT_EQ(explain->rfind("{service_name=\"payments-api\"}", 0), 0u) << *explain;
  EXPECT_TRUE(b->check().ok());
}

// Per-bucket error counts of payments-api's scenario lines, counting a line at
// t in the bucket whose (start, end] holds it, as Loki's count_over_time does.
std::vector<double> expected_error_buckets(const TimeRange& range, Nanos bucket) {
  const size_t n = static_cast<size_t>((range.length() + bucket - Nanos(1)) / bucket);
  std::vector<double> out(n, 0.0);
  for (const auto& e : scenario_logs(scenario::kPaymentsApi)) {
    if (e.level != Level::kError || e.time <= range.from || e.time > range.to) continue;
    size_t i = static_cast<size_t>((e.time - range.from - Nanos(1)) / bucket);
    out[std::min(i, n - 1)] += 1;
  }
  return out;
}

TEST(GrafanaBackendLoki, LogVolumeCountsAShorterLastBucket) {
  // 10 min 30 s in 1-minute buckets: ten whole buckets from one range query,
  // the last 30 s from an instant query; it must not read zero.
  sim::LokiSim loki(the_scenario().logs);
  auto b = backend({{"loki_url", loki.url()}});
  LogVolumeQuery v;
  v.service = scenario::kPaymentsApi;
  v.range = {the_scenario().truth.onset, the_scenario().truth.onset + std::chrono::seconds(630)};
  v.bucket = std::chrono::minutes(1);
  auto volume = b->log_volume(v);
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  const auto expected = expected_error_buckets(v.range, v.bucket);
  ASSERT_EQ(expected.size(), 11u);
  ASSERT_GT(expected.back(), 0);
  bool saw_errors = false;
  for (const auto& s : *volume) {
    ASSERT_EQ(s.points.size(), 11u);
    if (s.labels.at("level") != "ERROR") continue;
    saw_errors = true;
    for (size_t i = 0; i < s.points.size(); ++i) EXPECT_EQ(s.points[i].value, expected[i]) << "bucket " << i;
  }
  EXPECT_TRUE(saw_errors);
}

TEST(GrafanaBackendLoki, LogVolumeOverARangeShorterThanOneBucket) {
  // 40 s with 1-minute buckets: one bucket, asked as an instant query (a range
  // query would start after its end, which Loki refuses).
  sim::LokiSim loki(the_scenario().logs);
  auto b = backend({{"loki_url", loki.url()}});
  LogVolumeQuery v;
  v.service = scenario::kPaymentsApi;
  v.range = {the_scenario().truth.onset + std::chrono::minutes(2),
             the_scenario().truth.onset + std::chrono::minutes(2) + std::chrono::seconds(40)};
  v.bucket = std::chrono::minutes(1);
  auto volume = b->log_volume(v);
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  const auto expected = expected_error_buckets(v.range, v.bucket);
  ASSERT_EQ(expected.size(), 1u);
  ASSERT_GT(expected[0], 0);
  double errors = -1;
  for (const auto& s : *volume) {
    ASSERT_EQ(s.points.size(), 1u);
    EXPECT_EQ(s.points[0].time, v.range.from);
    if (s.labels.at("level") == "ERROR") errors = s.points[0].value;
  }
  EXPECT_EQ(errors, expected[0]);
}

TEST(GrafanaBackendLoki, LogVolumeOnARangeNotOnWholeMilliseconds) {
  // The RCA asks for [now - 2h, now): nanosecond edges, while Loki answers
  // millisecond sample times. Every error line must still land in its bucket.
  sim::LokiSim loki(the_scenario().logs);
  auto b = backend({{"loki_url", loki.url()}});
  LogVolumeQuery v;
  v.service = scenario::kPaymentsApi;
  v.range = {the_scenario().truth.onset - std::chrono::minutes(30) + Nanos(123456789),
             the_scenario().truth.onset + std::chrono::minutes(30) + Nanos(123456789)};
  v.bucket = std::chrono::minutes(1);
  auto volume = b->log_volume(v);
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  double errors = 0;
  for (const auto& s : *volume) {
    ASSERT_EQ(s.points.size(), 60u);
    EXPECT_EQ(s.points.front().time, v.range.from);
    if (s.labels.at("level") == "ERROR") {
      for (const auto& p : s.points) errors += p.value;
    }
  }
  double expected = 0;
  for (const auto& e : scenario_logs(scenario::kPaymentsApi)) {
    if (e.level == Level::kError && e.time > v.range.from && e.time <= v.range.to) expected += 1;
  }
  EXPECT_GT(expected, 50);
  EXPECT_EQ(errors, expected);
}

TEST(GrafanaBackendLoki, ServiceLabelIsConfigurable) {
  // Every label name a Loki deployment commonly uses for the service.
  for (const char* label : {"service_name", "service", "app", "job", "container"}) {
    SCOPED_TRACE(label);
    sim::LokiSim loki(the_scenario().logs, loki_options(label));
    auto b = backend({{"loki_url", loki.url()}, {"service_label", label}});
    auto r = b->query_logs(logs_query(scenario::kOrderService, 10));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->size(), 10u);
    for (const auto& e : *r) EXPECT_EQ(e.service, scenario::kOrderService);
    auto explain = b->explain_logs(logs_query(scenario::kOrderService, 10));
    ASSERT_TRUE(explain.ok());
    EXPECT_EQ(explain->rfind(fmt::format("{{{}=\"{}\"}}", label, scenario::kOrderService), 0), 0u) << *explain;
    auto services = b->list_services(the_scenario().range);
    ASSERT_TRUE(services.ok()) << services.error().message;
    EXPECT_EQ(*services, the_scenario().services);
  }
  EXPECT_EQ(
      make_grafana_backend(profile({{"service_label", "bad label"}}), config::Environment::from_map({})).error().code,
      ErrorCode::kConfig);
}

TEST(GrafanaBackendLoki, TenantAndAuthHeaders) {
  const std::string auth = net::bearer_auth("glsa_test");
  sim::LokiSim loki(the_scenario().logs, loki_options("service_name", "team-a", auth));
  auto none = backend({{"loki_url", loki.url()}});
  auto r = none->query_logs(logs_query(scenario::kPaymentsApi, 5));
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message.find("api_key"), std::string::npos) << r.error().message;

  // The key from GRAFANA_API_KEY, the tenant from the profile.
  auto ok = backend({{"loki_url", loki.url()}, {"tenant_id", "team-a"}}, {{"GRAFANA_API_KEY", "glsa_test"}});
  EXPECT_TRUE(ok->query_logs(logs_query(scenario::kPaymentsApi, 5)).ok());

  sim::LokiSim basic(the_scenario().logs, loki_options("service_name", "", net::basic_auth("12345", "secret")));
  auto b = backend({{"loki_url", basic.url()}, {"loki_username", "12345"}, {"password", "secret"}});
  EXPECT_TRUE(b->query_logs(logs_query(scenario::kPaymentsApi, 5)).ok());

  // Grafana Cloud: the stack's user id and the access-policy token (the API key) as its password.
  sim::LokiSim cloud(the_scenario().logs, loki_options("service_name", "", net::basic_auth("67890", "glc_token")));
  auto c = backend({{"loki_url", cloud.url()}, {"loki_username", "67890"}}, {{"GRAFANA_API_KEY", "glc_token"}});
  auto cr = c->query_logs(logs_query(scenario::kPaymentsApi, 5));
  EXPECT_TRUE(cr.ok()) << cr.error().message;
  auto wrong = backend({{"loki_url", cloud.url()}, {"loki_username", "67890"}}, {{"GRAFANA_API_KEY", "other"}});
  EXPECT_EQ(wrong->query_logs(logs_query(scenario::kPaymentsApi, 5)).error().code, ErrorCode::kUnauthenticated);
}

TEST(GrafanaBackendLoki, OldestLinesWhenNotNewestFirst) {
  // direction=forward: the limit keeps the oldest lines of the window.
  sim::LokiSim loki(the_scenario().logs);
  auto b = backend({{"loki_url", loki.url()}, {"loki_max_entries", "40"}});
  LogQuery q = logs_query(scenario::kPaymentsApi, 100);
  q.newest_first = false;
  auto r = b->query_logs(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto expected = scenario_logs(scenario::kPaymentsApi);
  ASSERT_EQ(r->size(), 100u);
  for (size_t i = 0; i < r->size(); ++i) {
    EXPECT_EQ((*r)[i].time, expected[i].time) << i;
    EXPECT_EQ((*r)[i].message, expected[i].message) << i;
  }
  std::set<std::string> directions;
  for (const auto& req : loki.server().requests()) {
    if (req.path == "/loki/api/v1/query_range")
      directions.insert(sim::param(sim::decode_query(req.query), "direction").value_or(""));
  }
  EXPECT_EQ(directions, std::set<std::string>{"forward"});
}

TEST(GrafanaBackendConfig, MissingUrlNamesTheKeyEnvFillsGaps) {
  auto b = backend({});
  auto r = b->query_logs(logs_query("x", 1));
  EXPECT_EQ(r.error().code, ErrorCode::kConfig);
  EXPECT_NE(r.error().message.find("loki_url"), std::string::npos);
  EXPECT_NE(r.error().message.find("GRAFANA_LOKI_URL"), std::string::npos);
  MetricQuery mq;
  mq.service = "x";
  mq.metric = "cpu";
  mq.range = the_scenario().range;
  EXPECT_NE(b->get_metrics(mq).error().message.find("prometheus_url"), std::string::npos);
  EXPECT_NE(b->get_trace("abc").error().message.find("tempo_url"), std::string::npos);
  EXPECT_EQ(b->check().error().code, ErrorCode::kConfig);
  EXPECT_EQ(make_grafana_backend(profile({{"loki_url", "loki:3100"}}), config::Environment::from_map({})).error().code,
            ErrorCode::kConfig);

  sim::LokiSim loki(the_scenario().logs);
  auto from_env = backend({}, {{"GRAFANA_LOKI_URL", loki.url() + "/"}});
  EXPECT_TRUE(from_env->query_logs(logs_query(scenario::kPaymentsApi, 3)).ok());
  // The profile wins over the environment.
  auto profile_wins = backend({{"loki_url", loki.url()}}, {{"GRAFANA_LOKI_URL", "http://127.0.0.1:1"}});
  EXPECT_TRUE(profile_wins->query_logs(logs_query(scenario::kPaymentsApi, 3)).ok());

  // GRAFANA_TEMPO_URL and GRAFANA_PROMETHEUS_URL fill tempo_url and prometheus_url.
  sim::TempoSim tempo(the_scenario().traces);
  auto tempo_env = backend({}, {{"GRAFANA_TEMPO_URL", tempo.url()}});
  auto trace = tempo_env->get_trace(the_scenario().traces.front().trace_id);
  EXPECT_TRUE(trace.ok()) << trace.error().message;
  LoopbackHttpServer prometheus;
  prometheus.route("GET", "/api/v1/query_range", [](const testing::RecordedRequest&) {
    return ScriptedResponse::json(200, R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  });
  auto prometheus_env = backend({}, {{"GRAFANA_PROMETHEUS_URL", prometheus.url()}});
  auto metrics = prometheus_env->get_metrics(mq);
  EXPECT_TRUE(metrics.ok()) << metrics.error().message;
  EXPECT_EQ(prometheus.request_count(), 1u);
}

TEST(GrafanaBackendTempo, SearchAndTraceById) {
  sim::TempoSim tempo(the_scenario().traces, {.tenant = "t1"});
  auto b = backend({{"tempo_url", tempo.url()}, {"tenant_id", "t1"}});
  TraceQuery q;
  q.service = scenario::kPaymentsApi;
  q.range = the_scenario().range;
  q.errors_only = true;
  q.limit = 10;
  auto traces = b->get_traces(q);
  ASSERT_TRUE(traces.ok()) << traces.error().message;
  ASSERT_FALSE(traces->empty());
  EXPECT_TRUE(std::is_sorted(traces->begin(), traces->end(), [](auto& a, auto& b) { return a.duration > b.duration; }));
  std::map<std::string, const Trace*> scenario_traces;
  for (const auto& t : the_scenario().traces) scenario_traces[t.trace_id] = &t;
  for (const auto& t : *traces) {
    EXPECT_EQ(t.trace_id.size(), 32u);
    EXPECT_TRUE(t.has_error);
    // Tempo was asked for failing traces only ({ status = error }), not merely labelled so here.
    ASSERT_TRUE(scenario_traces.count(t.trace_id)) << t.trace_id;
    EXPECT_TRUE(scenario_traces[t.trace_id]->has_error) << t.trace_id;
  }
  EXPECT_LE(traces->size(), 10u);

  // Minimum duration and the time range reach Tempo too.
  TraceQuery slow;
  slow.service = scenario::kPaymentsApi;
  slow.range = {the_scenario().truth.onset, the_scenario().range.to};
  slow.min_duration = std::chrono::seconds(5);
  slow.limit = 50;
  auto slow_traces = b->get_traces(slow);
  ASSERT_TRUE(slow_traces.ok()) << slow_traces.error().message;
  ASSERT_FALSE(slow_traces->empty());
  for (const auto& t : *slow_traces) {
    ASSERT_TRUE(scenario_traces.count(t.trace_id)) << t.trace_id;
    EXPECT_GE(scenario_traces[t.trace_id]->duration, std::chrono::seconds(5)) << t.trace_id;
    EXPECT_GE(t.start, slow.range.from - std::chrono::seconds(1)) << t.trace_id;  // Tempo's range is in seconds
  }
  auto full = b->get_trace(traces->front().trace_id);
  ASSERT_TRUE(full.ok()) << full.error().message;
  const Trace* original = nullptr;
  for (const auto& t : the_scenario().traces) {
    if (t.trace_id == full->trace_id) original = &t;
  }
  ASSERT_NE(original, nullptr);
  ASSERT_EQ(full->spans.size(), original->spans.size());
  std::set<std::string> ids, parents;
  for (const auto& s : full->spans) ids.insert(s.span_id);
  for (const auto& s : original->spans) parents.insert(s.span_id);
  EXPECT_EQ(ids, parents);
  EXPECT_EQ(full->root_service, original->root_service);
  EXPECT_EQ(full->duration, original->duration);
  EXPECT_TRUE(full->has_error);

  EXPECT_EQ(b->get_trace("00000000000000000000000000000bad").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(b->get_trace("not-hex").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(b->check().ok());
}

TEST(GrafanaBackendTempo, HexIdWithoutLeadingZerosOpensTheBase64Trace) {
  // Tempo's search drops a trace id's leading zeros (the simulator too:
  // "traceID":"<24 digits>"); its trace answer has base64 ids.
  Trace t = the_scenario().traces.front();
  t.trace_id = "00000000" + t.trace_id.substr(8);
  for (auto& s : t.spans) s.trace_id = t.trace_id;
  sim::TempoSim tempo({t});
  auto b = backend({{"tempo_url", tempo.url()}});
  TraceQuery q;
  q.range = the_scenario().range;
  auto traces = b->get_traces(q);
  ASSERT_TRUE(traces.ok()) << traces.error().message;
  ASSERT_EQ(traces->size(), 1u);
  EXPECT_EQ(traces->front().trace_id, t.trace_id);
  auto full = b->get_trace(traces->front().trace_id);
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_EQ(full->trace_id, t.trace_id);
  ASSERT_EQ(full->spans.size(), t.spans.size());
  for (const auto& s : full->spans) EXPECT_EQ(s.trace_id, t.trace_id);
  // As a user would type it from the search answer: without the zeros.
  auto typed = b->get_trace(t.trace_id.substr(8));
  ASSERT_TRUE(typed.ok()) << typed.error().message;
  EXPECT_EQ(typed->spans.size(), t.spans.size());
}

// ---- failure modes ----

TEST(GrafanaBackendFailures, DownSlow500Garbage) {
  const int closed = testing::free_loopback_port();
  auto down = backend({{"loki_url", "http://127.0.0.1:" + std::to_string(closed)}, {"max_attempts", "1"}});
  auto r = down->query_logs(logs_query("x", 1));
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("loki_url"), std::string::npos) << r.error().message;

  LoopbackHttpServer server;
  auto slow = ScriptedResponse::json(200, "{}");
  slow.delay = std::chrono::milliseconds(2500);
  server.enqueue("GET", "/loki/api/v1/query_range", slow);
  auto b = backend({{"loki_url", server.url()}, {"timeout", "1s"}, {"max_attempts", "1"}});
  EXPECT_EQ(b->query_logs(logs_query("x", 1)).error().code, ErrorCode::kDeadlineExceeded);

  server.enqueue("GET", "/loki/api/v1/query_range", ScriptedResponse::text(500, "too many outstanding requests"));
  auto e500 = b->query_logs(logs_query("x", 1));
  EXPECT_EQ(e500.error().code, ErrorCode::kBackend);
  EXPECT_NE(e500.error().message.find("Loki"), std::string::npos);

  server.enqueue("GET", "/loki/api/v1/query_range",
                 ScriptedResponse::text(400, "parse error at line 1, col 8: syntax error"));
  auto e400 = b->query_logs(logs_query("x", 1));
  EXPECT_EQ(e400.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(e400.error().message.find("parse error"), std::string::npos);

  server.enqueue("GET", "/loki/api/v1/query_range", ScriptedResponse::text(200, "<html>Grafana</html>"));
  auto garbage = b->query_logs(logs_query("x", 1));
  EXPECT_EQ(garbage.error().code, ErrorCode::kBackend);
  EXPECT_NE(garbage.error().message.find("loki_url"), std::string::npos) << garbage.error().message;
}

TEST(GrafanaBackendFailures, RateLimitedRetriesHonourRetryAfter) {
  LoopbackHttpServer server;
  auto limited = ScriptedResponse::text(429, "Ingestion rate limit exceeded");
  limited.headers.emplace_back("Retry-After", "0");
  server.enqueue("GET", "/loki/api/v1/query_range", limited);
  server.route("GET", "/loki/api/v1/query_range", [](const testing::RecordedRequest&) {
    return ScriptedResponse::json(200, R"({"status":"success","data":{"resultType":"streams","result":[]}})");
  });
  auto b = backend({{"loki_url", server.url()}});
  auto r = b->query_logs(logs_query("x", 1));
  EXPECT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(server.request_count(), 2u);

  LoopbackHttpServer always;
  always.route("GET", "/loki/api/v1/query_range", [limited](const testing::RecordedRequest&) { return limited; });
  auto c = backend({{"loki_url", always.url()}, {"max_attempts", "2"}});
  auto rl = c->query_logs(logs_query("x", 1));
  EXPECT_EQ(rl.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(always.request_count(), 2u);
}

TEST(GrafanaBackendFailures, OversizedAnswer) {
  LoopbackHttpServer server;
  server.route("GET", "/loki/api/v1/query_range", [](const testing::RecordedRequest&) {
    return ScriptedResponse::json(200, R"({"status":"success","data":{"resultType":"streams","result":[],"pad":")" +
                                           std::string(100000, 'x') + "\"}}");
  });
  auto b = backend({{"loki_url", server.url()}, {"max_response_bytes", "10000"}});
  auto r = b->query_logs(logs_query("x", 1));
  EXPECT_EQ(r.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_NE(r.error().message.find("max_response_bytes"), std::string::npos) << r.error().message;
}

// The lines come back, and so does what the caller must know about them:
// Loki's own "warnings" (top level, conformance/grafana-loki), once however
// many pages repeat them, and the lines a walk had to skip.
TEST(GrafanaBackendLoki, WarningsReachTheCaller) {
  LoopbackHttpServer server;
  // Three lines share one nanosecond and a page holds two: Loki answers the
  // same two for the page that re-includes that nanosecond, and nothing
  // before it.
  const int64_t t = to_unix_nanos(the_scenario().range.to - std::chrono::minutes(1));
  auto calls = std::make_shared<std::atomic<int>>(0);
  server.route("GET", "/loki/api/v1/query_range", [t, calls](const testing::RecordedRequest&) {
    const std::string values = ++*calls <= 2 ? fmt::format(R"(["{}","a"],["{}","b"])", t, t) : "";
    return ScriptedResponse::json(
        200, fmt::format(R"({{"status":"success","warnings":["query timed out on one ingester"],"data":)"
                         R"({{"resultType":"streams","result":[{{"stream":{{"service_name":"x"}},"values":[{}]}}]}}}})",
                         values));
  });
  auto b = backend({{"loki_url", server.url()}, {"loki_max_entries", "2"}});
  std::vector<std::string> warnings;
  LogQuery q = logs_query("x", 10);
  q.warnings = &warnings;
  auto r = b->query_logs(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 2u);
  ASSERT_EQ(warnings.size(), 2u) << (warnings.empty() ? "" : warnings[0]);
  EXPECT_EQ(warnings[0], "Loki: query timed out on one ingester");  // once, though three pages said it
  EXPECT_NE(warnings[1].find("share the timestamp"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[1].find("loki_max_entries"), std::string::npos) << warnings[1];

  // Nobody listening: the same answer.
  calls->store(0);
  auto again = b->query_logs(logs_query("x", 10));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 2u);
}

TEST(GrafanaBackendFailures, PrometheusErrorBodyIsSurfaced) {
  LoopbackHttpServer server;
  server.route("GET", "/api/v1/query_range", [](const testing::RecordedRequest&) {
    return ScriptedResponse::json(
        400,
        R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:4: parse error: unexpected <op:*>"})");
  });
  auto b = backend({{"prometheus_url", server.url()}});
  MetricQuery q;
  q.metric = "up *";
  q.range = the_scenario().range;
  auto r = b->get_metrics(q);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("parse error: unexpected <op:*>"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("bad_data"), std::string::npos);
}

std::string conformance_sample(const std::string& rel) {
  std::ifstream in(std::string(TINKR_SHARED_DIR) + "/conformance/" + rel);
  EXPECT_TRUE(in.good()) << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(GrafanaBackendPrometheus, InstantQueryWhenTheRangeIsAPoint) {
  // from == to: /api/v1/query at that time (Prometheus' documented answer), not query_range.
  LoopbackHttpServer server;
  server.route("GET", "/api/v1/query", [](const testing::RecordedRequest&) {
    return ScriptedResponse::json(200, conformance_sample("prometheus/query.response.json"));
  });
  auto b = backend({{"prometheus_url", server.url()}});
  MetricQuery q;
  q.metric = "up";
  q.range = {from_unix_nanos(1435781451781000000), from_unix_nanos(1435781451781000000)};
  auto r = b->get_metrics(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "up");
  EXPECT_EQ((*r)[0].labels.at("job"), "prometheus");
  EXPECT_EQ((*r)[0].labels.count("__name__"), 0u);
  ASSERT_EQ((*r)[0].points.size(), 1u);
  EXPECT_EQ(to_unix_nanos((*r)[0].points[0].time), 1435781451781000000);
  EXPECT_EQ((*r)[0].points[0].value, 1);
  EXPECT_EQ((*r)[1].points[0].value, 0);
  ASSERT_EQ(server.request_count(), 1u);
  const auto params = sim::decode_query(server.requests()[0].query);
  EXPECT_EQ(sim::param(params, "query"), "up");
  EXPECT_EQ(sim::param(params, "time"), "1435781451.781");
}

TEST(GrafanaBackendConnections, TlsWithACustomCa) {
  // Loki behind https with a private CA: trusted through ca_file, refused without it.
  testing::TlsLoopbackServer loki(200, "application/json",
                                  conformance_sample("grafana-loki/label_values.response.json"));
  auto trusted = backend({{"loki_url", loki.url()}, {"ca_file", loki.cert_file().string()}, {"max_attempts", "1"}});
  auto services = trusted->list_services(the_scenario().range);
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_EQ(*services, (std::vector<std::string>{"axolotl", "cat", "dog"}));
  EXPECT_EQ(loki.requests(), 1u);

  auto system_store = backend({{"loki_url", loki.url()}, {"max_attempts", "1"}});
  auto refused = system_store->list_services(the_scenario().range);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().message.find("ca_file"), std::string::npos) << refused.error().message;
  EXPECT_EQ(loki.requests(), 1u);  // no request went out over an untrusted connection
}

TEST(GrafanaBackendRegistry, RegisteredByName) {
  BackendRegistry r;
  register_grafana_backend(r);
  auto b = r.create(profile({{"loki_url", "http://127.0.0.1:3100"}}), config::Environment::from_map({}));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->name(), "grafana");
}

}  // namespace
}  // namespace tinkr
