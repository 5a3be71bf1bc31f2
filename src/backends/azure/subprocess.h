// Runs a program without a shell (posix_spawn with an argument vector), with
// stdin from /dev/null, stdout and stderr captured (each capped), a working
// directory, extra environment variables and a deadline after which the child
// is killed. Used to run `az`. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tinkr::azure {

struct SubprocessResult {
  int exit_code = -1;      // the exit status; 128 + signal when killed by one
  bool timed_out = false;  // killed at the deadline
  std::string out, err;
};

struct SubprocessOptions {
  std::filesystem::path cwd = "/";
  std::map<std::string, std::string> env;  // set in the child on top of this process's environment
  std::chrono::milliseconds timeout{10000};
  size_t max_output = size_t{1} << 20;
};

// argv[0] must be a path to the program. An Error only when it cannot start.
Result<SubprocessResult> run_subprocess(const std::vector<std::string>& argv, const SubprocessOptions& options);

// The first executable `name` in the ':'-separated `path_list`; nullopt when none.
std::optional<std::filesystem::path> find_on_path(std::string_view name, std::string_view path_list);

}  // namespace tinkr::azure
