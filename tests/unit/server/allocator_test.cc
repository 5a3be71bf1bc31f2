// server/allocator.h: freed memory stays in the process; the user's own
// malloc settings win.
#include "server/allocator.h"

#include <malloc.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <vector>

namespace tinkr::server {
namespace {

TEST(Allocator, FreedMemoryIsKeptForTheNextRequest) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer replaces malloc";
#endif
  unsetenv("MALLOC_TRIM_THRESHOLD_");
  ASSERT_TRUE(tune_allocator_for_server());
  {
    // 16 MiB in small blocks, as a parsed answer is, then all freed.
    std::vector<std::unique_ptr<char[]>> blocks;
    for (int i = 0; i < 4096; ++i) blocks.emplace_back(new char[4000]());
  }
  // glibc's default would have trimmed the heap top down to 128 KiB.
  EXPECT_GT(mallinfo2().fordblks, size_t{8} << 20);
}

TEST(Allocator, TheEnvironmentsSettingsWin) {
  setenv("MALLOC_TRIM_THRESHOLD_", "131072", 1);
  EXPECT_FALSE(tune_allocator_for_server());
  unsetenv("MALLOC_TRIM_THRESHOLD_");
  setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072", 1);
  EXPECT_FALSE(tune_allocator_for_server());
  unsetenv("GLIBC_TUNABLES");
}

}  // namespace
}  // namespace tinkr::server
