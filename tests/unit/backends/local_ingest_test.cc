// Import edge cases and OTLP/JSON conformance for the local store's ingest.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "backends/local/ingest.h"
#include "backends/local/otlp_http.h"
#include "core/json.h"
#include "store/telemetry_store.h"
#include "testing/tempdir.h"

namespace tinkr::local {
namespace {

const TimeRange kAll{from_unix_nanos(0), from_unix_nanos(4'000'000'000'000'000'000)};

std::unique_ptr<store::TelemetryStore> memory_store() {
  return std::move(store::TelemetryStore::open(":memory:")).value();
}

std::vector<LogEntry> all_logs(store::TelemetryStore& s) { return *s.select_logs({"1", {}}, 100000, false); }

TEST(LocalIngest, DetectsFormatsByContent) {
  EXPECT_EQ(detect_format(R"({"resourceLogs":[]})"), Format::kOtlpLogs);
  EXPECT_EQ(detect_format(R"(  {"resourceSpans":[]})", "x.log"), Format::kOtlpTraces);
  EXPECT_EQ(detect_format(R"({"resourceMetrics":[]})"), Format::kOtlpMetrics);
  EXPECT_EQ(detect_format("{\"time\":\"2026-11-23T09:13:00Z\",\"msg\":\"hi\"}\n"), Format::kJsonLines);
  EXPECT_EQ(detect_format("time=2026-11-23T09:13:00Z level=info msg=\"hello world\"\n"), Format::kLogfmt);
  EXPECT_EQ(detect_format("2026-11-23 09:13:00,123 ERROR boom\n  at x\n"), Format::kPlainText);
  EXPECT_EQ(detect_format("# TYPE up gauge\nup{job=\"a\"} 1 1700000000000\n"), Format::kPrometheus);
  EXPECT_EQ(detect_format("http_requests_total{code=\"200\"} 1027 1395066363000\n"), Format::kPrometheus);
  EXPECT_EQ(detect_format("just some words\n"), Format::kUnknown);
}

TEST(LocalIngest, JsonLinesEdgeCases) {
  auto store = memory_store();
  std::string long_line = "{\"ts\":\"2026-11-23T09:13:05Z\",\"msg\":\"" + std::string(kMaxLineBytes, 'x') + "\"}";
  std::string text =
      "{\"time\":\"2026-11-23T09:13:02.5Z\",\"level\":\"error\",\"msg\":\"second\",\"service\":\"api\",\"user\":{"
      "\"id\":7}}\n"
      "{\"time\":\"2026-11-23T09:13:01Z\",\"level\":\"info\",\"msg\":\"first (out of order) — ünïcødé ✓ 日本\"}\n"
      "this is not json\n"
      "{\"msg\":\"no time\"}\n"
      "\n" +
      long_line + "\n" +
      "{\"@timestamp\":1795424401,\"severity\":\"WARN\",\"message\":\"epoch "
      "seconds\",\"trace_id\":\"ABCDEF0123456789ABCDEF0123456789\"}\n"
      "{\"time\":\"2026-11-23T09:13:02.5Z\",\"level\":\"error\",\"msg\":\"second\",\"service\":\"api\",\"user\":{"
      "\"id\":7}}\n"
      "{\"ts\":1795424401000,\"lvl\":50,\"msg\":\"pino ms\"}\n";
  auto r = ingest_text(*store, text, Format::kUnknown, "/var/log/checkout.jsonl");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->logs, 4u);
  EXPECT_EQ(r->duplicates, 1u);
  EXPECT_EQ(r->rejected, 3u);
  ASSERT_EQ(r->problems.size(), 3u);
  EXPECT_EQ(r->problems[0].line, 3u);
  EXPECT_EQ(r->problems[1].line, 4u);
  EXPECT_NE(r->problems[1].reason.find("timestamp"), std::string::npos);
  EXPECT_EQ(r->problems[2].line, 6u);
  auto logs = all_logs(*store);
  ASSERT_EQ(logs.size(), 4u);
  EXPECT_EQ(logs[0].message, "epoch seconds");  // sorted by time on the way out
  EXPECT_EQ(logs[0].trace_id, "abcdef0123456789abcdef0123456789");
  EXPECT_EQ(logs[0].level, Level::kWarn);
  EXPECT_EQ(logs[0].service, "checkout");   // from the file name
  EXPECT_EQ(logs[1].level, Level::kError);  // pino 50
  EXPECT_EQ(logs[2].message, "first (out of order) — ünïcødé ✓ 日本");
  EXPECT_EQ(logs[3].service, "api");
  EXPECT_EQ(logs[3].attributes.at("user.id"), "7");
  EXPECT_EQ(logs[3].time, *parse_rfc3339("2026-11-23T09:13:02.5Z"));
}

TEST(LocalIngest, LogfmtAndPlainTextWithStackTraces) {
  auto store = memory_store();
  auto r = ingest_text(*store,
                       "time=2026-11-23T09:13:00Z level=warn msg=\"disk \\\"almost\\\" full\" app=node pct=93\n"
                       "time=2026-11-23T09:13:01Z level=info msg=\"unterminated\n",
                       Format::kUnknown, "a.log");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->logs, 1u);
  EXPECT_EQ(r->rejected, 1u);
  auto logs = all_logs(*store);
  EXPECT_EQ(logs[0].message, "disk \"almost\" full");
  EXPECT_EQ(logs[0].service, "node");
  EXPECT_EQ(logs[0].attributes.at("pct"), "93");

