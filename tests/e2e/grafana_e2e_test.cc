// End to end through the Grafana backend: the real `tinkr` → the real
// `tinkr-server` (profile backend = "grafana") → the Loki and Tempo
// simulators (in this process) and a real Prometheus (backfilled), all
// serving the shared incident scenario.
//
// GrafanaE2e covers logs (-q, -n, --since/--from/--to, -o table|json|jsonlines,
// --explain), tail (history, the live stream, each new line exactly once,
// Ctrl-C), metrics (alias and raw PromQL), trace (list and waterfall) and
// anomaly. GrafanaFailureE2e puts a scripted Loki behind the server: down,
// slower than the profile's timeout, 500, 429 with Retry-After (recovered and
// exhausted), malformed JSON and an oversized answer must each give a clear
// error naming Loki and what to do, the right exit code, and no hang.
// One simulator set, Prometheus and server per suite; every CLI run is bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json.h"
#include "e2e/e2e_support.h"
#include "e2e/grafana_stack.h"
#include "net/http_client.h"
#include "scenario/scenario.h"
#include "sim/loki_sim.h"
#include "sim/tempo_sim.h"
#include "testing/loopback_http_server.h"
#include "testing/ports.h"
#include "testing/real_prometheus.h"

namespace tinkr {
namespace {

namespace json = boost::json;
using e2e::CliRun;
using e2e::GrafanaStack;
using e2e::TinkrServer;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::RecordedRequest;
using testing::ScriptedResponse;

std::vector<LogEntry> logs_of(const scenario::Scenario& s, std::string_view service) {
  std::vector<LogEntry> out;
  for (const auto& e : s.logs) {
    if (e.service == service) out.push_back(e);
  }
  return out;
}

std::string first_line(std::string_view text) { return std::string(text.substr(0, text.find('\n'))); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// ---- the happy path ---------------------------------------------------------------

class GrafanaE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!e2e::binaries_missing().empty() || testing::RealPrometheus::missing()) return;
    stack_ = new GrafanaStack();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  void SetUp() override {
    if (std::string why = e2e::binaries_missing(); !why.empty()) GTEST_SKIP() << why;
    if (auto why = testing::RealPrometheus::missing()) GTEST_SKIP() << *why;
    ASSERT_TRUE(stack_->problem().empty()) << stack_->problem();
  }
  const scenario::Scenario& data() const { return stack_->data; }
  const TinkrServer& server() const { return *stack_->server; }
  CliRun tinkr(const std::vector<std::string>& args, milliseconds timeout = seconds(60)) const {
    CliRun r = server().tinkr(args, timeout);
    EXPECT_NE(r.exit_code, -1) << "tinkr " << fmt::format("{}", fmt::join(args, " ")) << " did not finish within "
                               << timeout.count() << " ms";
    return r;
  }
  // The scenario's own window, so that lines pushed by the tail test do not count.
  std::vector<std::string> scenario_window(Nanos length) const {
    return {"--from", format_rfc3339(data().range.to - length), "--to", format_rfc3339(data().range.to)};
  }

