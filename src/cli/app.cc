#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/context.h"
#include "cli/terminal.h"
#include "core/json.h"

namespace tinkr::cli {

OutputFormat Context::format() const {
  if (json || output == "json") return OutputFormat::kJson;
  if (output == "jsonlines") return OutputFormat::kJsonLines;
  return OutputFormat::kTable;
}

bool Context::stdout_tty() const { return is_tty(stdout); }

RenderStyle Context::style() const {
  RenderStyle s;
  s.color = color_enabled(stdout);
  s.width = static_cast<size_t>(terminal_columns());
  return s;
}

Result<ClientConfig> Context::config() const {
  static std::optional<Result<ClientConfig>> cached;
  if (!cached) cached = load_client_config(client_config_path());
  return *cached;
}

Result<ApiClient> Context::client() const {
  TINKR_ASSIGN_OR_RETURN(ClientConfig cfg, config());
  TINKR_ASSIGN_OR_RETURN(Connection conn, resolve_connection(cfg, flags, process_env()));
  return ApiClient(std::move(conn));
}

void Context::out(const std::string& text) const {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void Context::err(const std::string& text) const {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

int Context::fail(const Error& error) const {
  const bool color = color_enabled(stderr);
  err(paint("error:", Color::kRed, color) + " " + error.message + "\n");
  return exit_code(error.code);
}

void Context::print_json(const boost::json::value& v) const { out(to_json_string(v) + "\n"); }

int run(int argc, char** argv) {
  Context ctx;
  CLI::App app{
      "tinkr: AI-assisted observability and incident response, from your terminal.\n"
      "Talks to a tinkr-server; profiles (tinkr init, tinkr profile) pick which one.",
      "tinkr"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", std::string("tinkr ") + kVersion);
  app.add_option("--profile", ctx.flags.profile, "Profile to use (default: TINKR_PROFILE, the active one, `default`)");
  app.add_option("--server", ctx.flags.server, "Tinkr server URL (overrides the profile; env TINKR_SERVER_URL)");
  app.add_option("--token", ctx.flags.token, "API token (overrides the profile; env TINKR_API_TOKEN)");
  app.add_flag("--json", ctx.json, "Emit JSON instead of formatted output");
  app.add_option("-o,--output", ctx.output, "Output format: table, json, jsonlines")
      ->check(CLI::IsMember({"table", "json", "jsonlines"}))
      ->capture_default_str();

  add_setup_commands(app, ctx);
  add_data_commands(app, ctx);
  add_offline_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;  // usage errors exit 2
  }
  if (!ctx.action) return 2;
  try {
    return ctx.action();
  } catch (const std::exception& e) {  // a bug; never let it escape as a crash
    return ctx.fail(make_error(ErrorCode::kInternal, std::string("unexpected failure: ") + e.what()));
  }
}

}  // namespace tinkr::cli
