// Compressed test payloads (zlib), for tests of Content-Encoding handling.
#pragma once

#include <string>
#include <string_view>

namespace tinkr::testing {

// `text` deflated with zlib. window_bits as deflateInit2 takes them:
// 16 + MAX_WBITS gzip, MAX_WBITS a zlib stream, -MAX_WBITS raw deflate.
// Fails the current test (gtest) if zlib refuses.
std::string compress(std::string_view text, int window_bits);

// gzip, the common case.
std::string gzip(std::string_view text);

}  // namespace tinkr::testing
