// The analysis routes through the server's request pipeline (App::handle,
// insecure-dev so that no token is needed), on the shared incident scenario
// served by the in-memory backend double: /rca streams the six sections and
// "done"; /anomalies, /diff, /slo and /patterns answer the documented shapes;
// bad input is a 400 that says what to do; log text is sanitized.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include <boost/json.hpp>

#include "config/config.h"
#include "net/sse_parser.h"
#include "scenario/scenario.h"
#include "server/analysis_routes.h"
#include "server/app.h"
#include "unit/agent/scenario_backend.h"

namespace tinkr::server {
namespace {

namespace js = boost::json;

// The scenario ends at the current minute: the routes read the clock.
const scenario::Scenario& live_scenario() {
  static const scenario::Scenario s = [] {
    scenario::ScenarioOptions o;
    o.now = std::chrono::floor<std::chrono::minutes>(now());
    return scenario::generate(o);
  }();
  return s;
}

class RecordingSink : public net::EventSink {
 public:
  std::string out;
  bool write(std::string_view data) override {
    out += data;
    return true;
  }
  bool open() const override { return true; }
  bool wait(std::chrono::milliseconds) override { return true; }
};

struct Harness {
  std::unique_ptr<App> app;

  explicit Harness(std::unique_ptr<ObservabilityBackend> backend) {
    auto env = config::Environment::from_map({});
    auto cfg = config::parse_config("", "test", env);
    EXPECT_TRUE(cfg.ok()) << cfg.error().to_string();
    AppOptions o;
    o.config = *cfg;
    o.env = env;
    o.insecure_dev = true;
    o.backend = std::move(backend);
    o.events_db = ":memory:";
    auto created = App::create(std::move(o));
    EXPECT_TRUE(created.ok()) << created.error().to_string();
    app = std::move(created).value();
    register_analysis_routes(app->router());
  }

  net::ServerResponse post(const std::string& path, const std::string& body) {
    net::ServerRequest r;
    r.method = "POST";
    r.target = path;
    r.path = path;
    r.body = body;
    r.remote_address = "127.0.0.1";
    r.headers.emplace_back("content-type", "application/json");
    return app->handle(r);
  }

