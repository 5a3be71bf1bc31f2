#include "testing/real_prometheus.h"

#include <unistd.h>

#include <cstdlib>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "testing/ports.h"

namespace tinkr::testing {
namespace {

namespace fs = std::filesystem;

// The program on PATH (then /usr/bin, where the Debian package puts it), or "".
fs::path find_program(std::string_view name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::string_view p(path);
    while (!p.empty()) {
      const size_t colon = p.find(':');
      dirs.emplace_back(p.substr(0, colon));
      if (colon == std::string_view::npos) break;
      p.remove_prefix(colon + 1);
    }
  }
  dirs.emplace_back("/usr/bin");
  for (const auto& d : dirs) {
    if (d.empty()) continue;
    fs::path candidate = fs::path(d) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

ProcessOptions with_args(std::vector<std::string> args) {
  ProcessOptions o;
  o.args = std::move(args);
  return o;
}

}  // namespace

std::optional<std::string> RealPrometheus::missing() {
  for (const char* name : {"prometheus", "promtool"}) {
    if (find_program(name).empty()) {
      return std::string(name) +
             " is not installed (the Debian package `prometheus` provides it; scripts/install-deps installs it)";
    }
  }
  return std::nullopt;
}

RealPrometheus::RealPrometheus(std::string_view openmetrics, std::chrono::milliseconds ready_timeout) {
  if (auto why = missing()) {
    error_ = *why;
    return;
  }
  const fs::path om = dir_.write_file("backfill.om", openmetrics);
  const fs::path tsdb = dir_ / "tsdb";
  fs::create_directories(tsdb);
  auto promtool =
      ChildProcess::spawn(find_program("promtool"),
                          with_args({"tsdb", "create-blocks-from", "openmetrics", om.string(), tsdb.string()}),
                          &error_);
  if (!promtool) return;
  const auto code = promtool->wait(std::chrono::seconds(120));
  if (code != 0) {
    error_ = "promtool tsdb create-blocks-from openmetrics failed (" +
             (code ? "exit " + std::to_string(*code) : std::string("no exit within 120 s")) +
             "): " + promtool->stderr_text() + promtool->stdout_text();
    return;
  }
  // No scrape targets: the backfilled blocks are all it serves.
  const fs::path config = dir_.write_file("prometheus.yml", "global:\n  scrape_interval: 1m\n");
  for (int attempt = 0; attempt < 3; ++attempt) {
    bool port_taken = false;
    error_.clear();
    if (start(tsdb, config, ready_timeout, &port_taken)) return;
    if (!port_taken) return;
  }
}

bool RealPrometheus::start(const fs::path& tsdb, const fs::path& config, std::chrono::milliseconds ready_timeout,
                           bool* port_taken) {
  const int port = free_loopback_port();
  if (port == 0) {
    error_ = "no free loopback port";
    return false;
  }
  const std::string address = "127.0.0.1:" + std::to_string(port);
  process_ = ChildProcess::spawn(find_program("prometheus"),
                                 with_args({"--config.file=" + config.string(), "--web.listen-address=" + address,
                                            "--storage.tsdb.path=" + tsdb.string(), "--log.level=warn"}),
                                 &error_);
  if (!process_) return false;
  url_ = "http://" + address;
  net::HttpClient http;
  net::HttpRequest probe;
  probe.url = url_ + "/-/ready";
  probe.timeout = std::chrono::seconds(2);
  probe.connect_timeout = std::chrono::seconds(1);
  probe.retry = net::RetryPolicy::none();
  const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto exited = process_->wait(std::chrono::milliseconds(0))) {
      const std::string out = process_->stderr_text();
      *port_taken = out.find("address already in use") != std::string::npos;
      error_ = "prometheus exited (status " + std::to_string(*exited) + ") before it was ready: " + out;
      process_.reset();
      return false;
    }
    auto r = http.send(probe);
    if (r.ok() && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  error_ = "prometheus did not become ready at " + url_ + " within " +
           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ready_timeout).count()) +
           " s: " + process_->stderr_text();
  process_.reset();  // stops it
  return false;
}

RealPrometheus::~RealPrometheus() { process_.reset(); }  // before dir_ goes

}  // namespace tinkr::testing
