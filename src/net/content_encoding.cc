#include "net/content_encoding.h"

#include <zlib.h>

#include <vector>

#include <fmt/format.h>

#include "core/strings.h"

namespace tinkr::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_identity(std::string_view c) { return c.empty() || iequals(c, "identity") || iequals(c, "none"); }
bool is_gzip(std::string_view c) { return iequals(c, "gzip") || iequals(c, "x-gzip"); }
bool is_deflate(std::string_view c) { return iequals(c, "deflate"); }

// Inflates with zlib. window_bits: 16+MAX_WBITS gzip, MAX_WBITS zlib, -MAX_WBITS raw.
Result<std::string> inflate_body(std::string_view in, int window_bits, std::string_view coding, size_t max_decoded) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) {
    return make_error(ErrorCode::kInternal, "zlib could not be initialised");
  }
  std::string out;
  char buf[64 * 1024];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    const size_t produced = sizeof buf - zs.avail_out;
    if (out.size() + produced > max_decoded) {
      inflateEnd(&zs);
      return make_error(ErrorCode::kPayloadTooLarge,
                        fmt::format("the {}-decoded request body is larger than {} bytes", coding, max_decoded));
    }
    out.append(buf, produced);
    if (rc == Z_OK && zs.avail_in == 0 && produced == 0) break;  // input ended before the stream did
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("the request body is not valid {} data (Content-Encoding: {}){}", coding, coding,
                                  zs.msg ? std::string(": ") + zs.msg : std::string(" or is truncated")));
  }
  return out;
}

std::vector<std::string_view> codings_of(std::string_view header) {
  std::vector<std::string_view> out;
  while (true) {
    size_t comma = header.find(',');
    auto c = trim(header.substr(0, comma));
    if (!c.empty()) out.push_back(c);
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

bool is_supported_content_encoding(std::string_view encoding) {
  for (auto c : codings_of(encoding)) {
    if (!is_identity(c) && !is_gzip(c) && !is_deflate(c)) return false;
  }
  return true;
}

Result<std::string> decode_content(std::string_view encoding, std::string_view body, size_t max_decoded) {
  auto codings = codings_of(encoding);
  for (auto c : codings) {
    if (!is_identity(c) && !is_gzip(c) && !is_deflate(c)) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("Content-Encoding '{}' is not supported: send the body uncompressed or with gzip "
                                    "(deflate also works)",
                                    c));
    }
  }
  std::string data(body);
  if (data.size() > max_decoded && codings.empty()) {
    return make_error(ErrorCode::kPayloadTooLarge,
                      fmt::format("the request body is larger than {} bytes", max_decoded));
  }
  // Codings are listed in the order they were applied: undo them last first.
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    if (is_identity(*it)) continue;
    Result<std::string> decoded = make_error(ErrorCode::kInternal, "");
    if (is_gzip(*it)) {
      decoded = inflate_body(data, 16 + MAX_WBITS, "gzip", max_decoded);
    } else {
      // RFC 9110 "deflate" is a zlib stream; some clients send raw deflate: try both.
      decoded = inflate_body(data, MAX_WBITS, "deflate", max_decoded);
      if (!decoded && decoded.error().code == ErrorCode::kInvalidArgument) {
        decoded = inflate_body(data, -MAX_WBITS, "deflate", max_decoded);
      }
    }
    if (!decoded) return decoded.error();
    data = std::move(*decoded);
  }
  if (data.size() > max_decoded) {
    return make_error(ErrorCode::kPayloadTooLarge,
                      fmt::format("the request body is larger than {} bytes", max_decoded));
  }
  return data;
}

}  // namespace tinkr::net
