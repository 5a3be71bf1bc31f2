// The root-cause report's acceptance test, Grafana half: the same shared
// scenario served by the Grafana stack (logs in the Loki simulator, traces in
// the Tempo simulator, metrics in a real Prometheus) and by the embedded local
// backend (`tinkr-server ingest` of the same data), each behind a real
// tinkr-server. Through POST /api/v1/rca and through `tinkr rca`, the Grafana
// report must name the same root cause as the local one — the payments-api
// deploy of v2.15.0 at T−45 min and the fraud-check dependency timeout — on
// the same kinds of evidence: anomalies, metrics, error onsets, new error
// patterns, the fraud.py:42 stack frame and the trace hotspot. Without a
// deploy event in the events store, the deploy-marker line in Loki must still
// date the deploy, as the local backend's logs do.
//
// TINKR_PRINT_REPORT=1 prints both reports.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json.h"
#include "e2e/e2e_support.h"
#include "e2e/grafana_stack.h"
#include "net/http_client.h"
#include "testing/tempdir.h"

namespace tinkr {
namespace {

namespace json = boost::json;
using e2e::CliRun;
using e2e::GrafanaStack;
using e2e::TinkrServer;

using Sections = std::map<std::string, std::string>;  // title -> content

// The scenario's deploy as a CI job would record it: POST /api/v1/events.
void post_deploy_events(const TinkrServer& server, const scenario::Scenario& s) {
  net::HttpClient http;
  for (const auto& e : s.events) {
    json::object body{{"service", e.service},
                      {"kind", e.kind},
                      {"time", format_rfc3339(e.time)},
                      {"description", e.title},
                      {"source", "ci"}};
    if (auto v = e.attributes.find("version"); v != e.attributes.end()) body["version"] = v->second;
    auto r = http.post_json(server.url() + "/api/v1/events", json::serialize(body),
                            {{"Authorization", net::bearer_auth(server.token())}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->status, 201) << r->body;
  }
}

// POST /api/v1/rca, read to the end: the sections by title, and whether "done" came.
struct RouteReport {
  std::vector<std::string> titles;
  Sections sections;
  bool done = false;
  std::string error;
};

RouteReport rca_route(const TinkrServer& server, const std::string& since) {
  RouteReport out;
  net::HttpClient http;
  net::HttpRequest r;
  r.method = "POST";
  r.url = server.url() + "/api/v1/rca";
  r.headers.add("Authorization", net::bearer_auth(server.token()));
  r.headers.add("Content-Type", "application/json");
  r.body = json::serialize(json::object{{"service", "payments-api"}, {"since", since}});
  r.timeout = std::chrono::seconds(120);  // bounds the whole stream
  auto res = http.stream_sse(r, [&](const net::SseEvent& ev) {
    if (ev.event == "done") {
      out.done = true;
      return false;
    }
    auto v = parse_json(ev.data);
    if (ev.event != "section" || !v) {
      out.error += ev.event + ": " + ev.data + "\n";
      return true;
    }
    std::string title(get_string(*v, "title"));
    out.titles.push_back(title);
    out.sections[title] = std::string(get_string(*v, "content"));
    return true;
  });
  if (!res.ok()) out.error += res.error().message;
  else if (!res->ok()) out.error += "status " + std::to_string(res->status) + ": " + res->body;
  return out;
}

std::string all_text(const Sections& s) {
  std::string out;
  for (const auto& [title, content] : s) out += "## " + title + "\n" + content + "\n";
  return out;
}

// What the report rests on, reduced to what must agree between backends.
struct Facts {
  std::string classification;  // "Classification: …" line of Root Cause
  bool names_version = false, names_dependency = false, names_timeout = false;
  bool cites_deploy_time = false, cites_marker_line = false, cites_timeout_error = false;
  bool has_anomalies = false;     // "•" lines in Anomalies
  std::set<std::string> metrics;  // the metric evidence lines present
  bool has_onsets = false, caller_onset = false, has_new_patterns = false, new_pattern_timeout = false;
  bool stack_frame = false;    // fraud.py:42
  bool trace_hotspot = false;  // "trace spans payments-api → fraud-check … failed …: TimeoutError"
  std::string confidence;      // first line of Confidence
  bool rollback_action = false;

  friend bool operator==(const Facts&, const Facts&) = default;
};

std::string line_starting(const std::string& text, std::string_view prefix) {
  size_t at = text.find(prefix);
  if (at == std::string::npos) return {};
  return text.substr(at, text.find('\n', at) - at);
}

Facts facts_of(const Sections& s, const scenario::Scenario& data) {
  Facts f;
  const std::string root = s.count("Root Cause") ? s.at("Root Cause") : "";
  f.classification = line_starting(root, "Classification: ");
  f.names_version = root.find(data.truth.bad_version) != std::string::npos;
  f.names_dependency = root.find(data.truth.root_cause_dependency) != std::string::npos;
  f.names_timeout = root.find("timeout") != std::string::npos;
  f.cites_deploy_time = root.find(format_rfc3339(data.truth.onset, 0)) != std::string::npos;
  f.cites_marker_line = root.find("Deploying payments-api v2.15.0") != std::string::npos;
  f.cites_timeout_error = root.find("TimeoutError") != std::string::npos;

  const std::string anomalies = s.count("Anomalies") ? s.at("Anomalies") : "";
  f.has_anomalies = anomalies.find("• ") != std::string::npos;
  for (const char* m : {"error_rate", "latency_p99", "request_rate"}) {
    if (anomalies.find(std::string("  ") + m) != std::string::npos) f.metrics.insert(m);
  }
  f.has_onsets = line_starting(anomalies, "  payments-api (target)").find("from ") != std::string::npos;
  f.caller_onset = line_starting(anomalies, "  order-service (caller)").find("from ") != std::string::npos;
  const size_t patterns = anomalies.find("New and increased error patterns");
  f.has_new_patterns = patterns != std::string::npos && anomalies.find("  + [", patterns) != std::string::npos;
  f.new_pattern_timeout =
      patterns != std::string::npos && anomalies.find("TimeoutError", patterns) != std::string::npos;

  const std::string code = s.count("Relevant Code") ? s.at("Relevant Code") : "";
  f.stack_frame = code.find("fraud.py:42") != std::string::npos;
  const std::string hotspot = line_starting(root, "trace spans payments-api → fraud-check");
  f.trace_hotspot = hotspot.find("failed") != std::string::npos && hotspot.find("TimeoutError") != std::string::npos;

  const std::string conf = s.count("Confidence") ? s.at("Confidence") : "";
  f.confidence = conf.substr(0, conf.find(' '));
  const std::string actions = s.count("Recommended Actions") ? s.at("Recommended Actions") : "";
  f.rollback_action = actions.find("Roll back payments-api") != std::string::npos;
  return f;
}

std::string describe(const Facts& f) {
  std::string metrics;
  for (const auto& m : f.metrics) metrics += m + " ";
  return fmt::format(
      "{} | version {} dependency {} timeout {} deploy-time {} marker {} TimeoutError {} | anomalies {} metrics [{}] "
      "onsets {} (caller {}) new-patterns {} (timeout {}) | frame {} hotspot {} | confidence {} rollback {}",
      f.classification, f.names_version, f.names_dependency, f.names_timeout, f.cites_deploy_time, f.cites_marker_line,
      f.cites_timeout_error, f.has_anomalies, metrics, f.has_onsets, f.caller_onset, f.has_new_patterns,
      f.new_pattern_timeout, f.stack_frame, f.trace_hotspot, f.confidence, f.rollback_action);
}

class GrafanaRcaParityE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!e2e::binaries_missing().empty() || testing::RealPrometheus::missing()) return;
    stack_ = new GrafanaStack();
    if (!stack_->problem().empty()) return;
    post_deploy_events(*stack_->server, stack_->data);

