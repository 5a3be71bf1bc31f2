#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "config/config.h"

extern char** environ;

namespace tinkr::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Parses .env text: KEY=VALUE lines, optional `export `, '#' comments, values
// in single quotes (literal) or double quotes (\n \" \\ escapes).
Result<std::map<std::string, std::string, std::less<>>> parse_dotenv(std::string_view text, const std::string& name) {
  std::map<std::string, std::string, std::less<>> out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    if (line.substr(0, 7) == "export ") line = trim(line.substr(7));
    size_t eq = line.find('=');
    std::string_view key = trim(line.substr(0, eq == std::string_view::npos ? 0 : eq));
    bool key_ok = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    });
    if (eq == std::string_view::npos || !key_ok) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("{}:{}: expected KEY=VALUE (letters, digits and '_' in the key)", name, line_no));
    }
    std::string_view raw = trim(line.substr(eq + 1));
    std::string value;
    if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
      char q = raw.front();
      size_t close = std::string_view::npos;
      for (size_t i = 1; i < raw.size(); ++i) {
        if (q == '"' && raw[i] == '\\' && i + 1 < raw.size()) {
          char n = raw[++i];
          value += n == 'n' ? '\n' : n == 't' ? '\t' : n;
          continue;
        }
        if (raw[i] == q) {
          close = i;
          break;
        }
        value += raw[i];
      }
      if (close == std::string_view::npos) {
        return make_error(ErrorCode::kConfig, fmt::format("{}:{}: {}: unterminated quote", name, line_no, key));
      }
    } else {
      size_t hash = raw.find(" #");
      value = std::string(trim(raw.substr(0, hash)));
    }
    out[std::string(key)] = std::move(value);
    if (end == text.size()) break;
  }
  return out;
}

}  // namespace

Result<Environment> Environment::load(const std::filesystem::path& dotenv) {
  Environment env;
  env.use_process_env_ = true;
  std::error_code ec;
  if (!dotenv.empty() && std::filesystem::exists(dotenv, ec)) {
    std::ifstream in(dotenv, std::ios::binary);
    if (!in)
      return make_error(ErrorCode::kConfig, fmt::format("cannot read {}; check its permissions", dotenv.string()));
    std::stringstream buf;
    buf << in.rdbuf();
    auto parsed = parse_dotenv(buf.str(), dotenv.string());
    if (!parsed) return parsed.error();
    env.dotenv_ = std::move(*parsed);
  }
  return env;
}

Environment Environment::from_map(std::map<std::string, std::string> process,
                                  std::map<std::string, std::string> dotenv) {
  Environment env;
  env.process_.insert(process.begin(), process.end());
  env.dotenv_.insert(dotenv.begin(), dotenv.end());
  return env;
}

std::optional<std::string> Environment::get(std::string_view name) const {
  if (use_process_env_) {
    std::string key(name);
    if (const char* v = std::getenv(key.c_str())) return std::string(v);
  } else if (auto it = process_.find(name); it != process_.end()) {
    return it->second;
  }
  if (auto it = dotenv_.find(name); it != dotenv_.end()) return it->second;
  return std::nullopt;
}

std::filesystem::path tinkr_home() {
  if (const char* h = std::getenv("TINKR_HOME"); h && *h) return std::filesystem::path(h);
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".tinkr";
  return std::filesystem::path(".tinkr");
}

}  // namespace tinkr::config
