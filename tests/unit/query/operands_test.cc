// append_operands(): the AND / OR operand loop the text translators share.
#include "query/translators/operands.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tinkr::query::detail {
namespace {

Node word(std::string value) {
  Node n;
  n.kind = NodeKind::kText;
  n.value = std::move(value);
  return n;
}

Node junction(NodeKind kind, std::vector<Node> children) {
  Node n;
  n.kind = kind;
  n.children = std::move(children);
  return n;
}

// Writes each operand as its value, so that the joiners are all the test sees.
std::string joined(const Node& n, JunctionWords words) {
  std::string out = "prefix:";
  append_operands(n, words, out, [&out](const Node& c) { out += c.value; });
  return out;
}

TEST(AppendOperands, JoinsTheOperandsOfAnAndWithTheAndWordOnly) {
  Node n = junction(NodeKind::kAnd, {word("a"), word("b"), word("c")});
  EXPECT_EQ(joined(n, kUpperCaseJunctions), "prefix:a AND b AND c");
  EXPECT_EQ(joined(n, kLowerCaseJunctions), "prefix:a and b and c");
}

TEST(AppendOperands, JoinsTheOperandsOfAnOrWithTheOrWord) {
  Node n = junction(NodeKind::kOr, {word("a"), word("b")});
  EXPECT_EQ(joined(n, kUpperCaseJunctions), "prefix:a OR b");
  EXPECT_EQ(joined(n, kLowerCaseJunctions), "prefix:a or b");
}

TEST(AppendOperands, EmitsEveryOperandOnceInOrderWithoutParentheses) {
  Node n = junction(NodeKind::kOr, {word("x"), junction(NodeKind::kAnd, {word("y"), word("z")})});
  std::string out;
  int calls = 0;
  append_operands(n, kLowerCaseJunctions, out, [&](const Node& c) {
    ++calls;
    out += c.kind == NodeKind::kAnd ? "<and>" : c.value;
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(out, "x or <and>");
}

TEST(IsJunction, OnlyAndAndOr) {
  EXPECT_TRUE(is_junction(junction(NodeKind::kAnd, {})));
  EXPECT_TRUE(is_junction(junction(NodeKind::kOr, {})));
  EXPECT_FALSE(is_junction(junction(NodeKind::kNot, {word("a")})));
  EXPECT_FALSE(is_junction(word("a")));
  EXPECT_FALSE(is_junction(Node{}));
}

}  // namespace
}  // namespace tinkr::query::detail
