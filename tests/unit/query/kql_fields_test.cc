// KQL field filters per Log Analytics table: the AppTraces query for
// level>=ERROR; attributes from Properties / LogMessage; on the console tables
// (a string line, no dynamic column) documented columns as columns and every
// other field read from the line with parse_json; hostile field names and
// values kept inside string literals; NOT / OR combinations.
#include <gtest/gtest.h>

#include "query/query.h"
#include "query/translators/common.h"

namespace tinkr::query {
namespace {

TranslateContext ctx(std::string resource_type) {
  TranslateContext c;
  c.service = "payments-api";
  c.resource_type = std::move(resource_type);
  c.filter_only = true;
  return c;
}

std::string tr(std::string_view q, const TranslateContext& c) {
  auto r = translate("azure", q, c);
  if (!r.ok()) return "ERROR: " + r.error().message;
  return r->text;
}

// `tinkr logs payments-api --since 1h -q 'level>=ERROR'` on an AppTraces profile: the
// original page's query in spirit (the page writes ago(1h); we write the hour's bounds).
TEST(KqlFields, ThePagesQueryForLevelAtLeastError) {
  TranslateContext c = ctx("app_insights");
  c.filter_only = false;
  c.limit = 100;
  c.range = {parse_rfc3339("2026-11-23T08:00:00Z").value(), parse_rfc3339("2026-11-23T09:00:00Z").value()};
  EXPECT_EQ(tr("level>=ERROR", c),
            "AppTraces | where TimeGenerated >= datetime(2026-11-23T08:00:00Z) and TimeGenerated < "
            "datetime(2026-11-23T09:00:00Z) | where AppRoleName == \"payments-api\" | where SeverityLevel >= 3 | "
            "project TimeGenerated, Message, SeverityLevel, AppRoleName, OperationId, ParentId, Properties | order by "
            "TimeGenerated desc | take 100");
  // level:ERROR is exactly Error on every backend (the original query reference).
  EXPECT_NE(tr("level:ERROR", c).find("| where SeverityLevel == 3 |"), std::string::npos);
}

TEST(KqlFields, DynamicColumnsStayAsTheyWere) {
  EXPECT_EQ(tr("user.id:42", ctx("")),
            "AppTraces | where AppRoleName == \"payments-api\" | where tostring(Properties[\"user.id\"]) == \"42\"");
  // ContainerLogV2's LogMessage is the JSON line: a dotted name is the flat key, else the nested path.
  EXPECT_EQ(tr("user.id:42 order_id:7", ctx("k8s")),
            "ContainerLogV2 | where ContainerName == \"payments-api\" | where "
            "tostring(coalesce(tostring(LogMessage[\"user.id\"]), tostring(LogMessage[\"user\"][\"id\"]))) == \"42\" "
            "and tostring(LogMessage[\"order_id\"]) == \"7\"");
}

TEST(KqlFields, ConsoleTablesReadTheJsonLine) {
  EXPECT_EQ(tr("order_id:123", ctx("container_app")),
            "ContainerAppConsoleLogs_CL | where ContainerAppName_s == \"payments-api\" | extend _json = "
            "parse_json(Log_s) | where tostring(_json[\"order_id\"]) == \"123\"");
  EXPECT_EQ(tr("user.id:42", ctx("ContainerLog")),
            "ContainerLog | where Name endswith \"/payments-api\" | extend _json = parse_json(LogEntry) | where "
            "tostring(coalesce(tostring(_json[\"user.id\"]), tostring(_json[\"user\"][\"id\"]))) == \"42\"");
  EXPECT_EQ(tr("http.status_code>=500", ctx("app_service")),
            "AppServiceConsoleLogs | where _ResourceId endswith \"/sites/payments-api\" | extend _json = "
            "parse_json(ResultDescription) | where todouble(coalesce(tostring(_json[\"http.status_code\"]), "
            "tostring(_json[\"http\"][\"status_code\"]))) >= 500");
  EXPECT_EQ(tr("order_id:1", ctx("function")),
            "FunctionAppLogs | where AppName == \"payments-api\" | extend _json = parse_json(Message) | where "
            "tostring(_json[\"order_id\"]) == \"1\"");
  EXPECT_EQ(tr("order_id:1", ctx("AzureDiagnostics")),
            "AzureDiagnostics | where Resource =~ \"payments-api\" | extend _json = parse_json(Message) | where "
            "tostring(_json[\"order_id\"]) == \"1\"");
  // No attribute: no parse.
  EXPECT_EQ(tr("timeout level:ERROR", ctx("container_app")).find("extend"), std::string::npos);
}

TEST(KqlFields, KnownColumnsStayColumns) {
  EXPECT_EQ(tr("Host:lw0 OperationName:x", ctx("app_service")),
            "AppServiceConsoleLogs | where _ResourceId endswith \"/sites/payments-api\" | where tostring(Host) == "
            "\"lw0\" and tostring(OperationName) == \"x\"");
  EXPECT_EQ(tr("FunctionName:Handler EventId>=3", ctx("function")),
            "FunctionAppLogs | where AppName == \"payments-api\" | where tostring(FunctionName) == \"Handler\" and "
            "todouble(EventId) >= 3");
  EXPECT_EQ(tr("LogEntrySource:stderr", ctx("ContainerLog")),
            "ContainerLog | where Name endswith \"/payments-api\" | where tostring(LogEntrySource) == \"stderr\"");
  EXPECT_EQ(tr("RevisionName_s:r1", ctx("container_app")),
            "ContainerAppConsoleLogs_CL | where ContainerAppName_s == \"payments-api\" | where "
            "tostring(RevisionName_s) == \"r1\"");
  // Columns Log Analytics adds with a type suffix (custom logs, AzureDiagnostics), quoted.
  EXPECT_EQ(tr("httpStatus_d>=500 requestUri_s:\"/pay\"", ctx("AzureDiagnostics")),
            "AzureDiagnostics | where Resource =~ \"payments-api\" | where todouble([\"httpStatus_d\"]) >= 500 and "
            "tostring([\"requestUri_s\"]) == \"/pay\"");
  // Names are case-sensitive, as KQL's: `host` is a field of the line, `Host` the column.
  EXPECT_NE(tr("host:x", ctx("app_service")).find("tostring(_json[\"host\"]) == \"x\""), std::string::npos);
  // The suffix rule is for custom-log tables only.
  EXPECT_NE(tr("x_s:1", ctx("function")).find("tostring(_json[\"x_s\"])"), std::string::npos);
}

TEST(KqlFields, NotAndOrCombinations) {
  EXPECT_EQ(tr("NOT order_id:1 OR status>=500", ctx("container_app")),
            "ContainerAppConsoleLogs_CL | where ContainerAppName_s == \"payments-api\" | extend _json = "
            "parse_json(Log_s) | where not(tostring(_json[\"order_id\"]) == \"1\") or todouble(_json[\"status\"]) >= "
            "500");
  EXPECT_EQ(tr("level:ERROR AND (order_id:(1 OR 2)) AND NOT Stream_s:stdout", ctx("container_app")),
            "ContainerAppConsoleLogs_CL | where ContainerAppName_s == \"payments-api\" | extend _json = "
            "parse_json(Log_s) | where Log_s matches regex \"\\\\b(?i)(error|err)\\\\b\" and "
            "(tostring(_json[\"order_id\"]) == \"1\" or tostring(_json[\"order_id\"]) == \"2\") and "
            "not(tostring(Stream_s) == \"stdout\")");
  // The whole query, projected: the extend comes after the service filter, before the field filter.
  TranslateContext c = ctx("container_app");
  c.filter_only = false;
  c.limit = 5;
  EXPECT_EQ(tr("order_id:1", c),
            "ContainerAppConsoleLogs_CL | where ContainerAppName_s == \"payments-api\" | extend _json = "
            "parse_json(Log_s) | where tostring(_json[\"order_id\"]) == \"1\" | project TimeGenerated, Log_s, "
            "Stream_s, ContainerAppName_s, RevisionName_s | order by TimeGenerated desc | take 5");
}

TEST(KqlFields, HostileValuesAndNamesStayLiterals) {
  EXPECT_EQ(tr("order_id:\"1\\\" or true or \\\"\"", ctx("container_app")),
            "ContainerAppConsoleLogs_CL | where ContainerAppName_s == \"payments-api\" | extend _json = "
            "parse_json(Log_s) | where tostring(_json[\"order_id\"]) == \"1\\\" or true or \\\"\"");
  EXPECT_NE(tr("order_id:\"a\\nb | take 1\"", ctx("ContainerLog")).find("== \"a\\nb | take 1\""), std::string::npos);
  // The parser only lets [A-Za-z0-9_.-] names through; the translator escapes whatever it is given.
  Node n;
  n.kind = NodeKind::kField;
  n.field = "x\"] or true //.y\n";
  n.value = "v";
  auto q = detail::to_kql(n, ctx("container_app"));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->text,
            "ContainerAppConsoleLogs_CL | where ContainerAppName_s == \"payments-api\" | extend _json = "
            "parse_json(Log_s) | where tostring(coalesce(tostring(_json[\"x\\\"] or true //.y\\n\"]), "
            "tostring(_json[\"x\\\"] or true //\"][\"y\\n\"]))) == \"v\"");
  // A hostile name that looks like a typed column is not one: it is not a plain identifier.
  n.field = "a\"]) or true or ([\"_s";
  q = detail::to_kql(n, ctx("AzureDiagnostics"));
  ASSERT_TRUE(q.ok());
  EXPECT_NE(q->text.find("tostring(_json[\"a\\\"]) or true or ([\\\"_s\"]) == \"v\""), std::string::npos) << q->text;
  n.field = "Host";  // an exact column name is the column
  q = detail::to_kql(n, ctx("app_service"));
  EXPECT_NE(q->text.find("tostring(Host) == \"v\""), std::string::npos) << q->text;
}

}  // namespace
}  // namespace tinkr::query
