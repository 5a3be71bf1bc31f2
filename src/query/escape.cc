#include "query/escape.h"

#include <cstdio>

namespace tinkr::query::escape {
namespace {

void hex2(unsigned char c, std::string& out, const char* prefix) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += prefix;
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

// The common C-like string contents: \" \\ \n \r \t and controls as <prefix>HH.
void append_c_like(std::string_view s, const char* control_prefix, std::string& out) {
  size_t plain_from = 0;  // runs of characters that need no escape are appended whole
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    auto c = static_cast<unsigned char>(ch);
    if (ch != '"' && ch != '\\' && !is_control(c)) continue;
    out.append(s.data() + plain_from, i - plain_from);
    plain_from = i + 1;
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: hex2(c, out, control_prefix);  // the other control characters
    }
  }
  out.append(s.data() + plain_from, s.size() - plain_from);
}

// The same, as a double-quoted literal.
void append_quoted_c_like(std::string_view s, const char* control_prefix, std::string& out) {
  out += '"';
  append_c_like(s, control_prefix, out);
  out += '"';
}

std::string c_like(std::string_view s, const char* control_prefix) {
  std::string out;
  out.reserve(s.size() + 2);
  append_quoted_c_like(s, control_prefix, out);
  return out;
}

}  // namespace

std::string logql_string(std::string_view s) { return c_like(s, "\\x"); }
std::string go_string_contents(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_c_like(s, "\\x", out);
  return out;
}
std::string insights_string(std::string_view s) { return c_like(s, "\\u00"); }
std::string cloud_logging_string(std::string_view s) { return c_like(s, "\\u00"); }
std::string kql_string(std::string_view s) { return c_like(s, "\\u00"); }

void append_logql_string(std::string_view s, std::string& out) { append_quoted_c_like(s, "\\x", out); }
void append_insights_string(std::string_view s, std::string& out) { append_quoted_c_like(s, "\\u00", out); }
void append_cloud_logging_string(std::string_view s, std::string& out) { append_quoted_c_like(s, "\\u00", out); }
void append_kql_string(std::string_view s, std::string& out) { append_quoted_c_like(s, "\\u00", out); }

std::string regex_literal(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  append_regex_literal(s, out);
  return out;
}

void append_regex_literal(std::string_view s, std::string& out) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (is_control(c)) {
      hex2(c, out, "\\x");
    } else if (c < 0x80 &&
               !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '_')) {
      out += '\\';
      out += ch;
    } else {
      out += ch;
    }
  }
}

std::string insights_regex(std::string_view pattern) {
  std::string out;
  append_insights_regex(pattern, out);
  return out;
}

void append_insights_regex(std::string_view pattern, std::string& out) {
  out += '/';
  out += pattern;
  out += '/';
}

std::string datadog_quoted(std::string_view s) {
  std::string out;
  append_datadog_quoted(s, out);
  return out;
}

void append_datadog_quoted(std::string_view s, std::string& out) {
  out += '"';
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

std::string datadog_term(std::string_view s) {
  static constexpr std::string_view kSpecial = "+-=&|><!(){}[]^\"~*?:\\/#@";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    auto c = static_cast<unsigned char>(ch);
    // Curly quotes (U+201C, U+201D) are special too: E2 80 9C / E2 80 9D.
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0x9C || static_cast<unsigned char>(s[i + 2]) == 0x9D)) {
      out += '\\';
      out.append(s.substr(i, 3));
      i += 2;
      continue;
    }
    if (kSpecial.find(ch) != std::string_view::npos || ch == ' ' || is_control(c)) out += '\\';
    out += ch;
  }
  return out;
}

std::string sql_like_contains(std::string_view s) {
  std::string out = "%";
  for (char ch : s) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '%';
  return out;
}

std::string sqlite_json_path(std::string_view key) {
  std::string out = "$.\"";
  out += key;
  out += '"';
  return out;
}

}  // namespace tinkr::query::escape
