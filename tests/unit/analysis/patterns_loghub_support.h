// Test support for the Loghub-2k accuracy checks: reading the labelled
// samples and computing grouping accuracy (GA) as defined in
// /work/shared/data/loghub-2k/README.md.
#pragma once

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/patterns/log_format.h"
#include "analysis/patterns/miner.h"
#include "core/json.h"

namespace tinkr::analysis::testing {

inline std::string loghub_dir() { return std::string(TINKR_SHARED_DIR) + "/data/loghub-2k"; }

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// RFC 4180 rows (quoted fields, "" escapes, CRLF or LF row ends).
inline std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

struct LoghubSystem {
  std::string name;
  std::string log_format;
  std::vector<std::string> regexes;  // the benchmark's per-dataset preprocessing
  double drain_st = 0.5;
  int drain_depth = 4;
  double drain_ga = 0;             // published Drain grouping accuracy
  std::vector<std::string> lines;  // raw lines
  std::vector<std::string> truth;  // EventId per line
};

inline std::vector<LoghubSystem> load_loghub() {
  std::vector<LoghubSystem> out;
  auto meta = parse_json(read_all(loghub_dir() + "/datasets.json"));
  if (!meta || !meta->is_object()) return out;
  for (const auto& [key, v] : meta->as_object()) {
    LoghubSystem s;
    s.name = std::string(key);
    s.log_format = std::string(get_string(v, "log_format"));
    if (auto* r = find_field(v, "regex"); r && r->is_array())
      for (const auto& x : r->as_array()) s.regexes.emplace_back(x.as_string());
    s.drain_st = get_double(v, "drain_st", 0.5);
    s.drain_depth = static_cast<int>(get_int(v, "drain_depth", 4));
    s.drain_ga = get_double(v, "drain_grouping_accuracy");
    std::string raw = read_all(loghub_dir() + "/" + s.name + "/" + s.name + "_2k.log");
    size_t pos = 0;
    while (pos < raw.size()) {
      size_t nl = raw.find('\n', pos);
      if (nl == std::string::npos) nl = raw.size();
      std::string line = raw.substr(pos, nl - pos);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      s.lines.push_back(std::move(line));
      pos = nl + 1;
    }
    auto rows = read_csv(read_all(loghub_dir() + "/" + s.name + "/" + s.name + "_2k.log_structured.csv"));
    if (rows.empty()) continue;
    size_t event_col = 0;
    for (size_t i = 0; i < rows[0].size(); ++i)
      if (rows[0][i] == "EventId") event_col = i;
    for (size_t r = 1; r < rows.size(); ++r)
      if (rows[r].size() > event_col) s.truth.push_back(rows[r][event_col]);
    out.push_back(std::move(s));
  }
  return out;
}

// Grouping accuracy of a predicted partition against the truth.
inline double grouping_accuracy(const std::vector<size_t>& predicted, const std::vector<std::string>& truth) {
  std::unordered_map<std::string, size_t> truth_size;
  for (const auto& t : truth) ++truth_size[t];
  std::unordered_map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < predicted.size(); ++i) groups[predicted[i]].push_back(i);
  size_t correct = 0;
  for (const auto& [g, members] : groups) {
    const std::string& e = truth[members[0]];
    bool pure = true;
    for (size_t m : members) pure &= truth[m] == e;
    if (pure && members.size() == truth_size[e]) correct += members.size();
  }
  return truth.empty() ? 0 : static_cast<double>(correct) / static_cast<double>(truth.size());
}

// Mines one system with the given options (generic masking only); the
// predicted group of a line is its cluster.
inline double mine_and_score(const LoghubSystem& s, const MinerOptions& options) {
  auto format = LogFormat::parse(s.log_format);
  if (!format) return -1;
  TemplateMiner miner(options);
  std::vector<size_t> predicted;
  std::vector<std::string_view> values;
  for (const auto& line : s.lines) {
    std::string_view content = line;
    if (format->extract(line, values)) content = values[format->content_index()];
    predicted.push_back(miner.add(content));
  }
  return grouping_accuracy(predicted, s.truth);
}

}  // namespace tinkr::analysis::testing

namespace tinkr::analysis::testing {

// Prints, for one system, the true events that were not grouped exactly:
// each event's predicted clusters and the clusters' templates (debug aid).
inline void explain_errors(const LoghubSystem& s, const MinerOptions& options, size_t max_events = 30) {
  auto format = LogFormat::parse(s.log_format);
  TemplateMiner miner(options);
  std::vector<size_t> predicted;
  std::vector<std::string_view> values;
  std::vector<std::string> contents;
  for (const auto& line : s.lines) {
    std::string_view content = line;
    if (format->extract(line, values)) content = values[format->content_index()];
    contents.emplace_back(content);
    predicted.push_back(miner.add(content));
  }
  std::unordered_map<std::string, std::vector<size_t>> by_event;
  for (size_t i = 0; i < s.truth.size(); ++i) by_event[s.truth[i]].push_back(i);
  std::unordered_map<size_t, std::vector<size_t>> by_cluster;
  for (size_t i = 0; i < predicted.size(); ++i) by_cluster[predicted[i]].push_back(i);
  size_t shown = 0;
  for (const auto& [event, members] : by_event) {
    std::map<size_t, size_t> clusters;
    for (size_t m : members) ++clusters[predicted[m]];
    bool ok = clusters.size() == 1 && by_cluster[clusters.begin()->first].size() == members.size();
    if (ok) continue;
    if (++shown > max_events) break;
    std::printf("== %s (%zu lines) e.g. %s\n", event.c_str(), members.size(), contents[members[0]].c_str());
    for (auto [c, n] : clusters) {
      std::map<std::string, size_t> others;
      for (size_t m : by_cluster[c])
        if (s.truth[m] != event) ++others[s.truth[m]];
      std::printf("   cluster %zu: %zu of %zu  [%s]", c, n, by_cluster[c].size(), miner.template_text(c).c_str());
      for (auto& [o, k] : others) std::printf(" +%s:%zu", o.c_str(), k);
      std::printf("\n");
    }
  }
}

}  // namespace tinkr::analysis::testing