    // The same data in the embedded store, imported as a user would.
    files_ = new testing::TempDir("rca-parity");
    const auto otlp = files_->path() / "otlp";
    ASSERT_TRUE(scenario::write_otlp(stack_->data, otlp).ok());
    local_ = new TinkrServer("[profiles.local]\nbackend = \"local\"\nactive = true\npath = \"{home}/local.db\"\n", {},
                             {{"ingest", (otlp / "logs.json").string(), (otlp / "metrics.json").string(),
                               (otlp / "traces.json").string(), (otlp / "events.json").string()}});
    // And both again with an empty events store: deploys from the logs' marker lines only.
    markers_only_ = new TinkrServer(
        e2e::grafana_profile("markers", stack_->loki.url(), stack_->prometheus->url(), stack_->tempo.url()));
    // (The same telemetry store, read by a second server with its own, empty events.db.)
    local_markers_only_ =
        new TinkrServer(fmt::format("[profiles.local]\nbackend = \"local\"\nactive = true\n"
                                    "path = \"{}\"\n",
                                    (local_->home() / "local.db").string()));
  }
  static void TearDownTestSuite() {
    delete markers_only_;
    delete local_markers_only_;
    delete local_;
    delete files_;
    delete stack_;
    markers_only_ = local_markers_only_ = local_ = nullptr;
    files_ = nullptr;
    stack_ = nullptr;
  }
  void SetUp() override {
    if (std::string why = e2e::binaries_missing(); !why.empty()) GTEST_SKIP() << why;
    if (auto why = testing::RealPrometheus::missing()) GTEST_SKIP() << *why;
    ASSERT_TRUE(stack_->problem().empty()) << stack_->problem();
    ASSERT_TRUE(local_ && local_->ok()) << (local_ ? local_->error() : "local server not created");
    ASSERT_TRUE(markers_only_->ok()) << markers_only_->error();
    ASSERT_TRUE(local_markers_only_->ok()) << local_markers_only_->error();
  }
  static const scenario::Scenario& data() { return stack_->data; }

