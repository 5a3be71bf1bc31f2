// The embedded store (SQLite): a parameterised SELECT over the fixed `logs`
// table. Every user value is a bound parameter; the SQL text is built only
// from fixed fragments.
#include "query/escape.h"
#include "query/translators/common.h"
#include "query/translators/operands.h"

namespace tinkr::query::detail {
namespace {

class SqlWriter {
 public:
  std::string sql;
  std::vector<SqlParam> params;

  void emit(const Node& n) {
    switch (n.kind) {
      case NodeKind::kAll: sql += "1"; return;
      case NodeKind::kText: text(n.value, n.phrase); return;
      case NodeKind::kField: field(n); return;
      case NodeKind::kCompare: compare(n); return;
      case NodeKind::kNot:
        // A missing attribute makes the inner test NULL; NOT must then be true.
        sql += "NOT IFNULL((";
        emit(n.children.front());
        sql += "), 0)";
        return;
      case NodeKind::kAnd:
      case NodeKind::kOr:
        sql += '(';
        append_operands(n, kUpperCaseJunctions, sql, [this](const Node& c) { emit(c); });
        sql += ')';
        return;
    }
  }

 private:
  void text(const std::string& v, bool phrase) {
    if (phrase) {
      sql += "instr(message, ?) > 0";  // exact, case-sensitive
      params.emplace_back(v);
    } else {
      sql += "message LIKE ? ESCAPE '\\'";  // case-insensitive for ASCII
      params.emplace_back(escape::sql_like_contains(v));
    }
  }

  void field(const Node& n) {
    if (n.field == kFieldMessage) return text(n.value, n.phrase);
    if (n.field == kFieldLevel) {
      sql += "level = ?";
      params.emplace_back(static_cast<int64_t>(n.level));
      return;
    }
    if (n.field == kFieldService || n.field == kFieldTraceId || n.field == kFieldSpanId) {
      sql += n.field;  // a fixed column name from the canonical set
      sql += " = ?";
      params.emplace_back(n.value);
      return;
    }
    sql += "json_extract(attributes, ?) = ?";
    params.emplace_back(escape::sqlite_json_path(n.field));
    params.emplace_back(n.value);
  }

  void compare(const Node& n) {
    if (n.field == kFieldLevel) {
      sql += "level ";
      sql += compare_op_text(n.op);
      sql += " ?";
      params.emplace_back(static_cast<int64_t>(n.level));
      return;
    }
    if (n.field == kFieldService || n.field == kFieldTraceId || n.field == kFieldSpanId || n.field == kFieldMessage) {
      sql += "CAST(";
      sql += n.field;
      sql += " AS REAL) ";
    } else {
      sql += "CAST(json_extract(attributes, ?) AS REAL) ";
      params.emplace_back(escape::sqlite_json_path(n.field));
    }
    sql += compare_op_text(n.op);
    sql += " ?";
    params.emplace_back(n.number);
  }
};

// Appends the WHERE condition to w.sql (which may already hold a prefix).
void write_where(const Node& root, const TranslateContext& ctx, SqlWriter& w) {
  const size_t start = w.sql.size();
  auto next_condition = [&w, start] {
    if (w.sql.size() > start) w.sql += " AND ";
  };
  if (has_range(ctx)) {
    w.sql += "ts >= ? AND ts < ?";
    w.params.emplace_back(to_unix_nanos(ctx.range.from));
    w.params.emplace_back(to_unix_nanos(ctx.range.to));
  }
  if (!ctx.service.empty()) {
    next_condition();
    w.sql += "service = ?";
    w.params.emplace_back(ctx.service);
  }
  if (root.kind != NodeKind::kAll) {
    next_condition();
    bool grouped = is_junction(root);  // emit() adds the parentheses
    if (!grouped) w.sql += '(';
    w.emit(root);
    if (!grouped) w.sql += ')';
  }
  if (w.sql.size() == start) w.sql += '1';
}

}  // namespace

Result<SqlFilter> to_sql_where(const Node& root, const TranslateContext& ctx) {
  SqlWriter w;
  write_where(root, ctx, w);
  return SqlFilter{std::move(w.sql), std::move(w.params)};
}

Result<NativeQuery> to_sql(const Node& root, const TranslateContext& ctx) {
  SqlWriter w;
  w.sql.reserve(256);
  w.params.reserve(8);
  w.sql = "SELECT id, ts, service, level, message, trace_id, span_id, attributes FROM logs WHERE ";
  write_where(root, ctx, w);
  if (!ctx.filter_only) {
    w.sql += ctx.newest_first ? " ORDER BY ts DESC" : " ORDER BY ts ASC";
    w.sql += " LIMIT ?";
    w.params.emplace_back(static_cast<int64_t>(ctx.limit));
  }
  NativeQuery q;
  q.dialect = Dialect::kSql;
  q.text = std::move(w.sql);
  q.params = std::move(w.params);
  return q;
}

}  // namespace tinkr::query::detail
