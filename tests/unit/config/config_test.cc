#include "config/config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace tinkr::config {
namespace {

const char* kHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

Environment env(std::map<std::string, std::string> vars = {}, std::map<std::string, std::string> dotenv = {}) {
  return Environment::from_map(std::move(vars), std::move(dotenv));
}

TEST(Config, LoadsTheReferenceExampleWithEnvReferences) {
  std::string text = R"(
[server]
url   = "https://tinkr.acme.internal"
token = "env:TINKR_API_TOKEN"

[auth]
api_keys = [
  { hash = ")" + std::string(kHash) +
                     R"(", subject = "alice@acme.com", roles = ["oncall"] },
]

[github]
token        = "env:GITHUB_TOKEN"
default_repo = "acme/monorepo"

[profiles.default]
backend        = "grafana"
loki_url       = "env:GRAFANA_LOKI_URL"
prometheus_url = "env:GRAFANA_PROMETHEUS_URL"

[profiles.default.services.payments-api]
repo          = "acme/payments"
resource_type = "k8s"

[profiles.aws-prod]
backend          = "cloudwatch"
region           = "us-east-1"
log_group_prefix = "/ecs/"
active           = true

[profiles.aws-prod.notifiers.pagerduty]
type                 = "webhook"
url                  = "env:PAGERDUTY_WEBHOOK_URL"
header_Authorization = "env:PAGERDUTY_API_KEY"

[profiles.azure-prod]
backend         = "azure"
workspace_id    = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
subscription_id = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
resource_group  = "prod-rg"
)";
  auto cfg = parse_config(text, "config.toml",
                          env({{"GRAFANA_LOKI_URL", "http://process:3100"}, {"TINKR_API_TOKEN", "tok"}},
                              {{"GRAFANA_LOKI_URL", "http://dotenv:3100"}, {"GITHUB_TOKEN", "ghp_x"}}));
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ(cfg->server.token, "tok");
  EXPECT_EQ(cfg->github.token, "ghp_x");
  ASSERT_EQ(cfg->api_keys.size(), 1u);
  EXPECT_EQ(cfg->api_keys[0].roles, std::vector<std::string>{"oncall"});
  const Profile& def = cfg->profiles.at("default");
  EXPECT_EQ(def.get("loki_url"), "http://process:3100");  // process env wins over .env
  EXPECT_EQ(def.service("payments-api")->resource_type, "k8s");
  EXPECT_EQ(def.unresolved_env.at("prometheus_url"), "GRAFANA_PROMETHEUS_URL");
  auto missing = def.require("prometheus_url");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("GRAFANA_PROMETHEUS_URL"), std::string::npos);
  EXPECT_EQ(cfg->profiles.at("aws-prod").notifiers.at("pagerduty").type, "webhook");

  auto active = active_profile(*cfg, std::nullopt, env());
  ASSERT_TRUE(active.ok());
  EXPECT_EQ((*active)->name, "aws-prod");
  EXPECT_EQ((*active_profile(*cfg, std::string("azure-prod"), env()))->name, "azure-prod");
  EXPECT_EQ((*active_profile(*cfg, std::nullopt, env({{"TINKR_PROFILE", "default"}})))->name, "default");
  auto bad = active_profile(*cfg, std::string("nope"), env());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("aws-prod"), std::string::npos);
}

struct BadCase {
  const char* text;
  const char* expect;  // substring of the message
};

TEST(Config, ErrorsNameFileLineKeyAndExpectation) {
  const BadCase cases[] = {
      {"[profiles.x]\nbackend = \"grafanna\"\n", "config.toml:2: profiles.x.backend: unknown backend 'grafanna'"},
      {"[profiles.x]\nregion = \"us-east-1\"\n", "config.toml:1: profiles.x: missing backend"},
      {"[profiles.x]\nbackend = \"local\"\nactive = \"yes\"\n",
       "config.toml:3: profiles.x.active: expected true or false"},
      {"[auth]\napi_keys = [ { hash = \"abc\", subject = \"a\", roles = [\"viewer\"] } ]\n",
       "config.toml:2: auth.api_keys[0].hash: expected the 64-hex-digit SHA-256"},
      {"[auth]\napi_keys = [ { hash = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\", subject = "
       "\"a\", roles = [\"admin\"] } ]\n",
       "auth.api_keys[0].roles: unknown role 'admin'"},
      {"[servr]\nurl = \"x\"\n", "config.toml:1: servr: unknown section"},
      {"[server]\nurl = \"x\"\ntokn = \"y\"\n", "config.toml:3: server.tokn: unknown key"},
      {"[server]\notlp_port = 70000\n", "config.toml:2: server.otlp_port: expected a port number 0..65535"},
      {"[server]\notlp_port = \"4318\"\n", "config.toml:2: server.otlp_port: expected a port number"},
      {"[profiles.x]\nbackend = \"local\"\n[profiles.x.notifiers.n]\ntype = \"pager\"\n",
       "config.toml:4: profiles.x.notifiers.n.type: unknown notifier type 'pager'"},
      {"[profiles.a]\nbackend = \"local\"\nactive = true\n[profiles.b]\nbackend = \"local\"\nactive = true\n",
       "more than one profile has active = true"},
      {"[server\nurl = 1\n", "config.toml:1:"},
  };
  for (const auto& c : cases) {
    auto cfg = parse_config(c.text, "config.toml", env());
    ASSERT_FALSE(cfg.ok()) << c.text;
    EXPECT_EQ(cfg.error().code, ErrorCode::kConfig);
    EXPECT_NE(cfg.error().message.find(c.expect), std::string::npos) << cfg.error().message;
  }
}

