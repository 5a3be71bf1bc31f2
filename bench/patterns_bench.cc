// Template-miner throughput on real log lines: the 20,000 Loghub-2k messages
// (10 systems, header stripped), mined over and over by one miner on one core.
// items_per_second is lines per second. Target: >= 1,000,000.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/patterns/log_format.h"
#include "analysis/patterns/mine_file.h"
#include "analysis/patterns/miner.h"
#include "analysis/patterns/tokenizer.h"
#include "core/json.h"

namespace {

using namespace tinkr;
using namespace tinkr::analysis;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Corpus {
  std::vector<std::string> messages;  // header stripped
  std::string hdfs_text;              // one raw file, for mine_text with a format
};

const Corpus& corpus() {
  static const Corpus* c = [] {
    auto* out = new Corpus();
    const std::string dir = std::string(TINKR_SHARED_DIR) + "/data/loghub-2k";
    auto meta = parse_json(read_all(dir + "/datasets.json"));
    if (!meta) return out;
    for (const auto& [name, v] : meta->as_object()) {
      auto format = LogFormat::parse(get_string(v, "log_format"));
      std::string raw = read_all(dir + "/" + std::string(name) + "/" + std::string(name) + "_2k.log");
      if (name == "HDFS") out->hdfs_text = raw;
      size_t pos = 0;
      std::vector<std::string_view> values;
      while (pos < raw.size()) {
        size_t nl = raw.find('\n', pos);
        if (nl == std::string::npos) nl = raw.size();
        std::string_view line(raw.data() + pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (format && format->extract(line, values)) out->messages.emplace_back(values[format->content_index()]);
        pos = nl + 1;
      }
    }
    return out;
  }();
  return *c;
}

void BM_TokenizeAndMask(benchmark::State& state) {
  const auto& msgs = corpus().messages;
  std::string arena;
  std::vector<std::string_view> tokens;
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& m = msgs[i++ % msgs.size()];
    tokenize_and_mask(m, arena, tokens);
    benchmark::DoNotOptimize(tokens.data());
    bytes += m.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_TokenizeAndMask);

// The miner warmed up on the corpus (steady state: most lines join an existing cluster).
void BM_MinerAdd(benchmark::State& state) {
  const auto& msgs = corpus().messages;
  TemplateMiner miner;
  for (const auto& m : msgs) miner.add(m);
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& m = msgs[i++ % msgs.size()];
    benchmark::DoNotOptimize(miner.add(m, Level::kInfo));
    bytes += m.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["clusters"] = static_cast<double>(miner.cluster_count());
}
BENCHMARK(BM_MinerAdd);

// A fresh miner on the 20,000 lines (cold: includes cluster creation).
void BM_MinerColdCorpus(benchmark::State& state) {
  const auto& msgs = corpus().messages;
  for (auto _ : state) {
    TemplateMiner miner;
    for (const auto& m : msgs) miner.add(m);
    benchmark::DoNotOptimize(miner.cluster_count());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * msgs.size()));
}
BENCHMARK(BM_MinerColdCorpus)->Unit(benchmark::kMillisecond);

// mine_text with the Loghub header format (RE2 field extraction + mining + assignments).
void BM_MineTextWithFormat(benchmark::State& state) {
  const auto& text = corpus().hdfs_text;
  for (auto _ : state) {
    auto r = mine_text(text, std::string("<Date> <Time> <Pid> <Level> <Component>: <Content>"));
    benchmark::DoNotOptimize(r.ok());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 2000));
}
BENCHMARK(BM_MineTextWithFormat)->Unit(benchmark::kMillisecond);

}  // namespace
