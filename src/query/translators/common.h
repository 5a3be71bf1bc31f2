// What the dialect translators share: their entry points, the level
// vocabularies, and small helpers. Internal to src/query.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/ast.h"
#include "query/query.h"

namespace tinkr::query::detail {

Result<NativeQuery> to_logql(const Node& root, const TranslateContext& ctx);
Result<NativeQuery> to_insights(const Node& root, const TranslateContext& ctx);
Result<NativeQuery> to_cloud_logging(const Node& root, const TranslateContext& ctx);
Result<NativeQuery> to_kql(const Node& root, const TranslateContext& ctx);
Result<NativeQuery> to_datadog(const Node& root, const TranslateContext& ctx);
Result<NativeQuery> to_elastic(const Node& root, const TranslateContext& ctx, bool otel);
Result<SqlFilter> to_sql_where(const Node& root, const TranslateContext& ctx);
Result<NativeQuery> to_sql(const Node& root, const TranslateContext& ctx);

// The levels (kTrace..kCritical) a level node selects: one for level:X, the
// ones satisfying the comparison for level>=X.
std::vector<Level> selected_levels(const Node& n);
// Lower-case spellings of a level used by log libraries
// ("warn", "warning"; "error", "err"; "critical", "fatal", …).
const std::vector<std::string_view>& level_spellings(Level level);
// "(?i)(warn|warning|…)" for a set of levels: a full-match, case-insensitive pattern.
std::string level_regex(const std::vector<Level>& levels);

// True when the time range constrains anything.
inline bool has_range(const TranslateContext& ctx) { return ctx.range.from < ctx.range.to; }

Error unsupported(std::string_view dialect, std::string_view what);

}  // namespace tinkr::query::detail
