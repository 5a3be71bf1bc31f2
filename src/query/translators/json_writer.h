// A compact JSON writer that appends to one string: the structure is written
// directly, every string and double goes through Boost.JSON's serializer (so
// the escaping and number format are Boost.JSON's, byte for byte what
// json::serialize gives for the same value tree). The caller nests calls
// correctly (key() before each member value); nothing is checked.
// Internal to src/query; used where a json::object tree would be the cost.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/serializer.hpp>

namespace tinkr::query::detail {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k);
  void string(std::string_view s);
  void int64(int64_t v);
  void uint64(uint64_t v);
  void number(double v);

  // Shorthands for the common shapes: "k":"v", "k":{ and "k":[.
  void member(std::string_view k, std::string_view v) { key(k), string(v); }
  void begin_object(std::string_view k) { key(k), begin_object(); }
  void begin_array(std::string_view k) { key(k), begin_array(); }

 private:
  void separate() {
    if (after_key_) after_key_ = false;
    else if (!first_) out_ += ',';
  }
  void open(char c) {
    separate();
    out_ += c;
    first_ = true;
  }
  void close(char c) {
    out_ += c;
    first_ = false;
  }
  void serialized(std::string_view s);  // a string literal via the serializer
  void drain();

  std::string& out_;
  boost::json::serializer serializer_;
  bool first_ = true;      // nothing written yet in the current container
  bool after_key_ = false; // the next value is a member's value
};

}  // namespace tinkr::query::detail
