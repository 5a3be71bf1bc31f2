// init, profile list|use|show, doctor, version.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cmath>
#include <iostream>

#include "cli/context.h"
#include "cli/table.h"
#include "cli/terminal.h"
#include "core/json.h"
#include "core/time.h"

namespace tinkr::cli {
namespace {

namespace json = boost::json;

std::string prompt(const std::string& question, const std::string& fallback) {
  std::cerr << question;
  if (!fallback.empty()) std::cerr << " [" << fallback << "]";
  std::cerr << ": " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) return fallback;
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line.empty() ? fallback : line;
}

struct InitFlags {
  std::string server;
  std::string token_env;
  bool activate = false;
};

int do_init(Context& ctx, const InitFlags& f) {
  auto loaded = ctx.config();
  if (!loaded) return ctx.fail(loaded.error());
  ClientConfig cfg = *loaded;
  const std::string name = ctx.flags.profile.value_or("default");
  ClientProfile p;
  p.name = name;
  if (const ClientProfile* existing = cfg.find(name)) p = *existing;
  p.server = f.server.empty() ? p.server : f.server;
  if (!f.token_env.empty()) p.token = "env:" + f.token_env;
  else if (ctx.flags.token) p.token = *ctx.flags.token;

  const bool missing = p.server.empty() || p.token.empty();
  if (missing && !(is_tty(stdin) && is_tty(stderr))) {
    return ctx.fail(make_error(ErrorCode::kInvalidArgument,
                               "tinkr init needs --server URL and --token-env VAR (or --token TOKEN) when stdin is "
                               "not a terminal, e.g. `tinkr init --profile " +
                                   name + " --server http://127.0.0.1:8080 --token-env TINKR_API_TOKEN`"));
  }
  if (p.server.empty()) p.server = prompt("Tinkr server URL for profile '" + name + "'", "http://127.0.0.1:8080");
  if (p.token.empty()) {
    const std::string answer =
        prompt("API token: a variable as env:VAR, or the token itself (stored, file mode 0600)", "env:TINKR_API_TOKEN");
    p.token = answer;
  }
  if (p.server.rfind("http://", 0) != 0 && p.server.rfind("https://", 0) != 0) {
    return ctx.fail(
        make_error(ErrorCode::kInvalidArgument, "server URL '" + p.server + "' must start with http:// or https://"));
  }
  const bool first = cfg.profiles.empty();
  cfg.upsert(p);
  if (first || f.activate) cfg.set_active(name);
  cfg.path = client_config_path();
  if (auto s = save_client_config(cfg); !s) return ctx.fail(s.error());
  ctx.out("Wrote profile '" + name + "' to " + cfg.path.string() + (cfg.find(name)->active ? " (active)" : "") +
          "\nNext: tinkr doctor" + (ctx.flags.profile ? " --profile " + name : "") + "\n");
  return 0;
}

int do_profile_list(Context& ctx) {
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error());
  auto selected = select_profile(*cfg, ctx.flags, process_env());
  const ClientProfile* active = selected.ok() ? *selected : nullptr;
  if (ctx.format() != OutputFormat::kTable) {
    json::array arr;
    for (const auto& p : cfg->profiles) {
      json::object o{{"profile", p.name},
                     {"server", p.server},
                     {"token", display_token(p.token)},
                     {"active", active == &p}};
      if (ctx.format() == OutputFormat::kJsonLines) ctx.print_json(o);
      else arr.push_back(std::move(o));
    }
    if (ctx.format() == OutputFormat::kJson) ctx.print_json(json::object{{"profiles", arr}});
    return 0;
  }
  if (cfg->profiles.empty()) {
    ctx.out("No profiles in " + cfg->path.string() + ". Run `tinkr init` to add one.\n");
    return 0;
  }
  const RenderStyle style = ctx.style();
  Table t({"PROFILE", "SERVER", "TOKEN", "ACTIVE"});
  for (const auto& p : cfg->profiles) {
    t.add_row({p.name, p.server, display_token(p.token), active == &p ? paint("✓", Color::kGreen, style.color) : ""});
  }
  ctx.out(t.render());
  return 0;
}

