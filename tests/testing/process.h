// ChildProcess: runs a program for a test with chosen arguments and
// environment, capturing its stdout and stderr, and stops it at the end.
//
// Output is read by background threads into buffers, so a child that writes
// a lot never blocks. The destructor sends SIGTERM, waits up to 5 s, then
// SIGKILL. Methods may be called from the test thread while the readers run.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tinkr::testing {

struct ProcessOptions {
  std::vector<std::string> args;           // argv[1..]
  std::map<std::string, std::string> env;  // set (override) in the child
  std::vector<std::string> unset_env;      // removed from the child's environment
  bool inherit_env = true;                 // start from this process's environment
  std::optional<std::filesystem::path> cwd;
  std::optional<std::string> stdin_data;  // written to the child's stdin, then closed
};

class ChildProcess {
 public:
  // Starts `program`; nullptr (with the reason in *error) when it cannot.
  static std::unique_ptr<ChildProcess> spawn(const std::filesystem::path& program, const ProcessOptions& options,
                                             std::string* error = nullptr);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Waits until a stdout line contains `needle`; returns that whole line, or
  // nullopt after `timeout` or when the child closed stdout first.
  std::optional<std::string> wait_for_stdout_line(std::string_view needle,
                                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Same, for stderr.
  std::optional<std::string> wait_for_stderr_line(std::string_view needle,
                                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Sends a signal (SIGTERM, SIGINT, …).
  void signal(int sig);
  // Waits for exit: the exit status (128 + signal when killed by a signal), or
  // nullopt after `timeout` (the child keeps running). Once it returns a
  // status, the captured output is complete (the pipes were read to the end).
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Everything captured so far.
  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  ChildProcess() = default;
  struct Stream {
    std::string text;
    bool closed = false;
  };
  void read_loop(int fd, Stream* stream);
  std::optional<std::string> wait_for_line(Stream* stream, std::string_view needle, std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  std::optional<int> status_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Stream out_, err_;
  std::thread out_reader_, err_reader_;
};

}  // namespace tinkr::testing
