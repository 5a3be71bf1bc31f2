// A compact JSON writer that appends to one string: the structure is written
// directly, every string and double goes through Boost.JSON's serializer (so
// the escaping and number format are Boost.JSON's, byte for byte what
// json::serialize gives for the same value tree). The caller nests calls
// correctly (a key before each member value); nothing is checked.
//
// name() and fixed_string() are for text the translator itself supplies
// (field names of the schema, "bool", "desc", …): plain printable ASCII
// without '"' or '\', which JSON writes as is, so they skip the serializer.
// Anything that comes from the user (values, attribute names, the service)
// goes through key() / string().
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
  void name(std::string_view fixed_key);
  void fixed_string(std::string_view fixed);
  void int64(int64_t v);
  void uint64(uint64_t v);
  void number(double v);

  // Shorthands for the common shapes with a fixed name: "k":"v", "k":{ and "k":[.
  void member(std::string_view fixed_key, std::string_view v) { name(fixed_key), string(v); }
  void begin_object(std::string_view fixed_key) { name(fixed_key), begin_object(); }
  void begin_array(std::string_view fixed_key) { name(fixed_key), begin_array(); }

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
  void quoted_fixed(std::string_view s);
  void drain();

  std::string& out_;
  boost::json::serializer serializer_;
  bool first_ = true;       // nothing written yet in the current container
  bool after_key_ = false;  // the next value is a member's value
};

}  // namespace tinkr::query::detail
