// curl_library(): libcurl is loaded on demand, once, with every function bound.
#include "net/curl_library.h"

#include <gtest/gtest.h>

#include <string>

namespace tinkr::net {
namespace {

TEST(CurlLibrary, LoadsOnceWithEveryFunction) {
  auto first = curl_library();
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = curl_library();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  const CurlLibrary& curl = **first;
  EXPECT_EQ(std::string(curl.easy_strerror(CURLE_OK)), "No error");
  // curl_getdate, through the table: an RFC 9110 IMF-fixdate.
  EXPECT_EQ(curl.getdate("Sun, 06 Nov 1994 08:49:37 GMT", nullptr), 784111777);
  CURL* handle = curl.easy_init();
  ASSERT_NE(handle, nullptr);
  EXPECT_EQ(curl.easy_setopt(handle, CURLOPT_URL, "http://127.0.0.1:1/"), CURLE_OK);
  curl.easy_cleanup(handle);
}

}  // namespace
}  // namespace tinkr::net
