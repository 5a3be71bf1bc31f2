// Golden translations: every construct in every dialect.
#include <gtest/gtest.h>

#include "query/query.h"

namespace tinkr::query {
namespace {

TranslateContext ctx(std::string service = "payments-api") {
  TranslateContext c;
  c.service = std::move(service);
  c.range = {parse_rfc3339("2024-05-19T06:00:00Z").value(), parse_rfc3339("2024-05-19T07:00:00Z").value()};
  c.limit = 100;
  return c;
}

std::string tr(std::string_view backend, std::string_view q, const TranslateContext& c = ctx()) {
  auto r = translate(backend, q, c);
  if (!r.ok()) return "ERROR: " + r.error().message;
  return r->text;
}

// ---- Loki ----
TEST(LogQL, SelectorAndLineFilters) {
  EXPECT_EQ(tr("grafana", "*"), R"q({service_name="payments-api"})q");
  EXPECT_EQ(tr("grafana", "*", ctx("")), R"q({service_name=~".+"})q");
  EXPECT_EQ(tr("grafana", "timeout"), R"q({service_name="payments-api"} |~ "(?i)timeout")q");
  EXPECT_EQ(tr("grafana", "\"health check\""), R"q({service_name="payments-api"} |= "health check")q");
  EXPECT_EQ(tr("grafana", "NOT \"health check\""), R"q({service_name="payments-api"} != "health check")q");
  EXPECT_EQ(tr("grafana", "NOT timeout"), R"q({service_name="payments-api"} !~ "(?i)timeout")q");
  EXPECT_EQ(tr("grafana", "timeout OR \"Refused\""), R"q({service_name="payments-api"} |~ "(?i:timeout)|Refused")q");
  EXPECT_EQ(tr("grafana", "a.b"), R"q({service_name="payments-api"} |~ "(?i)a\\.b")q");
  EXPECT_EQ(tr("grafana", "NOT (a OR b)"), R"q({service_name="payments-api"} !~ "(?i)a" !~ "(?i)b")q");
}

TEST(LogQL, LabelFilters) {
  EXPECT_EQ(
      tr("grafana", "level:(ERROR OR WARN) AND NOT \"health check\""),
      R"q({service_name="payments-api"} != "health check" | json | level=~"(?i)(error|err)" or level=~"(?i)(warn|warning)")q");
  EXPECT_EQ(tr("grafana", "status>=500 duration_ms>1000"),
            R"q({service_name="payments-api"} | json | status>=500 | duration_ms>1000)q");
  EXPECT_EQ(tr("grafana", "NOT status>=500"), R"q({service_name="payments-api"} | json | status<500)q");
  EXPECT_EQ(tr("grafana", "http.method:GET OR NOT user-agent:\"curl/8\""),
            R"q({service_name="payments-api"} | json | http_method="GET" or user_agent!="curl/8")q");
  EXPECT_EQ(tr("grafana", "trace:abc"), R"q({service_name="payments-api"} | json | trace_id="abc")q");
  TranslateContext c = ctx();
  c.loki_service_label = "app";
  c.loki_parser = "logfmt";
  EXPECT_EQ(tr("grafana", "lvl:warning", c), R"q({app="payments-api"} | logfmt | level=~"(?i)(warn|warning)")q");
  c.loki_parser = "";
  EXPECT_EQ(tr("grafana", "svc:x", c), R"q({app="payments-api"} | app="x")q");
}

TEST(LogQL, Unsupported) {
  EXPECT_NE(tr("grafana", "timeout OR level:ERROR").find("ERROR: LogQL cannot express"), std::string::npos);
  TranslateContext c = ctx();
  c.loki_service_label = "bad label";
  EXPECT_NE(tr("grafana", "x", c).find("ERROR: invalid Loki service label"), std::string::npos);
}

// ---- CloudWatch ----
TEST(Insights, Constructs) {
  const std::string head = "fields @timestamp, @message, @logStream, @log";
  const std::string tail = " | sort @timestamp desc | limit 100";
  EXPECT_EQ(tr("cloudwatch", "*"), head + tail);
  EXPECT_EQ(tr("cloudwatch", "timeout"), head + " | filter @message like /(?i)timeout/" + tail);
  EXPECT_EQ(tr("cloudwatch", "\"a/b\""), head + R"q( | filter @message like "a/b")q" + tail);
  EXPECT_EQ(tr("cloudwatch", "a/b"), head + R"q( | filter @message like /(?i)a\/b/)q" + tail);
  EXPECT_EQ(tr("cloudwatch", "level:ERROR"), head + " | filter `level` like /^(?i)(error|err)$/" + tail);
  EXPECT_EQ(tr("cloudwatch", "status>=500 AND NOT user:bob"),
            head + " | filter `status` >= 500 and not (`user` = \"bob\")" + tail);
  EXPECT_EQ(tr("cloudwatch", "a OR b"), head + " | filter @message like /(?i)a/ or @message like /(?i)b/" + tail);
  TranslateContext c = ctx();
  c.filter_only = true;
  EXPECT_EQ(tr("cloudwatch", "x", c), head + " | filter @message like /(?i)x/");
}

// ---- GCP ----
TEST(CloudLogging, Constructs) {
  const std::string scope =
      R"q(resource.type="cloud_run_revision" AND resource.labels.service_name="payments-api" AND timestamp>="2024-05-19T06:00:00Z" AND timestamp<"2024-05-19T07:00:00Z")q";
  EXPECT_EQ(tr("gcp", "*"), scope);
  EXPECT_EQ(tr("gcp", "timeout"), scope + R"q( AND (textPayload:"timeout" OR jsonPayload.message:"timeout"))q");
  EXPECT_EQ(tr("gcp", "level:ERROR"), scope + " AND severity=ERROR");
  EXPECT_EQ(tr("gcp", "level:INFO"), scope + " AND (severity=INFO OR severity=NOTICE)");
  EXPECT_EQ(tr("gcp", "level:FATAL"), scope + " AND severity>=CRITICAL");
  EXPECT_EQ(tr("gcp", "level>=WARN"), scope + " AND severity>=WARNING");
  EXPECT_EQ(tr("gcp", "status>=500 user-agent:x"),
            scope + R"q( AND (jsonPayload.status>=500 AND jsonPayload."user-agent"="x"))q");
  EXPECT_EQ(tr("gcp", "trace:abc span:def"), scope + R"q( AND (trace:"abc" AND spanId="def"))q");
  TranslateContext c = ctx();
  c.resource_type = "gke";
  c.range = {};
  EXPECT_EQ(
      tr("gcp", "NOT a", c),
      R"q(resource.type="k8s_container" AND resource.labels.container_name="payments-api" AND NOT ((textPayload:"a" OR jsonPayload.message:"a")))q");
  c.resource_type = "mainframe";
  EXPECT_NE(tr("gcp", "a", c).find("ERROR: unknown GCP resource type"), std::string::npos);
}

// ---- Azure ----
TEST(Kql, IssueExample) {
  TranslateContext c = ctx();
  EXPECT_EQ(tr("azure", "level:ERROR", c),
            "AppTraces | where TimeGenerated >= datetime(2024-05-19T06:00:00Z) and TimeGenerated < "
            "datetime(2024-05-19T07:00:00Z) | where AppRoleName == \"payments-api\" | where SeverityLevel == 3 | "
            "project TimeGenerated, Message, SeverityLevel, AppRoleName, OperationId, ParentId, Properties | order by "
            "TimeGenerated desc | take 100");
  c.range = {};
  c.filter_only = true;
  EXPECT_EQ(tr("azure", "level>=ERROR", c),
            "AppTraces | where AppRoleName == \"payments-api\" | where SeverityLevel >= 3");
}

TEST(Kql, DatetimesAreTicks) {
  TranslateContext c = ctx();
  c.range = {parse_rfc3339("2024-05-19T06:00:00.123456789Z").value(), parse_rfc3339("2024-05-19T07:00:00.5Z").value()};
  c.filter_only = true;
  EXPECT_EQ(tr("azure", "*", c),
            "AppTraces | where TimeGenerated >= datetime(2024-05-19T06:00:00.1234568Z) and TimeGenerated < "
            "datetime(2024-05-19T07:00:00.500Z) | where AppRoleName == \"payments-api\"");
}

TEST(Kql, TablesAndColumns) {
  TranslateContext c = ctx();
  c.range = {};
  c.filter_only = true;
  EXPECT_EQ(tr("azure", "timeout \"Pool\" trace:t1", c),
            "AppTraces | where AppRoleName == \"payments-api\" | where Message contains \"timeout\" and Message "
            "contains_cs \"Pool\" and OperationId == \"t1\"");
  EXPECT_EQ(tr("azure", "status>=500 OR NOT http.method:GET", c),
            "AppTraces | where AppRoleName == \"payments-api\" | where todouble(Properties[\"status\"]) >= 500 or "
            "not(tostring(Properties[\"http.method\"]) == \"GET\")");
  c.resource_type = "exceptions";
  EXPECT_EQ(tr("azure", "level:CRITICAL", c),
            "AppExceptions | where AppRoleName == \"payments-api\" | where SeverityLevel == 4");
  c.resource_type = "k8s";
  EXPECT_EQ(tr("azure", "level:WARN pod:x", c),
            "ContainerLogV2 | where ContainerName == \"payments-api\" | where LogLevel in~ (\"warn\", \"warning\") and "
            "tostring(LogMessage[\"pod\"]) == \"x\"");
  c.resource_type = "ContainerLog";
  EXPECT_EQ(tr("azure", "level:ERROR", c),
            "ContainerLog | where Name endswith \"/payments-api\" | where LogEntry matches regex "
            "\"\\\\b(?i)(error|err)\\\\b\"");
  c.resource_type = "container_app";
  EXPECT_EQ(
      tr("azure", "boom", c),
      "ContainerAppConsoleLogs_CL | where ContainerAppName_s == \"payments-api\" | where Log_s contains \"boom\"");
  c.resource_type = "app_service";
  EXPECT_EQ(tr("azure", "*", c), "AppServiceConsoleLogs | where _ResourceId endswith \"/sites/payments-api\"");
  c.resource_type = "function";
  EXPECT_EQ(tr("azure", "level:INFO", c),
            "FunctionAppLogs | where AppName == \"payments-api\" | where Level in~ (\"info\", \"information\", "
            "\"informational\", \"notice\")");
  c.resource_type = "AzureDiagnostics";
  EXPECT_EQ(tr("azure", "Category:x", c),
            "AzureDiagnostics | where Resource =~ \"payments-api\" | where tostring(Category) == \"x\"");
}

// ---- Datadog ----
TEST(Datadog, Constructs) {
  EXPECT_EQ(tr("datadog", "*"), "service:\"payments-api\"");
  EXPECT_EQ(tr("datadog", "*", ctx("")), "*");
  EXPECT_EQ(tr("datadog", "timeout", ctx("")), "timeout");
  EXPECT_EQ(tr("datadog", "level:(ERROR OR WARN) AND NOT \"health check\"", ctx("web")),
            "service:web AND (status:error OR status:warn) AND NOT (\"health check\")");
  EXPECT_EQ(tr("datadog", "status>=500 http.url:\"/a b\"", ctx("")), "@status:>=500 AND @http.url:\"/a b\"");
  EXPECT_EQ(tr("datadog", "a OR b", ctx("web")), "service:web AND (a OR b)");
  EXPECT_EQ(tr("datadog", "trace:1 span:2", ctx("")), "trace_id:1 AND @dd.span_id:2");
  EXPECT_EQ(tr("datadog", "level:CRITICAL", ctx("")), "status:(critical OR alert OR emergency)");
}

// ---- Elastic / OpenSearch ----
TEST(Elastic, Constructs) {
  TranslateContext c = ctx("");
  c.range = {};
  EXPECT_EQ(tr("elastic", "*", c),
            R"q({"size":100,"sort":[{"@timestamp":{"order":"desc"}}],"query":{"match_all":{}}})q");
  EXPECT_EQ(
      tr("elastic", "level:ERROR status>=500", c),
      R"q({"size":100,"sort":[{"@timestamp":{"order":"desc"}}],"query":{"bool":{"filter":[{"terms":{"log.level":["error","ERROR","err","ERR"]}},{"range":{"status":{"gte":500}}}]}}})q");
  c.filter_only = true;
  EXPECT_EQ(
      tr("elastic", "a OR NOT \"b c\"", c),
      R"q({"query":{"bool":{"filter":[{"bool":{"should":[{"match_phrase":{"message":"a"}},{"bool":{"must_not":[{"match_phrase":{"message":"b c"}}]}}],"minimum_should_match":1}}]}}})q");
  EXPECT_EQ(
      tr("otel", "level>=WARN http.method:GET", c),
      R"q({"query":{"bool":{"filter":[{"range":{"severityNumber":{"gte":13,"lte":24}}},{"term":{"log.attributes.http@method":"GET"}}]}}})q");
  EXPECT_EQ(
      tr("elastic", "svc:a trace:t span:s duration>1.5", c),
      R"q({"query":{"bool":{"filter":[{"term":{"service.name":"a"}},{"term":{"trace.id":"t"}},{"term":{"span.id":"s"}},{"range":{"duration":{"gt":1.5E0}}}]}}})q");
}

// The display form: indented, strings escaped as in the body, numbers exactly as sent.
TEST(Elastic, PrintableIsIndentedBody) {
  auto q = translate("otel", "level>=ERROR (a.b:\"x\\\"y\" OR d>0.30000000000000004) NOT *", ctx());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(
      q->text,
      R"q({"size":100,"sort":[{"time":{"order":"desc"}}],"query":{"bool":{"filter":[{"range":{"time":{"gte":"2024-05-19T06:00:00Z","lt":"2024-05-19T07:00:00Z","format":"strict_date_optional_time_nanos"}}},{"term":{"serviceName":"payments-api"}},{"range":{"severityNumber":{"gte":17,"lte":24}}},{"bool":{"should":[{"term":{"log.attributes.a@b":"x\"y"}},{"range":{"log.attributes.d":{"gt":3.0000000000000004E-1}}}],"minimum_should_match":1}},{"bool":{"must_not":[{"match_all":{}}]}}]}}})q");
  EXPECT_EQ(printable(*q), R"q({
  "size": 100,
  "sort": [
    {
      "time": {
        "order": "desc"
      }
    }
  ],
  "query": {
    "bool": {
      "filter": [
        {
          "range": {
            "time": {
              "gte": "2024-05-19T06:00:00Z",
              "lt": "2024-05-19T07:00:00Z",
              "format": "strict_date_optional_time_nanos"
            }
          }
        },
        {
          "term": {
            "serviceName": "payments-api"
          }
        },
        {
          "range": {
            "severityNumber": {
              "gte": 17,
              "lte": 24
            }
          }
        },
        {
          "bool": {
            "should": [
              {
                "term": {
                  "log.attributes.a@b": "x\"y"
                }
              },
              {
                "range": {
                  "log.attributes.d": {
                    "gt": 3.0000000000000004E-1
                  }
                }
              }
            ],
            "minimum_should_match": 1
          }
        },
        {
          "bool": {
            "must_not": [
              {
                "match_all": {}
              }
            ]
          }
        }
      ]
    }
  }
})q");
}

