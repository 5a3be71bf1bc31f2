// The Log Analytics simulator's KQL evaluator: it accepts every construct
// the KQL translator and the Azure backend emit — for every table, field
// filters on console tables (extend / parse_json / coalesce) included — and
// refuses the rest with a syntax or semantic error, so a translator change
// that emits KQL the simulator (and possibly Log Analytics) does not know
// fails here first.
#include <gtest/gtest.h>

#include "query/query.h"
#include "scenario/scenario.h"
#include "sim/azure_tables.h"
#include "sim/kql_eval.h"

namespace tinkr::sim {
namespace {

const Timestamp kNow = parse_rfc3339("2026-11-23T09:00:00Z").value();

const kql::Catalog& catalog() {
  static const kql::Catalog c = [] {
    scenario::ScenarioOptions o;
    o.now = kNow;
    o.volume = 0.2;
    auto s = scenario::generate(o);
    return render_azure_tables(s.logs, s.traces);
  }();
  return c;
}

kql::Outcome run(std::string_view q) { return kql::run(catalog(), q, kNow, std::nullopt); }

size_t rows(std::string_view q) {
  auto out = run(q);
  EXPECT_FALSE(out.error.has_value()) << q << "\n" << (out.error ? out.error->message : "");
  return out.table ? out.table->rows.size() : 0;
}

TEST(AzureKqlSim, AcceptsEverythingTheTranslatorEmitsForEveryTable) {
  const char* filters[] = {"*",
                           "timeout",
                           "\"Pool exhausted\"",
                           "NOT timeout",
                           "timeout OR refused",
                           "level:ERROR",
                           "level:(ERROR OR WARN) AND NOT \"health check\"",
                           "level>=WARN",
                           "level<INFO",
                           "status>=500",
                           "http.method:GET",
                           "trace:abc span:def",
                           "svc:payments-api",
                           "msg:\"a \\\" quote\"",
                           "order_id:o-1 OR NOT user.id:u-1",
                           "http.status_code>=500 AND NOT order_id:\"x\\\"y\""};
  const char* types[] = {"",         "exceptions",      "k8s", "ContainerLog", "container_app", "app_service",
                         "function", "AzureDiagnostics"};
  for (const char* rt : types) {
    for (const char* f : filters) {
      for (bool filter_only : {false, true}) {
        query::TranslateContext ctx;
        ctx.service = "payments-api";
        ctx.range = {kNow - std::chrono::hours(1), kNow};
        ctx.resource_type = rt;
        ctx.filter_only = filter_only;
        auto q = query::translate("azure", f, ctx);
        ASSERT_TRUE(q.ok()) << rt << " " << f << ": " << q.error().message;
        auto out = run(q->text);
        EXPECT_FALSE(out.error.has_value()) << rt << " " << f << "\n"
                                            << q->text << "\n"
                                            << (out.error ? out.error->message : "");
      }
    }
  }
}

TEST(AzureKqlSim, Semantics) {
  const size_t all = rows("AppTraces");
  ASSERT_GT(all, 1000u);
  EXPECT_EQ(rows("AppTraces | take 7"), 7u);
  EXPECT_EQ(rows("AppTraces | where TimeGenerated >= ago(30m)"),
            rows("AppTraces | where TimeGenerated between (datetime(2026-11-23T08:30:00Z) .. "
                 "datetime(2026-11-23T09:00:00Z))"));
  EXPECT_EQ(rows("AppTraces | where SeverityLevel in (3, 4)"), rows("AppTraces | where SeverityLevel >= 3"));
  EXPECT_EQ(rows("AppTraces | where Message has \"TimeoutError\""),
            rows("AppTraces | where Message contains \"timeouterror\""));
  EXPECT_EQ(rows("AppTraces | where Message contains_cs \"timeouterror\""), 0u);
  EXPECT_EQ(rows("AppTraces | where not(SeverityLevel == 3) or SeverityLevel == 3"), all);
  EXPECT_EQ(rows("AppTraces | distinct AppRoleName"), 4u);
  EXPECT_EQ(rows("AppRequests | where Success == false and DurationMs > 1000 | project OperationId"),
            rows("AppRequests | where not(Success == true) and DurationMs > 1000"));

  auto ordered = run("AppRequests | project DurationMs, Name | order by DurationMs | take 3");
  ASSERT_TRUE(ordered.table);
  EXPECT_EQ(ordered.table->columns.size(), 2u);
  EXPECT_GE(std::get<double>(ordered.table->rows[0][0]),
            std::get<double>(ordered.table->rows[1][0]));  // desc by default

  auto counts = run("AppTraces | summarize count() by bin(TimeGenerated, 1h), SeverityLevel");
  ASSERT_TRUE(counts.table);
  EXPECT_EQ(counts.table->columns.back().name, "count_");
  int64_t total = 0;
  for (const auto& r : counts.table->rows) total += std::get<int64_t>(r.back());
  EXPECT_EQ(static_cast<size_t>(total), all);

  auto dyn = run("AppTraces | where tostring(Properties[\"peer.service\"]) == \"fraud-check\" | take 1");
  ASSERT_TRUE(dyn.table);
  EXPECT_EQ(dyn.table->rows.size(), 1u);
  // parse_json of a console line, nested paths, coalesce; a line that is not JSON has no fields.
  const size_t with_order = rows(
      "ContainerAppConsoleLogs_CL | extend _json = parse_json(Log_s) | where tostring(_json[\"order_id\"]) != \"\"");
  EXPECT_GT(with_order, 0u);
  EXPECT_EQ(rows("AppTraces | where tostring(Properties[\"order_id\"]) != \"\""), with_order);
  const size_t flat_502 = rows(
      "ContainerAppConsoleLogs_CL | extend j = parse_json(Log_s) | where tostring(j[\"http.status_code\"]) == \"502\"");
  EXPECT_GT(flat_502, 0u);
  EXPECT_EQ(rows("AppServiceConsoleLogs | extend j = parse_json(ResultDescription) | where "
                 "tostring(j[\"http\"][\"status_code\"]) == \"502\""),
            flat_502);
  EXPECT_EQ(rows("AppServiceConsoleLogs | extend j = parse_json(ResultDescription) | where "
                 "todouble(coalesce(tostring(j[\"http.status_code\"]), tostring(j[\"http\"][\"status_code\"]))) >= 502 "
                 "and todouble(coalesce(tostring(j[\"http.status_code\"]), tostring(j[\"http\"][\"status_code\"]))) "
                 "<= 502"),
            flat_502);
  EXPECT_EQ(rows("ContainerLog | extend _json = parse_json(LogEntry) | where tostring(_json[\"order_id\"]) != \"\""),
            0u);
  EXPECT_EQ(rows("ContainerLog | extend _json = parse_json(LogEntry) | where not(tostring(_json[\"order_id\"]) == "
                 "\"x\")"),
            rows("ContainerLog"));
  EXPECT_EQ(rows("AppTraces | where coalesce(tostring(Properties[\"nope\"]), Message) == Message"), all);
}

TEST(AzureKqlSim, RefusesWhatItDoesNotKnow) {
  for (const char* q :
       {"AppTraces | extend x = 1", "AppTraces | extend parse_json(Message)",
        "AppTraces | join (AppRequests) on OperationId", "union AppTraces, AppRequests",
        "AppTraces | summarize avg(DurationMs) by AppRoleName", "AppTraces | count",
        "AppTraces | where Message contains", "AppTraces | where (x == 1", "AppTraces | take ten",
        "AppTraces | where Message == \"unterminated", "let x = 1; AppTraces", "AppTraces | project-away Message",
        "AppTraces | where Message matches regex \"(\"", "AppTraces | where TimeGenerated > now()",
        "AppTraces | where TimeGenerated > datetime(2026-11-23T08:00:00.123456789Z)"}) {
    auto out = run(q);
    EXPECT_TRUE(out.error.has_value()) << q;
  }
  auto unknown = run("AppTracez | take 1");
  ASSERT_TRUE(unknown.error);
  EXPECT_FALSE(unknown.error->syntax);
  EXPECT_NE(unknown.error->message.find("'AppTracez'"), std::string::npos);
  auto column = run("AppTraces | where Mesage contains \"x\"");
  ASSERT_TRUE(column.error);
  EXPECT_NE(column.error->message.find("Failed to resolve scalar expression named 'Mesage'"), std::string::npos);
  auto syntax = run("AppTraces | render timechart");
  ASSERT_TRUE(syntax.error && syntax.error->syntax);
  EXPECT_EQ(syntax.error->token, "render");
  EXPECT_EQ(syntax.error->pos, 12u);
  // extend: only `name = parse_json(…)`, the translator's form.
  auto extend = run("AppTraces | extend x = 1");
  ASSERT_TRUE(extend.error && extend.error->syntax);
  EXPECT_EQ(extend.error->token, "1");
  EXPECT_TRUE(run("AppTraces | extend x = tostring(Message)").error.has_value());
  EXPECT_TRUE(run("AppTraces | extend x = parse_json(Mesage)").error.has_value());
}

}  // namespace
}  // namespace tinkr::sim
