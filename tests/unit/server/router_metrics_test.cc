#include <gtest/gtest.h>

#include "server/metrics.h"
#include "server/router.h"
#include "server/routes.h"

namespace tinkr::server {
namespace {

net::ServerResponse noop(RequestContext&) { return {}; }

TEST(RouterTest, MatchesLiteralsAndCaptures) {
  Router r;
  r.add({"GET", "/api/v1/traces/{id}", auth::Role::kViewer, noop});
  r.add({"POST", "/api/v1/traces", auth::Role::kViewer, noop});
  r.add({"GET", "/health", std::nullopt, noop, true});
  auto m = r.match("GET", "/api/v1/traces/abc123");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/traces/{id}");
  EXPECT_EQ(m.params["id"], "abc123");
  EXPECT_NE(r.match("POST", "/api/v1/traces").route, nullptr);
  EXPECT_EQ(r.match("GET", "/api/v1/traces/").status, 404);
  EXPECT_EQ(r.match("GET", "/api/v1/traces/a/b").status, 404);
  EXPECT_EQ(r.match("GET", "/nope").status, 404);
  EXPECT_EQ(r.match("GET", "/healthz").status, 404);
  auto wrong = r.match("DELETE", "/health");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allowed_methods, std::vector<std::string>{"GET"});
}

TEST(RouterTest, EveryRouteInTheTableDeclaresARoleExceptHealth) {
  Router r;
  register_routes(r);
  for (const auto& route : r.routes()) {
    if (route.pattern == "/health") EXPECT_FALSE(route.role.has_value());
    else EXPECT_TRUE(route.role.has_value()) << route.pattern;
  }
  auto ev = r.match("POST", "/api/v1/events");
  ASSERT_NE(ev.route, nullptr);
  EXPECT_EQ(*ev.route->role, auth::Role::kOncall);
}

TEST(MetricsTest, PrometheusTextFormat) {
  ServerMetrics m;
  m.record_request("GET", "/health", 200, std::chrono::microseconds(500));
  m.record_request("GET", "/health", 200, std::chrono::milliseconds(30));
  m.record_request("POST", "/api/v1/logs", 503, std::chrono::seconds(20));
  m.record_backend_call("fake", "query_logs", "", std::chrono::milliseconds(2));
  m.record_backend_call("fake", "query_logs", "unavailable", std::chrono::milliseconds(3));
  std::string text = m.render(12.5);
  EXPECT_NE(text.find("# TYPE tinkr_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("tinkr_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE tinkr_http_request_duration_seconds histogram\n"), std::string::npos);
  // Buckets are cumulative; +Inf equals _count.
  EXPECT_NE(text.find("tinkr_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.001\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tinkr_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.05\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("tinkr_http_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("tinkr_http_request_duration_seconds_count{route=\"/health\"} 2\n"), std::string::npos);
  // 20 s is above the last finite bucket: only +Inf counts it.
  EXPECT_NE(text.find("tinkr_http_request_duration_seconds_bucket{route=\"/api/v1/logs\",le=\"10\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("tinkr_http_request_duration_seconds_bucket{route=\"/api/v1/logs\",le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tinkr_backend_calls_total{backend=\"fake\",operation=\"query_logs\",outcome=\"error\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tinkr_backend_errors_total{backend=\"fake\",operation=\"query_logs\",code=\"unavailable\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tinkr_uptime_seconds 12.500\n"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
  // Every sample line is "name{labels} value" or "name value"; every HELP has a TYPE.
  EXPECT_EQ(std::count(text.begin(), text.end(), '#') % 2, 0);
}

TEST(MetricsTest, EscapesLabelValues) { EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd"); }

}  // namespace
}  // namespace tinkr::server
