// Elasticsearch (ECS field names) and OpenSearch with Data Prepper OTel logs:
// the `_search` JSON body, built with Boost.JSON so every string is escaped
// by the serializer.
//
// Words and phrases are `match_phrase` on the message field (analysed,
// case-insensitive); fields are `term`s; comparisons `range`s; levels `terms`
// on log.level (ECS) or a `range` on severityNumber (OTel); AND/OR/NOT are
// bool filter/should/must_not. Time range and service are bool filters.
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

std::string attr(const Fields& f, const std::string& field) {
  if (f.attribute_prefix.empty()) return field;
  std::string key = field;
  if (f.dots_to_at)
    for (char& c : key)
      if (c == '.') c = '@';
  return std::string(f.attribute_prefix) + key;
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

json::object single(std::string_view kind, json::object body) {
  json::object o;
  o[kind] = std::move(body);
  return o;
}

json::object term(std::string_view field, std::string_view v) {
  json::object b;
  b[field] = v;
  return single("term", std::move(b));
}

// OTel SeverityNumber ranges: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24.
std::pair<int, int> otel_range(Level l) {
  int base = (static_cast<int>(l) - static_cast<int>(Level::kTrace)) * 4 + 1;
  return {base, base + 3};
}

json::object level_query(const Fields& f, const Node& n, bool otel) {
  auto levels = selected_levels(n);
  if (otel) {
    json::object r;
    r["gte"] = otel_range(levels.front()).first;
    r["lte"] = otel_range(levels.back()).second;
    json::object b;
    b[f.level] = std::move(r);
    return single("range", std::move(b));
  }
  json::array values;
  for (Level l : levels)
    for (auto w : level_spellings(l)) {
      values.emplace_back(w);
      std::string upper(w);
      for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
      values.emplace_back(upper);
    }
  json::object b;
  b[f.level] = std::move(values);
  return single("terms", std::move(b));
}

json::object bool_of(std::string_view clause, json::array items, bool should = false) {
  json::object b;
  b[clause] = std::move(items);
  if (should) b["minimum_should_match"] = 1;
  return single("bool", std::move(b));
}

json::object build(const Node& n, const Fields& f, bool otel) {
  switch (n.kind) {
    case NodeKind::kAll: return single("match_all", json::object{});
    case NodeKind::kText: {
      json::object b;
      b[f.message] = n.value;
      return single("match_phrase", std::move(b));
    }
    case NodeKind::kField: {
      if (n.field == kFieldMessage) {
        json::object b;
        b[f.message] = n.value;
        return single("match_phrase", std::move(b));
      }
      if (n.field == kFieldLevel) return level_query(f, n, otel);
      if (n.field == kFieldService) return term(f.service, n.value);
      if (n.field == kFieldTraceId) return term(f.trace, n.value);
      if (n.field == kFieldSpanId) return term(f.span, n.value);
      return term(attr(f, n.field), n.value);
    }
    case NodeKind::kCompare: {
      if (n.field == kFieldLevel) return level_query(f, n, otel);
      json::object r;
      if (n.number == static_cast<double>(static_cast<int64_t>(n.number)) && n.number > -9e15 && n.number < 9e15)
        r[range_key(n.op)] = static_cast<int64_t>(n.number);  // 500, not 5E2
      else
        r[range_key(n.op)] = n.number;
      json::object b;
      b[attr(f, n.field)] = std::move(r);
      return single("range", std::move(b));
    }
    case NodeKind::kNot: {
      json::array a;
      a.push_back(build(n.children.front(), f, otel));
      return bool_of("must_not", std::move(a));
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      json::array a;
      for (const auto& c : n.children) a.push_back(build(c, f, otel));
      return n.kind == NodeKind::kAnd ? bool_of("filter", std::move(a)) : bool_of("should", std::move(a), true);
    }
  }
  return single("match_all", json::object{});
}

void pretty(const json::value& v, std::string& out, int indent) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) { out += "{}"; return; }
    out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) out += ",\n";
      first = false;
      out += pad + "  " + json::serialize(json::value(kv.key())) + ": ";
      pretty(kv.value(), out, indent + 1);
    }
    out += "\n" + pad + "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) { out += "[]"; return; }
    out += "[\n";
    bool first = true;
    for (const auto& e : a) {
      if (!first) out += ",\n";
      first = false;
      out += pad + "  ";
      pretty(e, out, indent + 1);
    }
    out += "\n" + pad + "]";
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

Result<NativeQuery> to_elastic(const Node& root, const TranslateContext& ctx, bool otel) {
  const Fields& f = otel ? kOtel : kEcs;
  json::array filters;
  if (has_range(ctx)) {
    json::object r;
    r["gte"] = format_rfc3339(ctx.range.from);
    r["lt"] = format_rfc3339(ctx.range.to);
    r["format"] = "strict_date_optional_time_nanos";
    json::object b;
    b[f.time] = std::move(r);
    filters.push_back(single("range", std::move(b)));
  }
  if (!ctx.service.empty()) filters.push_back(term(f.service, ctx.service));
  if (root.kind == NodeKind::kAnd) {
    for (const auto& c : root.children) filters.push_back(build(c, f, otel));
  } else if (root.kind != NodeKind::kAll) {
    filters.push_back(build(root, f, otel));
  }
  json::object body;
  if (!ctx.filter_only) {
    body["size"] = ctx.limit;
    json::object order;
    order["order"] = ctx.newest_first ? "desc" : "asc";
    json::object sort_key;
    sort_key[f.time] = std::move(order);
    body["sort"] = json::array{std::move(sort_key)};
  }
  if (filters.empty()) {
    body["query"] = single("match_all", json::object{});
  } else {
    body["query"] = bool_of("filter", std::move(filters));
  }
  NativeQuery q;
  q.dialect = otel ? Dialect::kOpenSearch : Dialect::kElastic;
  q.text = json::serialize(body);
  pretty(body, q.printable, 0);
  return q;
}

}  // namespace tinkr::query::detail
