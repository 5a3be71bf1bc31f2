// Parse + mapping throughput of a large Loki query_range "streams" answer
// (categorize-labels 3-tuples with structured metadata), the hot path of
// `tinkr logs` on the Grafana backend. Reported as bytes/s of JSON.
// BM_LokiStreamsParseDom is the DOM walk the SAX parser replaced (kept as the
// test oracle), measured in the same run as the baseline.
// TINKR_BENCH_SERVER_MALLOC=1: malloc tuned as tinkr-server tunes it at start
// (server/allocator.h), to compare with a run without.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "backends/grafana/loki_mapping.h"
#include "server/allocator.h"
#include "unit/backends/loki_streams_reference.h"

namespace {

const bool kServerMalloc = [] {
  const char* on = std::getenv("TINKR_BENCH_SERVER_MALLOC");
  return on && *on == '1' && tinkr::server::tune_allocator_for_server();
}();

std::string make_answer(int streams, int lines_per_stream) {
  std::string out =
      R"({"status":"success","data":{"resultType":"streams","encodingFlags":["categorize-labels"],"result":[)";
  for (int s = 0; s < streams; ++s) {
    if (s) out += ',';
    out += fmt::format(R"({{"stream":{{"service_name":"svc-{}","level":"{}","namespace":"prod"}},"values":[)", s,
                       s % 3 == 0 ? "error" : "info");
    for (int i = 0; i < lines_per_stream; ++i) {
      if (i) out += ',';
      out += fmt::format(
          R"(["{}","2026-11-23T09:{:02}:{:02}Z request handled path=/api/v1/orders/{} status=200 duration_ms={} user=u{}",{{"structuredMetadata":{{"trace_id":"{:032x}","span_id":"{:016x}"}}}}])",
          1763888400000000000LL + static_cast<long long>(s) * 1000000 + i * 1000, i % 60, i % 60, i, i % 900, i % 97,
          s * 100000 + i, i);
    }
    out += "]}";
  }
  out += R"(],"stats":{}}})";
  return out;
}

template <auto Parse>
void run_parse(benchmark::State& state) {
  const std::string body = make_answer(20, static_cast<int>(state.range(0)) / 20);
  tinkr::grafana::LokiMappingOptions options;
  size_t entries = 0;
  for (auto _ : state) {
    auto r = Parse(body, options);
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    entries = r->entries.size();
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(body.size()));
  state.counters["entries"] = static_cast<double>(entries);
  state.counters["answer_MB"] = static_cast<double>(body.size()) / 1e6;
  state.counters["server_malloc"] = kServerMalloc ? 1 : 0;
}

void BM_LokiStreamsParse(benchmark::State& state) { run_parse<&tinkr::grafana::parse_loki_streams>(state); }
void BM_LokiStreamsParseDom(benchmark::State& state) {
  run_parse<&tinkr::grafana::reference::parse_loki_streams_dom>(state);
}
BENCHMARK(BM_LokiStreamsParseDom)->Arg(5000)->Arg(50000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LokiStreamsParse)->Arg(5000)->Arg(50000)->Unit(benchmark::kMillisecond);

}  // namespace