  static GrafanaStack* stack_;
  static testing::TempDir* files_;
  static TinkrServer* local_;
  static TinkrServer* markers_only_;
  static TinkrServer* local_markers_only_;
};

GrafanaStack* GrafanaRcaParityE2e::stack_ = nullptr;
testing::TempDir* GrafanaRcaParityE2e::files_ = nullptr;
TinkrServer* GrafanaRcaParityE2e::local_ = nullptr;
TinkrServer* GrafanaRcaParityE2e::markers_only_ = nullptr;
TinkrServer* GrafanaRcaParityE2e::local_markers_only_ = nullptr;

TEST_F(GrafanaRcaParityE2e, ServerRouteNamesTheSameRootCauseOnTheSameEvidenceAsLocal) {
  RouteReport grafana = rca_route(*stack_->server, "1h");
  RouteReport local = rca_route(*local_, "1h");
  if (std::getenv("TINKR_PRINT_REPORT")) {
    std::cout << "==== grafana\n" << all_text(grafana.sections) << "==== local\n" << all_text(local.sections);
  }
  ASSERT_TRUE(grafana.error.empty()) << grafana.error << "\n" << stack_->server->log();
  ASSERT_TRUE(local.error.empty()) << local.error << "\n" << local_->log();
  EXPECT_TRUE(grafana.done);
  const std::vector<std::string> titles = {"Summary",       "Anomalies",           "Root Cause",
                                           "Relevant Code", "Recommended Actions", "Confidence"};
  EXPECT_EQ(grafana.titles, titles);
  EXPECT_EQ(local.titles, titles);

  const Facts g = facts_of(grafana.sections, data());
  const Facts l = facts_of(local.sections, data());
  // The local backend's report is the reference (tests/unit/agent/rca_report_test.cc);
  // check it holds here too, then that Grafana's says the same.
  EXPECT_EQ(l.classification,
            "Classification: deploy_regression (mechanism: timeout, dependency: fraud-check, "
            "service: payments-api)")
      << all_text(local.sections);
  EXPECT_TRUE(l.names_version && l.names_dependency && l.cites_deploy_time && l.cites_marker_line && l.stack_frame &&
              l.trace_hotspot && l.has_anomalies && l.has_onsets && l.caller_onset && l.has_new_patterns &&
              l.metrics.size() == 3)
      << describe(l) << "\n"
      << all_text(local.sections);
  EXPECT_EQ(g, l) << "grafana: " << describe(g) << "\nlocal:   " << describe(l) << "\n==== grafana\n"
                  << all_text(grafana.sections) << "==== local\n"
                  << all_text(local.sections);
  EXPECT_EQ(g.confidence, "High") << all_text(grafana.sections);
  // Nothing the Grafana backend should provide is missing.
  EXPECT_EQ(grafana.sections["Confidence"].find("Gaps:"), std::string::npos) << grafana.sections["Confidence"];
}

