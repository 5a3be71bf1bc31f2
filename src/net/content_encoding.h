// Request bodies sent with a Content-Encoding (RFC 9110 §8.4): decoding for
// the servers that must accept compressed uploads (the OTLP/HTTP receiver:
// "The client MAY gzip the content and in that case MUST include
// Content-Encoding: gzip", opentelemetry-proto docs/specification.md).
//
// Supported codings: identity (or none), gzip (x-gzip) and deflate (zlib
// stream, as RFC 9110 defines it; a raw deflate stream is accepted too).
// Decoding stops as soon as the output would exceed `max_decoded` bytes, so a
// small "zip bomb" cannot exhaust memory. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tinkr::net {

// True when decode_content() knows `encoding` (case-insensitive; "" is identity).
bool is_supported_content_encoding(std::string_view encoding);

// The decoded body. Errors: kInvalidArgument for an unknown coding (the
// message lists the supported ones) or corrupt/truncated data;
// kPayloadTooLarge when the decoded body would exceed max_decoded.
Result<std::string> decode_content(std::string_view encoding, std::string_view body, size_t max_decoded);

}  // namespace tinkr::net