TEST(Config, ServerOtlpPort) {
  auto cfg = parse_config("[server]\nurl = \"http://127.0.0.1:8000\"\notlp_port = 14318\n", "config.toml", env());
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ(cfg->server.otlp_port, 14318);
  EXPECT_EQ(cfg->server.url, "http://127.0.0.1:8000");
  auto unset = parse_config("[server]\nurl = \"http://x\"\n", "config.toml", env());
  ASSERT_TRUE(unset.ok());
  EXPECT_FALSE(unset->server.otlp_port.has_value());
}

TEST(Config, ApiKeysFromEnvironment) {
  std::string keys = std::string(R"([{"hash":")") + kHash + R"(","subject":"ci","roles":["viewer"]}])";
  auto cfg = parse_config("", "config.toml", env({{"TINKR_API_KEYS", keys}}));
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  ASSERT_EQ(cfg->api_keys.size(), 1u);
  EXPECT_EQ(cfg->api_keys[0].subject, "ci");
  EXPECT_EQ(cfg->profiles.at("default").backend, "local");

  auto bad = parse_config("", "config.toml", env({{"TINKR_API_KEYS", "[{\"hash\":\"x\"}]"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("TINKR_API_KEYS[0].hash"), std::string::npos);
  auto garbage = parse_config("", "config.toml", env({{"TINKR_API_KEYS", "not json"}}));
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().message.find("TINKR_API_KEYS"), std::string::npos);
}

TEST(Config, MissingFileGivesTheLocalDefault) {
  auto cfg = load_config("/nonexistent/config.toml", env());
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->profiles.at("default").backend, "local");
  EXPECT_FALSE(load_config("/nonexistent/config.toml", env(), true).ok());
}

TEST(Environment, ReadsDotenvFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("tinkr-env-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / ".env");
    f << "# comment\nexport A=1\nB = \"two words\" \nC='lit\\n'\nD=x # "
         "trailing\n\nTINKR_TEST_UNSET_VAR_XYZ=from-dotenv\n";
  }
  auto e = Environment::load(dir / ".env");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->get("A"), "1");
  EXPECT_EQ(e->get("B"), "two words");
  EXPECT_EQ(e->get("C"), "lit\\n");
  EXPECT_EQ(e->get("D"), "x");
  EXPECT_EQ(e->get("TINKR_TEST_UNSET_VAR_XYZ"), "from-dotenv");
  {
    std::ofstream f(dir / ".env");
    f << "OK=1\nthis is not valid\n";
  }
  auto bad = Environment::load(dir / ".env");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(":2:"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Secrets, AreMaskedForDisplay) {
  EXPECT_EQ(display_value("bot_token", "xoxb-123"), "***");
  EXPECT_EQ(display_value("header_Authorization", "GenieKey x"), "***");
  EXPECT_EQ(display_value("api_key", "k"), "***");
  EXPECT_EQ(display_value("region", "us-east-1"), "us-east-1");
  EXPECT_EQ(display_value("loki_url", "https://user:pw@logs.grafana.net/loki"),
            "https://user:***@logs.grafana.net/loki");
  EXPECT_EQ(display_value("url", "https://events.pagerduty.com/integration/XXXX/enqueue"),
            "https://events.pagerduty.com/***");
  EXPECT_TRUE(is_secret_key("signing_secret"));
  EXPECT_FALSE(is_secret_key("resource_group"));
}

}  // namespace
}  // namespace tinkr::config
