#include "cli/client_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>

namespace tinkr::cli {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ClientConfig sample() {
  auto c = parse_client_config(R"(
[profiles.default]
server = "http://127.0.0.1:8080"
token = "env:TOK_DEFAULT"

[profiles.aws-prod]
server = "https://aws.example.com/"
token = "literal-secret"
active = true
)",
                               "/h/config");
  EXPECT_TRUE(c.ok()) << c.error().message;
  return *c;
}

TEST(ClientConfig, ResolutionOrder) {
  const ClientConfig c = sample();
  // active wins over default
  auto conn = resolve_connection(c, {}, env_of({}));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(conn->profile, "aws-prod");
  EXPECT_EQ(conn->server, "https://aws.example.com");
  EXPECT_EQ(conn->token, "literal-secret");
  // TINKR_PROFILE wins over active
  conn = resolve_connection(c, {}, env_of({{"TINKR_PROFILE", "default"}, {"TOK_DEFAULT", "abc"}}));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(conn->profile, "default");
  EXPECT_EQ(conn->token, "abc");
  // --profile wins over TINKR_PROFILE
  GlobalFlags f;
  f.profile = "aws-prod";
  conn = resolve_connection(c, f, env_of({{"TINKR_PROFILE", "default"}}));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(conn->profile, "aws-prod");
  // env overrides of server and token
  conn = resolve_connection(c, {}, env_of({{"TINKR_SERVER_URL", "http://x:1"}, {"TINKR_API_TOKEN", "t"}}));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(conn->server, "http://x:1");
  EXPECT_EQ(conn->token, "t");
  EXPECT_EQ(conn->token_source, "TINKR_API_TOKEN");
  // flags beat env
  f = {};
  f.server = "http://flag:2";
  f.token = "ft";
  conn = resolve_connection(c, f, env_of({{"TINKR_SERVER_URL", "http://x:1"}, {"TINKR_API_TOKEN", "t"}}));
  EXPECT_EQ(conn->server, "http://flag:2");
  EXPECT_EQ(conn->token, "ft");
}

TEST(ClientConfig, UnknownProfileAndUnsetTokenVariable) {
  const ClientConfig c = sample();
  GlobalFlags f;
  f.profile = "gcp";
  auto conn = resolve_connection(c, f, env_of({}));
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.error().message, "no profile 'gcp' (from --profile) in /h/config; profiles: aws-prod, default");
  f.profile = "default";
  conn = resolve_connection(c, f, env_of({}));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(conn->token, "");
  EXPECT_EQ(conn->token_problem, "the token variable TOK_DEFAULT of profile 'default' is not set");
  auto none = resolve_connection(ClientConfig{}, {}, env_of({}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kConfig);
}

TEST(ClientConfig, ErrorsNameTheLine) {
  auto bad = parse_client_config("[profiles.x]\nserver = 12\n", "/h/config");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "/h/config:2:10: profiles.x.server must be a string");
  auto syntax = parse_client_config("[profiles.x\n", "/h/config");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().message.rfind("/h/config:1:", 0), 0u) << syntax.error().message;
}

TEST(ClientConfig, SaveWritesMode0600AndRoundTrips) {
  const auto dir = std::filesystem::temp_directory_path() / ("tinkr-cli-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ClientConfig c = sample();
  c.path = dir / "config";
  ASSERT_TRUE(c.set_active("default"));
  ASSERT_TRUE(save_client_config(c).ok());
  struct stat st {};
  ASSERT_EQ(::stat(c.path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = load_client_config(c.path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->profiles.size(), 2u);
  EXPECT_TRUE(back->find("default")->active);
  EXPECT_FALSE(back->find("aws-prod")->active);
  EXPECT_EQ(back->find("aws-prod")->token, "literal-secret");
  std::filesystem::remove_all(dir);
}

TEST(ClientConfig, DisplayToken) {
  EXPECT_EQ(display_token("env:X"), "env:X");
  EXPECT_EQ(display_token("secret"), "***");
  EXPECT_EQ(display_token(""), "-");
}

}  // namespace
}  // namespace tinkr::cli