  static GrafanaStack* stack_;
};

GrafanaStack* GrafanaE2e::stack_ = nullptr;

TEST_F(GrafanaE2e, LogsNewestLinesOldestFirstInEveryFormat) {
  const auto expected = logs_of(data(), scenario::kPaymentsApi);
  ASSERT_GE(expected.size(), 20u);
  std::vector<std::string> args = {"logs", "payments-api", "-n", "20"};
  for (auto& a : scenario_window(minutes(60))) args.push_back(a);

  // Table: 20 rows under the header, oldest first, the newest line at the bottom.
  CliRun table = tinkr(args);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(table.err.empty()) << table.err;
  auto rows = lines_of(table.out);
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  ASSERT_EQ(rows.size(), 21u) << table.out;
  EXPECT_NE(rows[0].find("TIME"), std::string::npos) << rows[0];
  EXPECT_NE(rows[0].find("MESSAGE"), std::string::npos) << rows[0];
  EXPECT_NE(rows.back().find(first_line(expected.back().message)), std::string::npos)
      << "newest line not at the bottom:\n"
      << table.out;
  EXPECT_NE(rows[1].find(first_line(expected[expected.size() - 20].message)), std::string::npos) << table.out;

  // JSON: the same 20 entries, ascending, with the LogQL that was run.
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.begin(), {"-o", "json"});
  CliRun j = tinkr(json_args);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto v = parse_json(j.out);
  ASSERT_TRUE(v.ok()) << j.out;
  EXPECT_EQ(get_string(*v, "query").substr(0, 29), R"({service_name="payments-api"})");
  auto entries = from_json_array<LogEntry>(*find_field(*v, "entries"));
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 20u);
  for (size_t i = 0; i < 20; ++i) {
    const LogEntry& want = expected[expected.size() - 20 + i];
    EXPECT_EQ((*entries)[i].time, want.time) << i;
    EXPECT_EQ((*entries)[i].message, want.message) << i;
    EXPECT_EQ((*entries)[i].level, want.level) << i;
    EXPECT_EQ((*entries)[i].service, "payments-api");
  }

  // JSON lines: one LogEntry per line, same order.
  json_args[1] = "jsonlines";
  CliRun jl = tinkr(json_args);
  ASSERT_EQ(jl.exit_code, 0) << jl.err;
  auto jlines = lines_of(jl.out);
  while (!jlines.empty() && jlines.back().empty()) jlines.pop_back();
  ASSERT_EQ(jlines.size(), 20u) << jl.out;
  for (size_t i = 0; i < jlines.size(); ++i) {
    auto e = parse_json(jlines[i]);
    ASSERT_TRUE(e.ok()) << jlines[i];
    auto entry = from_json<LogEntry>(*e);
    ASSERT_TRUE(entry.ok()) << jlines[i];
    EXPECT_EQ(entry->time, (*entries)[i].time);
  }
}

