// Parse + translate throughput of the unified query language for a mix of
// typical filters, per dialect, and parse alone. The mix cycles through
// kQueries, so each figure is the mean over the set.
#include <benchmark/benchmark.h>

#include "query/ast.h"
#include "query/query.h"

namespace {

const char* kQueries[] = {
    "level:ERROR",
    "level:(ERROR OR WARN) AND NOT \"health check\"",
    "timeout OR refused",
    "status>=500 duration_ms>1000 svc:checkout",
    "\"card declined\" user:bob trace:4bf92f3577b34da6a3ce929d0e0e4736",
    "status>=500 service:payments-api",
    "timeout",
    "*",
};

tinkr::query::TranslateContext context() {
  tinkr::query::TranslateContext c;
  c.service = "payments-api";
  c.range = {tinkr::from_unix_nanos(1'716'098'400'000'000'000), tinkr::from_unix_nanos(1'716'102'000'000'000'000)};
  return c;
}

void BM_Parse(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    auto r = tinkr::query::parse(kQueries[i++ % std::size(kQueries)]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Parse);

void BM_Translate(benchmark::State& state, const char* backend) {
  auto ctx = context();
  size_t i = 0;
  for (auto _ : state) {
    auto r = tinkr::query::translate(backend, kQueries[i++ % std::size(kQueries)], ctx);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_Translate, grafana, "grafana");
BENCHMARK_CAPTURE(BM_Translate, cloudwatch, "cloudwatch");
BENCHMARK_CAPTURE(BM_Translate, gcp, "gcp");
BENCHMARK_CAPTURE(BM_Translate, azure, "azure");
BENCHMARK_CAPTURE(BM_Translate, datadog, "datadog");
BENCHMARK_CAPTURE(BM_Translate, elastic, "elastic");
BENCHMARK_CAPTURE(BM_Translate, otel, "otel");
BENCHMARK_CAPTURE(BM_Translate, local, "local");

}  // namespace
