#include "cli/table.h"

#include <algorithm>

#include "cli/terminal.h"

namespace tinkr::cli {

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)), align_(headers_.size(), Align::kLeft) {}

void Table::set_align(size_t column, Align align) {
  if (column < align_.size()) align_[column] = align;
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::render(const std::string& indent, size_t max_width) const {
  const size_t n = headers_.size();
  std::vector<size_t> widths(n, 0);
  const bool show_headers = std::any_of(headers_.begin(), headers_.end(), [](const auto& h) { return !h.empty(); });
  if (show_headers) {
    for (size_t c = 0; c < n; ++c) widths[c] = display_width(headers_[c]);
  }
  for (const auto& row : rows_) {
    for (size_t c = 0; c < n; ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  // Room left for the last column when a width limit applies.
  size_t last_limit = 0;
  if (max_width > 0 && n > 0) {
    size_t before = display_width(indent);
    for (size_t c = 0; c + 1 < n; ++c) before += widths[c] + 2;
    last_limit = max_width > before + 10 ? max_width - before : 10;
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line = indent;
    for (size_t c = 0; c < n; ++c) {
      std::string cell = cells[c];
      if (c + 1 == n && last_limit > 0) cell = truncate_to_width(cell, last_limit);
      line += align_[c] == Align::kRight ? pad_left(cell, widths[c]) : pad_right(cell, widths[c]);
      if (c + 1 < n) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  if (show_headers) emit(headers_);
  for (const auto& row : rows_) emit(row);
  return out;
}

}  // namespace tinkr::cli
