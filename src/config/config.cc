#include "config/config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "core/json.h"

namespace tinkr::config {
namespace {

const std::set<std::string, std::less<>> kRoles = {"viewer", "oncall", "sre-lead"};
const std::set<std::string, std::less<>> kNotifierTypes = {"slack", "webhook", "discord"};

// Builds errors that name the file, the line, the key and what was expected.
class Validator {
 public:
  Validator(std::string name, const Environment& env) : name_(std::move(name)), env_(env) {}

  Error error(const toml::node& node, std::string_view key, std::string_view expected) const {
    return make_error(ErrorCode::kConfig, fmt::format("{}:{}: {}: {}", name_, node.source().begin.line, key, expected));
  }

  // A scalar as text, with "env:VAR" resolved. `unresolved` receives VAR when
  // the variable is not set (the value is then empty).
  Result<std::string> scalar(const toml::node& node, std::string_view key, std::string* unresolved = nullptr) const {
    std::string text;
    if (auto s = node.value<std::string>(); node.is_string() && s) {
      text = *s;
    } else if (node.is_integer()) {
      text = std::to_string(*node.value<int64_t>());
    } else if (node.is_floating_point()) {
      text = fmt::format("{}", *node.value<double>());
    } else if (node.is_boolean()) {
      text = *node.value<bool>() ? "true" : "false";
    } else {
      return error(node, key, "expected a string, number or boolean");
    }
    if (text.rfind("env:", 0) == 0) {
      std::string var = text.substr(4);
      if (var.empty()) return error(node, key, "\"env:\" needs a variable name, e.g. \"env:GRAFANA_LOKI_URL\"");
      auto v = env_.get(var);
      if (!v) {
        if (unresolved) *unresolved = var;
        return std::string();
      }
      return *v;
    }
    return text;
  }

  Result<std::string> string(const toml::node& node, std::string_view key) const {
    if (!node.is_string()) return error(node, key, "expected a string");
    return scalar(node, key);
  }

  const toml::table* table(const toml::node& node) const { return node.as_table(); }

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  const Environment& env_;
};

Status read_api_keys(const toml::node& node, const Validator& v, std::vector<ApiKeyEntry>& out) {
  const toml::array* arr = node.as_array();
  if (!arr) return v.error(node, "auth.api_keys", "expected an array of { hash, subject, roles } tables");
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& item = *arr->get(i);
    std::string where = fmt::format("auth.api_keys[{}]", i);
    const toml::table* t = item.as_table();
    if (!t) return v.error(item, where, "expected { hash = \"<sha256>\", subject = \"name\", roles = [\"viewer\"] }");
    ApiKeyEntry key;
    for (auto&& [k, val] : *t) {
      std::string field = where + "." + std::string(k.str());
      if (k == "hash") {
        auto s = v.string(val, field);
        if (!s) return s.error();
        key.hash = *s;
        std::transform(key.hash.begin(), key.hash.end(), key.hash.begin(), ::tolower);
        bool hex = key.hash.size() == 64 && std::all_of(key.hash.begin(), key.hash.end(), ::isxdigit);
        if (!hex) {
          return v.error(val, field,
                         "expected the 64-hex-digit SHA-256 of the token (not the token itself); "
                         "create one with `tinkr-server keys create`");
        }
      } else if (k == "subject") {
        auto s = v.string(val, field);
        if (!s) return s.error();
        key.subject = *s;
      } else if (k == "roles") {
        const toml::array* roles = val.as_array();
        if (!roles) return v.error(val, field, "expected a list of roles: viewer, oncall, sre-lead");
        for (auto&& r : *roles) {
          auto role = v.string(r, field);
          if (!role) return role.error();
          if (!kRoles.count(*role)) {
            return v.error(r, field, fmt::format("unknown role '{}'; expected viewer, oncall or sre-lead", *role));
          }
          key.roles.push_back(*role);
        }
      } else {
        return v.error(val, field, "unknown key; expected hash, subject or roles");
      }
    }
    if (key.hash.empty()) return v.error(item, where, "missing hash");
    if (key.subject.empty()) return v.error(item, where, "missing subject");
    if (key.roles.empty()) return v.error(item, where, "missing roles (viewer, oncall or sre-lead)");
    out.push_back(std::move(key));
  }
  return ok_status();
}

Status read_keys_from_env(const Environment& env, std::vector<ApiKeyEntry>& out) {
  auto text = env.get("TINKR_API_KEYS");
  if (!text || text->empty()) return ok_status();
  auto parsed = parse_json(*text, "TINKR_API_KEYS");
  if (!parsed) return make_error(ErrorCode::kConfig, parsed.error().message);
  if (!parsed->is_array()) {
    return make_error(ErrorCode::kConfig,
                      "TINKR_API_KEYS: expected a JSON list of {\"hash\",\"subject\",\"roles\"} objects");
  }
  size_t i = 0;
  for (const auto& item : parsed->as_array()) {
    ApiKeyEntry key;
    key.hash = get_string(item, "hash");
    std::transform(key.hash.begin(), key.hash.end(), key.hash.begin(), ::tolower);
    key.subject = get_string(item, "subject");
    if (const auto* roles = find_field(item, "roles"); roles && roles->is_array()) {
      for (const auto& r : roles->as_array()) {
        if (r.is_string()) key.roles.emplace_back(r.as_string());
      }
    }
    bool hex = key.hash.size() == 64 && std::all_of(key.hash.begin(), key.hash.end(), ::isxdigit);
    if (!hex) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("TINKR_API_KEYS[{}].hash: expected the 64-hex-digit SHA-256 of the token", i));
    }
    if (key.subject.empty())
      return make_error(ErrorCode::kConfig, fmt::format("TINKR_API_KEYS[{}].subject: missing", i));
    if (key.roles.empty()) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("TINKR_API_KEYS[{}].roles: expected a non-empty list of viewer, oncall, sre-lead",
                                    i));
    }
    for (const auto& r : key.roles) {
      if (!kRoles.count(r)) {
        return make_error(ErrorCode::kConfig, fmt::format("TINKR_API_KEYS[{}].roles: unknown role '{}'", i, r));
      }
    }
    out.push_back(std::move(key));
    ++i;
  }
  return ok_status();
}

