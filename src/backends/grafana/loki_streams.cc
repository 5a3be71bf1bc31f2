// parse_loki_streams (declared in loki_mapping.h): a Loki "streams" answer
// mapped into LogEntry while Boost.JSON's basic_parser (SAX) reads it, with
// no DOM in between. A query_range answer is the hot path of `tinkr logs` and
// can be tens of MB; a boost::json::value first meant a second copy of every
// string in an arena of fresh (page-faulting) memory on every call
// (bench/loki_parse_bench.cc, bench/RESULTS.md).
//
// Shape (Loki HTTP API, shared/conformance/grafana-loki):
//   {"status":"success","warnings":[…],"data":{"resultType":"streams",
//    "result":[{"stream":{labels},"values":[["<ns>","<line>",{"structuredMetadata":{…},
//    "parsed":{…}}],…]},…]}}
// Unknown keys ("stats", "encodingFlags", …) are skipped. Keys may come in any
// order: values read before their stream's labels are finished once the
// labels are known, and the envelope's verdict (status, "data", resultType,
// "result") is taken at the end of the document, before any per-value error,
// so the errors are the ones a DOM walk from the root would report.
#include <boost/json/basic_parser_impl.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "backends/grafana/grafana_wire.h"
#include "backends/grafana/loki_mapping.h"

namespace tinkr::grafana {
namespace json = boost::json;
namespace {

// The message of a {"status":"error"} body.
constexpr std::string_view kErrorKey = "error";

Error bad(std::string_view what) { return make_error(ErrorCode::kBackend, std::string(what)); }

Level level_from_attributes(const Attributes& attrs) {
  for (std::string_view k : wire::loki::kLevelLabels) {
    auto it = attrs.find(k);
    if (it == attrs.end()) continue;
    Level l = parse_level(it->second);
    if (l != Level::kUnknown) return l;
  }
  return Level::kUnknown;
}

// The SAX handler. Containers are tracked as a stack of frames; a value's
// meaning comes from its parent frame and the current key (or index).
class StreamsHandler {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  StreamsHandler(const LokiMappingOptions& options, LokiStreamsAnswer& out) : options_(options), out_(out) {}

  // The verdict once the document parsed; out_ holds the entries when ok.
  Status finish() {
    if (!root_is_object_) return bad("the answer is not a JSON object");
    if (status_is_error_) {
      return bad(fmt::format("the answer has status \"error\": {}", error_text_ ? *error_text_ : "?"));
    }
    if (!data_seen_) return bad("the answer has no \"data\" object");
    if (!result_type_ || *result_type_ != wire::kStreams) {
      return bad(fmt::format("expected resultType \"streams\", got \"{}\"", result_type_ ? *result_type_ : "?"));
    }
    if (!result_seen_) return bad("the answer has no \"result\" array");
    if (first_error_) return bad(*first_error_);
    return ok_status();
  }

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }

  bool on_object_begin(boost::system::error_code&) {
    const Slot s = value_slot();
    Frame f = Frame::kSkip;
    switch (s) {
      case Slot::kRoot:
        root_is_object_ = true;
        f = Frame::kRoot;
        break;
      case Slot::kData:
        data_seen_ = true;
        f = Frame::kData;
        break;
      case Slot::kStream:
        begin_stream();
        f = Frame::kStream;
        break;
      case Slot::kLabels: f = Frame::kLabels; break;
      case Slot::kCategories: f = Frame::kCategories; break;
      case Slot::kStructuredMetadata: f = Frame::kStructuredMetadata; break;
      case Slot::kParsed: f = Frame::kParsed; break;
      case Slot::kTuple: fail("a stream value is not an array"); break;
      case Slot::kTimestamp: timestamp_ok_ = false; break;
      default: break;
    }
    push(f);
    return true;
  }

  bool on_object_end(std::size_t, boost::system::error_code&) {
    const Frame f = top();
    pop();
    if (f == Frame::kLabels) end_labels();
    else if (f == Frame::kStream) end_stream();
    return true;
  }

  bool on_array_begin(boost::system::error_code&) {
    const Slot s = value_slot();
    Frame f = Frame::kSkip;
    switch (s) {
      case Slot::kWarnings: f = Frame::kWarnings; break;
      case Slot::kResult:
        result_seen_ = true;
        f = Frame::kResult;
        break;
      case Slot::kValues:
        values_seen_ = true;
        f = Frame::kValues;
        break;
      case Slot::kTuple:
        begin_tuple();
        f = Frame::kTuple;
        break;
      case Slot::kStream: fail("a stream is not an object"); break;
      case Slot::kTimestamp: timestamp_ok_ = false; break;
      default: break;
    }
    push(f);
    return true;
  }

