// The Grafana backend's parsers against the vetted vendor samples
// (shared/conformance/grafana-loki, grafana-tempo, prometheus).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "backends/grafana/loki_mapping.h"
#include "backends/grafana/prometheus_queries.h"
#include "backends/grafana/tempo_mapping.h"

namespace tinkr::grafana {
namespace {

std::string sample(const std::string& rel) {
  std::ifstream in(std::string(TINKR_SHARED_DIR) + "/conformance/" + rel);
  EXPECT_TRUE(in.good()) << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(GrafanaLokiMapping, StreamsDocExample) {
  auto r = parse_loki_streams(sample("grafana-loki/query_range_streams.response.json"), {"job"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->entries.size(), 2u);
  const LogEntry& e = r->entries[0];
  EXPECT_EQ(to_unix_nanos(e.time), 1569266497240578000);
  EXPECT_EQ(e.message, "foo");
  EXPECT_EQ(e.service, "varlogs");
  EXPECT_EQ(e.level, Level::kInfo);
  EXPECT_EQ(e.attributes.at("filename"), "/var/log/myproject.log");
}

TEST(GrafanaLokiMapping, CategorizedLabelsGoToAttributes) {
  auto r = parse_loki_streams(sample("grafana-loki/query_range_streams_categorized.response.json"), {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->entries.size(), 3u);
  EXPECT_EQ(r->warnings, std::vector<std::string>{"this is a warning"});
  EXPECT_EQ(r->entries[0].attributes.size(), 1u);  // only the stream label "test"
  EXPECT_EQ(r->entries[1].attributes.at("foo"), "a");
  EXPECT_EQ(r->entries[2].attributes.at("msg"), "text");  // parsed label
  EXPECT_EQ(to_unix_nanos(r->entries[2].time), 123456789012347);
}

TEST(GrafanaLokiMapping, LevelFromMetadataOrLine) {
  const std::string body = R"({"status":"success","data":{"resultType":"streams","result":[
    {"stream":{"service_name":"api"},"values":[
      ["1","plain",{"structuredMetadata":{"detected_level":"warn","trace_id":"abc","span_id":"def"}}],
      ["2","{\"level\":\"error\",\"msg\":\"x\"}"],
      ["3","ts=1 level=debug msg=\"y\""],
      ["4","no level here"]]}]}})";
  auto r = parse_loki_streams(body, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->entries.size(), 4u);
  EXPECT_EQ(r->entries[0].level, Level::kWarn);
  EXPECT_EQ(r->entries[0].trace_id, "abc");
  EXPECT_EQ(r->entries[0].span_id, "def");
  EXPECT_EQ(r->entries[0].service, "api");
  EXPECT_EQ(r->entries[1].level, Level::kError);
  EXPECT_EQ(r->entries[2].level, Level::kDebug);
  EXPECT_EQ(r->entries[3].level, Level::kUnknown);
}

TEST(GrafanaLokiMapping, GarbageIsAnError) {
  EXPECT_FALSE(parse_loki_streams("<html>nginx</html>", {}).ok());
  EXPECT_FALSE(parse_loki_streams(R"({"status":"success","data":{"resultType":"matrix","result":[]}})", {}).ok());
  EXPECT_FALSE(
      parse_loki_streams(
          R"({"status":"success","data":{"resultType":"streams","result":[{"stream":{},"values":[[true,"x"]]}]}})", {})
          .ok());
}

TEST(GrafanaLokiMapping, MatrixAndVector) {
  auto m = parse_matrix_answer(sample("grafana-loki/query_range_matrix_count_over_time.response.json"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->series.size(), 2u);
  EXPECT_EQ(m->series[0].labels.at("level"), "error");
  ASSERT_EQ(m->series[0].points.size(), 3u);
  EXPECT_EQ(to_unix_nanos(m->series[0].points[2].time), 1588889700500000000);
  EXPECT_DOUBLE_EQ(m->series[0].points[2].value, 12);

  auto p = parse_matrix_answer(sample("prometheus/query_range.response.json"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->series[0].labels.at("__name__"), "up");
  EXPECT_EQ(to_unix_nanos(p->series[0].points[0].time), 1435781430781000000);

  auto w = parse_matrix_answer(sample("prometheus/query_with_warnings.response.json"));
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->series[0].points.empty());  // NaN dropped
  EXPECT_TRUE(w->series[1].points.empty());  // +Inf dropped
  EXPECT_EQ(w->warnings.size(), 1u);

  auto s = parse_matrix_answer(sample("prometheus/query_scalar.response.json"));
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->series.at(0).points.at(0).value, 2);

  EXPECT_FALSE(parse_matrix_answer(sample("prometheus/error_bad_data.response.json")).ok());
}

TEST(GrafanaLokiMapping, LabelValues) {
  auto v = parse_label_values(sample("grafana-loki/label_values.response.json"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (std::vector<std::string>{"cat", "dog", "axolotl"}));
  EXPECT_TRUE(parse_label_values(R"({"status":"success"})").value().empty());
}

TEST(GrafanaPrometheus, EscapingAndTemplates) {
  EXPECT_EQ(escape_promql_string(R"(a"b\c)"), R"(a\"b\\c)");
  EXPECT_EQ(escape_promql_string("x\ny"), "x\\ny");
  auto r = resolve_metric("latency_p99", R"(evil"} or vector(1) #)", {});
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->promql.find(R"(job="evil\"} or vector(1) #")"), std::string::npos);
  EXPECT_EQ(r->unit, "s");
  EXPECT_TRUE(r->alias);

  std::map<std::string, std::string, std::less<>> overrides = {{"cpu", "my_cpu{svc=\"{{ service }}\"}"}};
  auto c = resolve_metric("cpu", "payments-api", overrides);
  EXPECT_EQ(c->promql, "my_cpu{svc=\"payments-api\"}");
  EXPECT_EQ(c->unit, "1");

  auto raw = resolve_metric("process_resident_memory_bytes", "", {});
  EXPECT_FALSE(raw->alias);
  EXPECT_EQ(raw->promql, "process_resident_memory_bytes");
  EXPECT_EQ(raw->unit, "By");

  EXPECT_EQ(resolve_metric("request_rate", "", {}).error().code, ErrorCode::kInvalidArgument);
}

TEST(GrafanaPrometheus, SixDefaultAliasesCarryTheService) {
  const std::map<std::string, std::string> units = {
      {"request_rate", "req/s"}, {"error_rate", "1"}, {"latency_p99", "s"},
      {"latency_p50", "s"},      {"cpu", "1"},        {"memory", "By"}};
  for (const auto& [alias, unit] : units) {
    SCOPED_TRACE(alias);
    auto r = resolve_metric(alias, "payments-api", {});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->alias);
    EXPECT_EQ(r->name, alias);
    EXPECT_EQ(r->unit, unit);
    std::string filled = default_metric_templates().at(alias);
    for (size_t at; (at = filled.find("{{service}}")) != std::string::npos;) filled.replace(at, 11, "payments-api");
    EXPECT_EQ(r->promql, filled);
    EXPECT_NE(r->promql.find(R"(job="payments-api")"), std::string::npos) << r->promql;
    EXPECT_EQ(r->promql.find("{{"), std::string::npos) << r->promql;
  }
  EXPECT_NE(default_metric_templates().at("latency_p50").find("histogram_quantile(0.5,"), std::string::npos);
  EXPECT_NE(default_metric_templates().at("latency_p99").find("histogram_quantile(0.99,"), std::string::npos);
  EXPECT_EQ(default_metric_templates().size(), 6u);
}

TEST(GrafanaPrometheus, StepStaysUnderElevenThousandPoints) {
  const Timestamp t0 = from_unix_nanos(0);
  EXPECT_EQ(choose_step({t0, t0 + std::chrono::hours(1)}, Nanos(0)), std::chrono::seconds(15));
  EXPECT_EQ(choose_step({t0, t0 + std::chrono::hours(1)}, std::chrono::seconds(60)), std::chrono::seconds(60));
  const TimeRange year{t0, t0 + std::chrono::hours(24 * 365)};
  const Nanos step = choose_step(year, std::chrono::seconds(1));
  EXPECT_LE(year.length() / step + 1, 11000);
  EXPECT_EQ(prometheus_time(from_unix_nanos(1700000000123456789)), "1700000000.123");
  EXPECT_EQ(prometheus_time(from_unix_nanos(1700000000000000000)), "1700000000");
}

TEST(GrafanaTempoMapping, Ids) {
  EXPECT_EQ(normalize_id("W47/95gDgQPSabYzgT/HAA==", 32).value(), "5b8efff798038103d269b633813fc700");
  EXPECT_EQ(normalize_id("7uGbfsPBsQA=", 16).value(), "eee19b7ec3c1b100");
  EXPECT_EQ(normalize_id("d6e9329d67b6146a", 32).value(), "0000000000000000d6e9329d67b6146a");
  EXPECT_EQ(normalize_id("ABCDEF", 16).value(), "0000000000abcdef");
  EXPECT_FALSE(normalize_id("", 16).has_value());
  EXPECT_FALSE(normalize_id("not an id!!", 16).has_value());
  EXPECT_EQ(parse_user_trace_id("D6E9").value(), std::string(28, '0') + "d6e9");
  EXPECT_EQ(parse_user_trace_id("../../etc").error().code, ErrorCode::kInvalidArgument);
}

TEST(GrafanaTempoMapping, SearchSamples) {
  auto r = parse_tempo_search(sample("grafana-tempo/search_tags.response.json"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].trace_id, "0000000000000000d6e9329d67b6146a");
  EXPECT_EQ((*r)[0].root_service, "frontend");
  EXPECT_EQ((*r)[0].root_name, "/cart");
  EXPECT_EQ((*r)[0].duration, std::chrono::milliseconds(611));
  EXPECT_EQ(to_unix_nanos((*r)[0].start), 1634727903545000000);

  auto e = parse_tempo_search(sample("grafana-tempo/search_traceql_status_error.response.json"));
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE((*e)[0].has_error);
  auto q = parse_tempo_search(sample("grafana-tempo/search_traceql.response.json"));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)[0].duration, std::chrono::seconds(10));
}

