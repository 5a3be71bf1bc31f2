#include "e2e/e2e_support.h"

#include <openssl/evp.h>

#include <csignal>

namespace tinkr::e2e {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::ProcessOptions;

namespace {

const std::vector<std::string> kUnsetForChildren = {"TINKR_PROFILE", "TINKR_API_TOKEN", "TINKR_SERVER_URL",
                                                    "TINKR_BACKEND", "TINKR_TOKEN",     "COLUMNS"};

}  // namespace

std::string binaries_missing() {
  for (const char* name : {"tinkr-server", "tinkr"}) {
    if (!fs::exists(kBinDir / name)) return std::string(name) + " is not built in " + kBinDir.string();
  }
  return {};
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::string url_in_line(std::string_view line) {
  std::string url(line.substr(line.find("http://")));
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  return url;
}

CliRun run_tinkr(const ProcessOptions& options, std::chrono::milliseconds timeout) {
  CliRun r;
  const auto t0 = std::chrono::steady_clock::now();
  std::string error;
  auto child = ChildProcess::spawn(kBinDir / "tinkr", options, &error);
  if (!child) {
    r.err = error;
    return r;
  }
  auto code = child->wait(timeout);
  if (!code) {
    child->signal(SIGKILL);
    (void)child->wait(std::chrono::seconds(5));
  }
  r.exit_code = code.value_or(-1);
  r.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  r.out = child->stdout_text();
  r.err = child->stderr_text();
  return r;
}

TinkrServer::TinkrServer(std::string_view config_toml, std::map<std::string, std::string> env,
                         const std::vector<std::vector<std::string>>& prepare) {
  if (error_ = binaries_missing(); !error_.empty()) return;
  token_ = "tk_e2e_" + sha256_hex(home_.path().string()).substr(0, 32);
  std::string config(config_toml);
  for (size_t at; (at = config.find("{home}")) != std::string::npos;) config.replace(at, 6, home_.path().string());
  home_.write_file("config.toml", config);
  ProcessOptions o;
  o.env = std::move(env);
  o.env["TINKR_HOME"] = home_.path().string();
  o.env["TINKR_API_KEYS"] = R"([{"hash":")" + sha256_hex(token_) + R"(","subject":"e2e","roles":["oncall"]}])";
  o.unset_env = kUnsetForChildren;
  for (const auto& args : prepare) {
    ProcessOptions p = o;
    p.args = args;
    auto step = ChildProcess::spawn(kBinDir / "tinkr-server", p, &error_);
    if (!step) return;
    const auto code = step->wait(std::chrono::seconds(120));
    if (code != 0) {
      error_ = "tinkr-server " + args.front() + " failed (" +
               (code ? "exit " + std::to_string(*code) : std::string("no exit within 120 s")) +
               "): " + step->stderr_text() + step->stdout_text();
      return;
    }
  }
  // No OTLP receiver: it would take the fixed port 4318 (tests use free ports only).
  o.args = {"start", "--port", "0", "--host", "127.0.0.1", "--no-otlp"};
  process_ = ChildProcess::spawn(kBinDir / "tinkr-server", o, &error_);
  if (!process_) return;
  auto line = process_->wait_for_stdout_line("listening on ", std::chrono::seconds(30));
  if (!line) {
    error_ = "tinkr-server did not start:\n" + process_->stderr_text();
    return;
  }
  url_ = url_in_line(*line);
}

TinkrServer::~TinkrServer() = default;  // ChildProcess stops the server

std::string TinkrServer::log() const { return process_ ? process_->stderr_text() : std::string(); }

ProcessOptions TinkrServer::cli_options(const std::vector<std::string>& args) const {
  ProcessOptions o;
  o.args = {"--server", url_, "--token", token_};
  o.args.insert(o.args.end(), args.begin(), args.end());
  o.env["TINKR_HOME"] = home_.path().string();
  o.env["NO_COLOR"] = "1";
  o.unset_env = kUnsetForChildren;
  o.stdin_data = "";
  return o;
}

CliRun TinkrServer::tinkr(const std::vector<std::string>& args, std::chrono::milliseconds timeout) const {
  return run_tinkr(cli_options(args), timeout);
}

std::unique_ptr<ChildProcess> TinkrServer::spawn_tinkr(const std::vector<std::string>& args) const {
  return ChildProcess::spawn(kBinDir / "tinkr", cli_options(args));
}

size_t count_lines_with(std::string_view text, std::string_view needle) {
  size_t n = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    if (text.substr(start, nl - start).find(needle) != std::string_view::npos) ++n;
    start = nl + 1;
  }
  return n;
}

}  // namespace tinkr::e2e