  bool on_array_end(std::size_t n, boost::system::error_code&) {
    const Frame f = top();
    pop();
    if (f == Frame::kTuple) end_tuple(n);
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    if (!key_in_parts_) key_.clear();
    key_.append(s.data(), s.size());
    key_in_parts_ = true;
    return true;
  }

  bool on_key(json::string_view s, std::size_t, boost::system::error_code&) {
    if (key_in_parts_) {
      key_.append(s.data(), s.size());
    } else {
      key_.assign(s.data(), s.size());
    }
    key_in_parts_ = false;
    const Frame f = top();
    if (f == Frame::kStructuredMetadata || f == Frame::kParsed) extra_ = true;
    key_slot_ = slot_for_key(f, key_);
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&) {
    if (!string_in_parts_) {
      string_slot_ = value_slot();
      string_in_parts_ = true;
      if (string_slot_ == Slot::kLine) {
        // The line goes straight into the entry; everything else is short.
        current().message.assign(s.data(), s.size());
        return true;
      }
      text_.clear();
    }
    if (string_slot_ == Slot::kLine) current().message.append(s.data(), s.size());
    else text_.append(s.data(), s.size());
    return true;
  }

  bool on_string(json::string_view s, std::size_t, boost::system::error_code&) {
    std::string_view text(s.data(), s.size());
    Slot slot;
    if (string_in_parts_) {
      string_in_parts_ = false;
      slot = string_slot_;
      if (slot == Slot::kLine) {
        current().message.append(s.data(), s.size());
        line_is_string_ = true;
        advance();
        return true;
      }
      text_.append(s.data(), s.size());
      text = text_;
    } else {
      slot = value_slot();
    }
    take_string(slot, text);
    return true;
  }

  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(int64_t v, json::string_view, boost::system::error_code&) { return take_integer(v); }
  bool on_uint64(uint64_t v, json::string_view, boost::system::error_code&) {
    return take_integer(static_cast<int64_t>(v));
  }
  bool on_double(double, json::string_view, boost::system::error_code&) { return take_other(); }
  bool on_bool(bool, boost::system::error_code&) { return take_other(); }
  bool on_null(boost::system::error_code&) { return take_other(); }

 private:
  enum class Frame : uint8_t {
    kSkip,
    kRoot,
    kWarnings,
    kData,
    kResult,
    kStream,
    kLabels,
    kValues,
    kTuple,
    kCategories,
    kStructuredMetadata,
    kParsed,
  };
  // What the next value is.
  enum class Slot : uint8_t {
    kSkip,
    kRoot,
    kStatus,
    kErrorText,
    kWarnings,
    kWarning,
    kData,
    kResultType,
    kResult,
    kStream,
    kLabels,
    kLabel,
    kValues,
    kTuple,
    kTimestamp,
    kLine,
    kCategories,
    kStructuredMetadata,
    kParsed,
    kMetadataValue,
  };

  static constexpr size_t kIdKeys = std::size(wire::loki::kTraceIdKeys);
  static_assert(std::size(wire::loki::kSpanIdKeys) == kIdKeys);

  struct StreamState {
    Attributes labels;
    std::string service;
    Level level = Level::kUnknown;
    // The labels' value for each of kTraceIdKeys / kSpanIdKeys, or nullptr.
    std::array<const std::string*, kIdKeys> trace_ids{};
    std::array<const std::string*, kIdKeys> span_ids{};
  };

  // One section (structuredMetadata or parsed) of the value being read. The
  // strings keep their capacity from value to value: no allocation here.
  struct MetadataList {
    std::vector<std::pair<std::string, std::string>> items;
    size_t size = 0;
    void clear() { size = 0; }
    void add(std::string_view k, std::string_view v) {
      if (size == items.size()) items.emplace_back();
      items[size].first.assign(k.data(), k.size());
      items[size].second.assign(v.data(), v.size());
      ++size;
    }
  };
  struct Metadata {
    MetadataList structured, parsed;
  };

  Frame top() const { return frames_.empty() ? Frame::kSkip : frames_.back().frame; }
  void push(Frame f) { frames_.push_back({f, 0}); }
  void pop() {
    frames_.pop_back();
    // The container just closed was one element of its parent array.
    if (!frames_.empty()) ++frames_.back().index;
  }

