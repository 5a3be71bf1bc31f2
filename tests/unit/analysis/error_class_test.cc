#include <gtest/gtest.h>

#include "analysis/error_class.h"

namespace tinkr::analysis {
namespace {

struct Case {
  const char* line;
  ErrorClass cls;
  const char* rule;
};

TEST(ErrorClass, ClassifiesRealLinesAndNamesThePhrase) {
  const Case cases[] = {
      {"dial tcp 10.0.3.7:5432: connect: connection refused", ErrorClass::kDependencyDown, "connection_refused"},
      {"upstream connect error or disconnect/reset before headers. reset reason: connection failure",
       ErrorClass::kDependencyDown, "service_unavailable"},
      {"context deadline exceeded (Client.Timeout exceeded while awaiting headers)", ErrorClass::kTimeout, "timeout"},
      {"java.net.SocketTimeoutException: Read timed out", ErrorClass::kTimeout, "timeout"},
      {"HikariPool-1 - Connection is not available, request timed out after 30000ms.", ErrorClass::kResourceExhaustion,
       "pool_exhausted"},
      {"java.lang.OutOfMemoryError: Java heap space", ErrorClass::kResourceExhaustion, "out_of_memory"},
      {"write /var/lib/app/cache.db: no space left on device", ErrorClass::kResourceExhaustion, "disk_full"},
      {"429 Too Many Requests: rate limit exceeded for key", ErrorClass::kResourceExhaustion, "rate_limited"},
      {"accept4: too many open files; retrying in 5ms", ErrorClass::kResourceExhaustion, "file_descriptors"},
      {"django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty",
       ErrorClass::kConfigError, "missing_setting"},
      {"x509: certificate signed by unknown authority", ErrorClass::kConfigError, "tls_config"},
      {"AttributeError: 'NoneType' object has no attribute 'id'", ErrorClass::kLogicBug, "null_dereference"},
      {"panic: runtime error: invalid memory address or nil pointer dereference", ErrorClass::kLogicBug,
       "memory_safety"},
      {"user 42 logged in", ErrorClass::kUnknown, ""},
  };
  for (const auto& k : cases) {
    Classification c = classify_message(k.line);
    EXPECT_EQ(error_class_name(c.error_class), error_class_name(k.cls)) << k.line;
    EXPECT_EQ(c.rule, k.rule) << k.line;
    if (k.cls != ErrorClass::kUnknown) {
      EXPECT_FALSE(c.matched.empty()) << k.line;
      EXPECT_GT(c.confidence, 0.5);
      EXPECT_LE(c.confidence, 1.0);
    }
    ASSERT_EQ(c.evidence.size(), 1u);
    EXPECT_EQ(c.evidence[0], k.line);
  }
  EXPECT_EQ(classify_message("Permission denied (publickey)").subclass, "");
  EXPECT_EQ(classify_message("Cannot allocate memory").subclass, "memory");
}

TEST(ErrorClass, ClassifiesStackTraces) {
  auto traces = find_stack_traces(
      std::string_view("Traceback (most recent call last):\n"
                       "  File \"/srv/app/jobs.py\", line 10, in run\n"
                       "    conn = psycopg2.connect(dsn)\n"
                       "psycopg2.OperationalError: could not connect to server: Connection refused\n"));
  ASSERT_EQ(traces.size(), 1u);
  Classification c = classify_trace(traces[0]);
  EXPECT_EQ(c.error_class, ErrorClass::kDependencyDown);
  EXPECT_EQ(c.matched, "Connection refused");
  ASSERT_EQ(c.evidence.size(), 1u);
  EXPECT_NE(c.evidence[0].find("/srv/app/jobs.py:10"), std::string::npos);

  auto unknown = find_stack_traces(std::string_view(
      "Traceback (most recent call last):\n  File \"/srv/a.py\", line 1, in f\nacme.WeirdThing: boom\n"));
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(classify_trace(unknown[0]).rule, "unhandled_exception");
  EXPECT_EQ(classify_trace(unknown[0]).error_class, ErrorClass::kLogicBug);
}

TEST(ErrorClass, AggregatesAndDetectsDeployRegression) {
  const Timestamp t0 = from_unix_seconds(1'750'000'000);
  auto at = [&](int minute, Level l, std::string msg) {
    LogEntry e;
    e.time = t0 + std::chrono::minutes(minute);
    e.level = l;
    e.message = std::move(msg);
    return e;
  };
  std::vector<LogEntry> entries = {
      at(0, Level::kError, "dial tcp 10.0.0.9:6379: connect: connection refused"),
      at(1, Level::kInfo, "GET /health 200"),
      at(5, Level::kError, "dial tcp 10.0.0.9:6379: connect: connection refused"),
      // deploy at minute 10
      at(12, Level::kError, "TypeError: unsupported operand type(s) for +: 'int' and 'str' in pricing 17"),
      at(13, Level::kError, "TypeError: unsupported operand type(s) for +: 'int' and 'str' in pricing 18"),
      at(14, Level::kError, "dial tcp 10.0.0.9:6379: connect: connection refused"),
  };
  auto plain = classify_errors(entries);
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0].classification.error_class, ErrorClass::kDependencyDown);
  EXPECT_EQ(plain[0].count, 3u);
  EXPECT_EQ(plain[0].classification.evidence.size(), 1u);  // identical lines once
  EXPECT_EQ(plain[1].classification.error_class, ErrorClass::kLogicBug);

  ClassifyOptions o;
  o.deploy_times = {t0 + std::chrono::minutes(10)};
  auto with_deploy = classify_errors(entries, o);
  ASSERT_EQ(with_deploy.size(), 2u);
  EXPECT_EQ(with_deploy[0].classification.error_class, ErrorClass::kDependencyDown);
  EXPECT_EQ(with_deploy[1].classification.error_class, ErrorClass::kDeployRegression);
  EXPECT_EQ(with_deploy[1].underlying, ErrorClass::kLogicBug);
  EXPECT_EQ(with_deploy[1].count, 2u);
  ASSERT_TRUE(with_deploy[1].deploy_time.has_value());
  EXPECT_EQ(*with_deploy[1].deploy_time, t0 + std::chrono::minutes(10));
  EXPECT_EQ(with_deploy[1].classification.rule, "new_pattern_after_deploy");
  EXPECT_GT(with_deploy[1].classification.confidence, 0.0);
  EXPECT_LE(with_deploy[1].classification.confidence, 1.0);
}

}  // namespace
}  // namespace tinkr::analysis