TEST_F(GrafanaE2e, LogsQuerySinceAndExplain) {
  // -q: only ERROR lines; the TimeoutError ones begin after the deploy.
  CliRun errors = tinkr(
      {"-o", "json", "logs", "payments-api", "-q", "level:ERROR AND \"TimeoutError\"", "-n", "500", "--since", "2h"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  auto v = parse_json(errors.out);
  ASSERT_TRUE(v.ok());
  auto entries = from_json_array<LogEntry>(*find_field(*v, "entries"));
  ASSERT_TRUE(entries.ok());
  ASSERT_FALSE(entries->empty());
  for (const auto& e : *entries) {
    EXPECT_EQ(e.level, Level::kError) << e.message;
    EXPECT_NE(e.message.find("TimeoutError"), std::string::npos) << e.message;
    EXPECT_GE(e.time, data().truth.onset);
  }
  EXPECT_TRUE(std::is_sorted(entries->begin(), entries->end(), [](auto& a, auto& b) { return a.time < b.time; }));

  // --since bounds the window: nothing older than 15 minutes (+ the test's own run time).
  const Timestamp asked = now();
  CliRun recent = tinkr({"-o", "json", "logs", "order-service", "--since", "15m", "-n", "1000"});
  ASSERT_EQ(recent.exit_code, 0) << recent.err;
  auto rv = parse_json(recent.out);
  ASSERT_TRUE(rv.ok());
  auto recent_entries = from_json_array<LogEntry>(*find_field(*rv, "entries"));
  ASSERT_TRUE(recent_entries.ok());
  ASSERT_FALSE(recent_entries->empty());
  for (const auto& e : *recent_entries) EXPECT_GE(e.time, asked - minutes(15) - seconds(30));

  // --explain prints the LogQL without asking Loki.
  const size_t before = stack_->loki.query_count();
  CliRun explain = tinkr({"logs", "payments-api", "-q", "level:ERROR AND \"fraud-check\"", "--explain"});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_EQ(explain.out.rfind(R"({service_name="payments-api"})", 0), 0u) << explain.out;
  EXPECT_NE(explain.out.find(R"x(|= "fraud-check")x"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find(R"x(level=~"(?i)(error|err)")x"), std::string::npos) << explain.out;
  EXPECT_EQ(stack_->loki.query_count(), before);

  // A bad filter is a usage error (exit 2) that says what is wrong.
  CliRun bad = tinkr({"logs", "payments-api", "-q", "level:(ERROR"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_EQ(bad.err.rfind("error: ", 0), 0u) << bad.err;
}

TEST_F(GrafanaE2e, TailShowsHistoryThenEachNewLineOnceAndStopsOnCtrlC) {
  auto tail = server().spawn_tinkr({"tail", "payments-api", "-n", "5", "--poll", "0.2"});
  ASSERT_NE(tail, nullptr);
  auto marker = tail->wait_for_stdout_line("--- live stream ---", seconds(30));
  ASSERT_TRUE(marker.has_value()) << tail->stdout_text() << tail->stderr_text();
  // History: the five newest payments-api lines, before the marker.
  const auto history = logs_of(data(), scenario::kPaymentsApi);
  const std::string before_marker = tail->stdout_text().substr(0, tail->stdout_text().find("--- live stream ---"));
  EXPECT_NE(before_marker.find(first_line(history.back().message)), std::string::npos) << before_marker;

  // New lines arrive at Loki (pushed over its HTTP API, as an agent would)
  // right after the stream opened, and later, one by one.
  net::HttpClient http;
  auto push = [&](const std::string& message, Timestamp t) {
    json::object stream{{"service_name", "payments-api"}, {"level", "error"}};
    json::array values{json::array{std::to_string(to_unix_nanos(t)), message, json::object{{"trace_id", "abc123"}}}};
    json::object body{{"streams", json::array{json::object{{"stream", stream}, {"values", values}}}}};
    auto r = http.post_json(stack_->loki.url() + "/loki/api/v1/push", json::serialize(body));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->status, 204) << r->body;
  };
  std::vector<std::string> pushed;
  for (int i = 0; i < 6; ++i) {
    pushed.push_back(fmt::format("e2e live line {} TimeoutError: fraud-check request timed out", i));
    push(pushed.back(), now());
    if (i % 2 == 1) {
      ASSERT_TRUE(tail->wait_for_stdout_line(pushed.back(), seconds(20)).has_value())
          << "line " << i << " never shown:\n"
          << tail->stdout_text() << tail->stderr_text();
    }
  }
  // A repeat of the same line at the same time is dropped by Loki; and a few
  // more polls must not show anything twice.
  std::this_thread::sleep_for(milliseconds(800));
  tail->signal(SIGINT);
  auto code = tail->wait(seconds(10));
  ASSERT_TRUE(code.has_value()) << "tail did not stop on SIGINT";
  EXPECT_EQ(*code, 0);
  EXPECT_TRUE(tail->stderr_text().empty()) << tail->stderr_text();
  const std::string out = tail->stdout_text();
  const std::string live = out.substr(out.find("--- live stream ---"));
  for (const auto& line : pushed) EXPECT_EQ(e2e::count_lines_with(live, line), 1u) << line << "\n" << out;
  // Nothing from the history is repeated in the live part.
  EXPECT_EQ(e2e::count_lines_with(live, first_line(history.back().message)), 0u) << out;
  // In order.
  size_t pos = 0;
  for (const auto& line : pushed) {
    size_t at = live.find(line);
    EXPECT_GE(at, pos) << line;
    pos = at;
  }
}

TEST_F(GrafanaE2e, TailHistoryHonoursTheQuery) {
  // `tinkr tail payments-api -n 4 -q level:WARN`: only WARN lines before the marker.
  auto tail = server().spawn_tinkr({"tail", "payments-api", "-n", "4", "-q", "level:WARN", "-p", "0.5"});
  ASSERT_NE(tail, nullptr);
  ASSERT_TRUE(tail->wait_for_stdout_line("--- live stream ---", seconds(30)).has_value())
      << tail->stdout_text() << tail->stderr_text();
  tail->signal(SIGINT);
  auto code = tail->wait(seconds(10));
  ASSERT_TRUE(code.has_value()) << "tail did not stop on SIGINT";
  EXPECT_EQ(*code, 0) << tail->stderr_text();
  const std::string out = tail->stdout_text();
  std::vector<std::string> history;
  for (const auto& row : lines_of(out.substr(0, out.find("--- live stream ---")))) {
    if (row.empty() || row.rfind("Tailing ", 0) == 0) continue;
    history.push_back(row);
  }
  ASSERT_EQ(history.size(), 4u) << out;
  for (const auto& row : history) {
    EXPECT_NE(row.find("WARN"), std::string::npos) << row;
    EXPECT_EQ(row.find("ERROR"), std::string::npos) << row;
    EXPECT_EQ(row.find("INFO"), std::string::npos) << row;
  }
}

TEST_F(GrafanaE2e, MetricsByAliasAndRawPromQL) {
  std::vector<std::string> args = {"metrics", "payments-api", "-m", "latency_p99"};
  for (auto& a : scenario_window(minutes(90))) args.push_back(a);
  CliRun table = tinkr(args);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("latency_p99"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("payments-api"), std::string::npos) << table.out;

  args.insert(args.begin(), {"-o", "json"});
  CliRun j = tinkr(args);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto v = parse_json(j.out);
  ASSERT_TRUE(v.ok()) << j.out;
  auto series = from_json_array<MetricSeries>(*find_field(*v, "series"));
  ASSERT_TRUE(series.ok());
  ASSERT_EQ(series->size(), 1u);
  const MetricSeries& p99 = series->front();
  EXPECT_EQ(p99.name, "latency_p99");
  EXPECT_EQ(p99.unit, "s");
  ASSERT_GT(p99.points.size(), 50u);
  double before = 0, after = 0;
  for (const auto& p : p99.points) {
    if (p.time < data().truth.onset) before = std::max(before, p.value);
    if (p.time > data().truth.onset + minutes(20)) after = std::max(after, p.value);
  }
  EXPECT_GT(after, 2 * before) << "the deploy's latency rise is not visible";
  EXPECT_GT(after, 1.0);  // seconds: the fraud-check timeouts take 5 s

  // Raw PromQL goes to Prometheus as written; one series per service.
  CliRun raw = tinkr(
      {"-o", "json", "metrics", "payments-api", "-m", "sum by (service) (http_server_request_rate)", "--since", "1h"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  auto rv = parse_json(raw.out);
  ASSERT_TRUE(rv.ok());
  auto raw_series = from_json_array<MetricSeries>(*find_field(*rv, "series"));
  ASSERT_TRUE(raw_series.ok());
  std::set<std::string> services;
  for (const auto& s : *raw_series) services.insert(s.labels.at("service"));
  EXPECT_EQ(services, std::set<std::string>(data().services.begin(), data().services.end()));

  // Prometheus' own complaint reaches the user, with exit 2.
  CliRun bad = tinkr({"metrics", "payments-api", "-m", "sum(rate(http_server_request_rate[5m])", "--since", "1h"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("Prometheus rejected the query"), std::string::npos) << bad.err;
}

TEST_F(GrafanaE2e, TraceListAndWaterfall) {
  CliRun r = tinkr({"trace", "payments-api", "--since", "1h", "-n", "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Traces for payments-api"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TRACE ID"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ERROR"), std::string::npos) << r.out;
  // The waterfall of the slowest: fetched by id from Tempo, with the fraud-check call.
  const size_t waterfall = r.out.find("Slowest trace: ");
  ASSERT_NE(waterfall, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fraud-check", waterfall), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("(no spans)", waterfall), std::string::npos) << r.out;

  CliRun j = tinkr({"-o", "json", "trace", "payments-api", "--since", "1h", "-n", "10"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto v = parse_json(j.out);
  ASSERT_TRUE(v.ok());
  auto traces = from_json_array<Trace>(*find_field(*v, "traces"));
  ASSERT_TRUE(traces.ok());
  ASSERT_FALSE(traces->empty());
  EXPECT_LE(traces->size(), 10u);
  EXPECT_TRUE(std::is_sorted(traces->begin(), traces->end(), [](auto& a, auto& b) { return a.duration > b.duration; }));
  for (const auto& t : *traces) EXPECT_EQ(t.trace_id.size(), 32u) << t.trace_id;
  EXPECT_GE(traces->front().duration, seconds(5)) << "the slowest traces are the 5 s fraud-check timeouts";
  EXPECT_NE(r.out.find(traces->front().trace_id), std::string::npos);
}

// Traces of the scenario whose payments-api server span answered `status`.
std::set<std::string> traces_with_payments_status(const scenario::Scenario& s, const std::string& status) {
  std::set<std::string> out;
  for (const auto& t : s.traces) {
    for (const auto& span : t.spans) {
      auto it = span.attributes.find("http.status_code");
      if (span.service == scenario::kPaymentsApi && it != span.attributes.end() && it->second == status) {
        out.insert(t.trace_id);
      }
    }
  }
  return out;
}

TEST_F(GrafanaE2e, TraceLimitAndTagsAsTheOriginalSpellsThem) {
  // `tinkr trace payments-api --since 1h --limit 5 --tags k=v --json`: the
  // original's flags, through the server, as TraceQL to Tempo.
  const auto timeouts = traces_with_payments_status(data(), "504");
  const auto answered = traces_with_payments_status(data(), "200");
  ASSERT_FALSE(timeouts.empty());
  ASSERT_FALSE(answered.empty());
  const Timestamp asked = now();
  auto traces_of = [&](const std::string& tag, const std::string& limit) {
    CliRun r = tinkr({"trace", "payments-api", "--since", "1h", "--limit", limit, "--tags", tag, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto v = parse_json(r.out);
    EXPECT_TRUE(v.ok()) << r.out;
    if (!v.ok()) return std::vector<Trace>{};
    auto traces = from_json_array<Trace>(*find_field(*v, "traces"));
    EXPECT_TRUE(traces.ok()) << r.out;
    return traces.ok() ? *traces : std::vector<Trace>{};
  };
  const auto slow = traces_of("http.status_code=504", "5");
  ASSERT_FALSE(slow.empty());
  EXPECT_LE(slow.size(), 5u);
  for (const auto& t : slow) {
    EXPECT_TRUE(timeouts.count(t.trace_id)) << t.trace_id << " did not answer 504";
    EXPECT_GE(t.start, asked - minutes(60) - seconds(1)) << t.trace_id << " is older than --since 1h";
  }
  const auto fine = traces_of("http.status_code=200", "20");
  ASSERT_FALSE(fine.empty());
  EXPECT_LE(fine.size(), 20u);
  for (const auto& t : fine) EXPECT_TRUE(answered.count(t.trace_id)) << t.trace_id << " did not answer 200";

  CliRun bad = tinkr({"trace", "payments-api", "--tags", "http.status_code"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("key=value"), std::string::npos) << bad.err;
}

TEST_F(GrafanaE2e, TraceByIdAsTheRcaReportSuggests) {
  // `tinkr rca` ends with "Open a failing trace: `tinkr trace <id>`".
  const Trace* failing = nullptr;
  for (const auto& t : data().traces) {
    if (t.has_error && t.root_service == scenario::kOrderService && t.duration >= seconds(5)) failing = &t;
  }
  ASSERT_NE(failing, nullptr);
  CliRun r = tinkr({"trace", failing->trace_id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Trace: " + failing->trace_id, 0), 0u) << r.out;
  EXPECT_NE(r.out.find("POST /fraud/check"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("✗"), std::string::npos) << r.out;

  CliRun j = tinkr({"trace", failing->trace_id, "-o", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto v = parse_json(j.out);
  ASSERT_TRUE(v.ok()) << j.out;
  auto trace = from_json<Trace>(*v);
  ASSERT_TRUE(trace.ok()) << j.out;
  EXPECT_EQ(trace->trace_id, failing->trace_id);
  EXPECT_EQ(trace->spans.size(), failing->spans.size());

  CliRun missing = tinkr({"trace", "0123456789abcdef0123456789abcdef"});
  EXPECT_EQ(missing.exit_code, 1) << missing.out << missing.err;
  EXPECT_NE(missing.err.find("not found"), std::string::npos) << missing.err;
}

TEST_F(GrafanaE2e, FlagsAfterTheCommandAndTheServersBounds) {
  // The original's examples put the output flags after the command.
  std::vector<std::string> args = {"logs", "payments-api", "-n", "3", "--output", "jsonlines"};
  for (auto& a : scenario_window(minutes(60))) args.push_back(a);
  CliRun jl = tinkr(args);
  ASSERT_EQ(jl.exit_code, 0) << jl.err;
  auto rows = lines_of(jl.out);
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  ASSERT_EQ(rows.size(), 3u) << jl.out;
  for (const auto& row : rows) EXPECT_TRUE(parse_json(row).ok()) << row;

  CliRun m = tinkr({"metrics", "payments-api", "--metric", "error_rate", "--since", "1h", "--json"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  auto mv = parse_json(m.out);
  ASSERT_TRUE(mv.ok()) << m.out;
  auto series = from_json_array<MetricSeries>(*find_field(*mv, "series"));
  ASSERT_TRUE(series.ok()) << m.out;
  ASSERT_EQ(series->size(), 1u);
  EXPECT_EQ(series->front().name, "error_rate");

  // Beyond what the server takes in one request: the CLI says which flag,
  // before any call (the server would only name its JSON field).
  const size_t before = stack_->loki.query_count();
  CliRun many = tinkr({"logs", "payments-api", "-n", "20000"});
  EXPECT_EQ(many.exit_code, 2) << many.out << many.err;
  EXPECT_NE(many.err.find("--limit"), std::string::npos) << many.err;
  CliRun slow_poll = tinkr({"tail", "payments-api", "-p", "120"});
  EXPECT_EQ(slow_poll.exit_code, 2) << slow_poll.out << slow_poll.err;
  EXPECT_NE(slow_poll.err.find("--poll"), std::string::npos) << slow_poll.err;
  EXPECT_EQ(stack_->loki.query_count(), before);
}

TEST_F(GrafanaE2e, AnomalyFindsTheIncident) {
  CliRun r = tinkr({"anomaly", "payments-api", "--since", "1h"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("payments-api"), std::string::npos) << r.out;

  CliRun j = tinkr({"-o", "json", "anomaly", "payments-api", "--since", "1h"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto v = parse_json(j.out);
  ASSERT_TRUE(v.ok()) << j.out;
  auto anomalies = from_json_array<Anomaly>(*find_field(*v, "anomalies"));
  ASSERT_TRUE(anomalies.ok()) << j.out;
  ASSERT_FALSE(anomalies->empty()) << j.out;
  std::set<std::string> metrics;
  for (const auto& a : *anomalies) metrics.insert(a.metric);
  EXPECT_TRUE(metrics.count("latency_p99")) << j.out;
  EXPECT_TRUE(metrics.count("error_count") || metrics.count("log_error_rate") || metrics.count("error_rate")) << j.out;
  // Nothing was unavailable: every signal came through Loki or Prometheus.
  if (const auto* u = find_field(*v, "unavailable"); u && u->is_array()) {
    EXPECT_TRUE(u->as_array().empty()) << j.out;
  }
}

// ---- failures: a scripted Loki behind the real server ------------------------------

// A Loki answer with one line from a minute ago.
std::string one_line_answer() {
  return fmt::format(R"({{"status":"success","data":{{"resultType":"streams","result":[{{"stream":{{"service_name":)"
                     R"("payments-api","level":"info"}},"values":[["{}","scripted line"]]}}],"stats":{{}}}}}})",
                     to_unix_nanos(now() - minutes(1)));
}

class GrafanaFailureE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!e2e::binaries_missing().empty()) return;
    loki_ = new testing::LoopbackHttpServer();
    loki_->route("GET", "/loki/api/v1/query_range",
                 [](const RecordedRequest&) { return ScriptedResponse::json(200, one_line_answer()); });
    // Small limits so that the failures are quick: 1 s per attempt, 3 attempts, 64 KiB.
    server_ = new TinkrServer(fmt::format(R"([profiles.flaky]
backend = "grafana"
active = true
loki_url = "{}"
timeout = "1s"
max_attempts = 3
max_response_bytes = 65536
)",
                                          loki_->url()));
    down_port_ = testing::free_loopback_port();
    down_ = new TinkrServer(fmt::format(R"([profiles.down]
backend = "grafana"
active = true
loki_url = "http://127.0.0.1:{}"
)",
                                        down_port_));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete down_;
    delete loki_;
    server_ = down_ = nullptr;
    loki_ = nullptr;
  }
  void SetUp() override {
    if (std::string why = e2e::binaries_missing(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(server_->ok()) << server_->error();
    ASSERT_TRUE(down_->ok()) << down_->error();
  }
  static void enqueue(ScriptedResponse r) { loki_->enqueue("GET", "/loki/api/v1/query_range", std::move(r)); }
  static size_t loki_requests() { return loki_->request_count(); }
  // `tinkr logs payments-api` against the flaky profile, bounded.
  static CliRun logs(const TinkrServer& s, milliseconds timeout = seconds(30)) {
    CliRun r = s.tinkr({"logs", "payments-api", "--since", "5m"}, timeout);
    EXPECT_NE(r.exit_code, -1) << "tinkr logs did not finish within " << timeout.count() << " ms (a hang)";
    return r;
  }
  static void expect_clean_error(const CliRun& r, int exit_code, const std::vector<std::string>& mentions) {
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_EQ(e2e::count_lines_with(r.err, ""), 1u) << "one line of error:\n" << r.err;
    for (const auto& m : mentions) EXPECT_NE(r.err.find(m), std::string::npos) << "'" << m << "' missing: " << r.err;
  }

  static testing::LoopbackHttpServer* loki_;
  static TinkrServer* server_;
  static TinkrServer* down_;
  static int down_port_;
};

testing::LoopbackHttpServer* GrafanaFailureE2e::loki_ = nullptr;
TinkrServer* GrafanaFailureE2e::server_ = nullptr;
TinkrServer* GrafanaFailureE2e::down_ = nullptr;
int GrafanaFailureE2e::down_port_ = 0;

TEST_F(GrafanaFailureE2e, HealthyScriptedLokiAnswers) {
  CliRun r = logs(*server_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("scripted line"), std::string::npos) << r.out;
}

// Loki's top-level "warnings" travel through the server to the user's
// stderr, with the lines, in every output format.
TEST_F(GrafanaFailureE2e, LokiWarningsReachStderr) {
  std::string answer = one_line_answer();
  answer.insert(1, R"("warnings":["query timed out on one ingester"],)");
  for (const char* format : {"table", "json", "jsonlines"}) {
    enqueue(ScriptedResponse::json(200, answer));
    CliRun r = server_->tinkr({"-o", format, "logs", "payments-api", "--since", "5m"});
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_NE(r.out.find("scripted line"), std::string::npos) << format << ": " << r.out;
    EXPECT_EQ(r.err, "warning: Loki: query timed out on one ingester\n") << format;
  }
}

TEST_F(GrafanaFailureE2e, LokiDown) {
  CliRun r = logs(*down_);
  expect_clean_error(r, 1,
                     {"could not connect to http://127.0.0.1:" + std::to_string(down_port_), "connection refused",
                      "Loki", "loki_url"});
}

TEST_F(GrafanaFailureE2e, LokiSlowerThanTheTimeout) {
  auto slow = ScriptedResponse::json(200, one_line_answer());
  slow.delay = milliseconds(4000);
  const size_t before = loki_requests();
  enqueue(slow);
  CliRun r = logs(*server_);
  expect_clean_error(r, 1, {"Loki", "1s", "timeout"});
  // A timed-out query is not sent again (by the server or the CLI): it would only time out again.
  EXPECT_EQ(loki_requests() - before, 1u);
}

TEST_F(GrafanaFailureE2e, Loki500RetriedThenReported) {
  const size_t before = loki_requests();
  for (int i = 0; i < 3; ++i) enqueue(ScriptedResponse::text(500, "too many outstanding requests"));
  CliRun r = logs(*server_);
  expect_clean_error(r, 1, {"Loki failed the log query (500", "too many outstanding requests"});
  EXPECT_EQ(loki_requests() - before, 3u) << "a 500 is retried up to max_attempts = 3";
}

TEST_F(GrafanaFailureE2e, Loki500OnceThenTheAnswer) {
  const size_t before = loki_requests();
  enqueue(ScriptedResponse::text(500, "rpc error: code = Unavailable"));
  enqueue(ScriptedResponse::json(200, one_line_answer()));
  CliRun r = logs(*server_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("scripted line"), std::string::npos) << r.out;
  EXPECT_EQ(loki_requests() - before, 2u);
}

TEST_F(GrafanaFailureE2e, Loki501IsNotRetried) {
  const size_t before = loki_requests();
  enqueue(ScriptedResponse::text(501, "not implemented"));
  CliRun r = logs(*server_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("501"), std::string::npos) << r.err;
  EXPECT_EQ(loki_requests() - before, 1u) << "a 501 can never succeed";
}

TEST_F(GrafanaFailureE2e, Loki429RetriedHonouringRetryAfterThenSucceeds) {
  auto limited = ScriptedResponse::text(429, "Ingestion rate limit exceeded");
  limited.headers.emplace_back("Retry-After", "1");
  const size_t before = loki_requests();
  enqueue(limited);
  CliRun r = logs(*server_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("scripted line"), std::string::npos) << r.out;
  EXPECT_EQ(loki_requests() - before, 2u);
}

TEST_F(GrafanaFailureE2e, Loki429Exhausted) {
  auto limited = ScriptedResponse::text(429, "Ingestion rate limit exceeded");
  limited.headers.emplace_back("Retry-After", "1");
  const size_t before = loki_requests();
  for (int i = 0; i < 3; ++i) enqueue(limited);
  CliRun r = logs(*server_);
  expect_clean_error(r, 1, {"Loki is rate-limiting the log query (429)", "wait and try again"});
  EXPECT_EQ(loki_requests() - before, 3u) << "max_attempts = 3, and the CLI does not start over";
}

TEST_F(GrafanaFailureE2e, LokiMalformedJson) {
  enqueue(ScriptedResponse::json(200, R"({"status":"success","data":{"resultType":"streams","result":[{"stream":)"));
  CliRun r = logs(*server_);
  expect_clean_error(r, 1, {"Loki", "not Loki JSON", "loki_url"});
  // The next request is fine again (no state left behind).
  EXPECT_EQ(logs(*server_).exit_code, 0);
}

TEST_F(GrafanaFailureE2e, LokiOversizedAnswer) {
  std::string big =
      R"({"status":"success","data":{"resultType":"streams","result":[],"pad":")" + std::string(200000, 'x') + R"("}})";
  enqueue(ScriptedResponse::json(200, big));
  CliRun r = logs(*server_);
  expect_clean_error(r, 1, {"Loki answer too large", "max_response_bytes"});
}

}  // namespace
}  // namespace tinkr