  auto store2 = memory_store();
  std::string text =
      "orphan continuation\n"
      "2026-11-23 09:13:00,123 INFO payments started\n"
      "2026-11-23 09:13:01,500 [ERROR] charge failed\n"
      "Traceback (most recent call last):\n"
      "  File \"/app/x.py\", line 1, in f\n"
      "TimeoutError: fraud-check request timed out after 5000ms\n"
      "2026-11-23T09:13:02.000+01:00 WARN java side\n"
      "java.lang.IllegalStateException: boom\n"
      "\tat com.x.Y.z(Y.java:10)\n"
      "Caused by: java.io.IOException: eof\n";
  auto r2 = ingest_text(*store2, text, Format::kUnknown, "payments.log");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->logs, 3u);
  EXPECT_EQ(r2->rejected, 1u);
  EXPECT_EQ(r2->problems.at(0).line, 1u);
  logs = all_logs(*store2);
  ASSERT_EQ(logs.size(), 3u);
  EXPECT_EQ(logs[0].time, *parse_rfc3339("2026-11-23T08:13:02Z"));  // +01:00
  EXPECT_EQ(logs[0].level, Level::kWarn);
  EXPECT_NE(logs[0].message.find("Caused by: java.io.IOException"), std::string::npos);
  EXPECT_EQ(logs[1].time, *parse_rfc3339("2026-11-23T09:13:00.123Z"));
  EXPECT_EQ(logs[1].service, "payments");
  EXPECT_EQ(logs[2].level, Level::kError);
  EXPECT_EQ(logs[2].message,
            "[ERROR] charge failed\nTraceback (most recent call last):\n  File \"/app/x.py\", line 1, in f\n"
            "TimeoutError: fraud-check request timed out after 5000ms");
}

IngestOptions prom_options() {
  IngestOptions o;
  o.now = from_unix_nanos(1'800'000'000'000'000'000);
  return o;
}

TEST(LocalIngest, PrometheusAndOpenMetrics) {
  auto store = memory_store();
  auto r = ingest_text(*store,
                       "# HELP http_requests_total The total.\n# TYPE http_requests_total counter\n"
                       "http_requests_total{method=\"post\",code=\"200\",service=\"api\"} 1027 1700000000000\n"
                       "http_requests_total{method=\"post\",code=\"400\",service=\"api\"} 3 1700000000000\n"
                       "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
                       "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
                       "broken{label=\"x} 1\n"
                       "nan_metric NaN 1700000000000\n",
                       Format::kUnknown, "m.prom", prom_options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->points, 3u);
  EXPECT_EQ(r->rejected, 2u);
  auto s = *store->select_metric("http_requests_total", "api", kAll);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].points.at(0).time, from_unix_nanos(1'700'000'000'000'000'000));
  auto dos = *store->select_metric("msdos_file_access_time_seconds", "", kAll);
  ASSERT_EQ(dos.size(), 1u);
  EXPECT_EQ(dos[0].labels.at("path"), "C:\\DIR\\FILE.TXT");
  EXPECT_EQ(dos[0].labels.at("error"), "Cannot find file:\n\"FILE.TXT\"");
  EXPECT_EQ(dos[0].points.at(0).time, from_unix_nanos(1'800'000'000'000'000'000));  // no timestamp: now

  auto om = memory_store();
  auto r2 = ingest_text(*om, "# TYPE cpu gauge\ncpu{service=\"a\"} 0.5 1700000000.5\n# EOF\n", Format::kUnknown, "x");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->points, 1u);
  auto cpu = *om->select_metric("cpu", "a", kAll);
  EXPECT_EQ(cpu.at(0).points.at(0).time, from_unix_nanos(1'700'000'000'500'000'000));  // seconds in OpenMetrics
}

