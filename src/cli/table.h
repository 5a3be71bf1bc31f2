// Table: aligned text columns for the CLI (display-width aware, so UTF-8 and
// coloured cells line up). Columns are separated by two spaces; trailing
// spaces are trimmed; the last column may be cut to fit `max_width`.
// A value type; render() is pure.
#pragma once

#include <string>
#include <vector>

namespace tinkr::cli {

class Table {
 public:
  enum class Align { kLeft, kRight };

  explicit Table(std::vector<std::string> headers);
  void set_align(size_t column, Align align);
  void add_row(std::vector<std::string> cells);  // missing cells are empty
  size_t rows() const { return rows_.size(); }

  // The table, each line prefixed by `indent` and ending in '\n'. Headers are
  // omitted when all are empty. max_width 0: no limit.
  std::string render(const std::string& indent = "", size_t max_width = 0) const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace tinkr::cli
