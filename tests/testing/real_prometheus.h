// RealPrometheus: a real Prometheus server (the Debian `prometheus` package)
// for a test, on a free 127.0.0.1 port, with its history backfilled from
// OpenMetrics text by `promtool tsdb create-blocks-from openmetrics`.
//
// The constructor backfills into a fresh temporary directory, starts
// `prometheus` on it and waits until /-/ready answers 200; if the port was
// taken in between (another process won the race for it), it starts again on
// another one. On failure error() says what went wrong, with Prometheus' own
// output. The destructor stops the server (SIGTERM, then SIGKILL) and removes
// the directory. Share one per test suite (SetUpTestSuite): a start costs a
// second or two.
//
// missing() tells a test to skip: only when the binaries are really absent
// (scripts/install-deps installs them for `make test`).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "testing/process.h"
#include "testing/tempdir.h"

namespace tinkr::testing {

class RealPrometheus {
 public:
  // Why a test cannot have a real Prometheus ("prometheus is not installed …"),
  // or nullopt when `prometheus` and `promtool` are both found.
  static std::optional<std::string> missing();

  // Backfills `openmetrics` (ending in "# EOF") and starts the server.
  explicit RealPrometheus(std::string_view openmetrics,
                          std::chrono::milliseconds ready_timeout = std::chrono::seconds(60));
  ~RealPrometheus();
  RealPrometheus(const RealPrometheus&) = delete;
  RealPrometheus& operator=(const RealPrometheus&) = delete;

  bool ok() const { return error_.empty() && process_ != nullptr; }
  // Empty when ok().
  const std::string& error() const { return error_; }
  // "http://127.0.0.1:<port>" once started.
  const std::string& url() const { return url_; }

 private:
  bool start(const std::filesystem::path& tsdb, const std::filesystem::path& config,
             std::chrono::milliseconds ready_timeout, bool* port_taken);

  TempDir dir_{"prometheus"};
  std::unique_ptr<ChildProcess> process_;
  std::string url_;
  std::string error_;
};

}  // namespace tinkr::testing
