// TempDir: a fresh directory under the system temp directory, removed with
// everything in it when the object goes away. Not copyable; movable.
#pragma once

#include <filesystem>
#include <string_view>

namespace tinkr::testing {

class TempDir {
 public:
  // Creates <tmp>/tinkr-<prefix>-XXXXXX (mkdtemp). Aborts the test binary if
  // it cannot (a test without its directory has nothing to test).
  explicit TempDir(std::string_view prefix = "test");
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }
  // path() / name
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  // Writes `content` to path()/name (creating parent directories); returns the full path.
  std::filesystem::path write_file(std::string_view name, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace tinkr::testing