int do_profile_use(Context& ctx, const std::string& name) {
  auto loaded = ctx.config();
  if (!loaded) return ctx.fail(loaded.error());
  ClientConfig cfg = *loaded;
  if (!cfg.set_active(name)) {
    std::string names;
    for (const auto& p : cfg.profiles) names += (names.empty() ? "" : ", ") + p.name;
    return ctx.fail(make_error(ErrorCode::kInvalidArgument, "no profile '" + name + "'; profiles: " +
                                                                (names.empty() ? "none (run `tinkr init`)" : names)));
  }
  if (auto s = save_client_config(cfg); !s) return ctx.fail(s.error());
  ctx.out("Active profile: " + name + "\n");
  return 0;
}

int do_profile_show(Context& ctx) {
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  const Connection& c = client->connection();
  json::object info{{"profile", c.profile},
                    {"server", c.server},
                    {"token", c.token.empty() ? "-" : "***"},
                    {"token_source", c.token_source}};
  auto health = client->get("/health", false);
  if (health) {
    info["backend"] = get_string(*health, "backend");
    info["server_profile"] = get_string(*health, "profile");
    info["server_version"] = get_string(*health, "version");
    info["status"] = get_string(*health, "status");
  } else {
    info["reachable"] = false;
    info["error"] = health.error().message;
  }
  if (ctx.format() != OutputFormat::kTable) {
    ctx.print_json(info);
    return 0;
  }
  std::string out =
      "Active profile: " + (c.profile.empty() ? std::string("(none: flags/environment)") : c.profile) + "\n\n";
  Table t({"", ""});
  t.add_row({"server:", c.server});
  t.add_row({"token:", c.token.empty() ? "- (" + c.token_problem + ")" : "*** (" + c.token_source + ")"});
  if (health) {
    t.add_row({"backend:", std::string(get_string(*health, "backend"))});
    t.add_row({"server profile:", std::string(get_string(*health, "profile"))});
    t.add_row({"server version:", std::string(get_string(*health, "version"))});
    t.add_row({"status:", std::string(get_string(*health, "status"))});
  } else {
    t.add_row({"server status:", "unreachable: " + health.error().message});
  }
  out += t.render("  ");
  ctx.out(out);
  return 0;
}

struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
  std::string fix;
};

int do_doctor(Context& ctx) {
  std::vector<Check> checks;
  auto client = ctx.client();
  if (!client) {
    checks.push_back({"config", false, client.error().message,
                      "run `tinkr init --server URL --token-env VAR`, or pass --server/--token"});
  } else {
    const Connection& c = client->connection();
    checks.push_back(
        {"config", true, "profile " + (c.profile.empty() ? std::string("(none)") : c.profile) + " → " + c.server, ""});
    auto health = client->get("/health", false);
    if (!health) {
      checks.push_back({"server", false, health.error().message,
                        "start tinkr-server (tinkr-server start) or fix the server URL (tinkr profile show)"});
    } else {
      checks.push_back({"server", true,
                        "reachable, tinkr-server " + std::string(get_string(*health, "version", "?")) + ", up " +
                            format_duration(std::chrono::seconds(get_int(*health, "uptime_seconds"))),
                        ""});
      const std::string status(get_string(*health, "status", "ok"));
      const std::string backend(get_string(*health, "backend", "?"));
      const std::string profile(get_string(*health, "profile", "?"));
      std::string reason(get_string(*health, "reason"));
      if (reason.empty()) reason = std::string(get_string(*health, "message"));
      if (status == "ok") {
        checks.push_back({"backend", true, backend + " (server profile " + profile + ")", ""});
      } else {
        checks.push_back(
            {"backend", false,
             backend + " (server profile " + profile + ") is " + status + (reason.empty() ? "" : ": " + reason),
             "fix the backend settings of profile '" + profile +
                 "' in the server's config.toml, then restart tinkr-server"});
      }
      const Timestamp sent = now();
      auto who = client->get("/api/v1/whoami");
      const Timestamp received = now();
      if (!who) {
        std::string fix = c.token.empty()
                              ? c.token_problem
                              : "check the token (" + c.token_source + "); ask the server admin for a valid API key";
        checks.push_back({"token", false, who.error().message, fix});
      } else {
        std::string roles;
        if (const auto* r = find_field(*who, "roles"); r && r->is_array()) {
          for (const auto& x : r->as_array()) {
            if (x.is_string()) roles += (roles.empty() ? "" : ", ") + std::string(x.as_string());
          }
        }
        checks.push_back({"token", true,
                          "valid (" + c.token_source + "): " + std::string(get_string(*who, "subject", "?")) +
                              ", roles " + (roles.empty() ? "-" : roles),
                          ""});
        auto server_time = parse_rfc3339(get_string(*who, "server_time"));
        if (!server_time) {
          checks.push_back({"clock", false, "the server did not send server_time", "upgrade tinkr-server"});
        } else {
          const Timestamp local = sent + (received - sent) / 2;
          const auto skew = std::chrono::duration_cast<std::chrono::milliseconds>(*server_time - local);
          const double seconds = static_cast<double>(skew.count()) / 1000.0;
          char buf[64];
          std::snprintf(buf, sizeof buf, "%+.1fs", seconds);
          if (std::fabs(seconds) <= 30) {
            checks.push_back({"clock", true, std::string("skew ") + buf + " vs the server", ""});
          } else {
            checks.push_back({"clock", false, std::string("skew ") + buf + " vs the server",
                              "sync this machine's clock (NTP: timedatectl set-ntp true); --since windows and "
                              "signed cloud requests go wrong with skewed clocks"});
          }
        }
      }
    }
  }
  bool all_ok = true;
  for (const auto& c : checks) all_ok = all_ok && c.ok;
  if (ctx.format() != OutputFormat::kTable) {
    json::array arr;
    for (const auto& c : checks) {
      json::object o{{"check", c.name}, {"ok", c.ok}, {"detail", c.detail}};
      if (!c.fix.empty()) o["fix"] = c.fix;
      arr.push_back(std::move(o));
    }
    ctx.print_json(json::object{{"ok", all_ok}, {"checks", arr}});
    return all_ok ? 0 : 1;
  }
  const RenderStyle style = ctx.style();
  std::string out;
  for (const auto& c : checks) {
    out += (c.ok ? paint("✓", Color::kGreen, style.color) : paint("✗", Color::kRed, style.color)) + " " +
           pad_right(c.name, 8) + c.detail + "\n";
    if (!c.ok && !c.fix.empty()) out += "  " + pad_right("", 8) + "fix: " + c.fix + "\n";
  }
  out += all_ok ? "All checks passed.\n" : "Some checks failed.\n";
  ctx.out(out);
  return all_ok ? 0 : 1;
}

}  // namespace