// Reads a flat table of known string fields into a struct via setters.
template <typename Setter>
Status read_section(const toml::node& node, std::string_view section, const Validator& v,
                    std::initializer_list<std::string_view> keys, Setter set) {
  const toml::table* t = node.as_table();
  if (!t) return v.error(node, section, "expected a table");
  for (auto&& [k, val] : *t) {
    std::string field = fmt::format("{}.{}", section, k.str());
    if (std::find(keys.begin(), keys.end(), k.str()) == keys.end()) {
      return v.error(val, field, fmt::format("unknown key; expected one of: {}", fmt::join(keys, ", ")));
    }
    auto s = v.scalar(val, field);
    if (!s) return s.error();
    set(k.str(), *s);
  }
  return ok_status();
}

Status read_settings(const toml::table& t, std::string_view where, const Validator& v, Attributes& settings,
                     Attributes* unresolved, std::initializer_list<std::string_view> skip = {}) {
  for (auto&& [k, val] : t) {
    if (std::find(skip.begin(), skip.end(), k.str()) != skip.end()) continue;
    std::string field = fmt::format("{}.{}", where, k.str());
    std::string missing;
    auto s = v.scalar(val, field, &missing);
    if (!s) return s.error();
    settings[std::string(k.str())] = *s;
    if (!missing.empty() && unresolved) (*unresolved)[std::string(k.str())] = missing;
  }
  return ok_status();
}

