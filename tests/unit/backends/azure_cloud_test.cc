// resolve_endpoints: the three clouds' documented hosts, environment over
// profile, https-only except loopback http, clear errors naming the setting.
#include <gtest/gtest.h>

#include "backends/azure/cloud.h"
#include "backends/azure/endpoint_url.h"

namespace tinkr::azure {
namespace {

config::Profile profile(const std::map<std::string, std::string>& settings) {
  config::Profile p;
  p.name = "az";
  p.backend = "azure";
  for (const auto& [k, v] : settings) p.settings[k] = v;
  return p;
}

Result<AzureEndpoints> resolve(const std::map<std::string, std::string>& settings,
                               std::map<std::string, std::string> env = {}) {
  return resolve_endpoints(profile(settings), config::Environment::from_map(std::move(env)));
}

TEST(AzureCloud, PublicIsTheDefault) {
  auto e = resolve({});
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->cloud, "public");
  EXPECT_EQ(e->authority_host, "https://login.microsoftonline.com");
  EXPECT_EQ(e->log_analytics, "https://api.loganalytics.io");
  EXPECT_EQ(e->resource_manager, "https://management.azure.com");
  EXPECT_EQ(e->log_analytics_scope(), "https://api.loganalytics.io/.default");
  EXPECT_EQ(e->resource_manager_scope(), "https://management.azure.com/.default");
}

TEST(AzureCloud, UsGovernmentAndChinaMoveEveryHost) {
  auto gov = resolve({{"cloud", "usgovernment"}});
  ASSERT_TRUE(gov.ok()) << gov.error().message;
  EXPECT_EQ(gov->authority_host, "https://login.microsoftonline.us");
  EXPECT_EQ(gov->log_analytics, "https://api.loganalytics.us");
  EXPECT_EQ(gov->resource_manager, "https://management.usgovcloudapi.net");
  EXPECT_EQ(gov->resource_manager_scope(), "https://management.usgovcloudapi.net/.default");

  auto cn = resolve({}, {{"AZURE_CLOUD", "AzureChinaCloud"}});
  ASSERT_TRUE(cn.ok()) << cn.error().message;
  EXPECT_EQ(cn->cloud, "china");
  EXPECT_EQ(cn->authority_host, "https://login.chinacloudapi.cn");
  EXPECT_EQ(cn->log_analytics, "https://api.loganalytics.azure.cn");
  EXPECT_EQ(cn->resource_manager, "https://management.chinacloudapi.cn");
  EXPECT_EQ(cn->log_analytics_scope(), "https://api.loganalytics.azure.cn/.default");
}

TEST(AzureCloud, EnvironmentWinsOverProfile) {
  auto e = resolve({{"cloud", "china"}, {"resource_manager_endpoint", "https://arm.profile.example"}},
                   {{"AZURE_CLOUD", "usgovernment"}, {"AZURE_RESOURCE_MANAGER_ENDPOINT", "https://arm.env.example/"}});
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->cloud, "usgovernment");
  EXPECT_EQ(e->resource_manager, "https://arm.env.example");
  // An empty variable counts as unset.
  auto p = resolve({{"log_analytics_endpoint", "https://la.profile.example"}}, {{"AZURE_LOG_ANALYTICS_ENDPOINT", ""}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->log_analytics, "https://la.profile.example");
}

TEST(AzureCloud, OverridesKeepTheCloudsAudience) {
  auto e = resolve({}, {{"AZURE_AUTHORITY_HOST", "http://127.0.0.1:8400/"},
                        {"AZURE_LOG_ANALYTICS_ENDPOINT", "http://127.0.0.1:8401"},
                        {"AZURE_RESOURCE_MANAGER_ENDPOINT", "http://[::1]:8402/"}});
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->authority_host, "http://127.0.0.1:8400");
  EXPECT_EQ(e->log_analytics, "http://127.0.0.1:8401");
  EXPECT_EQ(e->resource_manager, "http://[::1]:8402");
  EXPECT_EQ(e->log_analytics_scope(), "https://api.loganalytics.io/.default");
  EXPECT_EQ(e->resource_manager_scope(), "https://management.azure.com/.default");
}

