// The Grafana backend against a real Prometheus (Debian `prometheus`),
// started on a free loopback port with its history backfilled from the
// shared scenario (testing/real_prometheus.h, shared with the e2e tests).
// Skipped only when the binaries are absent (scripts/install-deps installs
// them). Test names carry "RealPrometheus" so a sanitizer run can exclude
// them with --gtest_filter=-*RealPrometheus*. One Prometheus serves the whole
// suite (SetUpTestSuite), and ctest runs the suite as one test
// (SHARED_SUITES in tests/CMakeLists.txt) so that it starts once, not per case.
#include <gtest/gtest.h>

#include "backends/grafana/grafana_backend.h"
#include "net/http_client.h"
#include "scenario/scenario.h"
#include "testing/real_prometheus.h"

namespace tinkr {
namespace {

// The shared scenario, recent (so that retention keeps it) and minute-aligned
// (for stable steps), in a real Prometheus.
struct ScenarioPrometheus {
  scenario::Scenario data;
  std::unique_ptr<testing::RealPrometheus> server;

  ScenarioPrometheus() {
    const int64_t minute = 60'000'000'000;
    scenario::ScenarioOptions o;
    o.now = from_unix_nanos(to_unix_nanos(now()) / minute * minute - 10 * minute);
    o.volume = 0.1;
    data = scenario::generate(o);
    server = std::make_unique<testing::RealPrometheus>(scenario::render_openmetrics(data.metrics));
  }
  const std::string& url() const { return server->url(); }
};

class GrafanaRealPrometheus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::RealPrometheus::missing()) return;
    server_ = new ScenarioPrometheus();
  }
  static void TearDownTestSuite() {
    delete server_;  // stops prometheus (SIGTERM) and removes its directory
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_) GTEST_SKIP() << *testing::RealPrometheus::missing();
    ASSERT_TRUE(server_->server->ok()) << server_->server->error();
  }
  std::unique_ptr<ObservabilityBackend> backend() {
    config::Profile p;
    p.name = "real";
    p.backend = "grafana";
    p.settings["prometheus_url"] = server_->url();
    p.settings["metrics.latency_p99"] = R"(http_server_latency_p99{service="{{service}}"})";
    p.settings["metrics.request_rate"] = R"(sum(http_server_request_rate{service="{{service}}"}))";
    auto b = make_grafana_backend(p, config::Environment::from_map({}));
    EXPECT_TRUE(b.ok());
    return std::move(*b);
  }
  MetricQuery query(std::string metric, std::string service = scenario::kPaymentsApi) {
    MetricQuery q;
    q.metric = std::move(metric);
    q.service = std::move(service);
    q.range = server_->data.range;
    return q;
  }
  static ScenarioPrometheus* server_;
};

ScenarioPrometheus* GrafanaRealPrometheus::server_ = nullptr;

TEST_F(GrafanaRealPrometheus, AliasTemplatesSeeTheIncident) {
  auto b = backend();
  ASSERT_TRUE(b->check().ok()) << b->check().error().message;
  auto r = b->get_metrics(query("latency_p99"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const MetricSeries& s = r->front();
  EXPECT_EQ(s.name, "latency_p99");
  EXPECT_EQ(s.labels.at("service"), scenario::kPaymentsApi);
  ASSERT_GT(s.points.size(), 100u);
  EXPECT_TRUE(std::is_sorted(s.points.begin(), s.points.end(), [](auto& a, auto& b) { return a.time < b.time; }));
  // p99 after the deploy is well above p99 before it.
  double before = 0, after = 0;
  for (const auto& p : s.points) {
    if (p.time < server_->data.truth.onset) before = std::max(before, p.value);
    if (p.time > server_->data.truth.onset + std::chrono::minutes(20)) after = std::max(after, p.value);
  }
  EXPECT_GT(after, 2 * before);

  auto rate = b->get_metrics(query("request_rate"));
  ASSERT_TRUE(rate.ok()) << rate.error().message;
  EXPECT_EQ(rate->front().unit, "req/s");
}

TEST_F(GrafanaRealPrometheus, RawPromQLAndStep) {
  auto b = backend();
  MetricQuery q = query("sum by (service) (http_server_request_rate)", "");
  q.step = std::chrono::minutes(5);
  auto r = b->get_metrics(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), server_->data.services.size());
  for (const auto& s : *r) EXPECT_LE(s.points.size(), 36u);  // 3 h at 5 min, end exclusive

  // A service name with quotes cannot break out of the string literal.
  auto evil = b->get_metrics(query("latency_p99", R"(x"} or vector(1) or {a=")"));
  ASSERT_TRUE(evil.ok()) << evil.error().message;
  EXPECT_TRUE(evil->empty());
}

TEST_F(GrafanaRealPrometheus, LongRangesStayUnderElevenThousandPoints) {
  // Sixty days at a requested 1 s step would be 5.2 M points: Prometheus
  // refuses more than 11,000 per series, so the backend widens the step.
  auto b = backend();
  MetricQuery q = query("sum(http_server_request_rate)", "");
  q.range = {server_->data.range.to - std::chrono::hours(24 * 60), server_->data.range.to};
  q.step = std::chrono::seconds(1);
  auto r = b->get_metrics(q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_FALSE(r->front().points.empty());
  EXPECT_LE(r->front().points.size(), 11000u);
}

TEST_F(GrafanaRealPrometheus, BadQuerySurfacesPrometheusError) {
  auto b = backend();
  auto r = b->get_metrics(query("sum(rate(http_server_request_rate[5m])", ""));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("Prometheus rejected"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("bad_data"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace tinkr
