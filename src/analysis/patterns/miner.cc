// Representation: every distinct masked token is interned to a uint32 id
// (0 is the wildcard), so templates are vectors of ids and comparisons are
// integer compares. The parse tree is a vector of nodes; the first layer maps
// token counts to nodes, the next `depth - 2` layers map token ids. Leaves
// hold the indexes of their clusters. Similarity of a message to a template
// of the same length is the share of positions where the two ids are equal
// (a wildcard in both counts as equal: both are variables); the best cluster
// wins, ties going to the one with more wildcards, as in Drain.
#include "analysis/patterns/miner.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "analysis/patterns/tokenizer.h"

namespace tinkr::analysis {
namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};

constexpr uint32_t kWildcardId = 0;
constexpr uint32_t kNoNode = UINT32_MAX;

struct Node {
  std::unordered_map<uint32_t, uint32_t> children;  // token id → node index
  std::vector<uint32_t> clusters;                   // leaves only
};

struct Cluster {
  std::vector<uint32_t> tokens;
  std::vector<uint8_t> space_before;  // unused for now: tokens are joined with one space
  uint64_t count = 0;
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  std::vector<std::string> examples;
  std::array<uint64_t, kLevelCount> level_counts{};
};

}  // namespace

std::string template_id(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 16);
}

struct TemplateMiner::Impl {
  MinerOptions opt;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids;
  std::vector<std::string> names;
  std::unordered_map<uint32_t, uint32_t> by_length;  // token count → node
  std::vector<Node> nodes;
  std::vector<Cluster> clusters;
  // Scratch space reused by every call.
  std::string arena;
  std::vector<std::string_view> views;
  std::vector<uint32_t> toks;

  explicit Impl(MinerOptions o) : opt(o) {
    if (opt.depth < 3) opt.depth = 3;
    if (opt.max_children < 2) opt.max_children = 2;
    names.emplace_back(kWildcard);
    ids.emplace(std::string(kWildcard), kWildcardId);
  }

