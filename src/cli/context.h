// What every `tinkr` command shares: the global flags, the output format, the
// terminal style, and lazy access to the client config and the server.
// Commands register themselves on the CLI11 app (commands.h) and leave an
// action in Context::action that run() executes after parsing.
#pragma once

#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "cli/api_client.h"
#include "cli/client_config.h"
#include "cli/render.h"
#include "core/result.h"

namespace CLI {
class App;
}

namespace tinkr::cli {

// The CLI version (`tinkr version`).
inline constexpr const char* kVersion = "0.1.0";

enum class OutputFormat { kTable, kJson, kJsonLines };

struct Context {
  GlobalFlags flags;
  std::string output = "table";  // -o
  bool json = false;             // --json
  std::function<int()> action;   // set by the chosen command

  OutputFormat format() const;
  RenderStyle style() const;  // stdout: colour on a TTY without NO_COLOR
  bool stdout_tty() const;

  // The client config (read once).
  Result<ClientConfig> config() const;
  // A client for the resolved server.
  Result<ApiClient> client() const;

  // Printing; out() and err() write the text as is.
  void out(const std::string& text) const;
  void err(const std::string& text) const;
  // Prints "error: <message>" and returns the exit code of the error.
  int fail(const Error& error) const;
  // Writes a JSON value on one line.
  void print_json(const boost::json::value& v) const;
};

// Each adds its subcommands to `app`.
void add_setup_commands(CLI::App& app, Context& ctx);    // init, profile, doctor, version
void add_data_commands(CLI::App& app, Context& ctx);     // logs, tail, metrics, trace, anomaly, diff, slo, rca
void add_offline_commands(CLI::App& app, Context& ctx);  // query translate, patterns

// The whole program: parses argv, runs the command, returns the exit code.
int run(int argc, char** argv);

}  // namespace tinkr::cli
