// Offline mining of a log file: the library behind `tinkr patterns --file`.
//
// Reads a file (or text) line by line ("\n"-separated, one trailing "\r"
// stripped, a missing final newline tolerated, empty lines skipped), extracts
// the message with an optional LogFormat (patterns/log_format.h), and mines it
// with a TemplateMiner. Lines that do not match the format are not dropped:
// they are mined whole, counted in `unmatched_lines` and their first line
// numbers listed. When the format has a <Level> field, the level mix of each
// template is filled in.
//
// Pure apart from reading the file; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/patterns/miner.h"
#include "core/result.h"

namespace tinkr::analysis {

struct MineFileOptions {
  MinerOptions miner;
  bool keep_assignments = true;  // fill MineFileResult::lines (for -o jsonlines)
  size_t max_unmatched_reported = 20;
};

struct LineAssignment {
  uint64_t line_number = 0;     // 1-based line number in the input
  uint32_t template_index = 0;  // index into MineFileResult::templates
  bool header_matched = true;   // false when the line did not have the log format
};

struct MineFileResult {
  std::vector<LogTemplate> templates;            // by count descending, then text
  std::vector<LineAssignment> lines;             // one per non-empty input line, in order (if kept)
  uint64_t total_lines = 0;                      // non-empty lines read
  uint64_t unmatched_lines = 0;                  // lines that did not match the log format
  std::vector<uint64_t> unmatched_line_numbers;  // the first max_unmatched_reported of them
};

// Mines a file. not_found / invalid_argument errors name the file or the format.
Result<MineFileResult> mine_file(const std::string& path, const std::optional<std::string>& log_format,
                                 const MineFileOptions& options = {});

// Mines text already in memory (same rules as mine_file).
Result<MineFileResult> mine_text(std::string_view text, const std::optional<std::string>& log_format,
                                 const MineFileOptions& options = {});

}  // namespace tinkr::analysis
