// The regex is built as logparser builds it: the format is cut at "<Name>"
// markers; each field becomes (?P<Name>.*?); in each literal piece every run
// of spaces becomes \s+ and the rest is kept as regex text; the whole is
// anchored. RE2 gives the same captures as Python's re on the Loghub data.
#include "analysis/patterns/log_format.h"

#include <re2/re2.h>

#include <algorithm>

namespace tinkr::analysis {
namespace {

bool valid_field_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !std::isdigit(static_cast<unsigned char>(name[0]));
}

std::string literal_to_regex(std::string_view piece) {
  std::string out;
  for (size_t i = 0; i < piece.size();) {
    if (piece[i] == ' ') {
      while (i < piece.size() && piece[i] == ' ') ++i;
      out += "\\s+";
    } else {
      out.push_back(piece[i++]);
    }
  }
  return out;
}

std::string_view strip(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

Result<LogFormat> LogFormat::parse(std::string_view format) {
  LogFormat f;
  f.format_ = std::string(format);
  std::string rx = "^";
  bool has_content = false;
  size_t i = 0;
  while (i < format.size()) {
    size_t open = format.find('<', i);
    size_t close = open == std::string_view::npos ? open : format.find('>', open + 1);
    // A marker is "<" + name without '<' or '>' + ">".
    if (open != std::string_view::npos && close != std::string_view::npos &&
        format.substr(open + 1, close - open - 1).find('<') == std::string_view::npos) {
      rx += literal_to_regex(format.substr(i, open - i));
      std::string name(format.substr(open + 1, close - open - 1));
      if (!valid_field_name(name))
        return make_error(ErrorCode::kInvalidArgument,
                          "log format field <" + name + "> is not a valid name: use letters, digits and '_'");
      if (std::find(f.fields_.begin(), f.fields_.end(), name) != f.fields_.end())
        return make_error(ErrorCode::kInvalidArgument, "log format names the field <" + name + "> twice");
      if (name == "Content") {
        has_content = true;
        f.content_index_ = f.fields_.size();
      }
      rx += "(?P<" + name + ">.*?)";
      f.fields_.push_back(std::move(name));
      i = close + 1;
    } else {
      rx += literal_to_regex(format.substr(i));
      break;
    }
  }
  rx += "$";
  if (!has_content)
    return make_error(ErrorCode::kInvalidArgument,
                      "log format has no <Content> field: name the message part, e.g. "
                      "'<Date> <Time> <Level> <Component>: <Content>'");
  RE2::Options o;
  o.set_log_errors(false);
  o.set_dot_nl(true);
  auto re = std::make_shared<RE2>(rx, o);
  if (!re->ok())
    return make_error(ErrorCode::kInvalidArgument, "log format is not a valid pattern (" + re->error() +
                                                       "); text outside <Field> markers is a regular expression");
  if (re->NumberOfCapturingGroups() < static_cast<int>(f.fields_.size()))
    return make_error(ErrorCode::kInvalidArgument, "log format could not be compiled into one group per field");
  for (const auto& name : f.fields_) {
    auto it = re->NamedCapturingGroups().find(name);
    f.groups_.push_back(it == re->NamedCapturingGroups().end() ? -1 : it->second);
  }
  f.regex_ = std::move(rx);
  f.re_ = std::move(re);
  return f;
}

std::optional<size_t> LogFormat::field_index(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i] == name) return i;
  return std::nullopt;
}

bool LogFormat::extract(std::string_view line, std::vector<std::string_view>& values) const {
  line = strip(line);
  // Literal text may add unnamed groups ("(\[<PID>\])?"): go by groups_.
  const int groups = re_->NumberOfCapturingGroups();
  thread_local std::vector<re2::StringPiece> caps;
  caps.assign(static_cast<size_t>(groups) + 1, re2::StringPiece());
  if (!re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::ANCHOR_BOTH, caps.data(),
                  groups + 1))
    return false;
  values.assign(fields_.size(), std::string_view());
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (groups_[i] < 0) continue;
    const auto& sp = caps[static_cast<size_t>(groups_[i])];
    if (sp.data() != nullptr) values[i] = std::string_view(sp.data(), sp.size());
  }
  return true;
}

}  // namespace tinkr::analysis
