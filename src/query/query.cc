// translate(): recognise native text, otherwise parse and hand the tree to
// the dialect's translator (src/query/translators/).
#include "query/query.h"

#include "core/strings.h"
#include "query/ast.h"
#include "query/translators/common.h"

namespace tinkr::query {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// A '|' outside double quotes.
bool has_pipe(std::string_view s) {
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && quoted) {
      ++i;
      continue;
    }
    if (s[i] == '"') quoted = !quoted;
    else if (s[i] == '|' && !quoted) return true;
  }
  return false;
}

Status check_context(const TranslateContext& ctx) {
  if (!is_valid_utf8(ctx.service))
    return make_error(ErrorCode::kInvalidArgument, "the service name is not valid UTF-8");
  if (ctx.limit == 0) return make_error(ErrorCode::kInvalidArgument, "limit must be at least 1");
  return ok_status();
}

}  // namespace

Result<Dialect> dialect_for_backend(std::string_view backend_name) {
  struct Name {
    std::string_view name;
    Dialect dialect;
  };
  static constexpr Name kNames[] = {
      {"grafana", Dialect::kLogQL},
      {"loki", Dialect::kLogQL},
      {"logql", Dialect::kLogQL},
      {"cloudwatch", Dialect::kInsights},
      {"aws", Dialect::kInsights},
      {"insights", Dialect::kInsights},
      {"gcp", Dialect::kCloudLogging},
      {"google", Dialect::kCloudLogging},
      {"cloud-logging", Dialect::kCloudLogging},
      {"cloud_logging", Dialect::kCloudLogging},
      {"azure", Dialect::kKql},
      {"kql", Dialect::kKql},
      {"datadog", Dialect::kDatadog},
      {"elastic", Dialect::kElastic},
      {"elasticsearch", Dialect::kElastic},
      {"otel", Dialect::kOpenSearch},
      {"opensearch", Dialect::kOpenSearch},
      {"local", Dialect::kSql},
      {"sql", Dialect::kSql},
      {"sqlite", Dialect::kSql},
  };
  std::string_view n = trim(backend_name);
  for (const auto& entry : kNames)
    if (iequals(n, entry.name)) return entry.dialect;
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown backend '" + std::string(backend_name) +
                        "': expected cloudwatch, gcp, azure, grafana, datadog, elastic, otel or local");
}

std::string_view dialect_name(Dialect d) {
  switch (d) {
    case Dialect::kLogQL: return "logql";
    case Dialect::kInsights: return "insights";
    case Dialect::kCloudLogging: return "cloud-logging";
    case Dialect::kKql: return "kql";
    case Dialect::kDatadog: return "datadog";
    case Dialect::kElastic: return "elastic";
    case Dialect::kOpenSearch: return "opensearch";
    case Dialect::kSql: return "sql";
  }
  return "?";
}

bool is_native(Dialect dialect, std::string_view text) {
  std::string_view t = trim(text);
  switch (dialect) {
    case Dialect::kLogQL: return starts_with(t, "{");
    case Dialect::kDatadog: return starts_with(t, "@");
    case Dialect::kInsights: return has_pipe(t);
    case Dialect::kCloudLogging: {
      if (starts_with(t, "resource.") || starts_with(t, "labels.") || starts_with(t, "logName") ||
          starts_with(t, "jsonPayload.") || starts_with(t, "textPayload") || starts_with(t, "protoPayload."))
        return true;
      if (starts_with(t, "severity")) {
        std::string_view rest = trim(t.substr(8));
        return starts_with(rest, "=") || starts_with(rest, "!=") || starts_with(rest, ">") || starts_with(rest, "<");
      }
      return false;
    }
    case Dialect::kKql: {
      // Table | …
      size_t i = 0;
      while (i < t.size() && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
                              (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
        ++i;
      if (i == 0 || (t[0] >= '0' && t[0] <= '9')) return false;
      std::string_view rest = trim(t.substr(i));
      return starts_with(rest, "|");
    }
    case Dialect::kElastic:
    case Dialect::kOpenSearch:
    case Dialect::kSql: return false;
  }
  return false;
}

Result<NativeQuery> translate(Dialect dialect, std::string_view query_text, const TranslateContext& ctx) {
  TINKR_RETURN_IF_ERROR(check_context(ctx));
  if (is_native(dialect, query_text)) {
    NativeQuery q;
    q.dialect = dialect;
    q.passthrough = true;
    q.text = std::string(trim(query_text));
    if (dialect == Dialect::kCloudLogging && detail::has_range(ctx)) {
      // Cloud Logging takes its time range only in the filter.
      q.text = "(" + q.text + ") AND timestamp>=\"" + format_rfc3339(ctx.range.from) + "\" AND timestamp<\"" +
               format_rfc3339(ctx.range.to) + "\"";
    }
    return q;
  }
  TINKR_ASSIGN_OR_RETURN(Node root, parse(query_text));
  Result<NativeQuery> r = make_error(ErrorCode::kInternal, "no translator");
  switch (dialect) {
    case Dialect::kLogQL: r = detail::to_logql(root, ctx); break;
    case Dialect::kInsights: r = detail::to_insights(root, ctx); break;
    case Dialect::kCloudLogging: r = detail::to_cloud_logging(root, ctx); break;
    case Dialect::kKql: r = detail::to_kql(root, ctx); break;
    case Dialect::kDatadog: r = detail::to_datadog(root, ctx); break;
    case Dialect::kElastic: r = detail::to_elastic(root, ctx, false); break;
    case Dialect::kOpenSearch: r = detail::to_elastic(root, ctx, true); break;
    case Dialect::kSql: r = detail::to_sql(root, ctx); break;
  }
  return r;
}

Result<NativeQuery> translate(std::string_view backend_name, std::string_view query_text, const TranslateContext& ctx) {
  TINKR_ASSIGN_OR_RETURN(Dialect d, dialect_for_backend(backend_name));
  return translate(d, query_text, ctx);
}

Result<SqlFilter> translate_sql_filter(std::string_view query_text, const TranslateContext& ctx) {
  TINKR_RETURN_IF_ERROR(check_context(ctx));
  TINKR_ASSIGN_OR_RETURN(Node root, parse(query_text));
  return detail::to_sql_where(root, ctx);
}

Status validate(std::string_view query_text) {
  auto r = parse(query_text);
  if (!r.ok()) return r.error();
  return ok_status();
}

Result<std::string> normalize(std::string_view query_text) {
  TINKR_ASSIGN_OR_RETURN(Node root, parse(query_text));
  return format(root);
}

}  // namespace tinkr::query