  static Slot slot_for_key(Frame parent, std::string_view key) {
    switch (parent) {
      case Frame::kRoot:
        if (key == wire::kStatus) return Slot::kStatus;
        if (key == wire::kData) return Slot::kData;
        if (key == wire::kWarnings) return Slot::kWarnings;
        if (key == kErrorKey) return Slot::kErrorText;
        return Slot::kSkip;
      case Frame::kData:
        if (key == wire::kResultType) return Slot::kResultType;
        if (key == wire::kResult) return Slot::kResult;
        return Slot::kSkip;
      case Frame::kStream:
        if (key == wire::loki::kStream) return Slot::kLabels;
        if (key == wire::kValues) return Slot::kValues;
        return Slot::kSkip;
      case Frame::kLabels: return Slot::kLabel;
      case Frame::kCategories:
        if (key == wire::loki::kStructuredMetadata) return Slot::kStructuredMetadata;
        if (key == wire::loki::kParsed) return Slot::kParsed;
        return Slot::kSkip;
      case Frame::kStructuredMetadata:
      case Frame::kParsed: return Slot::kMetadataValue;
      default: return Slot::kSkip;
    }
  }

  // The slot of the value about to start: by key in an object, by position
  // in an array, kRoot at the top.
  Slot value_slot() const {
    if (frames_.empty()) return Slot::kRoot;
    const auto& f = frames_.back();
    switch (f.frame) {
      case Frame::kWarnings: return Slot::kWarning;
      case Frame::kResult: return Slot::kStream;
      case Frame::kValues: return entries_wanted() ? Slot::kTuple : Slot::kSkip;
      case Frame::kTuple:
        if (f.index == 0) return Slot::kTimestamp;
        if (f.index == 1) return Slot::kLine;
        if (f.index == 2) return Slot::kCategories;
        return Slot::kSkip;
      case Frame::kRoot:
      case Frame::kData:
      case Frame::kStream:
      case Frame::kLabels:
      case Frame::kCategories:
      case Frame::kStructuredMetadata:
      case Frame::kParsed: return key_slot_;
      default: return Slot::kSkip;
    }
  }

  // After the first shape error no more entries are built: the answer fails.
  bool entries_wanted() const { return !first_error_; }

  void fail(std::string_view what) {
    if (!first_error_) first_error_.emplace(what);
  }

  // A scalar closes one element of its parent array.
  void advance() {
    if (!frames_.empty()) ++frames_.back().index;
  }

  void take_string(Slot slot, std::string_view text) {
    switch (slot) {
      case Slot::kStatus: status_is_error_ = text == wire::kStatusError; break;
      case Slot::kErrorText: error_text_.emplace(text); break;
      case Slot::kWarning: out_.warnings.emplace_back(text); break;
      case Slot::kResultType: result_type_.emplace(text); break;
      case Slot::kLabel: stream_.labels.insert_or_assign(key_, std::string(text)); break;
      case Slot::kTimestamp: {
        int64_t ns = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ns);
        if (ec == std::errc() && end == text.data() + text.size()) current().time = from_unix_nanos(ns);
        else timestamp_ok_ = false;
        break;
      }
      case Slot::kLine:
        current().message.assign(text.data(), text.size());
        line_is_string_ = true;
        break;
      case Slot::kMetadataValue: (top() == Frame::kParsed ? meta_.parsed : meta_.structured).add(key_, text); break;
      case Slot::kStream: fail("a stream is not an object"); break;
      case Slot::kTuple: fail("a stream value is not an array"); break;
      default: break;
    }
    advance();
  }

  bool take_integer(int64_t v) {
    if (value_slot() == Slot::kTimestamp) {
      current().time = from_unix_nanos(v);
      advance();
      return true;
    }
    return take_other();
  }

  // Numbers, booleans and nulls: only their wrongness matters.
  bool take_other() {
    switch (value_slot()) {
      case Slot::kStream: fail("a stream is not an object"); break;
      case Slot::kTuple: fail("a stream value is not an array"); break;
      case Slot::kTimestamp: timestamp_ok_ = false; break;
      default: break;
    }
    advance();
    return true;
  }

  LogEntry& current() { return out_.entries.back(); }

  void begin_stream() {
    stream_ = StreamState{};
    labels_done_ = false;
    values_seen_ = false;
    stream_first_ = out_.entries.size();
  }

  void end_labels() {
    StreamState& s = stream_;
    s.level = level_from_attributes(s.labels);
    if (auto it = s.labels.find(options_.service_label); it != s.labels.end()) s.service = it->second;
    for (size_t k = 0; k < kIdKeys; ++k) {
      s.trace_ids[k] = find_label(s.labels, wire::loki::kTraceIdKeys[k]);
      s.span_ids[k] = find_label(s.labels, wire::loki::kSpanIdKeys[k]);
    }
    labels_done_ = true;
    // Values read before their labels (keys out of the usual order).
    for (size_t i = stream_first_; i < out_.entries.size(); ++i) {
      Pending& p = pending_[i - stream_first_];
      finish_entry(out_.entries[i], p.metadata, p.extra);
    }
    pending_.clear();
  }

  static const std::string* find_label(const Attributes& labels, std::string_view key) {
    auto it = labels.find(key);
    return it == labels.end() ? nullptr : &it->second;
  }

