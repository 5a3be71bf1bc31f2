#include "auth/api_keys.h"

#include <gtest/gtest.h>

#include <set>

#include "config/config.h"

namespace tinkr::auth {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TokenTest, PrefixedBase64UrlOf32Bytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto t = generate_token();
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->rfind("tkr_", 0), 0u);
    EXPECT_EQ(t->size(), 4u + 43u);  // 32 bytes -> 43 base64url characters, no padding
    EXPECT_EQ(t->find_first_of("+/="), std::string::npos);
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(BearerTest, ParsesSchemeCaseInsensitively) {
  EXPECT_EQ(bearer_token("Bearer abc").value_or(""), "abc");
  EXPECT_EQ(bearer_token("bearer   abc  ").value_or(""), "abc");
  EXPECT_FALSE(bearer_token("Basic abc").has_value());
  EXPECT_FALSE(bearer_token("Bearer ").has_value());
  EXPECT_FALSE(bearer_token("Bearerabc").has_value());
  EXPECT_FALSE(bearer_token("").has_value());
}

TEST(RoleTest, Matrix) {
  EXPECT_TRUE(role_allows({Role::kViewer}, Role::kViewer));
  EXPECT_FALSE(role_allows({Role::kViewer}, Role::kOncall));
  EXPECT_TRUE(role_allows({Role::kOncall}, Role::kViewer));
  EXPECT_TRUE(role_allows({Role::kOncall}, Role::kOncall));
  EXPECT_FALSE(role_allows({Role::kOncall}, Role::kSreLead));
  EXPECT_TRUE(role_allows({Role::kSreLead}, Role::kOncall));
  EXPECT_TRUE(role_allows({Role::kViewer, Role::kSreLead}, Role::kSreLead));
  EXPECT_FALSE(role_allows({}, Role::kViewer));
  EXPECT_FALSE(parse_role("admin").ok());
  EXPECT_EQ(role_name(*parse_role("sre-lead")), "sre-lead");
}

config::ApiKeyEntry entry(const std::string& token, std::string subject, std::vector<std::string> roles) {
  return {sha256_hex(token), std::move(subject), std::move(roles)};
}

TEST(KeyStoreTest, AuthenticatesOnlyMatchingTokens) {
  auto store = KeyStore::from_entries({entry("tkr_alice", "alice", {"oncall"}), entry("tkr_bob", "bob", {"viewer"})});
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  auto alice = store->authenticate("tkr_alice");
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->subject, "alice");
  EXPECT_TRUE(alice->allows(Role::kOncall));
  auto bob = store->authenticate("tkr_bob");
  ASSERT_TRUE(bob.has_value());
  EXPECT_FALSE(bob->allows(Role::kOncall));
  EXPECT_FALSE(store->authenticate("tkr_alic").has_value());
  EXPECT_FALSE(store->authenticate("tkr_alicE").has_value());
  EXPECT_FALSE(store->authenticate("").has_value());
  // The stored hash itself is not a token.
  EXPECT_FALSE(store->authenticate(sha256_hex("tkr_alice")).has_value());
}

TEST(KeyStoreTest, UpperCaseHexIsAccepted) {
  auto e = entry("t", "s", {"viewer"});
  for (auto& c : e.hash) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto store = KeyStore::from_entries({e});
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store->authenticate("t").has_value());
}

TEST(KeyStoreTest, RejectsBadEntries) {
  EXPECT_FALSE(KeyStore::from_entries({{"abc", "x", {"viewer"}}}).ok());
  EXPECT_FALSE(KeyStore::from_entries({entry("t", "x", {"root"})}).ok());
  EXPECT_FALSE(KeyStore::from_entries({entry("t", "x", {})}).ok());
  EXPECT_FALSE(KeyStore::from_entries({entry("t", "", {"viewer"})}).ok());
  auto bad = KeyStore::from_entries({entry("t", "carol", {"root"})});
  EXPECT_NE(bad.error().message.find("carol"), std::string::npos);
}

TEST(KeyStoreTest, KeysFromTinkrApiKeysEnvironment) {
  auto key = create_key("ci-bot", {"viewer"});
  ASSERT_TRUE(key.ok());
  auto env = config::Environment::from_map({{"TINKR_API_KEYS", "[" + json_entry(key->entry) + "]"}});
  auto cfg = config::parse_config("", "test.toml", env);
  ASSERT_TRUE(cfg.ok()) << cfg.error().to_string();
  auto store = KeyStore::from_entries(cfg->api_keys);
  ASSERT_TRUE(store.ok());
  auto p = store->authenticate(key->token);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->subject, "ci-bot");
}

TEST(KeyStoreTest, CreatedTomlLineLoadsBack) {
  auto key = create_key("alice@example.com", {"oncall", "viewer"});
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  std::string toml = "[auth]\napi_keys = [\n  " + toml_entry(key->entry) + ",\n]\n";
  auto cfg = config::parse_config(toml, "test.toml", config::Environment::from_map({}));
  ASSERT_TRUE(cfg.ok()) << cfg.error().to_string() << "\n" << toml;
  ASSERT_EQ(cfg->api_keys.size(), 1u);
  EXPECT_EQ(cfg->api_keys[0].hash, sha256_hex(key->token));
  auto store = KeyStore::from_entries(cfg->api_keys);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store->authenticate(key->token)->allows(Role::kOncall));
}

TEST(KeyStoreTest, CreateKeyValidatesInput) {
  EXPECT_FALSE(create_key("bad subject", {"viewer"}).ok());
  EXPECT_FALSE(create_key("a\"b", {"viewer"}).ok());
  EXPECT_FALSE(create_key("alice", {}).ok());
  EXPECT_FALSE(create_key("alice", {"god"}).ok());
}

}  // namespace
}  // namespace tinkr::auth