TEST(GrafanaTempoMapping, TraceByIdV1V2AndConstructed) {
  for (const char* f : {"grafana-tempo/trace_by_id_v1.response.json", "grafana-tempo/trace_by_id_v2.response.json"}) {
    auto t = parse_tempo_trace(sample(f));
    ASSERT_TRUE(t.ok()) << f << ": " << t.error().message;
    ASSERT_EQ(t->spans.size(), 1u);
    EXPECT_EQ(t->trace_id, "5b8efff798038103d269b633813fc700");
    EXPECT_EQ(t->spans[0].span_id, "eee19b7ec3c1b100");
    EXPECT_EQ(t->spans[0].service, "my.service");
    EXPECT_EQ(t->spans[0].kind, SpanKind::kServer);
    EXPECT_EQ(t->spans[0].attributes.at("my.span.attr"), "some value");
    EXPECT_EQ(t->root_name, "I am a span!");
  }
  auto t = parse_tempo_trace(sample("grafana-tempo/trace_by_id_v1_constructed.response.json"));
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->spans.size(), 3u);
  EXPECT_EQ(t->trace_id, "2f3e0cee77ae5dc9c17ade3689eb2e54");
  EXPECT_EQ(t->spans[0].span_id, "563d623c76514f8e");
  EXPECT_EQ(t->spans[0].parent_span_id, "");
  EXPECT_EQ(t->spans[1].parent_span_id, "563d623c76514f8e");
  EXPECT_EQ(t->spans[0].status, SpanStatus::kError);
  EXPECT_EQ(t->spans[0].status_message, "billing backend failed");
  EXPECT_EQ(t->spans[0].attributes.at("http.status_code"), "500");
  EXPECT_EQ(t->spans[0].attributes.at("retry"), "true");
  EXPECT_EQ(t->spans[0].attributes.at("resource.k8s.pod.name"), "shop-backend-7d9f8b6c4-x2x9z");
  EXPECT_EQ(t->spans[1].attributes.at("exception.message"), "connection reset");
  EXPECT_EQ(t->spans[0].duration, std::chrono::milliseconds(557));
  EXPECT_TRUE(t->has_error);
  EXPECT_EQ(t->root_service, "shop-backend");
}

TEST(GrafanaTempoMapping, TraceQL) {
  TraceQuery q;
  EXPECT_EQ(build_traceql(q).value(), "{ }");
  q.service = R"(pay"ments)";
  q.errors_only = true;
  q.min_duration = std::chrono::milliseconds(500);
  q.tags = {{"http.method", "GET"}, {"user-agent", "curl"}};
  EXPECT_EQ(
      build_traceql(q).value(),
      R"({ resource.service.name = "pay\"ments" && .http.method = "GET" && ."user-agent" = "curl" } && { status = error } && { traceDuration >= 500ms })");
  // Numbers and booleans: TraceQL does not convert types, so either the typed value or the string.
  q = TraceQuery{};
  q.tags = {{"http.status_code", "500"}, {"retry", "true"}, {"ratio", "-0.25"}, {"version", "2.1.0"}};
  EXPECT_EQ(build_traceql(q).value(),
            R"({ (.http.status_code = 500 || .http.status_code = "500") && (.ratio = -0.25 || .ratio = "-0.25") )"
            R"(&& (.retry = true || .retry = "true") && .version = "2.1.0" })");
  q.tags = {{"bad key}", "x"}};
  EXPECT_EQ(build_traceql(q).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tinkr::grafana