  void end_stream() {
    if (!labels_done_) end_labels();  // no "stream" labels at all
    if (!values_seen_) fail("a stream has no \"values\" array");
  }

  void begin_tuple() {
    out_.entries.emplace_back();
    extra_ = false;
    meta_.structured.clear();
    meta_.parsed.clear();
    timestamp_ok_ = true;
    line_is_string_ = false;
  }

  void end_tuple(size_t n) {
    if (n < 2 || !line_is_string_) fail("a stream value is not [timestamp, line]");
    else if (!timestamp_ok_) fail("a stream value's timestamp is not a nanosecond string");
    if (first_error_) {
      out_.entries.pop_back();
      return;
    }
    if (labels_done_) {
      finish_entry(current(), meta_, extra_);
    } else {
      pending_.push_back({meta_, extra_});
    }
  }

  // The entry holds its time and line: add the stream's labels, then its
  // structured metadata, then its parsed labels (each wins over the one
  // before, whatever their order in the JSON), and derive service, level and
  // ids as the contract says.
  void finish_entry(LogEntry& e, const Metadata& meta, bool extra) {
    const StreamState& s = stream_;
    e.attributes = s.labels;
    std::array<const std::string*, kIdKeys> trace_ids = s.trace_ids;
    std::array<const std::string*, kIdKeys> span_ids = s.span_ids;
    for (const MetadataList* list : {&meta.structured, &meta.parsed}) {
      for (size_t i = 0; i < list->size; ++i) {
        const auto& [k, v] = list->items[i];
        e.attributes.insert_or_assign(k, v);
        for (size_t j = 0; j < kIdKeys; ++j) {
          if (k == wire::loki::kTraceIdKeys[j]) trace_ids[j] = &v;
          if (k == wire::loki::kSpanIdKeys[j]) span_ids[j] = &v;
        }
      }
    }
    e.service = s.service;
    e.level = s.level;
    if (extra) {
      if (e.level == Level::kUnknown) e.level = level_from_attributes(e.attributes);
      if (e.service.empty()) {
        if (auto it = e.attributes.find(options_.service_label); it != e.attributes.end()) e.service = it->second;
      }
    }
    if (e.level == Level::kUnknown) e.level = level_from_line(e.message);
    if (const std::string* t = first_non_empty(trace_ids)) e.trace_id = *t;
    if (const std::string* t = first_non_empty(span_ids)) e.span_id = *t;
  }

  // The first id key whose value is there and not empty (as first_of over
  // the merged attributes would find it).
  static const std::string* first_non_empty(const std::array<const std::string*, kIdKeys>& values) {
    for (const std::string* v : values) {
      if (v && !v->empty()) return v;
    }
    return nullptr;
  }

  struct FrameState {
    Frame frame;
    size_t index;  // elements seen so far (arrays)
  };

  const LokiMappingOptions& options_;
  LokiStreamsAnswer& out_;
  std::vector<FrameState> frames_;
  std::string key_;
  bool key_in_parts_ = false;
  Slot key_slot_ = Slot::kSkip;
  std::string text_;
  bool string_in_parts_ = false;
  Slot string_slot_ = Slot::kSkip;

  // The envelope.
  bool root_is_object_ = false;
  bool status_is_error_ = false;
  std::optional<std::string> error_text_;
  bool data_seen_ = false;
  std::optional<std::string> result_type_;
  bool result_seen_ = false;
  std::optional<std::string> first_error_;

  // The stream being read.
  StreamState stream_;
  bool labels_done_ = false;
  bool values_seen_ = false;
  size_t stream_first_ = 0;
  struct Pending {
    Metadata metadata;
    bool extra;
  };
  std::vector<Pending> pending_;  // per entry read before the stream's labels

  // The value (tuple) being read.
  Metadata meta_;
  bool extra_ = false;  // structuredMetadata or parsed had a member
  bool timestamp_ok_ = true;
  bool line_is_string_ = false;
};

}  // namespace

Result<LokiStreamsAnswer> parse_loki_streams(std::string_view body, const LokiMappingOptions& options) {
  LokiStreamsAnswer out;
  // A guess that saves most regrowth: a value with its metadata is ~200 bytes.
  out.entries.reserve(body.size() / 192);
  json::basic_parser<StreamsHandler> parser(json::parse_options{}, options, out);
  boost::system::error_code ec;
  const size_t n = parser.write_some(false, body.data(), body.size(), ec);
  if (!ec && n < body.size()) ec = json::error::extra_data;
  if (ec) return bad(fmt::format("invalid JSON: {}", ec.message()));
  TINKR_RETURN_IF_ERROR(parser.handler().finish());
  return out;
}

}  // namespace tinkr::grafana