  js::value post_json(const std::string& path, const std::string& body, int want_status = 200) {
    auto r = post(path, body);
    EXPECT_EQ(r.status, want_status) << path << ": " << r.body;
    if (std::getenv("TINKR_PRINT_JSON") != nullptr) std::cout << path << " " << body << "\n" << r.body << "\n\n";
    return js::parse(r.body);
  }
};

std::unique_ptr<ObservabilityBackend> scenario_backend() {
  auto b = std::make_unique<testing::ScenarioBackend>(live_scenario());
  return b;
}

Harness& shared_harness() {
  static Harness* h = new Harness(scenario_backend());
  return *h;
}

TEST(AnalysisRoutes, RcaStreamsSixSectionsThenDone) {
  auto& h = shared_harness();
  // The deploy recorded through the events store, as POST /api/v1/events would.
  const auto& deploy = live_scenario().events.front();
  store::ChangeEvent e;
  e.service = deploy.service;
  e.kind = deploy.kind;
  e.time = deploy.time;
  e.version = deploy.attributes.at("version");
  ASSERT_TRUE(h.app->state().events->add(e).ok());

  auto r = h.post("/api/v1/rca", R"({"service":"payments-api","since":"1h"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/event-stream");
  ASSERT_TRUE(r.stream);
  RecordingSink sink;
  r.stream(sink);

  std::vector<net::SseEvent> events;
  net::SseParser parser([&](const net::SseEvent& ev) {
    events.push_back(ev);
    return true;
  });
  parser.feed(sink.out);
  ASSERT_EQ(events.size(), 7u) << sink.out;
  const char* titles[] = {"Summary", "Anomalies", "Root Cause", "Relevant Code", "Recommended Actions", "Confidence"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(events[i].event, "section");
    auto v = js::parse(events[i].data);
    EXPECT_EQ(v.at("type").as_string(), "section");
    EXPECT_EQ(v.at("title").as_string(), titles[i]);
    EXPECT_FALSE(v.at("content").as_string().empty());
  }
  std::string root(js::parse(events[2].data).at("content").as_string());
  EXPECT_NE(root.find("Classification: deploy_regression"), std::string::npos) << root;
  EXPECT_NE(root.find("fraud-check"), std::string::npos) << root;
  EXPECT_NE(root.find("v2.15.0"), std::string::npos) << root;
  EXPECT_EQ(events[6].event, "done");
  EXPECT_EQ(js::parse(events[6].data).at("type").as_string(), "done");
}

TEST(AnalysisRoutes, RcaNeedsAService) {
  auto v = shared_harness().post_json("/api/v1/rca", R"({"since":"1h"})", 400);
  EXPECT_EQ(v.at("error").at("code").as_string(), "invalid_argument");
  EXPECT_NE(std::string(v.at("error").at("message").as_string()).find("service"), std::string::npos);
}

TEST(AnalysisRoutes, AnomaliesFilterBySeverity) {
  auto& h = shared_harness();
  auto v = h.post_json("/api/v1/anomalies", R"({"service":"payments-api","since":"1h","severity":"high"})");
  const auto& list = v.at("anomalies").as_array();
  ASSERT_FALSE(list.empty()) << js::serialize(v);
  for (const auto& a : list) {
    auto sev = parse_severity(a.at("severity").as_string());
    ASSERT_TRUE(sev.ok());
    EXPECT_GE(static_cast<int>(*sev), static_cast<int>(Severity::kHigh));
  }
  auto bad = h.post_json("/api/v1/anomalies", R"({"service":"payments-api","severity":"huge"})", 400);
  EXPECT_NE(std::string(bad.at("error").at("message").as_string()).find("low, medium, high or critical"),
            std::string::npos);
}

TEST(AnalysisRoutes, DiffShowsTheNewTimeoutPattern) {
  auto v = shared_harness().post_json("/api/v1/diff", R"({"service":"payments-api","baseline":"2h","compare":"40m"})");
  ASSERT_TRUE(v.is_object());
  EXPECT_FALSE(v.at("metrics").as_array().empty()) << js::serialize(v);
  bool timeout_new = false;
  for (const auto& p : v.at("patterns").as_array()) {
    std::string text = js::serialize(p);
    if (text.find("TimeoutError") != std::string::npos && text.find("\"new\":true") != std::string::npos) {
      timeout_new = true;
    }
  }
  EXPECT_TRUE(timeout_new) << js::serialize(v.at("patterns"));
  shared_harness().post_json("/api/v1/diff", R"({"service":"payments-api","baseline":"soon"})", 400);
}

TEST(AnalysisRoutes, SloFromMetricsElseFromLogVolume) {
  auto v = shared_harness().post_json("/api/v1/slo", R"({"service":"payments-api","target":99.9,"window":"2h"})");
  EXPECT_EQ(v.at("source").as_string(), "metrics") << js::serialize(v);
  EXPECT_GT(v.at("requests").to_number<double>(), 0);
  EXPECT_GT(v.at("errors").to_number<double>(), 0);

  static testing::ScenarioBackend inner(live_scenario());
  Harness degraded(std::make_unique<testing::FailingBackend>(inner, std::set<std::string>{"get_metrics"},
                                                             make_error(ErrorCode::kUnavailable, "no metrics (test)")));
  auto d = degraded.post_json("/api/v1/slo", R"({"service":"payments-api","window":"2h"})");
  EXPECT_EQ(d.at("source").as_string(), "log_volume") << js::serialize(d);
  EXPECT_NE(std::string(d.at("source_note").as_string()).find("no metrics (test)"), std::string::npos);

  shared_harness().post_json("/api/v1/slo", R"({"service":"payments-api","target":100})", 400);
  shared_harness().post_json("/api/v1/slo", R"({"service":"payments-api","target":"high"})", 400);
}

TEST(AnalysisRoutes, PatternsHaveCountsTimesExamplesAndLevels) {
  auto v = shared_harness().post_json("/api/v1/patterns",
                                      R"({"service":"payments-api","since":"1h","query":"level:ERROR","limit":3})");
  const auto& list = v.at("patterns").as_array();
  ASSERT_FALSE(list.empty()) << js::serialize(v);
  EXPECT_LE(list.size(), 3u);
  const auto& top = list.front().as_object();
  EXPECT_GT(top.at("count").to_number<int64_t>(), 0);
  EXPECT_TRUE(top.contains("first_seen"));
  EXPECT_TRUE(top.contains("last_seen"));
  EXPECT_FALSE(top.at("examples").as_array().empty());
  EXPECT_TRUE(top.at("levels").as_object().contains("ERROR"));
  shared_harness().post_json("/api/v1/patterns", R"({"service":"payments-api","limit":0})", 400);
}

TEST(AnalysisRoutes, LogTextIsSanitizedBeforeItLeaves) {
  auto backend = std::make_unique<testing::ScenarioBackend>();
  Timestamp t = now() - std::chrono::minutes(5);
  for (int i = 0; i < 3; ++i) {
    LogEntry e;
    e.time = t + std::chrono::seconds(i);
    e.service = "mailer";
    e.level = Level::kError;
    e.message = "delivery failed for alice" + std::to_string(i) + "@example.com";
    backend->logs_.push_back(e);
  }
  Harness h(std::move(backend));
  auto r = h.post("/api/v1/patterns", R"({"service":"mailer","since":"1h"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("@example.com"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("[REDACTED:email]"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace tinkr::server
