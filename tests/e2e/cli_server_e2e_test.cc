// End to end: the real tinkr-server on a loopback port, driven by the real
// tinkr binary (TINKR_BIN_DIR). Checks authentication (401/403), `tinkr doctor`
// and a line-precise error for a bad config.toml.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "e2e/e2e_support.h"
#include "net/http_client.h"
#include "testing/process.h"
#include "testing/tempdir.h"

namespace tinkr {
namespace {

using e2e::CliRun;
using e2e::kBinDir;
using e2e::sha256_hex;
using testing::ChildProcess;
using testing::ProcessOptions;
using testing::TempDir;

constexpr const char* kViewerToken = "tk_e2e_viewer_0123456789abcdef";
constexpr const char* kOncallToken = "tk_e2e_oncall_0123456789abcdef";

class CliServerE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string missing = e2e::binaries_missing(); !missing.empty()) GTEST_SKIP() << missing;
    home_ = std::make_unique<TempDir>("e2e-home");
    home_->write_file("config.toml", "[profiles.default]\nbackend = \"local\"\nactive = true\n");
    ProcessOptions o;
    // No OTLP receiver: it would take the fixed port 4318 (tests use free ports only).
    o.args = {"start", "--port", "0", "--host", "127.0.0.1", "--no-otlp"};
    o.env["TINKR_HOME"] = home_->path().string();
    o.env["TINKR_API_KEYS"] = R"([{"hash":")" + sha256_hex(kViewerToken) +
                              R"(","subject":"vera","roles":["viewer"]},{"hash":")" + sha256_hex(kOncallToken) +
                              R"(","subject":"otto","roles":["oncall"]}])";
    o.unset_env = {"TINKR_PROFILE", "TINKR_API_TOKEN", "TINKR_SERVER_URL"};
    std::string error;
    server_ = ChildProcess::spawn(kBinDir / "tinkr-server", o, &error);
    ASSERT_NE(server_, nullptr) << error;
    auto line = server_->wait_for_stdout_line("listening on ", std::chrono::seconds(30));
    ASSERT_TRUE(line.has_value()) << "server did not start:\n" << server_->stderr_text();
    url_ = e2e::url_in_line(*line);
  }

  CliRun tinkr(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    ProcessOptions o;
    o.args = std::move(args);
    o.env = std::move(env);
    o.env["TINKR_HOME"] = home_->path().string();
    o.env["NO_COLOR"] = "1";
    o.unset_env = {"TINKR_PROFILE", "TINKR_API_TOKEN", "TINKR_SERVER_URL", "http_proxy", "HTTP_PROXY",
                   "all_proxy",     "ALL_PROXY",       "no_proxy",         "NO_PROXY"};
    o.stdin_data = "";
    return e2e::run_tinkr(o, std::chrono::seconds(60));
  }

  std::unique_ptr<TempDir> home_;
  std::unique_ptr<ChildProcess> server_;
  std::string url_;
};

TEST_F(CliServerE2e, NoTokenIsUnauthenticated) {
  CliRun r = tinkr({"--server", url_, "logs", "payments-api"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("token"), std::string::npos) << r.err;
}

TEST_F(CliServerE2e, ViewerCannotWrite) {
  // No CLI command writes events yet: call the oncall route with the client library.
  net::HttpClient http;
  const std::string event = R"({"service":"payments-api","type":"deploy","summary":"v2"})";
  auto viewer = http.post_json(url_ + "/api/v1/events", event, {{"Authorization", net::bearer_auth(kViewerToken)}});
  ASSERT_TRUE(viewer.ok()) << viewer.error().message;
  EXPECT_EQ(viewer->status, 403) << viewer->body;
  EXPECT_EQ(net::error_from_response(*viewer, "").code, ErrorCode::kPermissionDenied);
  // The same token reads fine through the CLI.
  CliRun r = tinkr({"--server", url_, "--token", kViewerToken, "doctor"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("roles viewer"), std::string::npos) << r.out;
}

TEST_F(CliServerE2e, DoctorPassesWithAValidToken) {
  CliRun init = tinkr({"init", "--server", url_, "--token-env", "E2E_TOKEN"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  CliRun r = tinkr({"doctor"}, {{"E2E_TOKEN", kOncallToken}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("All checks passed."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("otto"), std::string::npos) << r.out;

  CliRun bad = tinkr({"doctor"}, {{"E2E_TOKEN", "tk_wrong"}});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("✗ token"), std::string::npos) << bad.out;

  CliRun list = tinkr({"profile", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("env:E2E_TOKEN"), std::string::npos) << list.out;
}

// `tinkr` reaches an http:// server without loading libcurl (HttpClient's
// built-in transport, net/http_client.h): the dynamic loader's trace
// (LD_DEBUG=files) names every library loaded, dlopen included. With a proxy
// variable set the CLI goes through libcurl, and the same trace shows it.
TEST_F(CliServerE2e, HttpServerIsReachedWithoutLoadingLibcurl) {
  CliRun r = tinkr({"--server", url_, "--token", kViewerToken, "logs", "payments-api", "-n", "5", "--since", "1h"},
                   {{"LD_DEBUG", "files"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_NE(r.err.find("file=libc.so.6"), std::string::npos) << "no loader trace:\n" << r.err;
  EXPECT_EQ(r.err.find("libcurl"), std::string::npos) << r.err;

  // no_proxy=* makes libcurl go direct: the command still works.
  CliRun proxied =
      tinkr({"--server", url_, "--token", kViewerToken, "logs", "payments-api", "-n", "5", "--since", "1h"},
            {{"LD_DEBUG", "files"}, {"http_proxy", "http://127.0.0.1:9"}, {"no_proxy", "*"}});
  EXPECT_EQ(proxied.exit_code, 0) << proxied.out << proxied.err;
  EXPECT_NE(proxied.err.find("file=libcurl.so.4"), std::string::npos) << proxied.err;
  EXPECT_EQ(proxied.out, r.out);
}

TEST(CliServerConfigE2e, BadConfigIsReportedWithItsLine) {
  if (!std::filesystem::exists(kBinDir / "tinkr-server")) GTEST_SKIP() << "tinkr-server not built";
  TempDir home("e2e-bad");
  const auto cfg = home.write_file("config.toml", "[profiles.default]\nbackend = \"local\"\nactive = tru\n");
  ProcessOptions o;
  o.args = {"start", "--port", "0", "--config", cfg.string()};
  o.env["TINKR_HOME"] = home.path().string();
  auto child = ChildProcess::spawn(kBinDir / "tinkr-server", o);
  ASSERT_NE(child, nullptr);
  const auto code = child->wait(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(child->stderr_text().find("config.toml:3"), std::string::npos) << child->stderr_text();
}

}  // namespace
}  // namespace tinkr
