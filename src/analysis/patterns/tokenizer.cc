// Masking by character classes, one pass per token. The rules, in order:
//  1. A token (after peeling wrapping punctuation) that is a URL, an absolute
//     Unix path of two or more segments or a Windows path is one wildcard.
//  2. Otherwise the token is cut into compounds (runs of letters, digits,
//     bytes >= 0x80, joiners ". : - _ / , @ +", brackets and '#') and other
//     characters ('=', quotes…), which are kept. A compound that holds a
//     digit is one variable: numbers, hex, ids, IPs with ports, dates and
//     times, hostnames "24-54-76-216.example.net", "attempt_14_0020_m_0",
//     "LOCAL(0)". Sentence punctuation and an unbalanced ')' at its end and
//     non-sign joiners at its start stay outside the wildcard.
//  3. An empty value is a value: "rhost=" → "rhost=<*>", "()" → "(<*>)".
//  4. Across tokens, day and month names next to a variable are variables,
//     and a run of variable tokens collapses into one ("<*> <*> <*>" → "<*>"),
//     so lists of ids and dates written in several tokens keep one shape.
#include "analysis/patterns/tokenizer.h"

#include <cstdint>

namespace tinkr::analysis {
namespace {

inline bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool is_word(unsigned char c) { return is_digit(c) || is_alpha(c) || c >= 0x80; }
inline bool is_joiner(unsigned char c) {
  return c == '.' || c == ':' || c == '-' || c == '_' || c == '/' || c == ',' || c == '@' || c == '+';
}
// Brackets and '#' belong to a compound that holds a digit ("LOCAL(0)", "#3#").
inline bool is_compound(unsigned char c) { return is_word(c) || is_joiner(c) || c == '(' || c == ')' || c == '#'; }
inline bool is_trailing_punct(unsigned char c) { return c == '.' || c == ',' || c == ':' || c == ';'; }
inline bool is_leading_wrap(unsigned char c) {
  return c == '(' || c == '[' || c == '{' || c == '"' || c == '\'' || c == '<' || c == '`';
}
inline bool is_trailing_wrap(unsigned char c) {
  return c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == ',' || c == ';' || c == ':' || c == '.' ||
         c == '>' || c == '`';
}

// True for "scheme://…", "/a/b…", "C:\…" and "\\host\…".
bool is_path_or_url(std::string_view core) {
  if (core.size() < 3) return false;
  if (core[0] == '/') {
    size_t slashes = 0;
    for (size_t i = 1; i < core.size(); ++i) slashes += core[i] == '/';
    return slashes >= 1 && core[1] != '/';
  }
  if (is_alpha(static_cast<unsigned char>(core[0])) && core[1] == ':' && core[2] == '\\') return true;
  if (core[0] == '\\' && core[1] == '\\') return true;
  size_t scheme = core.find("://");
  if (scheme != std::string_view::npos && scheme > 0) {
    for (size_t i = 0; i < scheme; ++i)
      if (!is_alpha(static_cast<unsigned char>(core[i]))) return false;
    return true;
  }
  return false;
}

void mask_compounds(std::string_view token, std::string& out);

// An empty value is still a value: "rhost=" → "rhost=<*>", "()" → "(<*>)".
void mask_into(std::string_view token, std::string& out) {
  if (token == "()" || token == "[]" || token == "{}" || token == "\"\"" || token == "''") {
    out.push_back(token[0]);
    out.append(kWildcard);
    out.push_back(token[1]);
    return;
  }
  const size_t from = out.size();
  mask_compounds(token, out);
  if (out.size() > from && out.back() == '=') out.append(kWildcard);
}

void mask_compounds(std::string_view token, std::string& out) {
  size_t lead = 0;
  while (lead < token.size() && is_leading_wrap(static_cast<unsigned char>(token[lead]))) ++lead;
  size_t end = token.size();
  while (end > lead && is_trailing_wrap(static_cast<unsigned char>(token[end - 1]))) --end;
  std::string_view core = token.substr(lead, end - lead);
  if (is_path_or_url(core)) {
    out.append(token.substr(0, lead));
    out.append(kWildcard);
    out.append(token.substr(end));
    return;
  }
  // A compound (a run of word characters and joiners) that holds a digit is
  // one variable: hostnames "24-54-76-216.example.net", ids "attempt_14_0020_m",
  // "10.0.0.1:8080", "2026-01-02T03:04:05Z". Other characters ('=', '(', '[' …)
  // are kept and separate compounds, so "uid=0," → "uid=<*>,".
  const size_t n = token.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(token[i]);
    if (!is_compound(c)) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t start = i;
    bool has_digit = false;
    while (i < n && is_compound(static_cast<unsigned char>(token[i]))) {
      has_digit |= is_digit(static_cast<unsigned char>(token[i]));
      ++i;
    }
    if (!has_digit) {
      out.append(token.substr(start, i - start));
      continue;
    }
    // Keep leading joiners that are not signs ("-" before a digit is a sign).
    size_t end = i;
    size_t begin = start;
    while (begin < i && !is_word(static_cast<unsigned char>(token[begin])) && token[begin] != '#' &&
           !((token[begin] == '-' || token[begin] == '+') && begin + 1 < i &&
             is_digit(static_cast<unsigned char>(token[begin + 1]))))
      ++begin;
    // Keep joiners that end the compound ("12," "5." "x:"), they are punctuation.
    while (end > begin &&
           (is_trailing_punct(static_cast<unsigned char>(token[end - 1])) ||
            (token[end - 1] == ')' && token.substr(begin, end - begin).find('(') == std::string_view::npos)))
      --end;
    out.append(token.substr(start, begin - start));
    out.append(kWildcard);
    out.append(token.substr(end, i - end));
  }
}

// Day and month names ("Fri", "Jun") next to a variable are part of a date.
bool is_date_name(std::string_view t) {
  static constexpr std::string_view kNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar",
                                                "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (t.size() != 3) return false;
  for (auto name : kNames)
    if (t == name) return true;
  return false;
}

}  // namespace

