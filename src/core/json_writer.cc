#include "core/json_writer.h"

#include <cstdint>
#include <cstring>

#include "core/time.h"

namespace tinkr {
namespace {

// What Boost.JSON writes for a byte: 0 as it is, otherwise the character
// after the backslash ('u' for \u00xx).
constexpr char escape_of(unsigned char c) {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return c < 0x20 ? 'u' : 0;
  }
}

struct EscapeTable {
  char code[256];
  constexpr EscapeTable() : code() {
    for (int c = 0; c < 256; ++c) code[c] = escape_of(static_cast<unsigned char>(c));
  }
};
constexpr EscapeTable kEscapes;

// Whether any of the 8 bytes in `w` needs escaping: below 0x20, '"' or '\\'
// (exact tests, "Bit Twiddling Hacks": haszero, hasless). Most text has
// none, so it is copied 8 bytes per test.
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;
constexpr bool has_zero_byte(uint64_t v) { return ((v - kOnes) & ~v & kHighs) != 0; }
constexpr bool needs_escape(uint64_t w) {
  return ((w - kOnes * 0x20) & ~w & kHighs) != 0 || has_zero_byte(w ^ (kOnes * '"')) ||
         has_zero_byte(w ^ (kOnes * '\\'));
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied
  size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (!needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const char code = kEscapes.code[c];
    ++i;
    if (code == 0) continue;
    out.append(text.data() + run, i - 1 - run);
    run = i;
    out += '\\';
    out += code;
    if (code == 'u') {
      out += "00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

void append_json(std::string& out, const LogEntry& e) {
  // Our own keys need no escaping.
  out += "{\"time\":";
  append_json_string(out, format_rfc3339(e.time, 9));
  out += ",\"service\":";
  append_json_string(out, e.service);
  out += ",\"level\":";
  append_json_string(out, level_name(e.level));
  out += ",\"message\":";
  append_json_string(out, e.message);
  if (!e.trace_id.empty()) {
    out += ",\"trace_id\":";
    append_json_string(out, e.trace_id);
  }
  if (!e.span_id.empty()) {
    out += ",\"span_id\":";
    append_json_string(out, e.span_id);
  }
  if (!e.attributes.empty()) {
    out += ",\"attributes\":{";
    bool first = true;
    for (const auto& [k, v] : e.attributes) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, k);
      out += ':';
      append_json_string(out, v);
    }
    out += '}';
  }
  out += '}';
}

void append_json(std::string& out, const std::vector<LogEntry>& entries) {
  out += '[';
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ',';
    append_json(out, entries[i]);
  }
  out += ']';
}

}  // namespace tinkr