  uint32_t intern(std::string_view tok) {
    auto it = ids.find(tok);
    if (it != ids.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(names.size());
    names.emplace_back(tok);
    ids.emplace(std::string(tok), id);
    return id;
  }

  // Ids for lookup only: unknown tokens map to a sentinel that equals nothing.
  uint32_t lookup(std::string_view tok) const {
    auto it = ids.find(tok);
    return it == ids.end() ? UINT32_MAX - 1 : it->second;
  }

  uint32_t new_node() {
    nodes.emplace_back();
    return static_cast<uint32_t>(nodes.size() - 1);
  }

  // Descends to the leaf for `toks`; with create, builds missing nodes.
  uint32_t leaf_for(const std::vector<uint32_t>& t, bool create) {
    uint32_t len = static_cast<uint32_t>(t.size());
    uint32_t node;
    auto it = by_length.find(len);
    if (it != by_length.end()) {
      node = it->second;
    } else {
      if (!create) return kNoNode;
      node = new_node();
      by_length.emplace(len, node);
    }
    const size_t layers = std::min<size_t>(static_cast<size_t>(opt.depth - 2), t.size());
    for (size_t i = 0; i < layers; ++i) {
      uint32_t tok = t[i];
      auto& children = nodes[node].children;
      auto c = children.find(tok);
      if (c != children.end()) {
        node = c->second;
        continue;
      }
      bool room = tok != kWildcardId && children.size() + 1 < static_cast<size_t>(opt.max_children);
      uint32_t key = room ? tok : kWildcardId;
      if (!room) {
        auto w = children.find(kWildcardId);
        if (w != children.end()) {
          node = w->second;
          continue;
        }
      }
      if (!create) return kNoNode;
      uint32_t child = new_node();
      nodes[node].children.emplace(key, child);
      node = child;
    }
    return node;
  }

  // Best cluster in a leaf for `t`, or -1 when none reaches the threshold.
  int64_t best_in(uint32_t leaf, const std::vector<uint32_t>& t) const {
    int64_t best = -1;
    double best_sim = -1;
    size_t best_wild = 0;
    const double n = static_cast<double>(t.size());
    for (uint32_t ci : nodes[leaf].clusters) {
      const auto& tt = clusters[ci].tokens;
      size_t same = 0, wild = 0;
      for (size_t i = 0; i < tt.size(); ++i) {
        wild += tt[i] == kWildcardId;
        same += tt[i] == t[i];
      }
      double sim = n == 0 ? 1.0 : static_cast<double>(same) / n;
      if (sim > best_sim || (sim == best_sim && wild > best_wild)) {
        best = ci;
        best_sim = sim;
        best_wild = wild;
      }
    }
    if (best >= 0 && best_sim >= opt.similarity_threshold) return best;
    return -1;
  }

  void tokens_of(std::string_view message, bool learn) {
    tokenize_and_mask(message, arena, views);
    toks.clear();
    for (auto v : views) toks.push_back(learn ? intern(v) : lookup(v));
  }

  size_t add(std::string_view message, Level level, std::optional<Timestamp> time) {
    tokens_of(message, true);
    uint32_t leaf = leaf_for(toks, true);
    int64_t ci = best_in(leaf, toks);
    if (ci < 0) {
      ci = static_cast<int64_t>(clusters.size());
      clusters.emplace_back();
      clusters.back().tokens = toks;
      nodes[leaf].clusters.push_back(static_cast<uint32_t>(ci));
    } else {
      auto& tt = clusters[ci].tokens;
      for (size_t i = 0; i < tt.size(); ++i)
        if (tt[i] != toks[i]) tt[i] = kWildcardId;
    }
    Cluster& c = clusters[ci];
    ++c.count;
    c.level_counts[static_cast<size_t>(level) < kLevelCount ? static_cast<size_t>(level) : 0]++;
    if (time) {
      if (!c.first_seen || *time < *c.first_seen) c.first_seen = time;
      if (!c.last_seen || *time > *c.last_seen) c.last_seen = time;
    }
    if (c.examples.size() < opt.max_examples &&
        std::find(c.examples.begin(), c.examples.end(), message) == c.examples.end())
      c.examples.emplace_back(message);
    return static_cast<size_t>(ci);
  }

  std::string text(size_t ci) const {
    std::string out;
    const auto& tt = clusters[ci].tokens;
    for (size_t i = 0; i < tt.size(); ++i) {
      if (i) out.push_back(' ');
      out += names[tt[i]];
    }
    return out;
  }
};

TemplateMiner::TemplateMiner(MinerOptions options) : impl_(std::make_unique<Impl>(options)) {}
TemplateMiner::~TemplateMiner() = default;
TemplateMiner::TemplateMiner(TemplateMiner&&) noexcept = default;
TemplateMiner& TemplateMiner::operator=(TemplateMiner&&) noexcept = default;

size_t TemplateMiner::add(std::string_view message, Level level, std::optional<Timestamp> time) {
  return impl_->add(message, level, time);
}

size_t TemplateMiner::add(const LogEntry& entry) {
  std::optional<Timestamp> t;
  if (entry.time != Timestamp{}) t = entry.time;
  return impl_->add(entry.message, entry.level, t);
}

std::optional<size_t> TemplateMiner::match(std::string_view message) const {
  // match() is logically const: it only reuses the scratch buffers.
  auto& impl = *impl_;
  impl.tokens_of(message, false);
  uint32_t leaf = impl.leaf_for(impl.toks, false);
  if (leaf == kNoNode) return std::nullopt;
  int64_t ci = impl.best_in(leaf, impl.toks);
  if (ci < 0) return std::nullopt;
  return static_cast<size_t>(ci);
}

size_t TemplateMiner::cluster_count() const { return impl_->clusters.size(); }
uint64_t TemplateMiner::cluster_size(size_t cluster) const { return impl_->clusters.at(cluster).count; }
std::string TemplateMiner::template_text(size_t cluster) const { return impl_->text(cluster); }

LogTemplate TemplateMiner::snapshot(size_t cluster) const {
  const Cluster& c = impl_->clusters.at(cluster);
  LogTemplate t;
  t.text = impl_->text(cluster);
  t.id = template_id(t.text);
  t.count = c.count;
  t.first_seen = c.first_seen;
  t.last_seen = c.last_seen;
  t.examples = c.examples;
  t.level_counts = c.level_counts;
  return t;
}

std::vector<LogTemplate> TemplateMiner::templates() const {
  std::vector<LogTemplate> out;
  out.reserve(impl_->clusters.size());
  for (size_t i = 0; i < impl_->clusters.size(); ++i) out.push_back(snapshot(i));
  std::stable_sort(out.begin(), out.end(), [](const LogTemplate& a, const LogTemplate& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.text < b.text;
  });
  return out;
}

const MinerOptions& TemplateMiner::options() const { return impl_->opt; }

std::vector<LogTemplate> mine_entries(const std::vector<LogEntry>& entries, const MinerOptions& options) {
  TemplateMiner miner(options);
  for (const auto& e : entries) miner.add(e);
  return miner.templates();
}

}  // namespace tinkr::analysis
