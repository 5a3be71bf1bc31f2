// Elasticsearch (ECS field names) and OpenSearch with Data Prepper OTel logs:
// the `_search` JSON body.
//
// Words and phrases are `match_phrase` on the message field (analysed,
// case-insensitive); fields are `term`s; comparisons `range`s; levels `terms`
// on log.level (ECS) or a `range` on severityNumber (OTel); AND/OR/NOT are
// bool filter/should/must_not. Time range and service are bool filters.
//
// The body is written in one pass into the output string by JsonWriter, which
// escapes every string with Boost.JSON's serializer: the same bytes as
// serialising a json::object tree, without building one (the tree, its hash
// tables and allocations were most of the translation time). The
// pretty-printed form for display is made on request (printable()).
#include "query/translators/common.h"
#include "query/translators/json_writer.h"

namespace tinkr::query::detail {
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

// OTel SeverityNumber ranges: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24.
std::pair<int, int> otel_range(Level l) {
  int base = (static_cast<int>(l) - static_cast<int>(Level::kTrace)) * 4 + 1;
  return {base, base + 3};
}

class BodyWriter {
 public:
  BodyWriter(std::string& out, const Fields& f, bool otel) : w_(out), f_(f), otel_(otel) {}

  JsonWriter& json() { return w_; }

  // {"<kind>":{"<field>":"<value>"}}; `fixed_field`: a schema name, not a user's attribute.
  void single_string(std::string_view kind, std::string_view field, std::string_view value, bool fixed_field = true) {
    w_.begin_object();
    w_.begin_object(kind);
    if (fixed_field) w_.name(field);
    else w_.key(field);
    w_.string(value);
    w_.end_object();
    w_.end_object();
  }
  void term(std::string_view field, std::string_view value) { single_string("term", field, value); }
  void match_all() {
    w_.begin_object();
    w_.begin_object("match_all");
    w_.end_object();
    w_.end_object();
  }

  // {"bool":{"<clause>":[ … ]…}}: begin, the items, then end_bool().
  void begin_bool(std::string_view clause) {
    w_.begin_object();
    w_.begin_object("bool");
    w_.begin_array(clause);
  }
  void end_bool(bool should) {
    w_.end_array();
    if (should) {
      w_.name("minimum_should_match");
      w_.int64(1);
    }
    w_.end_object();
    w_.end_object();
  }

  void node(const Node& n) {
    switch (n.kind) {
      case NodeKind::kAll: match_all(); return;
      case NodeKind::kText: single_string("match_phrase", f_.message, n.value); return;
      case NodeKind::kField: {
        if (n.field == kFieldMessage) return single_string("match_phrase", f_.message, n.value);
        if (n.field == kFieldLevel) return level(n);
        if (n.field == kFieldService) return term(f_.service, n.value);
        if (n.field == kFieldTraceId) return term(f_.trace, n.value);
        if (n.field == kFieldSpanId) return term(f_.span, n.value);
        return single_string("term", attr(f_, n.field, key_), n.value, /*fixed_field=*/false);
      }
      case NodeKind::kCompare: {
        if (n.field == kFieldLevel) return level(n);
        w_.begin_object();
        w_.begin_object("range");
        w_.key(attr(f_, n.field, key_));
        w_.begin_object();
        w_.name(range_key(n.op));
        if (n.number == static_cast<double>(static_cast<int64_t>(n.number)) && n.number > -9e15 && n.number < 9e15)
          w_.int64(static_cast<int64_t>(n.number));  // 500, not 5E2
        else w_.number(n.number);
        w_.end_object();
        w_.end_object();
        w_.end_object();
        return;
      }
      case NodeKind::kNot:
        begin_bool("must_not");
        node(n.children.front());
        end_bool(false);
        return;
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        bool is_and = n.kind == NodeKind::kAnd;
        begin_bool(is_and ? "filter" : "should");
        for (const auto& c : n.children) node(c);
        end_bool(!is_and);
        return;
      }
    }
    match_all();
  }

 private:
  void level(const Node& n) {
    auto levels = selected_levels(n);
    w_.begin_object();
    if (otel_) {
      w_.begin_object("range");
      w_.begin_object(f_.level);
      w_.name("gte");
      w_.int64(otel_range(levels.front()).first);
      w_.name("lte");
      w_.int64(otel_range(levels.back()).second);
      w_.end_object();
    } else {
      w_.begin_object("terms");
      w_.begin_array(f_.level);
      for (Level l : levels)
        for (auto s : level_spellings(l)) {
          w_.fixed_string(s);
          upper_.assign(s);
          for (char& c : upper_) c = static_cast<char>(c - 'a' + 'A');
          w_.fixed_string(upper_);
        }
      w_.end_array();
    }
    w_.end_object();
    w_.end_object();
  }

  JsonWriter w_;
  const Fields& f_;
  bool otel_;
  std::string key_, upper_;  // scratch
};

}  // namespace

Result<NativeQuery> to_elastic(const Node& root, const TranslateContext& ctx, bool otel) {
  const Fields& f = otel ? kOtel : kEcs;
  NativeQuery q;
  q.dialect = otel ? Dialect::kOpenSearch : Dialect::kElastic;
  q.text.reserve(512);
  BodyWriter b(q.text, f, otel);
  JsonWriter& w = b.json();
  w.begin_object();
  if (!ctx.filter_only) {
    w.name("size");
    w.uint64(ctx.limit);
    w.begin_array("sort");
    w.begin_object();
    w.begin_object(f.time);
    w.name("order");
    w.fixed_string(ctx.newest_first ? "desc" : "asc");
    w.end_object();
    w.end_object();
    w.end_array();
  }
  w.name("query");
  bool any_filter = has_range(ctx) || !ctx.service.empty() || root.kind != NodeKind::kAll;
  if (!any_filter) {
    b.match_all();
  } else {
    b.begin_bool("filter");
    if (has_range(ctx)) {
      w.begin_object();
      w.begin_object("range");
      w.begin_object(f.time);
      w.name("gte");
      w.fixed_string(format_rfc3339(ctx.range.from));  // digits, '-', ':', 'T', '.', 'Z'
      w.name("lt");
      w.fixed_string(format_rfc3339(ctx.range.to));
      w.name("format");
      w.fixed_string("strict_date_optional_time_nanos");
      w.end_object();
      w.end_object();
      w.end_object();
    }
    if (!ctx.service.empty()) b.term(f.service, ctx.service);
    if (root.kind == NodeKind::kAnd) {
      for (const auto& c : root.children) b.node(c);
    } else if (root.kind != NodeKind::kAll) {
      b.node(root);
    }
    b.end_bool(false);
  }
  w.end_object();
  return q;
}

}  // namespace tinkr::query::detail
