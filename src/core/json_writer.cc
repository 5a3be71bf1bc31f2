#include "core/json_writer.h"

#include <boost/json/serializer.hpp>

#include "core/time.h"

namespace tinkr {

// Boost.JSON's own serializer writes the literal, so the escaping is exactly
// json::serialize's by construction (one serializer per thread, reused).
void append_json_string(std::string& out, std::string_view text) {
  thread_local boost::json::serializer serializer;
  serializer.reset(boost::json::string_view(text.data(), text.size()));
  char buffer[512];
  while (!serializer.done()) {
    const auto written = serializer.read(buffer, sizeof buffer);
    out.append(written.data(), written.size());
  }
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
