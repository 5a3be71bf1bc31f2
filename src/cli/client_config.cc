#include "cli/client_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "config/config.h"

namespace tinkr::cli {
namespace {

std::string where(const std::filesystem::path& path, const toml::source_region& src) {
  return path.string() + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

std::string profile_names(const ClientConfig& c) {
  if (c.profiles.empty()) return "none; run `tinkr init`";
  std::string out;
  for (const auto& p : c.profiles) out += (out.empty() ? "" : ", ") + p.name;
  return out;
}

}  // namespace

const ClientProfile* ClientConfig::find(std::string_view name) const {
  for (const auto& p : profiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

ClientProfile* ClientConfig::find(std::string_view name) {
  for (auto& p : profiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

void ClientConfig::upsert(ClientProfile profile) {
  if (ClientProfile* p = find(profile.name)) *p = std::move(profile);
  else profiles.push_back(std::move(profile));
}

bool ClientConfig::set_active(std::string_view name) {
  if (!find(name)) return false;
  for (auto& p : profiles) p.active = p.name == name;
  return true;
}

std::filesystem::path client_config_path() { return config::tinkr_home() / "config"; }

Result<ClientConfig> parse_client_config(std::string_view text, const std::filesystem::path& path) {
  ClientConfig cfg;
  cfg.path = path;
  toml::table root;
  try {  // toml++ is built with exceptions; they stop here
    root = toml::parse(text, path.string());
  } catch (const toml::parse_error& err) {
    return make_error(ErrorCode::kConfig, where(path, err.source()) + ": " + std::string(err.description()) +
                                              "; fix the file or run `tinkr init` again");
  }
  const toml::node* profiles = root.get("profiles");
  if (!profiles) return cfg;
  const toml::table* table = profiles->as_table();
  if (!table) return make_error(ErrorCode::kConfig, where(path, profiles->source()) + ": `profiles` must be a table");
  for (const auto& [key, node] : *table) {
    const toml::table* pt = node.as_table();
    if (!pt) {
      return make_error(ErrorCode::kConfig, where(path, node.source()) + ": profiles." + std::string(key.str()) +
                                                " must be a table ([profiles." + std::string(key.str()) + "])");
    }
    ClientProfile p;
    p.name = std::string(key.str());
    for (const auto& [field, value] : *pt) {
      const std::string f(field.str());
      if (f == "server" || f == "token") {
        const auto* s = value.as_string();
        if (!s)
          return make_error(ErrorCode::kConfig,
                            where(path, value.source()) + ": profiles." + p.name + "." + f + " must be a string");
        (f == "server" ? p.server : p.token) = s->get();
      } else if (f == "active") {
        const auto* b = value.as_boolean();
        if (!b)
          return make_error(ErrorCode::kConfig,
                            where(path, value.source()) + ": profiles." + p.name + ".active must be true or false");
        p.active = b->get();
      } else {
        return make_error(ErrorCode::kConfig, where(path, value.source()) + ": unknown key profiles." + p.name + "." +
                                                  f + " (expected server, token, active)");
      }
    }
    cfg.profiles.push_back(std::move(p));
  }
  return cfg;
}

Result<ClientConfig> load_client_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ClientConfig empty;
    empty.path = path;
    return empty;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_client_config(buf.str(), path);
}

std::string client_config_to_toml(const ClientConfig& config) {
  toml::table profiles;
  for (const auto& p : config.profiles) {
    toml::table t;
    t.insert("server", p.server);
    if (!p.token.empty()) t.insert("token", p.token);
    if (p.active) t.insert("active", true);
    profiles.insert(p.name, std::move(t));
  }
  toml::table root;
  root.insert("profiles", std::move(profiles));
  std::ostringstream out;
  out << "# tinkr CLI profiles: one Tinkr server per cloud account. Written by `tinkr init`.\n";
  out << root << "\n";
  return out.str();
}

Status save_client_config(const ClientConfig& config) {
  std::error_code ec;
  const auto dir = config.path.parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::kConfig, "cannot create " + dir.string() + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
  }
  const std::string text = client_config_to_toml(config);
  const std::string tmp = config.path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kConfig, "cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      return make_error(ErrorCode::kConfig, "cannot write " + tmp + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), config.path.c_str()) != 0) {
    return make_error(ErrorCode::kConfig, "cannot replace " + config.path.string() + ": " + std::strerror(errno));
  }
  return ok_status();
}

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const std::string n(name);
    const char* v = std::getenv(n.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

Result<const ClientProfile*> select_profile(const ClientConfig& config, const GlobalFlags& flags,
                                            const EnvLookup& env) {
  auto named = [&](const std::string& name, std::string_view from) -> Result<const ClientProfile*> {
    if (const ClientProfile* p = config.find(name)) return p;
    return make_error(ErrorCode::kInvalidArgument, "no profile '" + name + "' (from " + std::string(from) + ") in " +
                                                       config.path.string() + "; profiles: " + profile_names(config));
  };
  if (flags.profile) return named(*flags.profile, "--profile");
  if (auto p = env("TINKR_PROFILE")) return named(*p, "TINKR_PROFILE");
  for (const auto& p : config.profiles) {
    if (p.active) return &p;
  }
  return config.find("default");
}

Result<Connection> resolve_connection(const ClientConfig& config, const GlobalFlags& flags, const EnvLookup& env) {
  TINKR_ASSIGN_OR_RETURN(const ClientProfile* profile, select_profile(config, flags, env));
  Connection c;
  if (profile) c.profile = profile->name;
  if (flags.server) c.server = *flags.server;
  else if (auto s = env("TINKR_SERVER_URL")) c.server = *s;
  else if (profile) c.server = profile->server;
  if (c.server.empty()) {
    return make_error(ErrorCode::kConfig,
                      profile
                          ? "profile '" + profile->name + "' has no server URL; run `tinkr init --profile " +
                                profile->name + " --server URL`"
                          : "no Tinkr server configured: run `tinkr init`, pass --server URL or set TINKR_SERVER_URL");
  }
  while (!c.server.empty() && c.server.back() == '/') c.server.pop_back();

  if (flags.token) {
    c.token = *flags.token;
    c.token_source = "--token";
  } else if (auto t = env("TINKR_API_TOKEN")) {
    c.token = *t;
    c.token_source = "TINKR_API_TOKEN";
  } else if (profile && !profile->token.empty()) {
    if (profile->token.rfind("env:", 0) == 0) {
      const std::string var = profile->token.substr(4);
      c.token_source = profile->token + " (profile " + profile->name + ")";
      if (auto v = env(var)) c.token = *v;
      else c.token_problem = "the token variable " + var + " of profile '" + profile->name + "' is not set";
    } else {
      c.token = profile->token;
      c.token_source = "profile " + profile->name;
    }
  } else {
    c.token_problem = "no token: pass --token, set TINKR_API_TOKEN or run `tinkr init`";
  }
  return c;
}

std::string display_token(std::string_view token) {
  if (token.empty()) return "-";
  if (token.rfind("env:", 0) == 0) return std::string(token);
  return "***";
}

}  // namespace tinkr::cli
