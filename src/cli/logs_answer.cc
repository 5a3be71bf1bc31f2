#include "cli/logs_answer.h"

#include <boost/json/basic_parser_impl.hpp>

#include <cstdint>
#include <string>

#include "core/json_writer.h"
#include "core/time.h"

namespace tinkr::cli {
namespace json = boost::json;
namespace {

using boost::system::error_code;

// A member of an entry: one of core/json_writer.h's LogEntryField bits, 0
// for a key this reader does not know.
using Field = unsigned;

// Depth 1: the answer object; 2: the "entries" array; 3: an entry; 4: its
// attributes. Returning false from a callback stops the parser: the fast
// path gives up and the caller parses a DOM instead.
class EntriesHandler {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  std::vector<LogEntry> entries;
  bool saw_entries = false;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

  bool on_object_begin(error_code&) {
    // The answer, an entry, or an entry's attributes: nothing else nests.
    const bool entry = depth_ == 2 && in_entries_;
    const bool attributes = depth_ == 3 && field_ == kLogAttributes;
    if (depth_ != 0 && !entry && !(attributes && take(kLogAttributes))) return false;
    if (entry) {
      entries.emplace_back();
      seen_ = 0;
    }
    ++depth_;
    return true;
  }

  bool on_object_end(std::size_t, error_code&) {
    if (depth_ == 3) {
      if (!(seen_ & kLogTime)) return false;  // required
      if (!(seen_ & kLogLevel)) entries.back().level = parse_level("");
    }
    --depth_;
    return true;
  }

  bool on_array_begin(error_code&) {
    if (depth_ != 1 || root_key_ != "entries" || saw_entries) return false;
    saw_entries = in_entries_ = true;
    ++depth_;
    return true;
  }

  bool on_array_end(std::size_t, error_code&) {
    in_entries_ = false;
    --depth_;
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    part_.append(s.data(), s.size());
    return true;
  }

  bool on_key(json::string_view s, std::size_t, error_code&) {
    const std::string_view key = whole(s);
    if (depth_ == 1) root_key_.assign(key);
    else if (depth_ == 3) field_ = log_entry_field(key);
    else if (depth_ == 4) attr_key_.assign(key);
    part_.clear();
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    part_.append(s.data(), s.size());
    return true;
  }

  bool on_string(json::string_view s, std::size_t, error_code&) {
    const std::string_view text = whole(s);
    bool ok = true;
    if (depth_ == 3) ok = set_field(text);
    else if (depth_ == 4) ok = set_attribute(text);
    else if (depth_ != 1) ok = false;  // an entry that is not an object
    part_.clear();
    return ok;
  }

  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(int64_t, json::string_view, error_code&) { return take_other(); }
  bool on_uint64(uint64_t, json::string_view, error_code&) { return take_other(); }
  bool on_double(double, json::string_view, error_code&) { return take_other(); }
  bool on_bool(bool, error_code&) { return take_other(); }
  bool on_null(error_code&) { return take_other(); }

 private:
  std::string_view whole(json::string_view s) {
    if (part_.empty()) return {s.data(), s.size()};
    part_.append(s.data(), s.size());
    return part_;
  }

  // Marks a known field as read; false when it repeats.
  bool take(Field f) {
    if (seen_ & f) return false;
    seen_ |= f;
    return true;
  }

  bool set_field(std::string_view text) {
    if (field_ == 0) return true;  // a key this reader does not know: ignored, as from_json does
    if (!take(field_)) return false;
    LogEntry& e = entries.back();
    switch (field_) {
      case kLogTime: {
        auto t = parse_rfc3339(text);
        if (!t) return false;
        e.time = *t;
        return true;
      }
      case kLogService: e.service.assign(text); return true;
      case kLogLevel: e.level = parse_level(text); return true;
      case kLogMessage: e.message.assign(text); return true;
      case kLogTraceId: e.trace_id.assign(text); return true;
      case kLogSpanId: e.span_id.assign(text); return true;
      default: return false;  // "attributes" as a string
    }
  }

  bool set_attribute(std::string_view value) {
    Attributes& attrs = entries.back().attributes;
    const size_t before = attrs.size();
    attrs.emplace_hint(attrs.end(), attr_key_, std::string(value));
    return attrs.size() > before;  // a repeated key: left to the DOM
  }

  // A number, true, false or null: ignored in the answer object and for
  // unknown entry keys; anything else is for the DOM path to judge.
  bool take_other() { return depth_ == 1 || (depth_ == 3 && field_ == 0); }

  int depth_ = 0;
  bool in_entries_ = false;
  std::string root_key_;
  Field field_ = 0;
  Field seen_ = 0;
  std::string attr_key_;
  std::string part_;  // a key or string arriving in parts
};

}  // namespace

std::optional<std::vector<LogEntry>> read_log_entries(std::string_view answer) {
  json::basic_parser<EntriesHandler> parser(json::parse_options{});
  parser.handler().entries.reserve(answer.size() / 512);  // entries are ~400 bytes
  error_code ec;
  const size_t n = parser.write_some(false, answer.data(), answer.size(), ec);
  if (ec || n < answer.size() || !parser.done() || !parser.handler().saw_entries) return std::nullopt;
  return std::move(parser.handler().entries);
}

}  // namespace tinkr::cli