TEST_F(GrafanaRcaParityE2e, CliStreamsTheReportAndNdjson) {
  CliRun r = stack_->server->tinkr({"rca", "payments-api", "--since", "1h"}, std::chrono::seconds(120));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("Root Cause Analysis — payments-api"), std::string::npos) << r.out;
  size_t pos = 0;
  int n = 0;
  for (const char* title :
       {"Summary", "Anomalies", "Root Cause", "Relevant Code", "Recommended Actions", "Confidence"}) {
    const size_t at = r.out.find(fmt::format("### {}. {}", ++n, title));
    ASSERT_NE(at, std::string::npos) << title << "\n" << r.out;
    EXPECT_GT(at, pos);
    pos = at;
  }
  EXPECT_NE(r.out.find("Classification: deploy_regression"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("v2.15.0"), std::string::npos);
  EXPECT_NE(r.out.find("fraud.py:42"), std::string::npos);

  CliRun j = stack_->server->tinkr({"rca", "payments-api", "--since", "1h", "--json"}, std::chrono::seconds(120));
  ASSERT_EQ(j.exit_code, 0) << j.err;
  std::vector<json::value> events;
  size_t start = 0;
  while (start < j.out.size()) {
    size_t nl = j.out.find('\n', start);
    if (nl == std::string::npos) nl = j.out.size();
    auto v = parse_json(std::string_view(j.out).substr(start, nl - start));
    ASSERT_TRUE(v.ok()) << "not NDJSON: " << j.out.substr(start, nl - start);
    events.push_back(*v);
    start = nl + 1;
  }
  ASSERT_EQ(events.size(), 7u) << j.out;
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(get_string(events[i], "type"), "section");
    EXPECT_FALSE(get_string(events[i], "content").empty());
  }
  EXPECT_EQ(get_string(events[2], "title"), "Root Cause");
  EXPECT_NE(get_string(events[2], "content").find("deploy_regression"), std::string::npos);
  EXPECT_EQ(json::serialize(events.back()), R"({"type":"done"})");
}

TEST_F(GrafanaRcaParityE2e, WithoutADeployEventTheLokiMarkerLineStillDatesTheDeploy) {
  RouteReport g = rca_route(*markers_only_, "1h");
  RouteReport l = rca_route(*local_markers_only_, "1h");
  ASSERT_TRUE(g.error.empty()) << g.error;
  ASSERT_TRUE(l.error.empty()) << l.error;
  const Facts gf = facts_of(g.sections, data());
  const Facts lf = facts_of(l.sections, data());
  // A deploy seen only in the logs weighs less than a recorded one, so the
  // timeout may rank first; either way the deploy, its time and its marker
  // line are cited, and both backends say the same.
  EXPECT_TRUE(gf.names_version && gf.cites_deploy_time && gf.cites_marker_line && gf.names_dependency)
      << describe(gf) << "\n"
      << all_text(g.sections);
  EXPECT_EQ(gf, lf) << "grafana: " << describe(gf) << "\nlocal:   " << describe(lf) << "\n==== grafana\n"
                    << all_text(g.sections) << "==== local\n"
                    << all_text(l.sections);
}

}  // namespace
}  // namespace tinkr
