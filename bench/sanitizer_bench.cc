// Sanitizer throughput on typical log text (loghub samples read in place from
// the shared data directory), clean and with secrets sprinkled in, as one
// buffer and line by line. Target: at least 200 MB/s on typical log text.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/sanitizer.h"

namespace {

// Every loghub-2k sample concatenated, repeated up to about 8 MB.
const std::string& corpus() {
  static const std::string text = [] {
    std::string all;
    const std::filesystem::path dir = std::filesystem::path(TINKR_SHARED_DIR) / "data" / "loghub-2k";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".log") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    if (all.empty()) all = "2026-11-23T09:13:02Z INFO GET /api/v1/orders 200 12ms user=42\n";
    std::string out;
    while (out.size() < (8u << 20)) out += all;
    return out;
  }();
  return text;
}

const std::string& corpus_with_secrets() {
  static const std::string text = [] {
    std::string out = corpus();
    const char* secrets[] = {" key=AKIAIOSFODNN7EXAMPLE ", " mail jane.doe@example.com ",
                             " Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345 ", " password=hunter2 "};
    // One secret about every 64 KB.
    size_t i = 0;
    for (size_t pos = 4096; pos < out.size(); pos += 65536, ++i) {
      const size_t nl = out.find('\n', pos);
      if (nl == std::string::npos) break;
      out.insert(nl, secrets[i % 4]);
    }
    return out;
  }();
  return text;
}

std::vector<std::string_view> lines_of(const std::string& text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.emplace_back(text.data() + pos, nl - pos);
    pos = nl + 1;
  }
  return lines;
}

void BM_SanitizeBuffer(benchmark::State& state, const std::string& text) {
  const auto& s = tinkr::sanitize::Sanitizer::standard();
  for (auto _ : state) {
    auto out = s.sanitize(text);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

void BM_SanitizeLines(benchmark::State& state, const std::string& text) {
  const auto& s = tinkr::sanitize::Sanitizer::standard();
  const auto lines = lines_of(text);
  for (auto _ : state) {
    for (auto l : lines) {
      auto out = s.sanitize(l);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

BENCHMARK_CAPTURE(BM_SanitizeBuffer, clean_logs, corpus())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SanitizeBuffer, logs_with_secrets, corpus_with_secrets())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SanitizeLines, clean_logs, corpus())->Unit(benchmark::kMillisecond);

}  // namespace