TEST(AzureCloud, AudiencesCanBeSetForAnotherCloud) {
  auto e = resolve({{"resource_manager_audience", "https://management.stack.example/"}},
                   {{"AZURE_LOG_ANALYTICS_AUDIENCE", "https://la.stack.example/.default"}});
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->resource_manager_scope(), "https://management.stack.example/.default");
  EXPECT_EQ(e->log_analytics_scope(), "https://la.stack.example/.default");
}

TEST(AzureCloud, ASovereignLoginHostSelectsItsCloud) {
  auto gov = resolve({}, {{"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/"}});
  ASSERT_TRUE(gov.ok()) << gov.error().message;
  EXPECT_EQ(gov->cloud, "usgovernment");
  EXPECT_EQ(gov->log_analytics, "https://api.loganalytics.us");
  auto cn = resolve({{"authority_host", "login.chinacloudapi.cn"}});
  ASSERT_TRUE(cn.ok()) << cn.error().message;
  EXPECT_EQ(cn->resource_manager, "https://management.chinacloudapi.cn");
  // An explicit cloud wins; another login host (a test, a proxy) keeps the public APIs.
  auto explicit_cloud = resolve({{"cloud", "public"}}, {{"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us"}});
  ASSERT_TRUE(explicit_cloud.ok());
  EXPECT_EQ(explicit_cloud->log_analytics, "https://api.loganalytics.io");
  EXPECT_EQ(explicit_cloud->authority_host, "https://login.microsoftonline.us");
  auto sim = resolve({}, {{"AZURE_AUTHORITY_HOST", "http://127.0.0.1:9"}});
  ASSERT_TRUE(sim.ok());
  EXPECT_EQ(sim->cloud, "public");
}

TEST(AzureCloud, BareHostGetsHttps) {
  auto e = resolve({}, {{"AZURE_AUTHORITY_HOST", "login.microsoftonline.us"}});
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->authority_host, "https://login.microsoftonline.us");
}

TEST(AzureCloud, PlainHttpIsRefusedOffLoopback) {
  auto e = resolve({}, {{"AZURE_LOG_ANALYTICS_ENDPOINT", "http://la.example.com"}});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kConfig);
  EXPECT_NE(e.error().message.find("AZURE_LOG_ANALYTICS_ENDPOINT"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("https://"), std::string::npos);

  auto p = resolve({{"resource_manager_endpoint", "http://10.0.0.5"}});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("profile 'az': resource_manager_endpoint"), std::string::npos) << p.error().message;

  EXPECT_FALSE(resolve({}, {{"AZURE_AUTHORITY_HOST", "ftp://login.example"}}).ok());
  EXPECT_FALSE(resolve({}, {{"AZURE_AUTHORITY_HOST", "http://127.0.0.1.evil.example"}}).ok());
  EXPECT_TRUE(resolve({}, {{"AZURE_AUTHORITY_HOST", "http://localhost:9"}}).ok());
}

TEST(AzureCloud, UserInfoAndQueryAreRefusedWithoutEchoingThem) {
  auto e = resolve({}, {{"AZURE_AUTHORITY_HOST", "https://user:s3cret@login.example"}});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message.find("s3cret"), std::string::npos) << e.error().message;
  EXPECT_FALSE(resolve({}, {{"AZURE_AUTHORITY_HOST", "https://login.example/?x=1"}}).ok());
}

TEST(AzureCloud, UnknownCloudListsTheAcceptedOnes) {
  auto e = resolve({{"cloud", "germany"}});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kConfig);
  EXPECT_NE(e.error().message.find("profile 'az': cloud"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("public, usgovernment or china"), std::string::npos);
}

TEST(AzureEndpointUrl, LoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.8.9.10"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_TRUE(is_loopback_host("LocalHost"));
  EXPECT_FALSE(is_loopback_host("169.254.169.254"));
  EXPECT_FALSE(is_loopback_host("localhost.example.com"));
  EXPECT_FALSE(is_loopback_host(""));
}

}  // namespace
}  // namespace tinkr::azure
