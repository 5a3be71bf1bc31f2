// Elasticsearch (ECS field names) and OpenSearch with Data Prepper OTel logs:
// the `_search` JSON body, built with Boost.JSON so every string is escaped
// by the serializer.
//
// Words and phrases are `match_phrase` on the message field (analysed,
// case-insensitive); fields are `term`s; comparisons `range`s; levels `terms`
// on log.level (ECS) or a `range` on severityNumber (OTel); AND/OR/NOT are
// bool filter/should/must_not. Time range and service are bool filters.
//
// The body is built in a monotonic arena (one stack buffer, no per-node heap
// allocation) and serialised once; the pretty-printed form for display is
// made only on request (printable() in query.cc).
#include <algorithm>

#include <boost/json.hpp>

#include "query/translators/common.h"

namespace tinkr::query::detail {
namespace json = boost::json;
namespace {

struct Fields {
  std::string_view time, message, service, level, trace, span, attribute_prefix;
  bool dots_to_at;  // Data Prepper flattens attribute keys with '@' for '.'
};
constexpr Fields kEcs{"@timestamp", "message", "service.name", "log.level", "trace.id", "span.id", "", false};
constexpr Fields kOtel{"time", "body", "serviceName", "severityNumber", "traceId", "spanId", "log.attributes.", true};

// The document field of an attribute (written into `buf`, which must outlive the use).
std::string_view attr(const Fields& f, const std::string& field, std::string& buf) {
  if (f.attribute_prefix.empty()) return field;
  buf.assign(f.attribute_prefix);
  size_t start = buf.size();
  buf += field;
  if (f.dots_to_at)
    for (size_t i = start; i < buf.size(); ++i)
      if (buf[i] == '.') buf[i] = '@';
  return buf;
}

std::string_view range_key(CompareOp op) {
  switch (op) {
    case CompareOp::kGt: return "gt";
    case CompareOp::kGe: return "gte";
    case CompareOp::kLt: return "lt";
    case CompareOp::kLe: return "lte";
  }
  return "gte";
}

// Every object, array and string of a body shares the arena `sp`.
json::object single(std::string_view kind, json::object body) {
  json::object o(body.storage());
  o.emplace(kind, std::move(body));
  return o;
}

json::object term(const json::storage_ptr& sp, std::string_view field, std::string_view v) {
  json::object b(sp);
  b.emplace(field, v);
  return single("term", std::move(b));
}

// OTel SeverityNumber ranges: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24.
std::pair<int, int> otel_range(Level l) {
  int base = (static_cast<int>(l) - static_cast<int>(Level::kTrace)) * 4 + 1;
  return {base, base + 3};
}

json::object level_query(const json::storage_ptr& sp, const Fields& f, const Node& n, bool otel) {
  auto levels = selected_levels(n);
  if (otel) {
    json::object r(sp);
    r.emplace("gte", otel_range(levels.front()).first);
    r.emplace("lte", otel_range(levels.back()).second);
    json::object b(sp);
    b.emplace(f.level, std::move(r));
    return single("range", std::move(b));
  }
  json::array values(sp);
  for (Level l : levels)
    for (auto w : level_spellings(l)) {
      values.emplace_back(w);
      char upper[16];  // the longest spelling is 13 characters
      size_t len = std::min(w.size(), sizeof upper);
      for (size_t i = 0; i < len; ++i) upper[i] = static_cast<char>(w[i] - 'a' + 'A');
      values.emplace_back(std::string_view(upper, len));
    }
  json::object b(sp);
  b.emplace(f.level, std::move(values));
  return single("terms", std::move(b));
}

json::object bool_of(std::string_view clause, json::array items, bool should = false) {
  json::object b(items.storage());
  b.emplace(clause, std::move(items));
  if (should) b.emplace("minimum_should_match", 1);
  return single("bool", std::move(b));
}

json::object build(const json::storage_ptr& sp, const Node& n, const Fields& f, bool otel) {
  switch (n.kind) {
    case NodeKind::kAll: return single("match_all", json::object(sp));
    case NodeKind::kText: {
      json::object b(sp);
      b.emplace(f.message, n.value);
      return single("match_phrase", std::move(b));
    }
    case NodeKind::kField: {
      if (n.field == kFieldMessage) {
        json::object b(sp);
        b.emplace(f.message, n.value);
        return single("match_phrase", std::move(b));
      }
      if (n.field == kFieldLevel) return level_query(sp, f, n, otel);
      if (n.field == kFieldService) return term(sp, f.service, n.value);
      if (n.field == kFieldTraceId) return term(sp, f.trace, n.value);
      if (n.field == kFieldSpanId) return term(sp, f.span, n.value);
      std::string key;
      return term(sp, attr(f, n.field, key), n.value);
    }
    case NodeKind::kCompare: {
      if (n.field == kFieldLevel) return level_query(sp, f, n, otel);
      json::object r(sp);
      if (n.number == static_cast<double>(static_cast<int64_t>(n.number)) && n.number > -9e15 && n.number < 9e15)
        r.emplace(range_key(n.op), static_cast<int64_t>(n.number));  // 500, not 5E2
      else
        r.emplace(range_key(n.op), n.number);
      json::object b(sp);
      std::string key;
      b.emplace(attr(f, n.field, key), std::move(r));
      return single("range", std::move(b));
    }
    case NodeKind::kNot: {
      json::array a(sp);
      a.push_back(build(sp, n.children.front(), f, otel));
      return bool_of("must_not", std::move(a));
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      json::array a(sp);
      a.reserve(n.children.size());
      for (const auto& c : n.children) a.push_back(build(sp, c, f, otel));
      return n.kind == NodeKind::kAnd ? bool_of("filter", std::move(a)) : bool_of("should", std::move(a), true);
    }
  }
  return single("match_all", json::object(sp));
}

}  // namespace

Result<NativeQuery> to_elastic(const Node& root, const TranslateContext& ctx, bool otel) {
  const Fields& f = otel ? kOtel : kEcs;
  // A typical body needs a few KB; larger ones continue on the heap.
  alignas(16) unsigned char arena[8192];
  json::monotonic_resource mr(arena, sizeof arena);
  json::storage_ptr sp(&mr);  // not owning: the resource outlives every value below

  json::array filters(sp);
  if (has_range(ctx)) {
    json::object r(sp);
    r.emplace("gte", format_rfc3339(ctx.range.from));
    r.emplace("lt", format_rfc3339(ctx.range.to));
    r.emplace("format", "strict_date_optional_time_nanos");
    json::object b(sp);
    b.emplace(f.time, std::move(r));
    filters.push_back(single("range", std::move(b)));
  }
  if (!ctx.service.empty()) filters.push_back(term(sp, f.service, ctx.service));
  if (root.kind == NodeKind::kAnd) {
    for (const auto& c : root.children) filters.push_back(build(sp, c, f, otel));
  } else if (root.kind != NodeKind::kAll) {
    filters.push_back(build(sp, root, f, otel));
  }
  json::object body(sp);
  if (!ctx.filter_only) {
    body.emplace("size", ctx.limit);
    json::object order(sp);
    order.emplace("order", ctx.newest_first ? "desc" : "asc");
    json::object sort_key(sp);
    sort_key.emplace(f.time, std::move(order));
    json::array sort(sp);
    sort.push_back(std::move(sort_key));
    body.emplace("sort", std::move(sort));
  }
  if (filters.empty()) {
    body.emplace("query", single("match_all", json::object(sp)));
  } else {
    body.emplace("query", bool_of("filter", std::move(filters)));
  }
  NativeQuery q;
  q.dialect = otel ? Dialect::kOpenSearch : Dialect::kElastic;
  q.text = json::serialize(body);
  return q;
}

}  // namespace tinkr::query::detail
