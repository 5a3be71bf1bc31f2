#include "core/json_writer.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <boost/json/serializer.hpp>

#include "core/time.h"

namespace tinkr {

namespace {

// The bytes Boost.JSON's serializer escapes (its `esc` table): control
// characters, the quote and the backslash. Sixteen bytes at a time where
// SSE2 is there (every x86-64): a byte loop was most of the cost of a line.
bool needs_escaping(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; end - p >= 16; p += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // max(b, 0x20) != b exactly when b < 0x20 (unsigned).
    const __m128i control = _mm_xor_si128(_mm_cmpeq_epi8(_mm_max_epu8(bytes, space), bytes), _mm_set1_epi8(-1));
    const __m128i special =
        _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)));
    if (_mm_movemask_epi8(special) != 0) return true;
  }
#endif
  for (; p < end; ++p) {
    const auto u = static_cast<unsigned char>(*p);
    if (u < 0x20 || *p == '"' || *p == '\\') return true;
  }
  return false;
}

}  // namespace

// A text with nothing to escape is copied between quotes (most log text: the
// serializer's per-call set-up was most of the route's serialisation time);
// any other text goes through Boost.JSON's own serializer, so the escaping is
// exactly json::serialize's by construction (one serializer per thread).
void append_json_string(std::string& out, std::string_view text) {
  if (!needs_escaping(text)) {
    out += '"';
    out.append(text);
    out += '"';
    return;
  }
  thread_local boost::json::serializer serializer;
  serializer.reset(boost::json::string_view(text.data(), text.size()));
  char buffer[512];
  while (!serializer.done()) {
    const auto written = serializer.read(buffer, sizeof buffer);
    out.append(written.data(), written.size());
  }
}

void append_json(std::string& out, const Attributes& attributes) {
  out += '{';
  bool first = true;
  for (const auto& [k, v] : attributes) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, k);
    out += ':';
    append_json_string(out, v);
  }
  out += '}';
}

unsigned log_entry_field(std::string_view name) {
  if (name == "time") return kLogTime;
  if (name == "service") return kLogService;
  if (name == "level") return kLogLevel;
  if (name == "message") return kLogMessage;
  if (name == "trace_id") return kLogTraceId;
  if (name == "span_id") return kLogSpanId;
  if (name == "attributes") return kLogAttributes;
  return 0;
}

void append_json(std::string& out, const LogEntry& e, unsigned fields) {
  // Our own keys need no escaping.
  out += "{\"time\":";
  append_json_string(out, format_rfc3339(e.time, 9));
  if (fields & kLogService) {
    out += ",\"service\":";
    append_json_string(out, e.service);
  }
  if (fields & kLogLevel) {
    out += ",\"level\":";
    append_json_string(out, level_name(e.level));
  }
  if (fields & kLogMessage) {
    out += ",\"message\":";
    append_json_string(out, e.message);
  }
  if ((fields & kLogTraceId) && !e.trace_id.empty()) {
    out += ",\"trace_id\":";
    append_json_string(out, e.trace_id);
  }
  if ((fields & kLogSpanId) && !e.span_id.empty()) {
    out += ",\"span_id\":";
    append_json_string(out, e.span_id);
  }
  if ((fields & kLogAttributes) && !e.attributes.empty()) {
    out += ",\"attributes\":";
    append_json(out, e.attributes);
  }
  out += '}';
}

void append_json(std::string& out, const std::vector<LogEntry>& entries, unsigned fields) {
  out += '[';
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ',';
    append_json(out, entries[i], fields);
  }
  out += ']';
}

}  // namespace tinkr
