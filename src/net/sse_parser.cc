#include "net/sse_parser.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace tinkr::net {

SseParser::SseParser(Callback on_event) : on_event_(std::move(on_event)) {}

bool SseParser::feed(std::string_view chunk) {
  if (stopped_) return false;
  if (!started_) {
    // A UTF-8 byte order mark at the very start is dropped; wait for 3 bytes.
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    head_.append(chunk);
    if (head_.size() < kBom.size() && kBom.substr(0, head_.size()) == head_) return true;
    started_ = true;
    const std::string head = std::move(head_);
    head_.clear();
    std::string_view rest = head;
    if (rest.substr(0, kBom.size()) == kBom) rest.remove_prefix(kBom.size());
    return feed(rest);
  }
  size_t i = 0;
  while (i < chunk.size()) {
    if (after_cr_) {
      after_cr_ = false;
      if (chunk[i] == '\n') {  // the LF of a CRLF split across chunks
        ++i;
        continue;
      }
    }
    const size_t end = chunk.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      line_.append(chunk.substr(i));
      break;
    }
    std::string_view line;
    if (line_.empty()) {
      line = chunk.substr(i, end - i);
    } else {
      line_.append(chunk.substr(i, end - i));
      line = line_;
    }
    const bool ok = process_line(line);
    line_.clear();
    if (!ok) {
      stopped_ = true;
      return false;
    }
    if (chunk[end] == '\r') {
      if (end + 1 < chunk.size()) {
        i = end + (chunk[end + 1] == '\n' ? 2 : 1);
      } else {
        after_cr_ = true;
        i = end + 1;
      }
    } else {
      i = end + 1;
    }
  }
  return true;
}

bool SseParser::process_line(std::string_view line) {
  if (line.empty()) {  // dispatch
    if (!has_data_) {
      event_type_.clear();
      return true;
    }
    SseEvent ev;
    ev.event = event_type_.empty() ? "message" : event_type_;
    ev.data = std::move(data_);
    ev.id = last_id_;
    data_.clear();
    has_data_ = false;
    event_type_.clear();
    return on_event_(ev);
  }
  if (line.front() == ':') return true;  // comment
  std::string_view field = line;
  std::string_view value;
  if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    event_type_.assign(value);
  } else if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (field == "retry") {
    if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      int64_t ms = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc() && p == value.data() + value.size()) retry_ms_ = ms;
    }
  }
  return true;  // unknown fields are ignored
}

}  // namespace tinkr::net
