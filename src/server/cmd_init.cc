#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <istream>
#include <ostream>

#include <fmt/format.h>

#include "auth/api_keys.h"
#include "backends/registry.h"
#include "config/config.h"
#include "server/commands.h"

namespace tinkr::server {
namespace {

std::string ask(std::istream& in, std::ostream& out, std::string_view question, std::string_view fallback) {
  out << question << " [" << fallback << "]: " << std::flush;
  std::string line;
  if (!std::getline(in, line)) return std::string(fallback);
  auto b = line.find_first_not_of(" \t");
  if (b == std::string::npos) return std::string(fallback);
  auto e = line.find_last_not_of(" \t\r");
  return line.substr(b, e - b + 1);
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

Status write_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return make_error(ErrorCode::kConfig, "cannot write " + tmp.string());
    f << text;
    if (!f.flush()) return make_error(ErrorCode::kConfig, "cannot write " + tmp.string());
  }
  if (::chmod(tmp.c_str(), mode) != 0) return make_error(ErrorCode::kConfig, "cannot chmod " + tmp.string());
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return make_error(ErrorCode::kConfig, fmt::format("cannot move {} into place: {}", path.string(), ec.message()));
  return ok_status();
}

}  // namespace

int run_init(const InitOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  const std::filesystem::path home = options.home.value_or(config::tinkr_home());
  const auto config_path = home / "config.toml";
  const auto env_path = home / ".env";
  if (!options.force) {
    for (const auto& p : {config_path, env_path}) {
      if (std::filesystem::exists(p)) {
        err << "tinkr-server init: " << p.string() << " already exists; use --force to overwrite it\n";
        return 1;
      }
    }
  }

  std::string backend = options.backend.value_or("local");
  std::string profile = options.profile;
  std::vector<std::string> key_specs = options.create_keys;
  if (options.interactive) {
    std::string known;
    for (const auto& n : builtin_backends().names()) known += (known.empty() ? "" : ", ") + n;
    out << "Backends: cloudwatch, gcp, azure, grafana, datadog, elastic, otel, local"
        << (known.empty() ? "" : " (built into this binary: " + known + ")") << "\n";
    if (!options.backend) backend = ask(in, out, "Backend", backend);
    profile = ask(in, out, "Profile name", profile);
    if (key_specs.empty()) {
      std::string spec = ask(in, out, "Create an API key (SUBJECT:ROLE, roles viewer/oncall/sre-lead; '-' for none)",
                             "admin:sre-lead");
      if (spec != "-") key_specs.push_back(spec);
    }
  }
  if (!valid_name(backend)) {
    err << "tinkr-server init: --backend '" << backend << "' is not a backend name\n";
    return 2;
  }
  if (!valid_name(profile)) {
    err << "tinkr-server init: --profile '" << profile << "': use letters, digits, '_' or '-'\n";
    return 2;
  }

  std::vector<auth::NewKey> keys;
  for (const auto& spec : key_specs) {
    auto colon = spec.find(':');
    if (colon == std::string::npos) {
      err << "tinkr-server init: --create-key '" << spec << "': use SUBJECT:ROLE (e.g. alice:oncall)\n";
      return 2;
    }
    std::vector<std::string> roles;
    std::string rest = spec.substr(colon + 1);
    size_t start = 0;
    while (start <= rest.size()) {
      size_t comma = rest.find(',', start);
      roles.push_back(rest.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    auto key = auth::create_key(spec.substr(0, colon), roles);
    if (!key) {
      err << "tinkr-server init: " << key.error().message << "\n";
      return 2;
    }
    keys.push_back(std::move(*key));
  }

  std::string toml = fmt::format(
      "# tinkr-server configuration, written by `tinkr-server init`.\n"
      "# Secrets belong in .env (next to this file) and are referenced as \"env:NAME\".\n\n"
      "[profiles.{}]\nbackend = \"{}\"\nactive = true\n",
      profile, backend);
  if (!keys.empty()) {
    toml += "\n[auth]\n# SHA-256 hashes of API tokens; create more with `tinkr-server keys create`.\napi_keys = [\n";
    for (const auto& k : keys) toml += "  " + auth::toml_entry(k.entry) + ",\n";
    toml += "]\n";
  }
  std::string env =
      "# Secrets for tinkr-server (this file is readable only by you).\n"
      "# Reference them from config.toml as \"env:NAME\", e.g. api_key = \"env:GRAFANA_API_KEY\".\n";

  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec) {
    err << "tinkr-server init: cannot create " << home.string() << ": " << ec.message() << "\n";
    return 1;
  }
  ::chmod(home.c_str(), 0700);
  // Check that what we write is what the server will read.
  auto parsed = config::parse_config(toml, config_path.string(), config::Environment::from_map({}));
  if (!parsed) {
    err << "tinkr-server init: internal error, the generated config does not load: " << parsed.error().message << "\n";
    return 1;
  }
  for (const auto& [path, text, mode] :
       {std::tuple{config_path, toml, mode_t{0644}}, std::tuple{env_path, env, mode_t{0600}}}) {
    auto s = write_file(path, text, mode);
    if (!s) {
      err << "tinkr-server init: " << s.error().message << "\n";
      return 1;
    }
  }
  out << "Wrote " << config_path.string() << " (profile '" << profile << "', backend '" << backend << "') and "
      << env_path.string() << " (mode 0600).\n";
  for (const auto& k : keys) {
    out << "API token for " << k.entry.subject << " (shown once; store it now, e.g. TINKR_TOKEN):\n  " << k.token
        << "\n";
  }
  if (keys.empty()) {
    out << "No API key yet: create one with `tinkr-server keys create --subject NAME --role oncall`.\n";
  }
  out << "Start the server with: tinkr-server start\n";
  return 0;
}

}  // namespace tinkr::server
