// LogFormat: the header-format syntax of the Loghub benchmark.
//
// A format such as "<Date> <Time> <Level> <Component>: <Content>" names the
// fields of a raw line. Every "<Name>" is a field, captured lazily; the text
// between fields is literal regex text in which each run of spaces matches
// one or more whitespace characters, and other regex syntax ("\[", "(…)?") is
// kept as written (logparser's convention). The whole line, stripped of
// surrounding whitespace, must match. "<Content>" is the message; a format
// without it is an error. Matching uses RE2 (linear time).
//
// Immutable once built; thread-safe to share.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace re2 {
class RE2;
}

namespace tinkr::analysis {

class LogFormat {
 public:
  // Builds the matcher; invalid_argument when the format has no <Content>
  // field, a field name is repeated or the literal text is not a valid regex.
  static Result<LogFormat> parse(std::string_view format);

  // Field names in order ("Date", "Time", "Level", …, "Content").
  const std::vector<std::string>& fields() const { return fields_; }
  // Index of a field in fields(), or nullopt.
  std::optional<size_t> field_index(std::string_view name) const;
  size_t content_index() const { return content_index_; }

  // Matches one line; on success fills `values` (one view into `line` per
  // field, in fields() order) and returns true. False when the line does not
  // have this format.
  bool extract(std::string_view line, std::vector<std::string_view>& values) const;

  const std::string& format() const { return format_; }
  const std::string& regex() const { return regex_; }

 private:
  std::string format_;
  std::string regex_;
  std::vector<std::string> fields_;
  size_t content_index_ = 0;
  std::vector<int> groups_;  // capture group index of each field
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace tinkr::analysis