Result<Profile> read_profile(std::string_view name, const toml::node& node, const Validator& v) {
  std::string where = fmt::format("profiles.{}", name);
  const toml::table* t = node.as_table();
  if (!t) return v.error(node, where, "expected a table");
  Profile p;
  p.name = std::string(name);
  for (auto&& [k, val] : *t) {
    std::string field = fmt::format("{}.{}", where, k.str());
    if (k == "backend") {
      auto s = v.string(val, field);
      if (!s) return s.error();
      const auto& known = known_backends();
      if (std::find(known.begin(), known.end(), *s) == known.end()) {
        return v.error(val, field,
                       fmt::format("unknown backend '{}'; expected one of: {}", *s, fmt::join(known, ", ")));
      }
      p.backend = *s;
    } else if (k == "active") {
      if (!val.is_boolean()) return v.error(val, field, "expected true or false");
      p.active = *val.value<bool>();
    } else if (k == "services") {
      const toml::table* services = val.as_table();
      if (!services) return v.error(val, field, "expected [profiles.<name>.services.<service>] tables");
      for (auto&& [svc, sval] : *services) {
        std::string sfield = fmt::format("{}.{}", field, svc.str());
        const toml::table* st = sval.as_table();
        if (!st) return v.error(sval, sfield, "expected a table with repo and resource_type");
        ServiceConfig sc;
        TINKR_RETURN_IF_ERROR(read_settings(*st, sfield, v, sc.settings, nullptr));
        if (auto it = sc.settings.find("repo"); it != sc.settings.end()) {
          sc.repo = it->second;
          sc.settings.erase(it);
        }
        if (auto it = sc.settings.find("resource_type"); it != sc.settings.end()) {
          sc.resource_type = it->second;
          sc.settings.erase(it);
        }
        p.services[std::string(svc.str())] = std::move(sc);
      }
    } else if (k == "notifiers") {
      const toml::table* notifiers = val.as_table();
      if (!notifiers) return v.error(val, field, "expected [profiles.<name>.notifiers.<notifier>] tables");
      for (auto&& [nname, nval] : *notifiers) {
        std::string nfield = fmt::format("{}.{}", field, nname.str());
        const toml::table* nt = nval.as_table();
        if (!nt) return v.error(nval, nfield, "expected a table with type = \"slack\" or \"webhook\"");
        NotifierConfig nc;
        TINKR_RETURN_IF_ERROR(read_settings(*nt, nfield, v, nc.settings, nullptr));
        auto type = nc.settings.find("type");
        if (type == nc.settings.end()) return v.error(nval, nfield, "missing type (slack, webhook or discord)");
        if (!kNotifierTypes.count(type->second)) {
          return v.error(*nt->get("type"), nfield + ".type",
                         fmt::format("unknown notifier type '{}'; expected slack, webhook or discord", type->second));
        }
        nc.type = type->second;
        nc.settings.erase(type);
        p.notifiers[std::string(nname.str())] = std::move(nc);
      }
    } else {
      if (val.is_table() || val.is_array()) {
        // Backend-specific structured settings (e.g. metric templates) are kept as
        // dotted keys: metrics.latency_p99 = "…".
        if (const toml::table* sub = val.as_table()) {
          for (auto&& [sk, sv] : *sub) {
            std::string key = fmt::format("{}.{}", k.str(), sk.str());
            std::string missing;
            auto s = v.scalar(sv, where + "." + key, &missing);
            if (!s) return s.error();
            p.settings[key] = *s;
            if (!missing.empty()) p.unresolved_env[key] = missing;
          }
          continue;
        }
        return v.error(val, field, "expected a string, number or boolean");
      }
      std::string missing;
      auto s = v.scalar(val, field, &missing);
      if (!s) return s.error();
      p.settings[std::string(k.str())] = *s;
      if (!missing.empty()) p.unresolved_env[std::string(k.str())] = missing;
    }
  }
  if (p.backend.empty()) {
    return v.error(node, where, fmt::format("missing backend; expected one of: {}", fmt::join(known_backends(), ", ")));
  }
  return p;
}

Config default_config() {
  Config cfg;
  Profile p;
  p.name = "default";
  p.backend = "local";
  cfg.profiles["default"] = p;
  return cfg;
}

}  // namespace

const std::vector<std::string>& known_backends() {
  static const std::vector<std::string> kBackends = {"cloudwatch", "gcp",     "azure", "grafana",
                                                     "datadog",    "elastic", "otel",  "local"};
  return kBackends;
}

std::string Profile::get(std::string_view key, std::string_view fallback) const {
  auto it = settings.find(key);
  if (it == settings.end() || it->second.empty()) return std::string(fallback);
  return it->second;
}

Result<size_t> Profile::positive_int(std::string_view key, size_t fallback) const {
  std::string text = get(key);
  if (text.empty()) return fallback;
  size_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v == 0) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile '{}': {} must be a positive whole number (got \"{}\")", name, key, text));
  }
  return v;
}

