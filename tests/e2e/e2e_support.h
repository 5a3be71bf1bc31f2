// What the end-to-end tests share: the real `tinkr-server` started on a free
// loopback port from a config.toml of the test's own, with one API key, and
// the real `tinkr` binary run against it with a bounded time.
//
// Binaries come from TINKR_BIN_DIR (the build's src/). Each server gets its
// own TINKR_HOME (temporary; config, events.db) and is stopped with SIGTERM
// when the object goes away. Children never inherit TINKR_PROFILE,
// TINKR_API_TOKEN, TINKR_SERVER_URL or TINKR_BACKEND from the test's
// environment.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "testing/process.h"
#include "testing/tempdir.h"

namespace tinkr::e2e {

inline const std::filesystem::path kBinDir = TINKR_BIN_DIR;

// Why the binaries cannot be run ("tinkr-server is not built in …"), or "".
std::string binaries_missing();

std::string sha256_hex(std::string_view text);

// The http://… URL that ends a server's start-up line ("listening on http://…"),
// without the line ending.
std::string url_in_line(std::string_view line);

struct CliRun {
  int exit_code = -1;  // -1: did not finish in time (it was killed)
  std::string out, err;
  std::chrono::milliseconds took{0};
};

// Runs the `tinkr` binary with `options` as they are (args, env, stdin); kills
// it after `timeout`. A failure to start is in `err`.
CliRun run_tinkr(const testing::ProcessOptions& options, std::chrono::milliseconds timeout);

class TinkrServer {
 public:
  // Writes `config_toml` as $TINKR_HOME/config.toml ("{home}" in it becomes
  // that directory), runs each `prepare` command (`tinkr-server <args…>`,
  // e.g. ingest; each must exit 0), then starts
  // `tinkr-server start --port 0 --host 127.0.0.1` with one oncall key
  // (TINKR_API_KEYS). `env` is added to the server's environment.
  explicit TinkrServer(std::string_view config_toml, std::map<std::string, std::string> env = {},
                       const std::vector<std::vector<std::string>>& prepare = {});
  ~TinkrServer();
  TinkrServer(const TinkrServer&) = delete;
  TinkrServer& operator=(const TinkrServer&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& url() const { return url_; }
  const std::string& token() const { return token_; }
  const std::filesystem::path& home() const { return home_.path(); }
  // The server's stderr (its JSON log) so far.
  std::string log() const;

  // Runs `tinkr --server <url> --token <token> <args…>` with NO_COLOR, no
  // TTY and empty stdin; kills it after `timeout`.
  CliRun tinkr(const std::vector<std::string>& args,
               std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
  // Starts the same without waiting (tail).
  std::unique_ptr<testing::ChildProcess> spawn_tinkr(const std::vector<std::string>& args) const;

 private:
  testing::ProcessOptions cli_options(const std::vector<std::string>& args) const;

  testing::TempDir home_{"e2e-home"};
  std::unique_ptr<testing::ChildProcess> process_;
  std::string url_;
  std::string token_;
  std::string error_;
};

// Lines of `text` that contain `needle`.
size_t count_lines_with(std::string_view text, std::string_view needle);

}  // namespace tinkr::e2e