void add_setup_commands(CLI::App& app, Context& ctx) {
  auto* version = app.add_subcommand("version", "Print the version of tinkr");
  version->callback([&ctx] {
    ctx.action = [&ctx] {
      if (ctx.format() != OutputFormat::kTable) ctx.print_json(json::object{{"version", kVersion}});
      else ctx.out(std::string("tinkr ") + kVersion + "\n");
      return 0;
    };
  });

  auto init_flags = std::make_shared<InitFlags>();
  auto* init = app.add_subcommand("init", "Create or update a profile in ~/.tinkr/config (interactive on a terminal)");
  init->add_option("--server", init_flags->server, "Server URL of the profile (--profile names it; default `default`)");
  init->add_option("--token-env", init_flags->token_env, "Read the token from this environment variable");
  init->add_flag("--activate", init_flags->activate, "Make this profile the active one");
  init->footer(
      "The token: --token-env VAR stores `env:VAR`; the global --token TOKEN stores the token itself "
      "(the file is written with mode 0600).");
  init->callback([&ctx, init_flags] { ctx.action = [&ctx, init_flags] { return do_init(ctx, *init_flags); }; });

  auto* profile = app.add_subcommand("profile", "List, switch and show CLI profiles (one per Tinkr server)");
  profile->require_subcommand(1);
  profile->add_subcommand("list", "List profiles: PROFILE SERVER TOKEN ACTIVE")->callback([&ctx] {
    ctx.action = [&ctx] { return do_profile_list(ctx); };
  });
  auto use_name = std::make_shared<std::string>();
  auto* use = profile->add_subcommand("use", "Set the active profile");
  use->add_option("name", *use_name, "Profile name")->required();
  use->callback([&ctx, use_name] { ctx.action = [&ctx, use_name] { return do_profile_use(ctx, *use_name); }; });
  profile->add_subcommand("show", "Show the active profile and its server's backend")->callback([&ctx] {
    ctx.action = [&ctx] { return do_profile_show(ctx); };
  });

  app.add_subcommand("doctor", "Check the server, the token, the backend and the clock; say what to fix")
      ->callback([&ctx] { ctx.action = [&ctx] { return do_doctor(ctx); }; });
}

}  // namespace tinkr::cli
