#include "net/content_encoding.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "testing/compression.h"

namespace tinkr::net {
namespace {

using tinkr::testing::compress;

const std::string kText = std::string(size_t{200} * 1024, 'a') + "{\"resourceLogs\":[]}";

TEST(ContentEncoding, IdentityPassesThrough) {
  for (const char* c : {"", "identity", "IDENTITY", " none "}) {
    auto r = decode_content(c, "plain", 100);
    ASSERT_TRUE(r.ok()) << c;
    EXPECT_EQ(*r, "plain");
  }
}

TEST(ContentEncoding, GzipZlibAndRawDeflateRoundTrip) {
  auto gz = decode_content("gzip", compress(kText, 16 + MAX_WBITS), 1 << 20);
  ASSERT_TRUE(gz.ok()) << gz.error().message;
  EXPECT_EQ(*gz, kText);
  auto xgz = decode_content("X-Gzip", compress(kText, 16 + MAX_WBITS), 1 << 20);
  ASSERT_TRUE(xgz.ok());
  auto zlib = decode_content("deflate", compress(kText, MAX_WBITS), 1 << 20);
  ASSERT_TRUE(zlib.ok()) << zlib.error().message;
  EXPECT_EQ(*zlib, kText);
  auto raw = decode_content("deflate", compress(kText, -MAX_WBITS), 1 << 20);
  ASSERT_TRUE(raw.ok()) << raw.error().message;
  EXPECT_EQ(*raw, kText);
}

TEST(ContentEncoding, StackedCodingsAreUndoneLastFirst) {
  std::string twice = compress(compress(kText, MAX_WBITS), 16 + MAX_WBITS);
  auto r = decode_content("deflate, gzip", twice, 1 << 20);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, kText);
}

TEST(ContentEncoding, DecodedSizeIsLimited) {
  auto r = decode_content("gzip", compress(kText, 16 + MAX_WBITS), size_t{64} * 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPayloadTooLarge);
  auto plain = decode_content("", std::string(101, 'x'), 100);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().code, ErrorCode::kPayloadTooLarge);
}

TEST(ContentEncoding, CorruptTruncatedAndUnknownAreInvalid) {
  auto corrupt = decode_content("gzip", "definitely not gzip", 1 << 20);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.error().code, ErrorCode::kInvalidArgument);
  std::string gz = compress(kText, 16 + MAX_WBITS);
  auto truncated = decode_content("gzip", gz.substr(0, gz.size() / 2), 1 << 20);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(is_supported_content_encoding("br"));
  EXPECT_FALSE(is_supported_content_encoding("gzip, zstd"));
  EXPECT_TRUE(is_supported_content_encoding("gzip"));
  auto br = decode_content("br", "x", 100);
  ASSERT_FALSE(br.ok());
  EXPECT_NE(br.error().message.find("gzip"), std::string::npos);
}

}  // namespace
}  // namespace tinkr::net
