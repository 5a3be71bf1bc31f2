// Anomaly detection over 1,000 series × 1,440 one-minute points (one day per
// series, a 1h window at the end, the 23h before as recent baseline). Target:
// under 50 ms for all 1,000 series.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "analysis/anomaly.h"

namespace {

using namespace tinkr;
using std::chrono::hours;
using std::chrono::minutes;

const Timestamp kEnd = *parse_rfc3339("2026-11-23T09:00:00Z");

std::vector<MetricSeries> make_series(size_t count) {
  std::vector<MetricSeries> out(count);
  for (size_t s = 0; s < count; ++s) {
    auto& series = out[s];
    series.name = "latency_p99";
    series.unit = "s";
    series.points.reserve(1440);
    for (size_t i = 0; i < 1440; ++i) {
      const double wave = 0.2 + 0.05 * std::sin(static_cast<double>(i) / 1440.0 * 6.283);
      const double noise = static_cast<double>(((i + s) * 2654435761ULL) % 1000) / 1e5;
      double v = wave + noise;
      if (s % 50 == 0 && i >= 1420) v *= 10;  // 2% of the series have a spike
      series.points.push_back({kEnd - minutes(1440) + minutes(static_cast<int64_t>(i)), v});
    }
  }
  return out;
}

void BM_DetectLatency1000x1440(benchmark::State& state) {
  const auto series = make_series(1000);
  anomaly::SignalSpec spec;
  spec.metric = "latency_p99";
  spec.kind_up = "latency";
  spec.unit = "s";
  spec.min_delta = 0.05;
  const TimeRange window{kEnd - hours(1), kEnd};
  size_t found = 0;
  for (auto _ : state) {
    found = 0;
    for (const auto& s : series) {
      const auto h = anomaly::history_from_series(s, window, minutes(10), 138, stats::Aggregation::kMean, false);
      found += anomaly::detect_signal(h, spec, "svc").size();
    }
    benchmark::DoNotOptimize(found);
  }
  state.counters["anomalies"] = static_cast<double>(found);
  state.counters["points"] = 1000.0 * 1440.0;
}

BENCHMARK(BM_DetectLatency1000x1440)->Unit(benchmark::kMillisecond);

}  // namespace
