// API keys and roles for tinkr-server.
//
// A key is a random token ("tkr_" + base64url of 32 random bytes) that the
// server never stores: it keeps only the lower-case hex SHA-256 of the token,
// with a subject (who holds it) and roles. KeyStore::authenticate hashes the
// presented token and compares it with every stored hash in constant time
// (CRYPTO_memcmp, no early exit), so timing reveals neither which key nor how
// much of a key matched. KeyStore is immutable after construction and safe to
// use from any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace tinkr::auth {

// viewer: every read. oncall and sre-lead: reads plus writes (fix, approve,
// watch, alert, events). sre-lead is a superset of oncall.
enum class Role { kViewer, kOncall, kSreLead };

std::string_view role_name(Role role);  // "viewer", "oncall", "sre-lead"
Result<Role> parse_role(std::string_view name);
// True when any of `held` grants `required`.
bool role_allows(const std::vector<Role>& held, Role required);

// Lower-case hex SHA-256 (OpenSSL EVP).
std::string sha256_hex(std::string_view data);

// A fresh token: "tkr_" + base64url (no padding) of 32 bytes from RAND_bytes.
Result<std::string> generate_token();

// The token of "Authorization: Bearer <token>" (scheme case-insensitive);
// nullopt when the header is missing, of another scheme, or empty.
std::optional<std::string_view> bearer_token(std::string_view authorization);

struct Principal {
  std::string subject;
  std::vector<Role> roles;
  bool allows(Role required) const { return role_allows(roles, required); }
};

class KeyStore {
 public:
  KeyStore() = default;
  // Validates every entry (64 hex digits, a subject, known roles); the error
  // names the entry by subject and index.
  static Result<KeyStore> from_entries(const std::vector<config::ApiKeyEntry>& entries);

  // The principal whose hash matches sha256(token), or nullopt. Every stored
  // hash is compared, whatever the token.
  std::optional<Principal> authenticate(std::string_view token) const;

  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }

 private:
  struct Key {
    std::array<unsigned char, 32> digest;
    Principal principal;
  };
  std::vector<Key> keys_;
};

// A new key ready to hand out: the token (shown once) and its config entry.
struct NewKey {
  std::string token;
  config::ApiKeyEntry entry;
};
// Subjects are 1..64 characters of [A-Za-z0-9._@+-]; roles must parse.
Result<NewKey> create_key(std::string_view subject, const std::vector<std::string>& roles);

// `{ hash = "…", subject = "…", roles = ["…"] }` for [auth].api_keys in config.toml.
std::string toml_entry(const config::ApiKeyEntry& entry);
// `{"hash":"…","subject":"…","roles":["…"]}`, one element of TINKR_API_KEYS.
std::string json_entry(const config::ApiKeyEntry& entry);

}  // namespace tinkr::auth
