#include "cli/table.h"

#include <gtest/gtest.h>

#include "cli/terminal.h"

namespace tinkr::cli {
namespace {

TEST(Terminal, DisplayWidthCountsColumns) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("café"), 4u);
  EXPECT_EQ(display_width("日本"), 4u);                  // wide
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);             // e + combining acute
  EXPECT_EQ(display_width("\x1b[31mERROR\x1b[0m"), 5u);  // colour codes are free
  EXPECT_EQ(display_width("✓"), 1u);
}

TEST(Terminal, PadAndTruncate) {
  EXPECT_EQ(pad_right("日本", 6), "日本  ");
  EXPECT_EQ(pad_left("7", 3), "  7");
  EXPECT_EQ(truncate_to_width("hello world", 6), "hello…");
  EXPECT_EQ(truncate_to_width("日本語テキスト", 5), "日本…");
  EXPECT_EQ(truncate_to_width("short", 10), "short");
}

TEST(Terminal, PaintOnlyWhenOn) {
  EXPECT_EQ(paint("x", Color::kRed, false), "x");
  EXPECT_EQ(paint("x", Color::kRed, true), "\x1b[31mx\x1b[0m");
}

TEST(Table, AlignsUtf8AndColouredCells) {
  Table t({"NAME", "N", "NOTE"});
  t.set_align(1, Table::Align::kRight);
  t.add_row({"日本", "7", "wide"});
  t.add_row({"\x1b[31mred\x1b[0m", "12", ""});
  EXPECT_EQ(t.render(),
            "NAME   N  NOTE\n"
            "日本   7  wide\n"
            "\x1b[31mred\x1b[0m   12\n");
}

TEST(Table, CutsTheLastColumnToTheWidth) {
  Table t({"A", "MESSAGE"});
  t.add_row({"x", "a very long message that does not fit"});
  EXPECT_EQ(t.render("", 20), "A  MESSAGE\nx  a very long mess…\n");
}

}  // namespace
}  // namespace tinkr::cli
