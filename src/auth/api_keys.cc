#include "auth/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include <fmt/format.h>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/json.h"
#include "core/strings.h"

namespace tinkr::auth {
namespace {

constexpr std::string_view kTokenPrefix = "tkr_";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::array<unsigned char, 32>> parse_digest(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  std::array<unsigned char, 32> out{};
  for (size_t i = 0; i < 32; ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

bool valid_subject(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '@' || c == '+' || c == '-';
  });
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kViewer: return "viewer";
    case Role::kOncall: return "oncall";
    case Role::kSreLead: return "sre-lead";
  }
  return "viewer";
}

Result<Role> parse_role(std::string_view name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "oncall") return Role::kOncall;
  if (name == "sre-lead") return Role::kSreLead;
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("unknown role '{}': use viewer, oncall or sre-lead", name));
}

bool role_allows(const std::vector<Role>& held, Role required) {
  for (Role r : held) {
    switch (required) {
      case Role::kViewer: return true;  // any role reads
      case Role::kOncall:
        if (r == Role::kOncall || r == Role::kSreLead) return true;
        break;
      case Role::kSreLead:
        if (r == Role::kSreLead) return true;
        break;
    }
  }
  return false;
}

std::string sha256_hex(std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  auto d = sha256(data);
  std::string out(64, '0');
  for (size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = kDigits[d[i] >> 4];
    out[2 * i + 1] = kDigits[d[i] & 0xF];
  }
  return out;
}

Result<std::string> generate_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return make_error(ErrorCode::kInternal, "OpenSSL RAND_bytes failed: the system random source is unavailable");
  }
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, bytes, sizeof bytes);
  OPENSSL_cleanse(bytes, sizeof bytes);
  std::string token(kTokenPrefix);
  for (int i = 0; i < n; ++i) {
    char c = static_cast<char>(b64[i]);
    if (c == '=') break;
    if (c == '+') c = '-';
    if (c == '/') c = '_';
    token.push_back(c);
  }
  return token;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  if (!iequals(authorization.substr(0, kScheme.size()), kScheme)) return std::nullopt;
  std::string_view rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return std::nullopt;
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

Result<KeyStore> KeyStore::from_entries(const std::vector<config::ApiKeyEntry>& entries) {
  KeyStore store;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    std::string where = fmt::format("API key {} (subject '{}')", i, e.subject);
    auto digest = parse_digest(e.hash);
    if (!digest) {
      return make_error(ErrorCode::kConfig, where +
                                                ": hash must be 64 hex digits (the SHA-256 of the token); "
                                                "create keys with `tinkr-server keys create`");
    }
    if (e.subject.empty()) return make_error(ErrorCode::kConfig, where + ": subject is empty");
    if (e.roles.empty()) return make_error(ErrorCode::kConfig, where + ": no roles (use viewer, oncall or sre-lead)");
    Key key{*digest, Principal{e.subject, {}}};
    for (const auto& r : e.roles) {
      auto role = parse_role(r);
      if (!role) return make_error(ErrorCode::kConfig, where + ": " + role.error().message);
      key.principal.roles.push_back(*role);
    }
    store.keys_.push_back(std::move(key));
  }
  return store;
}

std::optional<Principal> KeyStore::authenticate(std::string_view token) const {
  const auto digest = sha256(token);
  const Key* match = nullptr;
  for (const auto& key : keys_) {
    // Compare every key, keep the match without branching out of the loop.
    bool equal = CRYPTO_memcmp(digest.data(), key.digest.data(), digest.size()) == 0;
    if (equal) match = &key;
  }
  if (!match || token.empty()) return std::nullopt;
  return match->principal;
}

Result<NewKey> create_key(std::string_view subject, const std::vector<std::string>& roles) {
  if (!valid_subject(subject)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("subject '{}': use 1 to 64 letters, digits or . _ @ + -", subject));
  }
  if (roles.empty())
    return make_error(ErrorCode::kInvalidArgument, "give at least one --role (viewer, oncall, sre-lead)");
  NewKey key;
  for (const auto& r : roles) {
    TINKR_ASSIGN_OR_RETURN(Role role, parse_role(r));
    key.entry.roles.emplace_back(role_name(role));
  }
  TINKR_ASSIGN_OR_RETURN(key.token, generate_token());
  key.entry.hash = sha256_hex(key.token);
  key.entry.subject = std::string(subject);
  return key;
}

std::string toml_entry(const config::ApiKeyEntry& entry) {
  // Subjects and roles are validated to need no escaping; JSON string syntax
  // is also valid TOML basic-string syntax for anything else.
  std::string roles;
  for (size_t i = 0; i < entry.roles.size(); ++i) {
    if (i) roles += ", ";
    roles += json::serialize(json::value(entry.roles[i]));
  }
  return fmt::format("{{ hash = {}, subject = {}, roles = [{}] }}", json::serialize(json::value(entry.hash)),
                     json::serialize(json::value(entry.subject)), roles);
}

std::string json_entry(const config::ApiKeyEntry& entry) {
  json::object o;
  o["hash"] = entry.hash;
  o["subject"] = entry.subject;
  json::array roles;
  for (const auto& r : entry.roles) roles.emplace_back(r);
  o["roles"] = std::move(roles);
  return json::serialize(o);
}

}  // namespace tinkr::auth
