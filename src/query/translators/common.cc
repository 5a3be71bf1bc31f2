#include "query/translators/common.h"

namespace tinkr::query::detail {

std::vector<Level> selected_levels(const Node& n) {
  if (n.kind == NodeKind::kField) return {n.level};
  std::vector<Level> out;
  int pivot = static_cast<int>(n.level);
  for (int l = static_cast<int>(Level::kTrace); l <= static_cast<int>(Level::kCritical); ++l) {
    bool keep = false;
    switch (n.op) {
      case CompareOp::kGt: keep = l > pivot; break;
      case CompareOp::kGe: keep = l >= pivot; break;
      case CompareOp::kLt: keep = l < pivot; break;
      case CompareOp::kLe: keep = l <= pivot; break;
    }
    if (keep) out.push_back(static_cast<Level>(l));
  }
  return out;
}

const std::vector<std::string_view>& level_spellings(Level level) {
  static const std::vector<std::string_view> kTrace = {"trace"};
  static const std::vector<std::string_view> kDebug = {"debug", "verbose"};
  static const std::vector<std::string_view> kInfo = {"info", "information", "informational", "notice"};
  static const std::vector<std::string_view> kWarn = {"warn", "warning"};
  static const std::vector<std::string_view> kError = {"error", "err"};
  static const std::vector<std::string_view> kCritical = {"critical", "crit",  "fatal",    "panic",
                                                          "alert",    "emerg", "emergency"};
  static const std::vector<std::string_view> kNone = {};
  switch (level) {
    case Level::kTrace: return kTrace;
    case Level::kDebug: return kDebug;
    case Level::kInfo: return kInfo;
    case Level::kWarn: return kWarn;
    case Level::kError: return kError;
    case Level::kCritical: return kCritical;
    case Level::kUnknown: break;
  }
  return kNone;
}

std::string level_regex(const std::vector<Level>& levels) {
  std::string out = "(?i)(";
  bool first = true;
  for (Level l : levels) {
    for (auto w : level_spellings(l)) {
      if (!first) out += '|';
      first = false;
      out += w;
    }
  }
  out += ')';
  return out;
}

Error unsupported(std::string_view dialect, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument, std::string(dialect) + " cannot express " + std::string(what) +
                                                     "; rewrite the filter or pass a native query");
}

}  // namespace tinkr::query::detail
