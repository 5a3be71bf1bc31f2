// The Grafana backend against a real Prometheus (Debian `prometheus`),
// started on a free loopback port with its history backfilled from the
// shared scenario by `promtool tsdb create-blocks-from openmetrics`.
// Skipped only when the binaries are absent (scripts/install-deps installs
// them). Test names carry "RealPrometheus" so a sanitizer run can exclude
// them with --gtest_filter=-*RealPrometheus*.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "backends/grafana/grafana_backend.h"
#include "net/http_client.h"
#include "scenario/scenario.h"
#include "testing/ports.h"
#include "testing/process.h"
#include "testing/tempdir.h"

namespace tinkr {
namespace {

namespace fs = std::filesystem;

testing::ProcessOptions args(std::vector<std::string> a) {
  testing::ProcessOptions o;
  o.args = std::move(a);
  return o;
}

struct RealPrometheus {
  testing::TempDir dir{"prometheus"};
  std::unique_ptr<testing::ChildProcess> process;
  std::string url;
  scenario::Scenario data;
  std::string error;

  RealPrometheus() {
    // Recent data, so that retention keeps it; minute-aligned for stable steps.
    const int64_t minute = 60'000'000'000;
    scenario::ScenarioOptions o;
    o.now = from_unix_nanos(to_unix_nanos(now()) / minute * minute - 10 * minute);
    o.volume = 0.1;
    data = scenario::generate(o);
    const fs::path om = dir.write_file("scenario.om", scenario::render_openmetrics(data.metrics));
    const fs::path tsdb = dir / "tsdb";
    fs::create_directories(tsdb);
    auto promtool = testing::ChildProcess::spawn("/usr/bin/promtool",
                                                 args({"tsdb", "create-blocks-from", "openmetrics", om.string(), tsdb.string()}),
                                                 &error);
    if (!promtool || promtool->wait(std::chrono::seconds(120)) != 0) {
      error = "promtool failed: " + (promtool ? promtool->stderr_text() : error);
      return;
    }
    const fs::path config = dir.write_file("prometheus.yml", "global:\n  scrape_interval: 1m\n");
    const int port = testing::free_loopback_port();
    url = "http://127.0.0.1:" + std::to_string(port);
    process = testing::ChildProcess::spawn(
        "/usr/bin/prometheus",
        args({"--config.file=" + config.string(), "--web.listen-address=127.0.0.1:" + std::to_string(port),
              "--storage.tsdb.path=" + tsdb.string()}),
        &error);
    if (!process) return;
    net::HttpClient http;
    for (int i = 0; i < 300; ++i) {
      auto r = http.get(url + "/-/ready");
      if (r.ok() && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    error = "prometheus did not become ready: " + process->stderr_text();
  }
};

class GrafanaRealPrometheus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists("/usr/bin/prometheus") || !fs::exists("/usr/bin/promtool")) return;
    server_ = new RealPrometheus();
  }
  static void TearDownTestSuite() {
    delete server_;  // stops prometheus (SIGTERM) and removes its directory
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_) GTEST_SKIP() << "prometheus/promtool not installed (scripts/install-deps installs them)";
    ASSERT_TRUE(server_->error.empty()) << server_->error;
  }
  std::unique_ptr<ObservabilityBackend> backend() {
    config::Profile p;
    p.name = "real";
    p.backend = "grafana";
    p.settings["prometheus_url"] = server_->url;
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
  static RealPrometheus* server_;
};

RealPrometheus* GrafanaRealPrometheus::server_ = nullptr;

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