// ---- SQL ----
TEST(Sql, FullSelectWithParameters) {
  auto r = translate("local", "level:(ERROR OR WARN) AND NOT \"health check\" status>=500 user:bob", ctx());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text,
            "SELECT id, ts, service, level, message, trace_id, span_id, attributes FROM logs WHERE ts >= ? AND ts < ? "
            "AND service = ? AND ((level = ? OR level = ?) AND NOT IFNULL((instr(message, ?) > 0), 0) AND "
            "CAST(json_extract(attributes, ?) AS REAL) >= ? AND json_extract(attributes, ?) = ?) ORDER BY ts DESC "
            "LIMIT ?");
  std::vector<SqlParam> expected = {int64_t{1716098400000000000},
                                    int64_t{1716102000000000000},
                                    std::string("payments-api"),
                                    int64_t{5},
                                    int64_t{4},
                                    std::string("health check"),
                                    std::string("$.\"status\""),
                                    500.0,
                                    std::string("$.\"user\""),
                                    std::string("bob"),
                                    int64_t{100}};
  EXPECT_EQ(r->params, expected);
}

TEST(Sql, LikeEscapingAndWhereFragment) {
  TranslateContext c;
  auto f = translate_sql_filter("50%_off\\", c);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->where, "(message LIKE ? ESCAPE '\\')");
  ASSERT_EQ(f->params.size(), 1u);
  EXPECT_EQ(std::get<std::string>(f->params[0]), "%50\\%\\_off\\\\%");
  auto all = translate_sql_filter("*", c);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->where, "1");
  c.newest_first = false;
  auto q = translate("local", "trace:abc", c);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->text,
            "SELECT id, ts, service, level, message, trace_id, span_id, attributes FROM logs WHERE (trace_id = ?) "
            "ORDER BY ts ASC LIMIT ?");
  EXPECT_NE(printable(*q).find("-- ?1 = 'abc'"), std::string::npos);
}