// Built from the OTLP/JSON rules: hex ids (case-insensitive), int64 as strings,
// enums as integers, every AnyValue kind.
constexpr const char* kOtlpLogs = R"({"resourceLogs":[{"resource":{"attributes":[
  {"key":"service.name","value":{"stringValue":"checkout"}},{"key":"host.name","value":{"stringValue":"h1"}}]},
 "scopeLogs":[{"scope":{"name":"s"},"logRecords":[
  {"timeUnixNano":"1700000000123456789","severityNumber":17,"severityText":"Error","body":{"stringValue":"boom"},
   "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","futureField":{"x":1},
   "attributes":[{"key":"s","value":{"stringValue":"v"}},{"key":"i","value":{"intValue":"-9007199254740993"}},
                 {"key":"d","value":{"doubleValue":1.5}},{"key":"b","value":{"boolValue":true}},
                 {"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"2"}]}}},
                 {"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}},
                 {"key":"bytes","value":{"bytesValue":"aGVsbG8="}},{"key":"empty","value":{}}]},
  {"observedTimeUnixNano":1700000001000000000,"severityNumber":9,"body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"login"}}]}}},
  {"severityNumber":9,"body":{"stringValue":"no time"}},
  {"timeUnixNano":"1700000002000000000","body":{"stringValue":"bad id"},"traceId":"xyz"}
 ]}]}]})";