Result<Nanos> Profile::positive_duration(std::string_view key, Nanos fallback) const {
  std::string text = get(key);
  if (text.empty()) return fallback;
  auto d = parse_duration(text);
  if (!d.ok() || d->count() <= 0) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile '{}': {} must be a duration like 30s, 2m or 7d (got \"{}\")", name, key,
                                  text));
  }
  return *d;
}

Result<std::string> Profile::require(std::string_view key) const {
  auto it = settings.find(key);
  if (it != settings.end() && !it->second.empty()) return it->second;
  if (auto u = unresolved_env.find(key); u != unresolved_env.end()) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("profile '{}': {} is \"env:{}\", but {} is not set in the environment or in {}", name,
                                  key, u->second, u->second, (tinkr_home() / ".env").string()));
  }
  return make_error(ErrorCode::kConfig,
                    fmt::format("profile '{}' (backend {}): missing {}; add it under [profiles.{}] in config.toml",
                                name, backend, key, name));
}

const ServiceConfig* Profile::service(std::string_view name) const {
  auto it = services.find(name);
  return it == services.end() ? nullptr : &it->second;
}

Result<Config> parse_config(std::string_view text, std::string_view name, const Environment& env) {
  Config cfg;
  Validator v{std::string(name), env};
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return make_error(ErrorCode::kConfig, fmt::format("{}:{}:{}: {}", name, e.source().begin.line,
                                                      e.source().begin.column, e.description()));
  }
  for (auto&& [k, val] : root) {
    if (k == "server") {
      // otlp_port is tinkr-server's own (an integer); url and token are the CLI's.
      if (const toml::table* t = val.as_table(); t && t->get("otlp_port")) {
        const toml::node& port = *t->get("otlp_port");
        auto p = port.value<int64_t>();
        if (!port.is_integer() || !p || *p < 0 || *p > 65535) {
          return v.error(port, "server.otlp_port", "expected a port number 0..65535 (0: pick a free port)");
        }
        cfg.server.otlp_port = static_cast<int>(*p);
      }
      TINKR_RETURN_IF_ERROR(
          read_section(val, "server", v, {"url", "token", "otlp_port"}, [&](std::string_view key, std::string s) {
            if (key == "url") cfg.server.url = std::move(s);
            else if (key == "token") cfg.server.token = std::move(s);
          }));
    } else if (k == "auth") {
      const toml::table* t = val.as_table();
      if (!t) return v.error(val, "auth", "expected a table");
      for (auto&& [ak, av] : *t) {
        if (ak != "api_keys") return v.error(av, "auth." + std::string(ak.str()), "unknown key; expected api_keys");
        TINKR_RETURN_IF_ERROR(read_api_keys(av, v, cfg.api_keys));
      }
    } else if (k == "github") {
      TINKR_RETURN_IF_ERROR(
          read_section(val, "github", v, {"token", "default_repo"}, [&](std::string_view key, std::string s) {
            (key == "token" ? cfg.github.token : cfg.github.default_repo) = std::move(s);
          }));
    } else if (k == "slack") {
      TINKR_RETURN_IF_ERROR(read_section(val, "slack", v, {"bot_token", "signing_secret", "alerts_channel"},
                                         [&](std::string_view key, std::string s) {
                                           if (key == "bot_token") cfg.slack.bot_token = std::move(s);
                                           else if (key == "signing_secret") cfg.slack.signing_secret = std::move(s);
                                           else cfg.slack.alerts_channel = std::move(s);
                                         }));
    } else if (k == "llm") {
      TINKR_RETURN_IF_ERROR(read_section(val, "llm", v, {"provider", "model", "api_key", "base_url"},
                                         [&](std::string_view key, std::string s) {
                                           if (key == "provider") cfg.llm.provider = std::move(s);
                                           else if (key == "model") cfg.llm.model = std::move(s);
                                           else if (key == "api_key") cfg.llm.api_key = std::move(s);
                                           else cfg.llm.base_url = std::move(s);
                                         }));
    } else if (k == "profiles") {
      const toml::table* t = val.as_table();
      if (!t) return v.error(val, "profiles", "expected [profiles.<name>] tables");
      for (auto&& [pname, pval] : *t) {
        auto p = read_profile(pname.str(), pval, v);
        if (!p) return p.error();
        cfg.profiles[std::string(pname.str())] = std::move(*p);
      }
    } else {
      return v.error(val, k.str(), "unknown section; expected one of: server, auth, profiles, github, slack, llm");
    }
  }
  std::vector<std::string> active;
  for (const auto& [n, p] : cfg.profiles) {
    if (p.active) active.push_back(n);
  }
  if (active.size() > 1) {
    return make_error(ErrorCode::kConfig, fmt::format("{}: more than one profile has active = true ({}); keep one",
                                                      name, fmt::join(active, ", ")));
  }
  if (cfg.profiles.empty()) cfg.profiles = default_config().profiles;
  TINKR_RETURN_IF_ERROR(read_keys_from_env(env, cfg.api_keys));
  return cfg;
}

