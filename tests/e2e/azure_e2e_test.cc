// End to end through the Azure backend: the real `tinkr` → the real
// `tinkr-server` (profile backend = "azure", a service principal from the
// environment) → the Entra ID and Log Analytics simulators in this process,
// the Log Analytics one serving the shared scenario rendered into the
// workspace's tables.
//
// AzureE2e covers `tinkr logs --explain` producing the original page's query
// for `level>=ERROR` on AppTraces, and field filters on console tables without
// a dynamic column (`-r container_app` / `-r app_service`: the JSON line is
// parsed by Log Analytics) returning exactly the lines that carry the value.
// One simulator set and server per suite; every CLI run is bounded.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/json.h"
#include "e2e/e2e_support.h"
#include "e2e/grafana_stack.h"
#include "scenario/scenario.h"
#include "sim/azure_identity_sim.h"
#include "sim/azure_log_analytics_sim.h"

namespace tinkr {
namespace {

using e2e::CliRun;
using e2e::TinkrServer;

const std::string kWorkspace = "63613592-b6f7-4c3d-a390-22ba13102111";

struct AzureStack {
  scenario::Scenario data = e2e::recent_scenario();
  sim::AzureIdentitySim identity{[] {
    sim::AzureIdentitySimOptions o;
    o.client_secret = "e2e-secret-not-real";
    return o;
  }()};
  sim::AzureLogAnalyticsSim la{data.logs, data.traces, [] {
                                 sim::AzureLogAnalyticsSimOptions o;
                                 o.workspace_id = kWorkspace;
                                 o.accept_opaque_prefix = "sim-";  // the identity simulator's tokens
                                 return o;
                               }()};
  std::unique_ptr<TinkrServer> server;

  AzureStack() {
    const sim::AzureIdentitySimOptions io;
    server = std::make_unique<TinkrServer>(fmt::format(R"([profiles.azure-e2e]
backend = "azure"
active = true
workspace_id = "{}"
log_analytics_endpoint = "{}"
credential = "EnvironmentCredential"
timeout = "10s"
)",
                                                       kWorkspace, la.url()),
                                           std::map<std::string, std::string>{
                                               {"AZURE_TENANT_ID", io.tenant_id},
                                               {"AZURE_CLIENT_ID", io.client_id},
                                               {"AZURE_CLIENT_SECRET", "e2e-secret-not-real"},
                                               {"AZURE_AUTHORITY_HOST", identity.url()},
                                           });
  }
};

class AzureE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!e2e::binaries_missing().empty()) return;
    stack_ = new AzureStack();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  void SetUp() override {
    if (const std::string missing = e2e::binaries_missing(); !missing.empty()) GTEST_SKIP() << missing;
    ASSERT_TRUE(stack_->server->ok()) << stack_->server->error();
  }
  static CliRun tinkr(const std::vector<std::string>& args) { return stack_->server->tinkr(args); }

  static std::vector<LogEntry> entries_of(const CliRun& run) {
    auto v = parse_json(run.out);
    EXPECT_TRUE(v.ok()) << run.out;
    if (!v.ok()) return {};
    auto entries = from_json_array<LogEntry>(*find_field(*v, "entries"));
    EXPECT_TRUE(entries.ok()) << run.out;
    return entries.ok() ? *entries : std::vector<LogEntry>{};
  }

  static AzureStack* stack_;
};

AzureStack* AzureE2e::stack_ = nullptr;

TEST_F(AzureE2e, ExplainLevelAtLeastErrorIsThePagesQuery) {
  const size_t before = stack_->la.queries().size();
  CliRun explain = tinkr({"logs", "payments-api", "--since", "1h", "-q", "level>=ERROR", "-n", "100", "--explain"});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  // AppTraces | time filter for the last hour | AppRoleName == "payments-api" | SeverityLevel >= 3 | project … |
  // order by TimeGenerated desc | take 100 (the page writes ago(1h); the bounds are written out).
  static const std::regex kPage(
      R"re(^AppTraces \| where TimeGenerated >= datetime\(([^)]+)\) and TimeGenerated < datetime\(([^)]+)\) \| where AppRoleName == "payments-api" \| where SeverityLevel >= 3 \| project TimeGenerated, Message, SeverityLevel, AppRoleName, OperationId, ParentId, Properties \| order by TimeGenerated desc \| take 100\s*$)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(explain.out, m, kPage)) << explain.out;
  auto from = parse_rfc3339(m[1].str()), to = parse_rfc3339(m[2].str());
  ASSERT_TRUE(from.ok() && to.ok()) << explain.out;
  EXPECT_LE(std::chrono::abs((*to - *from) - std::chrono::hours(1)), std::chrono::seconds(1)) << explain.out;
  EXPECT_EQ(stack_->la.queries().size(), before);  // --explain does not ask Log Analytics

  // And run, the lines are Error or Critical.
  CliRun run = tinkr({"-o", "json", "logs", "payments-api", "--since", "1h", "-q", "level>=ERROR", "-n", "100"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto entries = entries_of(run);
  ASSERT_FALSE(entries.empty()) << run.out;
  for (const auto& e : entries) EXPECT_GE(e.level, Level::kError) << e.message;
}

TEST_F(AzureE2e, FieldFiltersOnConsoleTablesReturnTheRightLines) {
  // The last order id payments-api logged, and every line that carries it.
  std::string order;
  for (const auto& e : stack_->data.logs) {
    if (e.service != scenario::kPaymentsApi) continue;
    if (auto it = e.attributes.find("order_id"); it != e.attributes.end()) order = it->second;
  }
  ASSERT_FALSE(order.empty());
  std::multiset<std::string> expected;
  for (const auto& e : stack_->data.logs) {
    auto it = e.attributes.find("order_id");
    if (e.service == scenario::kPaymentsApi && it != e.attributes.end() && it->second == order)
      expected.insert(e.message);
  }

  for (const char* resource : {"container_app", "app_service"}) {
    CliRun run = tinkr({"-o", "json", "logs", "payments-api", "-r", resource, "--since", "2h", "-n", "1000", "-q",
                        "order_id:" + order});
    ASSERT_EQ(run.exit_code, 0) << resource << ": " << run.err;
    std::multiset<std::string> got;
    for (const auto& e : entries_of(run)) {
      got.insert(e.message);
      EXPECT_EQ(e.attributes.at("order_id"), order) << resource;
      EXPECT_EQ(e.service, "payments-api") << resource;
    }
    EXPECT_EQ(got, expected) << resource;
    EXPECT_NE(stack_->la.queries().back().find("| extend _json = parse_json("), std::string::npos)
        << stack_->la.queries().back();

    // The table shows them too (text output), and a value nobody logged finds nothing.
    CliRun table = tinkr({"logs", "payments-api", "-r", resource, "--since", "2h", "-q", "order_id:" + order});
    ASSERT_EQ(table.exit_code, 0) << resource << ": " << table.err;
    const std::string first_line = expected.begin()->substr(0, expected.begin()->find('\n'));
    EXPECT_NE(table.out.find(first_line), std::string::npos) << table.out;
    CliRun none =
        tinkr({"-o", "json", "logs", "payments-api", "-r", resource, "--since", "2h", "-q", "order_id:no-such"});
    ASSERT_EQ(none.exit_code, 0) << resource << ": " << none.err;
    EXPECT_TRUE(entries_of(none).empty()) << none.out;
  }
}

}  // namespace
}  // namespace tinkr
