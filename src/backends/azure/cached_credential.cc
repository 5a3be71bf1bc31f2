#include "backends/azure/cached_credential.h"

namespace tinkr::azure {

CachedCredential::CachedCredential(std::string name, Clock clock) : name_(std::move(name)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return tinkr::now(); };
}

CachedCredential::Entry& CachedCredential::entry(std::string_view scope) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(scope);
  if (it == entries_.end()) it = entries_.emplace(std::string(scope), std::make_unique<Entry>()).first;
  return *it->second;
}

TokenOutcome CachedCredential::attempt(std::string_view scope) {
  Entry& e = entry(scope);
  std::lock_guard fetch(e.fetch);
  const Timestamp t = now();
  if (e.token) {
    const Timestamp expires = e.token->token.expires_on;
    Timestamp refresh_at = expires - kRefreshBeforeExpiry;
    if (e.token->refresh_on && *e.token->refresh_on < refresh_at) refresh_at = *e.token->refresh_on;
    const bool valid = t < expires;
    if (valid && t < refresh_at) return TokenOutcome::success(*e.token);
    if (valid && t - e.last_request < kRefreshRetryDelay) return TokenOutcome::success(*e.token);
    e.last_request = t;
    TokenOutcome fresh = request_token(scope);
    if (fresh.token) {
      e.token = fresh.token;
      return fresh;
    }
    if (valid) return TokenOutcome::success(*e.token);  // refresh failed; the old token still works
    e.token.reset();
    return fresh;
  }
  e.last_request = t;
  TokenOutcome fresh = request_token(scope);
  if (fresh.token) e.token = fresh.token;
  return fresh;
}

Result<AccessToken> CachedCredential::get_token(std::string_view scope) {
  TokenOutcome o = attempt(scope);
  if (o.token) return o.token->token;
  return o.error;
}

}  // namespace tinkr::azure