void tokenize_and_mask(std::string_view message, std::string& arena, std::vector<std::string_view>& tokens) {
  tokens.clear();
  arena.clear();
  // A 1-byte word can grow to 3 bytes; reserving up front keeps the views valid.
  arena.reserve(message.size() * 3 + 8);
  // Offsets first, views after, so that no view can dangle.
  thread_local std::vector<std::pair<uint32_t, uint32_t>> spans;
  spans.clear();
  const size_t n = message.size();
  size_t i = 0;
  while (i < n) {
    while (i < n && is_space(static_cast<unsigned char>(message[i]))) ++i;
    if (i >= n) break;
    size_t start = i;
    while (i < n && !is_space(static_cast<unsigned char>(message[i]))) ++i;
    size_t from = arena.size();
    mask_into(message.substr(start, i - start), arena);
    spans.emplace_back(static_cast<uint32_t>(from), static_cast<uint32_t>(arena.size() - from));
  }
  tokens.reserve(spans.size());
  std::string_view all(arena);
  for (auto [from, len] : spans) tokens.push_back(all.substr(from, len));
  for (size_t k = tokens.size(); k-- > 0;) {
    if (!is_date_name(tokens[k])) continue;
    bool next_var = k + 1 < tokens.size() && tokens[k + 1] == kWildcard;
    bool prev_var = k > 0 && tokens[k - 1] == kWildcard;
    if (next_var || prev_var) tokens[k] = kWildcard;
  }
  // A run of variables is one variable: lists of ids, dates in several tokens.
  size_t w = 0;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (w > 0 && tokens[k] == kWildcard && tokens[w - 1] == kWildcard) continue;
    tokens[w++] = tokens[k];
  }
  tokens.resize(w);
}

std::vector<std::string> tokenize_and_mask(std::string_view message) {
  std::string arena;
  std::vector<std::string_view> views;
  tokenize_and_mask(message, arena, views);
  return {views.begin(), views.end()};
}

std::string mask_token(std::string_view token) {
  std::string out;
  mask_into(token, out);
  return out;
}

}  // namespace tinkr::analysis
