#include "analysis/patterns/mine_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "analysis/patterns/log_format.h"

namespace tinkr::analysis {
namespace {

// Feeds lines to the miner and keeps the per-line cluster indexes; the
// indexes become positions in the sorted template list at the end.
class FileMiner {
 public:
  FileMiner(const std::optional<LogFormat>& format, const MineFileOptions& options)
      : format_(format), options_(options), miner_(options.miner) {
    if (format_) level_field_ = format_->field_index("Level");
  }

  void line(std::string_view text) {
    ++line_number_;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) return;
    ++result_.total_lines;
    std::string_view message = text;
    Level level = Level::kUnknown;
    bool matched = true;
    if (format_) {
      if (format_->extract(text, values_)) {
        message = values_[format_->content_index()];
        if (level_field_) level = parse_level(values_[*level_field_]);
      } else {
        matched = false;
        ++result_.unmatched_lines;
        if (result_.unmatched_line_numbers.size() < options_.max_unmatched_reported)
          result_.unmatched_line_numbers.push_back(line_number_);
      }
    }
    size_t cluster = miner_.add(message, level);
    if (options_.keep_assignments) result_.lines.push_back({line_number_, static_cast<uint32_t>(cluster), matched});
  }

  MineFileResult finish() {
    const size_t n = miner_.cluster_count();
    std::vector<uint32_t> order(n);
    for (uint32_t i = 0; i < n; ++i) order[i] = i;
    std::vector<std::string> texts(n);
    for (size_t i = 0; i < n; ++i) texts[i] = miner_.template_text(i);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      uint64_t ca = miner_.cluster_size(a), cb = miner_.cluster_size(b);
      if (ca != cb) return ca > cb;
      return texts[a] < texts[b];
    });
    std::vector<uint32_t> position(n);
    result_.templates.reserve(n);
    for (uint32_t p = 0; p < n; ++p) {
      position[order[p]] = p;
      result_.templates.push_back(miner_.snapshot(order[p]));
    }
    for (auto& a : result_.lines) a.template_index = position[a.template_index];
    return std::move(result_);
  }

 private:
  const std::optional<LogFormat>& format_;
  const MineFileOptions& options_;
  TemplateMiner miner_;
  std::optional<size_t> level_field_;
  std::vector<std::string_view> values_;
  uint64_t line_number_ = 0;
  MineFileResult result_;
};

Result<std::optional<LogFormat>> build_format(const std::optional<std::string>& log_format) {
  if (!log_format || log_format->empty()) return std::optional<LogFormat>();
  TINKR_ASSIGN_OR_RETURN(auto f, LogFormat::parse(*log_format));
  return std::optional<LogFormat>(std::move(f));
}

}  // namespace

Result<MineFileResult> mine_text(std::string_view text, const std::optional<std::string>& log_format,
                                 const MineFileOptions& options) {
  TINKR_ASSIGN_OR_RETURN(auto format, build_format(log_format));
  FileMiner fm(format, options);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    fm.line(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return fm.finish();
}

Result<MineFileResult> mine_file(const std::string& path, const std::optional<std::string>& log_format,
                                 const MineFileOptions& options) {
  TINKR_ASSIGN_OR_RETURN(auto format, build_format(log_format));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    return make_error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument,
                      "cannot open log file '" + path + "': " + std::strerror(err) + "; check the --file path");
  }
  FileMiner fm(format, options);
  std::string line;
  while (std::getline(in, line)) fm.line(line);
  if (in.bad()) return make_error(ErrorCode::kInvalidArgument, "error while reading log file '" + path + "'");
  return fm.finish();
}

}  // namespace tinkr::analysis
