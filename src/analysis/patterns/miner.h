// TemplateMiner: an online log-template miner of the Drain family.
//
// Each message is tokenized and masked (patterns/tokenizer.h), then routed
// through a fixed-depth parse tree: first by token count, then by its first
// `depth - 2` tokens (wildcard tokens and overflow beyond `max_children` go
// down a "<*>" branch). In the leaf, the message joins the most similar
// cluster of the same length if the similarity reaches the threshold, and the
// positions that differ become "<*>" in that cluster's template; otherwise it
// starts a new cluster. Clusters never merge, so the cluster a message joins
// is final when add() returns.
//
// Per cluster the miner keeps the count, first and last time seen, up to
// `max_examples` example messages and the mix of levels. A template id is the
// FNV-1a 64-bit hash of the template text as 16 lower-case hex digits: stable
// across runs and processes for the same template text (note that a cluster's
// template text, and so its id, can still generalise while messages arrive).
//
// Not thread-safe: one miner per thread, or external locking. Deterministic:
// the same messages in the same order give the same clusters.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/time.h"

namespace tinkr::analysis {

struct MinerOptions {
  int depth = 4;  // tree depth counting the root and the length layer (>= 3)
  // In [0, 1]. Higher than Drain's usual 0.5 because masking already turns the
  // variables into wildcards, which count as equal (Loghub-2k best: 0.85).
  double similarity_threshold = 0.85;
  int max_children = 100;   // per inner node before overflow goes to "<*>"
  size_t max_examples = 3;  // distinct example messages kept per template
};

// Number of Level values (Level::kUnknown .. Level::kCritical).
inline constexpr size_t kLevelCount = 7;

struct LogTemplate {
  std::string id;    // 16 hex digits, template_id(text)
  std::string text;  // "Connection to <*> refused"
  uint64_t count = 0;
  std::optional<Timestamp> first_seen;  // absent when no message carried a time
  std::optional<Timestamp> last_seen;
  std::vector<std::string> examples;
  std::array<uint64_t, kLevelCount> level_counts{};  // indexed by static_cast<size_t>(Level)

  uint64_t level_count(Level l) const { return level_counts[static_cast<size_t>(l)]; }
};

// FNV-1a 64 of the text, as 16 lower-case hex digits.
std::string template_id(std::string_view template_text);

class TemplateMiner {
 public:
  explicit TemplateMiner(MinerOptions options = {});
  ~TemplateMiner();
  TemplateMiner(TemplateMiner&&) noexcept;
  TemplateMiner& operator=(TemplateMiner&&) noexcept;
  TemplateMiner(const TemplateMiner&) = delete;
  TemplateMiner& operator=(const TemplateMiner&) = delete;

  // Learns one message; returns the index of the cluster it joined. Indexes
  // are dense (0, 1, 2, … in order of creation) and never change.
  size_t add(std::string_view message, Level level = Level::kUnknown, std::optional<Timestamp> time = std::nullopt);
  // Learns one entry (its message, level and time).
  size_t add(const LogEntry& entry);

  // The cluster a message would join, without learning; nullopt if none.
  std::optional<size_t> match(std::string_view message) const;

  size_t cluster_count() const;
  // Message count of one cluster (cheap; no copy).
  uint64_t cluster_size(size_t cluster) const;
  // The current template text of one cluster.
  std::string template_text(size_t cluster) const;
  // A full snapshot of one cluster.
  LogTemplate snapshot(size_t cluster) const;
  // All templates, by count descending, then text.
  std::vector<LogTemplate> templates() const;

  const MinerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Mines a batch of entries with a fresh miner; templates by count descending.
std::vector<LogTemplate> mine_entries(const std::vector<LogEntry>& entries, const MinerOptions& options = {});

}  // namespace tinkr::analysis
