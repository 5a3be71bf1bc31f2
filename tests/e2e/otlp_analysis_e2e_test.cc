// End to end on the embedded local backend: tinkr-server's OTLP/HTTP receiver
// (a second port) takes OTLP/JSON exports — hand-made ones and the shared
// incident scenario written by `tinkr-server scenario` — and the real `tinkr`
// then sees them through `logs`, `trace`, `metrics`, `diff` and `slo`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "core/json.h"
#include "core/time.h"
#include "e2e/e2e_support.h"
#include "net/http_client.h"
#include "testing/compression.h"
#include "testing/process.h"
#include "testing/tempdir.h"

namespace tinkr {
namespace {

using e2e::CliRun;
using e2e::kBinDir;
using e2e::sha256_hex;
using e2e::url_in_line;
using testing::ChildProcess;
using testing::ProcessOptions;
using testing::TempDir;

constexpr const char* kToken = "tk_e2e_otlp_oncall_0123456789abcdef";

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class OtlpAnalysisE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string missing = e2e::binaries_missing(); !missing.empty()) GTEST_SKIP() << missing;
    home_ = std::make_unique<TempDir>("e2e-otlp");
    home_->write_file("config.toml", "[profiles.default]\nbackend = \"local\"\nactive = true\n");
  }

  ProcessOptions server_options(std::vector<std::string> args) {
    ProcessOptions o;
    o.args = std::move(args);
    o.env["TINKR_HOME"] = home_->path().string();
    o.env["TINKR_API_KEYS"] = R"([{"hash":")" + sha256_hex(kToken) + R"(","subject":"otto","roles":["oncall"]}])";
    o.unset_env = {"TINKR_PROFILE", "TINKR_API_TOKEN", "TINKR_SERVER_URL", "TINKR_BACKEND"};
    return o;
  }

  void start_server() {
    std::string error;
    server_ = ChildProcess::spawn(kBinDir / "tinkr-server",
                                  server_options({"start", "--port", "0", "--otlp-port", "0", "--host", "127.0.0.1"}),
                                  &error);
    ASSERT_NE(server_, nullptr) << error;
    auto api = server_->wait_for_stdout_line("listening on ", std::chrono::seconds(30));
    ASSERT_TRUE(api.has_value()) << "server did not start:\n" << server_->stderr_text();
    url_ = url_in_line(*api);
    auto otlp = server_->wait_for_stdout_line("OTLP/HTTP receiver on ", std::chrono::seconds(10));
    ASSERT_TRUE(otlp.has_value()) << "no OTLP receiver:\n" << server_->stdout_text() << server_->stderr_text();
    otlp_url_ = url_in_line(*otlp);
    ASSERT_NE(otlp_url_, url_);
  }

  net::HttpResponse post_otlp(const std::string& path, std::string body, bool compress = false) {
    net::HttpClient http;
    net::HttpRequest req;
    req.method = "POST";
    req.url = otlp_url_ + path;
    req.headers = {{"Content-Type", "application/json"}};
    if (compress) {
      req.headers.add("Content-Encoding", "gzip");
      body = testing::gzip(body);
    }
    req.body = std::move(body);
    auto r = http.send(req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : net::HttpResponse{};
  }

  CliRun tinkr(std::vector<std::string> args) {
    ProcessOptions o;
    o.args = {"--server", url_, "--token", kToken};
    o.args.insert(o.args.end(), args.begin(), args.end());
    o.env["TINKR_HOME"] = home_->path().string();
    o.env["NO_COLOR"] = "1";
    o.env["COLUMNS"] = "200";
    o.unset_env = {"TINKR_PROFILE", "TINKR_API_TOKEN", "TINKR_SERVER_URL"};
    o.stdin_data = "";
    return e2e::run_tinkr(o, std::chrono::seconds(120));
  }

  // Writes the shared scenario and exports it to the receiver, as a collector would.
  void export_scenario() {
    const auto dir = home_->path() / "scenario";
    ProcessOptions o = server_options({"scenario", "--out", dir.string()});
    auto child = ChildProcess::spawn(kBinDir / "tinkr-server", o);
    ASSERT_NE(child, nullptr);
    ASSERT_EQ(child->wait(std::chrono::seconds(120)).value_or(-1), 0) << child->stderr_text();
    for (const auto& [file, path] : {std::pair{"logs.json", "/v1/logs"}, std::pair{"metrics.json", "/v1/metrics"},
                                     std::pair{"traces.json", "/v1/traces"}}) {
      auto r = post_otlp(path, read_file(dir / file), /*compress=*/true);
      ASSERT_EQ(r.status, 200) << file << ": " << r.body.substr(0, 500);
      EXPECT_EQ(r.body, "{}") << file << ": " << r.body.substr(0, 500);
    }
  }

  std::unique_ptr<TempDir> home_;
  std::unique_ptr<ChildProcess> server_;
  std::string url_, otlp_url_;
};