Result<Config> load_config(const std::filesystem::path& file, const Environment& env, bool must_exist) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (must_exist) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("{} does not exist; create it with `tinkr-server init`", file.string()));
    }
    Config cfg = default_config();
    TINKR_RETURN_IF_ERROR(read_keys_from_env(env, cfg.api_keys));
    return cfg;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kConfig, fmt::format("cannot read {}; check its permissions", file.string()));
  std::stringstream buf;
  buf << in.rdbuf();
  auto cfg = parse_config(buf.str(), file.string(), env);
  if (cfg) cfg->path = file;
  return cfg;
}

Result<const Profile*> active_profile(const Config& cfg, const std::optional<std::string>& flag,
                                      const Environment& env) {
  auto names = [&] {
    std::vector<std::string> out;
    for (const auto& [n, p] : cfg.profiles) out.push_back(n);
    return fmt::format("{}", fmt::join(out, ", "));
  };
  auto find = [&](const std::string& name, std::string_view source) -> Result<const Profile*> {
    auto it = cfg.profiles.find(name);
    if (it == cfg.profiles.end()) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("profile '{}' (from {}) does not exist; profiles: {}", name, source, names()));
    }
    return &it->second;
  };
  if (flag && !flag->empty()) return find(*flag, "--profile");
  if (auto e = env.get("TINKR_PROFILE"); e && !e->empty()) return find(*e, "TINKR_PROFILE");
  for (const auto& [n, p] : cfg.profiles) {
    if (p.active) return &p;
  }
  if (cfg.profiles.count("default")) return &cfg.profiles.find("default")->second;
  return make_error(ErrorCode::kConfig,
                    fmt::format("no active profile: pass --profile, set TINKR_PROFILE, mark one with active = true, "
                                "or name one 'default'; profiles: {}",
                                names()));
}

bool is_secret_key(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), ::tolower);
  for (std::string_view needle : {"token", "secret", "password", "passwd", "api_key", "apikey", "app_key",
                                  "private_key", "credential", "authorization"}) {
    if (k.find(needle) != std::string::npos) return true;
  }
  if (k.rfind("header_", 0) == 0) return true;
  return k == "key";
}

std::string display_value(std::string_view key, std::string_view value) {
  if (value.empty()) return std::string();
  if (is_secret_key(key)) return "***";
  // Webhook URLs carry their secret in the path: mask all but scheme and host.
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), ::tolower);
  size_t scheme = value.find("://");
  if (scheme != std::string_view::npos) {
    size_t host_start = scheme + 3;
    size_t path = value.find('/', host_start);
    std::string_view authority =
        value.substr(host_start, path == std::string_view::npos ? std::string_view::npos : path - host_start);
    std::string out(value.substr(0, host_start));
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
      std::string_view userinfo = authority.substr(0, at);
      size_t colon = userinfo.find(':');
      out += std::string(userinfo.substr(0, colon)) + (colon == std::string_view::npos ? "" : ":***") + "@";
      authority.remove_prefix(at + 1);
    }
    out += authority;
    if (path != std::string_view::npos) {
      bool webhook = k.find("webhook") != std::string::npos || k == "url";
      out += webhook && value.size() - path > 1 ? "/***" : std::string(value.substr(path));
    }
    return out;
  }
  return std::string(value);
}

}  // namespace tinkr::config
