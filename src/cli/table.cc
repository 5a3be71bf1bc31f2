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
  // Each cell's display width, measured once (a 1,000-line log table has 4,000).
  std::vector<size_t> cell_widths;
  cell_widths.reserve(rows_.size() * n);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < n; ++c) {
      cell_widths.push_back(display_width(row[c]));
      widths[c] = std::max(widths[c], cell_widths.back());
    }
  }
  // Room left for the last column when a width limit applies.
  size_t last_limit = 0;
  size_t line_width = display_width(indent);
  for (size_t c = 0; c < n; ++c) line_width += widths[c] + 2;
  if (max_width > 0 && n > 0) {
    const size_t before = line_width - widths[n - 1] - 2;
    last_limit = max_width > before + 10 ? max_width - before : 10;
  }
  std::string out;
  out.reserve((rows_.size() + 1) * (line_width + 1));
  // One line appended to `out`: cells padded to their column, trailing spaces dropped.
  auto emit = [&](const std::vector<std::string>& cells, const size_t* measured) {
    const size_t line_start = out.size();
    out += indent;
    for (size_t c = 0; c < n; ++c) {
      std::string_view cell = cells[c];
      size_t width = measured ? measured[c] : display_width(cell);
      std::string truncated;
      if (c + 1 == n && last_limit > 0 && width > last_limit) {
        truncated = truncate_to_width(cell, last_limit);
        cell = truncated;
        width = display_width(cell);
      }
      const size_t padding = width < widths[c] ? widths[c] - width : 0;
      if (align_[c] == Align::kRight) out.append(padding, ' ');
      out += cell;
      if (align_[c] != Align::kRight) out.append(padding, ' ');
      if (c + 1 < n) out += "  ";
    }
    size_t end = out.size();
    while (end > line_start && out[end - 1] == ' ') --end;
    out.resize(end);
    out += '\n';
  };
  if (show_headers) emit(headers_, nullptr);
  for (size_t r = 0; r < rows_.size(); ++r) emit(rows_[r], cell_widths.data() + r * n);
  return out;
}

}  // namespace tinkr::cli