TEST_F(OtlpAnalysisE2e, ExportedLogsTracesAndMetricsAreReadBackByTheCli) {
  start_server();
  const int64_t t = to_unix_nanos(now() - std::chrono::minutes(2));
  const std::string resource = R"({"attributes":[{"key":"service.name","value":{"stringValue":"otlp-e2e"}}]})";
  auto logs = post_otlp(
      "/v1/logs",
      fmt::format(
          R"({{"resourceLogs":[{{"resource":{},"scopeLogs":[{{"logRecords":[{{"timeUnixNano":"{}","severityNumber":17,"body":{{"stringValue":"ledger write refused: disk quota exceeded"}}}}]}}]}}]}})",
          resource, t));
  EXPECT_EQ(logs.status, 200) << logs.body;
  auto traces = post_otlp(
      "/v1/traces",
      fmt::format(
          R"({{"resourceSpans":[{{"resource":{},"scopeSpans":[{{"spans":[{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"POST /ledger","kind":2,"startTimeUnixNano":"{}","endTimeUnixNano":"{}","status":{{"code":2,"message":"quota"}}}}]}}]}}]}})",
          resource, t, t + 1'500'000'000),
      /*compress=*/true);
  EXPECT_EQ(traces.status, 200) << traces.body;
  auto metrics = post_otlp(
      "/v1/metrics",
      fmt::format(
          R"({{"resourceMetrics":[{{"resource":{},"scopeMetrics":[{{"metrics":[{{"name":"ledger_queue_depth","unit":"1","gauge":{{"dataPoints":[{{"timeUnixNano":"{}","asInt":"42"}}]}}}}]}}]}}]}})",
          resource, t));
  EXPECT_EQ(metrics.status, 200) << metrics.body;
  auto protobuf = [&] {
    net::HttpClient http;
    net::HttpRequest req;
    req.method = "POST";
    req.url = otlp_url_ + "/v1/logs";
    req.headers = {{"Content-Type", "application/x-protobuf"}};
    req.body = std::string("\x0a\x00", 2);
    return http.send(req);
  }();
  ASSERT_TRUE(protobuf.ok());
  EXPECT_EQ(protobuf->status, 415) << protobuf->body;

  CliRun l = tinkr({"logs", "otlp-e2e", "--since", "10m"});
  EXPECT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NE(l.out.find("ledger write refused: disk quota exceeded"), std::string::npos) << l.out;
  EXPECT_NE(l.out.find("ERROR"), std::string::npos) << l.out;

  CliRun tr = tinkr({"trace", "otlp-e2e", "--since", "10m"});
  EXPECT_EQ(tr.exit_code, 0) << tr.err;
  EXPECT_NE(tr.out.find("0af7651916cd43dd8448eb211c80319c"), std::string::npos) << tr.out;
  EXPECT_NE(tr.out.find("POST /ledger"), std::string::npos) << tr.out;

  CliRun m = tinkr({"metrics", "otlp-e2e", "-m", "ledger_queue_depth", "--since", "10m"});
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.out.find("42"), std::string::npos) << m.out;
}

