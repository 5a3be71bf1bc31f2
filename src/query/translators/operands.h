// The operands of an AND / OR node written one after another with the
// dialect's junction word between them, without surrounding parentheses:
// the loop every text-emitting translator (Insights, KQL, Cloud Logging,
// Datadog, SQL) shares. Each operand is written by the translator's own
// emitter. Internal to src/query.
#pragma once

#include <string>
#include <string_view>

#include "query/ast.h"

namespace tinkr::query::detail {

// The text written between the operands of an AND and of an OR.
struct JunctionWords {
  std::string_view and_word;
  std::string_view or_word;
};
inline constexpr JunctionWords kLowerCaseJunctions{" and ", " or "};
inline constexpr JunctionWords kUpperCaseJunctions{" AND ", " OR "};

// True for the nodes whose operands append_operands() joins.
inline bool is_junction(const Node& n) { return n.kind == NodeKind::kAnd || n.kind == NodeKind::kOr; }

// Appends the children of the AND / OR node `n` to `out`, each written by
// `emit_operand(child)` (which appends to the same `out`), joined by
// `words.and_word` or `words.or_word` after n's kind.
template <typename EmitOperand>
void append_operands(const Node& n, JunctionWords words, std::string& out, EmitOperand&& emit_operand) {
  const std::string_view joiner = n.kind == NodeKind::kAnd ? words.and_word : words.or_word;
  bool first = true;
  for (const auto& c : n.children) {
    if (!first) out += joiner;
    first = false;
    emit_operand(c);
  }
}

}  // namespace tinkr::query::detail