TEST(LocalIngest, OtlpLogsConformance) {
  auto v = *parse_json(kOtlpLogs);
  OtlpDecoded d = decode_otlp_logs(v);
  EXPECT_EQ(d.rejected, 2u);
  ASSERT_EQ(d.logs.size(), 2u);
  const LogEntry& e = d.logs[0];
  EXPECT_EQ(e.time, from_unix_nanos(1700000000123456789));
  EXPECT_EQ(e.service, "checkout");
  EXPECT_EQ(e.level, Level::kError);
  EXPECT_EQ(e.trace_id, "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(e.span_id, "eee19b7ec3c1b174");
  EXPECT_EQ(e.attributes.at("host.name"), "h1");
  EXPECT_EQ(e.attributes.at("s"), "v");
  EXPECT_EQ(e.attributes.at("i"), "-9007199254740993");  // no loss through double
  EXPECT_EQ(e.attributes.at("d"), "1.5");
  EXPECT_EQ(e.attributes.at("b"), "true");
  EXPECT_EQ(e.attributes.at("a"), R"(["x",2])");
  EXPECT_EQ(e.attributes.at("kv"), R"({"k":false})");
  EXPECT_EQ(e.attributes.at("bytes"), "aGVsbG8=");
  EXPECT_EQ(e.attributes.at("empty"), "");
  EXPECT_EQ(d.logs[1].time, from_unix_nanos(1700000001000000000));  // observedTime fallback
  EXPECT_EQ(d.logs[1].message, R"({"event":"login"})");
}

TEST(LocalIngest, OtlpTracesAndMetricsConformance) {
  auto traces = *parse_json(
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
    "scopeSpans":[{"spans":[
     {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"","name":"GET /x","kind":2,
      "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000250000000","status":{"code":2,"message":"bad"}},
     {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"base64 ids","kind":3,
      "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000000000001"},
     {"traceId":"00000000000000000000000000000000","spanId":"eee19b7ec3c1b174","name":"zero id",
      "startTimeUnixNano":"1","endTimeUnixNano":"2"},
     {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","name":"end before start",
      "startTimeUnixNano":"5","endTimeUnixNano":"2"}]}]}]})");
  OtlpDecoded t = decode_otlp_traces(traces);
  EXPECT_EQ(t.rejected, 2u);
  ASSERT_EQ(t.spans.size(), 2u);
  EXPECT_EQ(t.spans[0].kind, SpanKind::kServer);
  EXPECT_EQ(t.spans[0].status, SpanStatus::kError);
  EXPECT_EQ(t.spans[0].duration, std::chrono::milliseconds(250));
  EXPECT_EQ(t.spans[1].trace_id, "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(t.spans[1].span_id, "eee19b7ec3c1b174");

  auto metrics = *parse_json(
      R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
    "scopeMetrics":[{"metrics":[
     {"name":"g","unit":"1","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":0.5}]}},
     {"name":"c","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":"42","attributes":[{"key":"code","value":{"intValue":"200"}}]}]}},
     {"name":"http.server.request.duration","unit":"ms","histogram":{"dataPoints":[{"timeUnixNano":"1700000000000000000",
       "count":"100","sum":2500,"bucketCounts":["50","40","9","1"],"explicitBounds":[10,50,100]}]}},
     {"name":"e","exponentialHistogram":{"dataPoints":[{"timeUnixNano":"1"}]}},
     {"name":"nan","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":"NaN"}]}}]}]}]})");
  OtlpDecoded m = decode_otlp_metrics(metrics);
  EXPECT_EQ(m.rejected, 2u);
  std::map<std::string, MetricSeries> by_name;
  for (auto& s : m.metrics) by_name[s.name] = s;
  EXPECT_EQ(by_name.at("g").points.at(0).value, 0.5);
  EXPECT_EQ(by_name.at("c").points.at(0).value, 42);
  EXPECT_EQ(by_name.at("c").labels.at("code"), "200");
  EXPECT_EQ(by_name.at("c").labels.at("service"), "api");
  EXPECT_DOUBLE_EQ(by_name.at("http.server.request.duration_p50").points.at(0).value, 10.0);
  EXPECT_DOUBLE_EQ(by_name.at("http.server.request.duration_p99").points.at(0).value, 100.0);
  EXPECT_EQ(by_name.at("http.server.request.duration_count").points.at(0).value, 100);
}

TEST(LocalIngest, OtlpHttpAnswers) {
  auto store = memory_store();
  auto ok = handle_otlp_http(*store, "/v1/logs", "application/json", kOtlpLogs);
  EXPECT_EQ(ok.status, 200);
  auto body = *parse_json(ok.body);
  EXPECT_EQ(body.at("partialSuccess").at("rejectedLogRecords").as_string(), "2");  // int64 as string
  EXPECT_FALSE(body.at("partialSuccess").at("errorMessage").as_string().empty());
  EXPECT_EQ(*store->count("logs"), 2);

  auto full = handle_otlp_http(*store, "/v1/traces", "application/json; charset=utf-8", R"({"resourceSpans":[]})");
  EXPECT_EQ(full.status, 200);
  EXPECT_EQ(full.body, "{}");
  auto bad = handle_otlp_http(*store, "/v1/metrics", "application/json", "{nope");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(parse_json(bad.body)->at("code").as_int64(), 3);
  EXPECT_EQ(handle_otlp_http(*store, "/v1/logs", "application/x-protobuf", "\x0a").status, 415);
  EXPECT_EQ(handle_otlp_http(*store, "/v1/metrics", "application/json", kOtlpLogs).status, 400);
  EXPECT_EQ(handle_otlp_http(*store, "/v2/logs", "application/json", "{}").status, 404);
}

TEST(LocalIngest, FilesReportUnreadableAndContinue) {
  testing::TempDir dir("ingest");
  auto good = dir.write_file("svc.log", "2026-11-23T09:13:00Z INFO ok\n");
  auto store = memory_store();
  auto r = ingest_files(*store, {dir / "missing.log", good});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->logs, 1u);
  EXPECT_EQ(r->rejected, 1u);
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_EQ(r->files[0].second, "text");
  auto j = to_json(*r);
  EXPECT_EQ(j.at("problems").as_array().size(), 1u);
}

}  // namespace
}  // namespace tinkr::local