TEST_F(OtlpAnalysisE2e, DiffAndSloOnTheScenarioThroughTheRealServer) {
  start_server();
  export_scenario();

  CliRun d = tinkr({"diff", "payments-api", "--baseline", "2h", "--compare", "40m"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(d.out.find("Diff for payments-api"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("Baseline: 2h40m–2h ago    Compare: 40m–now"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("error_count"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("▲"), std::string::npos) << d.out;
  // The incident's new error pattern is marked '+' with its level.
  EXPECT_NE(d.out.find("  + [0 → "), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("fraud-check"), std::string::npos) << d.out;

  CliRun dj = tinkr({"diff", "payments-api", "--compare", "40m", "--json"});
  ASSERT_EQ(dj.exit_code, 0) << dj.err;
  auto v = parse_json(dj.out);
  ASSERT_TRUE(v.ok()) << dj.out;
  EXPECT_EQ(get_string(*v, "service"), "payments-api");
  ASSERT_NE(find_field(*v, "metrics"), nullptr);
  bool error_count_up = false;
  for (const auto& m : find_field(*v, "metrics")->as_array()) {
    if (get_string(m, "name") == "error_count") error_count_up = get_string(m, "direction") == "up";
  }
  EXPECT_TRUE(error_count_up) << dj.out;

  CliRun s = tinkr({"slo", "payments-api", "--target", "99.9", "--window", "2h"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("SLO Report — payments-api"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("Target: 99.9%   Window: 2h"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("✗ below the target"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("EXHAUSTED"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("CRITICAL"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("Alerts firing:    page"), std::string::npos) << s.out;

  // The scenario holds 3 hours: a 30-day window says so instead of pretending.
  CliRun month = tinkr({"slo", "payments-api", "-o", "json"});
  ASSERT_EQ(month.exit_code, 0) << month.err;
  auto mv = parse_json(month.out);
  ASSERT_TRUE(mv.ok()) << month.out;
  EXPECT_EQ(get_string(*mv, "window"), "30d");
  EXPECT_NE(get_string(*mv, "covered"), "30d") << month.out;
  CliRun month_text = tinkr({"slo", "payments-api"});
  EXPECT_NE(month_text.out.find("Data covers:      only the last"), std::string::npos) << month_text.out;

  // A service with no traffic at all.
  CliRun none = tinkr({"slo", "no-such-service", "--window", "1h"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("no requests in the window"), std::string::npos) << none.out;

  CliRun bad = tinkr({"slo", "payments-api", "--target", "120"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("--target"), std::string::npos) << bad.err;
  CliRun bad_window = tinkr({"diff", "payments-api", "--compare", "soon"});
  EXPECT_EQ(bad_window.exit_code, 2) << bad_window.err;
}

TEST_F(OtlpAnalysisE2e, NoOtlpFlagAndBusyDefaultPortAreLogged) {
  std::string error;
  auto server =
      ChildProcess::spawn(kBinDir / "tinkr-server", server_options({"start", "--port", "0", "--no-otlp"}), &error);
  ASSERT_NE(server, nullptr) << error;
  ASSERT_TRUE(server->wait_for_stdout_line("listening on ", std::chrono::seconds(30)).has_value())
      << server->stderr_text();
  EXPECT_TRUE(server->wait_for_stderr_line("OTLP/HTTP receiver not started: --no-otlp").has_value())
      << server->stderr_text();
  EXPECT_EQ(server->stdout_text().find("OTLP/HTTP receiver on"), std::string::npos) << server->stdout_text();
}

TEST_F(OtlpAnalysisE2e, BackendsThatDoNotStoreTelemetryGetNoReceiver) {
  home_->write_file("config.toml",
                    "[profiles.default]\nbackend = \"grafana\"\nactive = true\nloki_url = \"http://127.0.0.1:9\"\n");
  std::string error;
  auto server = ChildProcess::spawn(kBinDir / "tinkr-server",
                                    server_options({"start", "--port", "0", "--otlp-port", "0"}), &error);
  ASSERT_NE(server, nullptr) << error;
  ASSERT_TRUE(server->wait_for_stdout_line("listening on ", std::chrono::seconds(30)).has_value())
      << server->stderr_text();
  auto line = server->wait_for_stderr_line("OTLP/HTTP receiver not started");
  ASSERT_TRUE(line.has_value()) << server->stderr_text();
  EXPECT_NE(line->find("grafana"), std::string::npos) << *line;
  EXPECT_EQ(server->stdout_text().find("OTLP/HTTP receiver on"), std::string::npos) << server->stdout_text();
}

TEST_F(OtlpAnalysisE2e, AnExplicitPortThatIsTakenFailsTheStart) {
  start_server();
  const std::string taken = otlp_url_.substr(otlp_url_.rfind(':') + 1);
  auto second =
      ChildProcess::spawn(kBinDir / "tinkr-server", server_options({"start", "--port", "0", "--otlp-port", taken}));
  ASSERT_NE(second, nullptr);
  auto code = second->wait(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << second->stdout_text();
  EXPECT_EQ(*code, 1);
  EXPECT_NE(second->stderr_text().find("OTLP/HTTP receiver could not start"), std::string::npos)
      << second->stderr_text();
  EXPECT_NE(second->stderr_text().find("--otlp-port"), std::string::npos) << second->stderr_text();
}

}  // namespace
}  // namespace tinkr
