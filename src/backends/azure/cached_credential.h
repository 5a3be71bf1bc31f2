// CachedCredential: the base of every credential in the chain. It caches one
// token per scope and asks the subclass for a new one only when needed.
//
// Refresh policy (azure-identity's GetTokenMixin): a cached token is used as
// is until 5 minutes before it expires (or Entra's refresh_in hint, when
// earlier); inside that window a new token is requested, at most once every
// 30 s, and when that request fails the still-valid token is returned. An
// expired token is never returned. Concurrent callers for one scope wait for
// a single request instead of each sending their own.
//
// A subclass answers request_token() with a TokenOutcome: a token, or an
// error marked `unavailable` when the credential lacks what it needs to even
// try (variables unset, no endpoint, no `az`): the chain then moves on. Any
// other error means it tried and failed: the chain stops there. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "backends/azure/credential.h"
#include "backends/azure/token_response.h"

namespace tinkr::azure {

struct TokenOutcome {
  std::optional<ParsedToken> token;
  Error error;               // when !token
  bool unavailable = false;  // when !token: "not available here, try the next credential"

  static TokenOutcome success(ParsedToken t) { return {std::move(t), {}, false}; }
  static TokenOutcome failed(Error e) { return {std::nullopt, std::move(e), false}; }
  static TokenOutcome not_available(std::string message) {
    return {std::nullopt, make_error(ErrorCode::kConfig, std::move(message)), true};
  }
};

// The clock credentials use; tests move it.
using Clock = std::function<Timestamp()>;

inline constexpr std::chrono::minutes kRefreshBeforeExpiry{5};
inline constexpr std::chrono::seconds kRefreshRetryDelay{30};

class CachedCredential : public TokenCredential {
 public:
  CachedCredential(std::string name, Clock clock);

  // "EnvironmentCredential", "ManagedIdentityCredential", … (azure-identity's names).
  const std::string& name() const { return name_; }

  // The cached token, or a new one; see the header comment.
  TokenOutcome attempt(std::string_view scope);
  Result<AccessToken> get_token(std::string_view scope) final;

 protected:
  virtual TokenOutcome request_token(std::string_view scope) = 0;
  Timestamp now() const { return clock_(); }

 private:
  struct Entry {
    std::mutex fetch;  // held while one request for this scope is in flight
    std::optional<ParsedToken> token;
    Timestamp last_request{};
  };
  Entry& entry(std::string_view scope);

  std::string name_;
  Clock clock_;
  std::mutex mu_;  // guards entries_ (the map, not the entries)
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
};

}  // namespace tinkr::azure
