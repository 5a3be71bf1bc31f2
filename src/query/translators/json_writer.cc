#include "query/translators/json_writer.h"

#include <cassert>
#include <charconv>

#include <boost/json/value.hpp>

namespace tinkr::query::detail {

void JsonWriter::drain() {
  char buf[256];
  while (!serializer_.done()) {
    auto written = serializer_.read(buf, sizeof buf);
    out_.append(written.data(), written.size());
  }
}

void JsonWriter::serialized(std::string_view s) {
  serializer_.reset(boost::json::string_view(s.data(), s.size()));
  drain();
}

void JsonWriter::key(std::string_view k) {
  if (!first_) out_ += ',';
  serialized(k);
  out_ += ':';
  after_key_ = true;
}

void JsonWriter::quoted_fixed(std::string_view s) {
  for ([[maybe_unused]] char c : s) assert(c >= 0x20 && c < 0x7F && c != '"' && c != '\\');
  out_ += '"';
  out_ += s;
  out_ += '"';
}

void JsonWriter::name(std::string_view fixed_key) {
  if (!first_) out_ += ',';
  quoted_fixed(fixed_key);
  out_ += ':';
  after_key_ = true;
}

void JsonWriter::fixed_string(std::string_view fixed) {
  separate();
  quoted_fixed(fixed);
  first_ = false;
}

void JsonWriter::string(std::string_view s) {
  separate();
  serialized(s);
  first_ = false;
}

void JsonWriter::int64(int64_t v) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  first_ = false;
}

void JsonWriter::uint64(uint64_t v) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  first_ = false;
}

void JsonWriter::number(double v) {
  separate();
  boost::json::value jv(v);
  serializer_.reset(&jv);
  drain();
  first_ = false;
}

}  // namespace tinkr::query::detail
