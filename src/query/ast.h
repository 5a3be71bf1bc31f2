// The parsed form of a unified query, and the parser that builds it.
//
// parse() turns query text into a Node tree: AND/OR are n-ary and flattened,
// `*` inside an AND disappears, an OR containing `*` becomes `*`, aliases are
// resolved (lvl → level, svc → service, …) and level values are normalised to
// tinkr::Level. format() prints a tree back as query text that parses to an
// equal tree. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/result.h"

namespace tinkr::query {

enum class NodeKind {
  kAll,      // `*`: matches everything
  kText,     // a bare word (substring, case-insensitive) or "phrase" (exact, case-sensitive)
  kField,    // field:value (equality; for `message` a substring like kText)
  kCompare,  // field>=number (or level>=WARN)
  kAnd,
  kOr,
  kNot,
};

enum class CompareOp { kGt, kGe, kLt, kLe };
std::string_view compare_op_text(CompareOp op);  // ">", ">=", "<", "<="
// The operator that holds exactly when `op` does not (for NOT pushed inwards).
CompareOp negate(CompareOp op);

// The canonical fields; every other name is an attribute of the backend's
// structured fields.
inline constexpr std::string_view kFieldMessage = "message";
inline constexpr std::string_view kFieldLevel = "level";
inline constexpr std::string_view kFieldService = "service";
inline constexpr std::string_view kFieldTraceId = "trace_id";
inline constexpr std::string_view kFieldSpanId = "span_id";

struct Node {
  NodeKind kind = NodeKind::kAll;
  bool phrase = false;            // kText / kField: the value was quoted
  std::string field;              // kField / kCompare: canonical field name
  std::string value;              // kText / kField: the text; kCompare: the number as written
  Level level = Level::kUnknown;  // field == "level": the normalised value
  CompareOp op = CompareOp::kGe;  // kCompare
  double number = 0;              // kCompare on a non-level field
  std::vector<Node> children;     // kAnd / kOr (two or more), kNot (one)

  friend bool operator==(const Node&, const Node&) = default;
};

// Maximum nesting of parentheses and NOTs; deeper input is an error.
inline constexpr int kMaxDepth = 64;

// Parses query text. Empty text is `*`.
Result<Node> parse(std::string_view text);
// Canonical text for a tree; parse(format(n)) == n.
std::string format(const Node& node);

// The canonical name of a field (aliases resolved, lower-cased for the
// built-in ones): lvl/severity → level, svc/app → service, msg → message,
// trace → trace_id, span → span_id. Other names are returned unchanged.
std::string canonical_field(std::string_view name);
// True for a name made of [A-Za-z0-9_.-] starting with a letter or '_'.
bool is_valid_field_name(std::string_view name);
// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

// Negation normal form: NOT pushed down to kText/kField/kCompare leaves
// (NOT of a kCompare stays a NOT so that a missing field keeps its meaning).
Node to_nnf(const Node& node);

}  // namespace tinkr::query
