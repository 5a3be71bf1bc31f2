#include "cli/terminal.h"

#include <algorithm>

#include <sys/ioctl.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <cwchar>

namespace tinkr::cli {
namespace {

// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes give U+FFFD.
char32_t next_code_point(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) -> int {
    if (i + k >= s.size()) return -1;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F;
  else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F;
  else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07;
  else {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    const int c = cont(k);
    if (c < 0) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | static_cast<char32_t>(c);
  }
  i += len;
  return cp;
}

// wcwidth() under a UTF-8 locale (set once, for LC_CTYPE only).
int code_point_width(char32_t cp) {
  if (cp < 0x7F) return cp >= 0x20 ? 1 : 0;
  static const bool utf8 = [] { return std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr; }();
  if (!utf8) return 1;
  const int w = ::wcwidth(static_cast<wchar_t>(cp));
  return w < 0 ? 1 : w;
}

// Length of an ANSI CSI sequence at s[i] ("\x1b[...m"), or 0.
size_t escape_length(std::string_view s, size_t i) {
  if (s[i] != '\x1b' || i + 1 >= s.size() || s[i + 1] != '[') return 0;
  size_t j = i + 2;
  while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7E)) ++j;
  return j < s.size() ? j + 1 - i : s.size() - i;
}

}  // namespace

bool is_tty(FILE* stream) { return ::isatty(::fileno(stream)) == 1; }

bool color_enabled(FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return is_tty(stream);
}

int terminal_columns() {
  if (const char* cols = std::getenv("COLUMNS")) {
    const int n = std::atoi(cols);
    if (n > 0) return n;
  }
  if (!is_tty(stdout)) return 0;
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 0;
}

size_t display_width(std::string_view text) {
  // Printable ASCII (most log lines): one column per byte, no decoding.
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) return text.size();
  size_t width = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (const size_t esc = escape_length(text, i)) {
      i += esc;
      continue;
    }
    width += static_cast<size_t>(code_point_width(next_code_point(text, i)));
  }
  return width;
}

std::string pad_right(std::string_view text, size_t width) {
  std::string out(text);
  const size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string pad_left(std::string_view text, size_t width) {
  const size_t w = display_width(text);
  std::string out;
  if (w < width) out.append(width - w, ' ');
  out.append(text);
  return out;
}

std::string truncate_to_width(std::string_view text, size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return "";
  std::string out;
  size_t used = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (const size_t esc = escape_length(text, i)) {
      out.append(text.substr(i, esc));
      i += esc;
      continue;
    }
    const size_t start = i;
    const int w = code_point_width(next_code_point(text, i));
    if (used + static_cast<size_t>(w) > width - 1) break;
    used += static_cast<size_t>(w);
    out.append(text.substr(start, i - start));
  }
  out += "…";
  if (out.find('\x1b') != std::string::npos) out += "\x1b[0m";
  return out;
}

std::string paint(std::string_view text, Color color, bool on) {
  if (!on) return std::string(text);
  const char* code = "";
  switch (color) {
    case Color::kRed: code = "31"; break;
    case Color::kYellow: code = "33"; break;
    case Color::kGreen: code = "32"; break;
    case Color::kBlue: code = "34"; break;
    case Color::kCyan: code = "36"; break;
    case Color::kMagenta: code = "35"; break;
    case Color::kGray: code = "90"; break;
    case Color::kBold: code = "1"; break;
  }
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace tinkr::cli