// ---- pass-through ----
TEST(Passthrough, NativeTextIsKept) {
  auto loki = translate("grafana", R"q(  {job="x"} |= "a")q", ctx());
  ASSERT_TRUE(loki.ok());
  EXPECT_TRUE(loki->passthrough);
  EXPECT_EQ(loki->text, R"q({job="x"} |= "a")q");
  EXPECT_TRUE(translate("datadog", "@http.status_code:500", ctx())->passthrough);
  EXPECT_TRUE(translate("cloudwatch", "fields @message | limit 5", ctx())->passthrough);
  EXPECT_TRUE(translate("azure", "AppRequests | take 5", ctx())->passthrough);
  auto gcp = translate("gcp", "severity>=ERROR", ctx());
  ASSERT_TRUE(gcp.ok());
  EXPECT_EQ(gcp->text,
            R"q((severity>=ERROR) AND timestamp>="2024-05-19T06:00:00Z" AND timestamp<"2024-05-19T07:00:00Z")q");
  EXPECT_TRUE(translate("gcp", "resource.type=\"gce_instance\"", ctx())->passthrough);
  EXPECT_TRUE(translate("gcp", "labels.x=\"y\"", ctx())->passthrough);
  // Our own syntax is not mistaken for native text.
  EXPECT_FALSE(translate("gcp", "severity:ERROR", ctx())->passthrough);
  EXPECT_FALSE(translate("azure", "AppTraces", ctx())->passthrough);
  EXPECT_FALSE(translate("cloudwatch", "\"a|b\"", ctx())->passthrough);
}

TEST(Backends, NamesAndErrors) {
  EXPECT_EQ(dialect_for_backend("Loki").value(), Dialect::kLogQL);
  EXPECT_EQ(dialect_for_backend("opensearch").value(), Dialect::kOpenSearch);
  auto bad = translate("splunk", "x", ctx());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("expected cloudwatch, gcp"), std::string::npos);
  TranslateContext c = ctx();
  c.service = std::string("\xff\xfe");
  EXPECT_FALSE(translate("grafana", "x", c).ok());
}

}  // namespace
}  // namespace tinkr::query
