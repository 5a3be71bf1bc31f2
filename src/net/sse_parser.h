// Incremental parser for the text/event-stream format (Server-Sent Events, as
// in the WHATWG HTML "Server-sent events" section): lines end with CRLF, LF or
// CR; "field: value" lines set event/data/id/retry; lines starting with ':'
// are comments; a blank line dispatches the event. Several data lines join
// with '\n'. Chunks may split lines (and CRLF pairs) anywhere.
//
// One parser per stream; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tinkr::net {

struct SseEvent {
  std::string event = "message";  // the "event" field; "message" when absent
  std::string data;               // data lines joined with '\n'
  std::string id;                 // the last event id seen on the stream
};

class SseParser {
 public:
  // Called once per dispatched event; return false to stop parsing.
  using Callback = std::function<bool(const SseEvent&)>;

  explicit SseParser(Callback on_event);

  // Feeds the next chunk. Returns false once the callback has asked to stop
  // (the rest of the chunk and later chunks are ignored).
  bool feed(std::string_view chunk);

  // The last "retry" value (reconnection time in ms), if the stream sent one.
  std::optional<int64_t> retry_ms() const { return retry_ms_; }
  const std::string& last_event_id() const { return last_id_; }

 private:
  bool process_line(std::string_view line);

  Callback on_event_;
  std::string line_;       // a line not yet terminated
  bool after_cr_ = false;  // the previous chunk ended with '\r'
  bool started_ = false;   // BOM check done
  std::string head_;       // first bytes, until the BOM check
  bool stopped_ = false;
  std::string event_type_;
  std::string data_;
  bool has_data_ = false;
  std::string last_id_;
  std::optional<int64_t> retry_ms_;
};

}  // namespace tinkr::net
