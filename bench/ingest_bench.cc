// Ingest throughput of the local store: log lines per second for JSON lines,
// logfmt and plain text files, and the scenario's OTLP/JSON logs. Target:
// at least 200,000 log lines/s (issue: embedded backend, part 2).
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "backends/local/ingest.h"
#include "scenario/scenario.h"
#include "store/telemetry_store.h"
#include "testing/tempdir.h"

namespace {

using namespace tinkr;

constexpr int kLines = 200000;

std::string make_lines(local::Format f) {
  std::string out;
  out.reserve(kLines * 160);
  const int64_t base = 1'795'424'400'000'000'000;
  const char* levels[] = {"info", "info", "info", "warn", "error"};
  for (int i = 0; i < kLines; ++i) {
    int64_t ns = base + int64_t{i} * 1'000'000;
    std::string ts = format_rfc3339(from_unix_nanos(ns), 3);
    const char* lvl = levels[i % 5];
    switch (f) {
      case local::Format::kJsonLines:
        out += fmt::format(
            R"({{"time":"{}","level":"{}","msg":"POST /payments/charge 200 {}ms order ord-{}","service":"payments-api","user_id":"u-{}"}})",
            ts, lvl, i % 97, i, i % 1000);
        break;
      case local::Format::kLogfmt:
        out += fmt::format(
            R"(time={} level={} msg="POST /payments/charge 200 {}ms order ord-{}" service=payments-api user_id=u-{})",
            ts, lvl, i % 97, i, i % 1000);
        break;
      default:
        out += fmt::format("{} {} POST /payments/charge 200 {}ms order ord-{} user u-{}", ts, lvl, i % 97, i, i % 1000);
    }
    out += '\n';
  }
  return out;
}

void run(benchmark::State& state, local::Format format, const std::string& text, size_t records) {
  testing::TempDir dir("ingest-bench");
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = std::move(store::TelemetryStore::open(dir / fmt::format("b{}.db", round++))).value();
    state.ResumeTiming();
    auto r = local::ingest_text(*store, text, format, "bench.log");
    if (!r.ok() || r->logs + r->duplicates != records) state.SkipWithError("ingest failed or lost lines");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}

void BM_IngestJsonLines(benchmark::State& state) {
  static const std::string text = make_lines(local::Format::kJsonLines);
  run(state, local::Format::kJsonLines, text, kLines);
}
void BM_IngestLogfmt(benchmark::State& state) {
  static const std::string text = make_lines(local::Format::kLogfmt);
  run(state, local::Format::kLogfmt, text, kLines);
}
void BM_IngestPlainText(benchmark::State& state) {
  static const std::string text = make_lines(local::Format::kPlainText);
  run(state, local::Format::kPlainText, text, kLines);
}
void BM_IngestOtlpScenarioLogs(benchmark::State& state) {
  static const scenario::Scenario s = scenario::generate({.now = *parse_rfc3339("2026-11-23T12:00:00Z")});
  static const std::string text = scenario::otlp_logs_json(s.logs);
  run(state, local::Format::kOtlpLogs, text, s.logs.size());
}

BENCHMARK(BM_IngestJsonLines)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_IngestLogfmt)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_IngestPlainText)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_IngestOtlpScenarioLogs)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
