// Terminal facts and text measurement for the CLI's renderers.
//
// Colour is used only when the stream is a TTY and NO_COLOR is unset (any
// value, per no-color.org). display_width() counts terminal columns of UTF-8
// text (wide CJK/emoji take 2, combining marks 0, ANSI colour sequences 0).
// Pure apart from reading the environment and isatty(); thread-safe.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace tinkr::cli {

// True when `stream` is a terminal.
bool is_tty(FILE* stream);
// Colour for `stream`: a TTY and no NO_COLOR in the environment.
bool color_enabled(FILE* stream);
// Columns of the terminal on stdout; 0 when unknown (not a TTY). COLUMNS wins.
int terminal_columns();

// Terminal columns taken by UTF-8 text (ANSI escape sequences count 0).
size_t display_width(std::string_view text);
// Pads on the right to `width` columns (no-op when already wider).
std::string pad_right(std::string_view text, size_t width);
std::string pad_left(std::string_view text, size_t width);
// Cuts to at most `width` columns, ending with "…" when cut.
std::string truncate_to_width(std::string_view text, size_t width);

// ANSI styling; returns text unchanged when `on` is false.
enum class Color { kRed, kYellow, kGreen, kBlue, kCyan, kMagenta, kGray, kBold };
std::string paint(std::string_view text, Color color, bool on);

}  // namespace tinkr::cli
