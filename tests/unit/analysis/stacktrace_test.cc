// Real-shaped traces from each runtime (formats as the runtimes print them).
#include <gtest/gtest.h>

#include "analysis/stacktrace.h"

namespace tinkr::analysis {
namespace {

TEST(StackTrace, PythonChained) {
  const char* text = R"(2026-03-01 10:00:00 ERROR worker failed
Traceback (most recent call last):
  File "/srv/app/orders/views.py", line 41, in create_order
    total = compute_total(items)
  File "/srv/app/orders/pricing.py", line 17, in compute_total
    return sum(int(i["qty"]) * i["price"] for i in items)
  File "/srv/app/orders/pricing.py", line 17, in <genexpr>
    return sum(int(i["qty"]) * i["price"] for i in items)
ValueError: invalid literal for int() with base 10: 'two'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/lib/python3.11/site-packages/django/core/handlers/exception.py", line 55, in inner
    response = get_response(request)
  File "/srv/app/orders/views.py", line 44, in create_order
    raise OrderError("bad order") from None
orders.errors.OrderError: bad order
next line)";
  auto traces = find_stack_traces(std::string_view(text));
  ASSERT_EQ(traces.size(), 1u);
  const auto& t = traces[0];
  EXPECT_EQ(t.language, TraceLanguage::kPython);
  EXPECT_EQ(t.exception_type, "ValueError");
  EXPECT_EQ(t.message, "invalid literal for int() with base 10: 'two'");
  ASSERT_EQ(t.frames.size(), 3u);
  EXPECT_EQ(t.frames[0].function, "<genexpr>");
  EXPECT_EQ(t.frames[0].line, 17);
  EXPECT_EQ(t.frames[2].file, "/srv/app/orders/views.py");
  ASSERT_EQ(t.causes.size(), 1u);
  EXPECT_EQ(t.causes[0], "orders.errors.OrderError: bad order");
  EXPECT_EQ(t.first_line, 1u);
  EXPECT_EQ(t.last_line, 17u);
  EXPECT_EQ(t.signature, "ValueError @ pricing.py:<genexpr> | pricing.py:compute_total | views.py:create_order");
}

TEST(StackTrace, JavaCausedByAndMore) {
  const char* text =
      R"(2026-03-01 10:00:00.123 ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception
org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection; nested exception is org.hibernate.exception.JDBCConnectionException
	at org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:275)
	at com.acme.shop.OrderService.place(OrderService.java:88)
	at com.acme.shop.OrderController.create(OrderController.java:41)
	at java.base/java.lang.Thread.run(Thread.java:833)
Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.
	at com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)
	at com.acme.shop.db.Repo.save(Repo.java:19)
	... 52 more
2026-03-01 10:00:01.000 INFO next)";
  auto traces = find_stack_traces(std::string_view(text));
  ASSERT_EQ(traces.size(), 1u);
  const auto& t = traces[0];
  EXPECT_EQ(t.language, TraceLanguage::kJava);
  EXPECT_EQ(t.exception_type, "java.sql.SQLTransientConnectionException");
  EXPECT_NE(t.message.find("request timed out after 30000ms"), std::string::npos);
  ASSERT_EQ(t.causes.size(), 1u);
  EXPECT_EQ(t.causes[0].rfind("org.springframework.dao.DataAccessResourceFailureException", 0), 0u);
  auto top = t.top_frames(3);
  ASSERT_GE(top.size(), 1u);
  EXPECT_EQ(top[0].function, "com.acme.shop.db.Repo.save");
  EXPECT_EQ(top[0].file, "Repo.java");
  EXPECT_EQ(top[0].line, 19);
  EXPECT_EQ(t.last_line, 9u);
}

TEST(StackTrace, GoPanic) {
  const char* text = R"(panic: runtime error: index out of range [5] with length 3

goroutine 1 [running]:
main.(*Server).handle(0xc000010000, {0x4b2c60, 0x5})
	/home/dev/svc/server.go:42 +0x1d
main.main()
	/home/dev/svc/main.go:12 +0x25
runtime.main()
	/usr/local/go/src/runtime/proc.go:250 +0x207
exit status 2)";
  auto traces = find_stack_traces(std::string_view(text));
  ASSERT_EQ(traces.size(), 1u);
  const auto& t = traces[0];
  EXPECT_EQ(t.language, TraceLanguage::kGo);
  EXPECT_EQ(t.exception_type, "panic");
  EXPECT_EQ(t.message, "runtime error: index out of range [5] with length 3");
  ASSERT_EQ(t.frames.size(), 3u);
  EXPECT_EQ(t.frames[0].function, "main.(*Server).handle");
  EXPECT_EQ(t.frames[0].line, 42);
  EXPECT_FALSE(t.frames[2].application);
  EXPECT_EQ(t.top_frames().size(), 2u);
}

TEST(StackTrace, NodeJs) {
  const char* text = R"(TypeError: Cannot read properties of undefined (reading 'id')
    at getUser (/app/src/users.js:14:23)
    at async Router.handle (/app/node_modules/express/lib/router/index.js:284:7)
    at async /app/src/server.js:30:5)";
  auto traces = find_stack_traces(std::string_view(text));
  ASSERT_EQ(traces.size(), 1u);
  const auto& t = traces[0];
  EXPECT_EQ(t.language, TraceLanguage::kNode);
  EXPECT_EQ(t.exception_type, "TypeError");
  EXPECT_EQ(t.message, "Cannot read properties of undefined (reading 'id')");
  ASSERT_EQ(t.frames.size(), 3u);
  EXPECT_EQ(t.frames[0].function, "getUser");
  EXPECT_EQ(t.frames[0].file, "/app/src/users.js");
  EXPECT_EQ(t.frames[0].line, 14);
  EXPECT_FALSE(t.frames[1].application);
  EXPECT_EQ(t.frames[2].file, "/app/src/server.js");
}

TEST(StackTrace, Ruby) {
  const char* text =
      "app/models/order.rb:27:in `total': undefined method `price' for nil:NilClass (NoMethodError)\n"
      "\tfrom app/controllers/orders_controller.rb:9:in `show'\n"
      "\tfrom /usr/local/bundle/gems/actionpack-7.0.4/lib/action_controller/metal.rb:227:in `dispatch'\n";
  auto traces = find_stack_traces(std::string_view(text));
  ASSERT_EQ(traces.size(), 1u);
  const auto& t = traces[0];
  EXPECT_EQ(t.language, TraceLanguage::kRuby);
  EXPECT_EQ(t.exception_type, "NoMethodError");
  EXPECT_EQ(t.message, "undefined method `price' for nil:NilClass");
  ASSERT_EQ(t.frames.size(), 3u);
  EXPECT_EQ(t.frames[0].function, "total");
  EXPECT_FALSE(t.frames[2].application);
}

TEST(StackTrace, DotNet) {
  const char* text = R"(Unhandled exception. System.InvalidOperationException: Sequence contains no elements
   at System.Linq.ThrowHelper.ThrowNoElementsException()
   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)
   at Acme.Billing.InvoiceService.Latest(Int32 customerId) in /src/Billing/InvoiceService.cs:line 42
   at Acme.Billing.Program.Main(String[] args) in /src/Billing/Program.cs:line 12)";
  auto traces = find_stack_traces(std::string_view(text));
  ASSERT_EQ(traces.size(), 1u);
  const auto& t = traces[0];
  EXPECT_EQ(t.exception_type, "System.InvalidOperationException");
  EXPECT_EQ(t.message, "Sequence contains no elements");
  ASSERT_EQ(t.frames.size(), 4u);
  auto top = t.top_frames(1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].function, "Acme.Billing.InvoiceService.Latest");
  EXPECT_EQ(top[0].file, "/src/Billing/InvoiceService.cs");
  EXPECT_EQ(top[0].line, 42);
}

TEST(StackTrace, AddressSanitizerAndUbsan) {
  const char* asan = R"(=================================================================
==12345==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x0000004c6a8b bp 0x7ffc8c5e3a10 sp 0x7ffc8c5e3a08
READ of size 4 at 0x602000000010 thread T0
    #0 0x4c6a8a in Cache::get(int) /src/cache.cc:57:12
    #1 0x4c5f31 in main /src/main.cc:21:3
    #2 0x7f2b1c2e4082 in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x24082)

0x602000000010 is located 0 bytes inside of 4-byte region [0x602000000010,0x602000000014)
freed by thread T0 here:
    #0 0x49c5fd in operator delete(void*) (/src/a.out+0x49c5fd)
    #1 0x4c6a21 in Cache::evict() /src/cache.cc:80:5

SUMMARY: AddressSanitizer: heap-use-after-free /src/cache.cc:57:12 in Cache::get(int)
after)";
  auto traces = find_stack_traces(std::string_view(asan));
  ASSERT_EQ(traces.size(), 1u);
  const auto& t = traces[0];
  EXPECT_EQ(t.language, TraceLanguage::kSanitizer);
  EXPECT_EQ(t.exception_type, "AddressSanitizer: heap-use-after-free");
  ASSERT_EQ(t.frames.size(), 3u);
  EXPECT_EQ(t.frames[0].function, "Cache::get(int)");
  EXPECT_EQ(t.frames[0].file, "/src/cache.cc");
  EXPECT_EQ(t.frames[0].line, 57);
  EXPECT_FALSE(t.frames[2].application);
  EXPECT_EQ(t.first_line, 1u);
  EXPECT_EQ(t.last_line, 12u);  // the SUMMARY line

  const char* ubsan =
      "src/parse.cc:88:14: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'\n"
      "    #0 0x55d1 in parse_number(char const*) src/parse.cc:88:14\n"
      "    #1 0x55e2 in main src/main.cc:9:3\n";
  auto u = find_stack_traces(std::string_view(ubsan));
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].exception_type, "UndefinedBehaviorSanitizer: runtime error");
  EXPECT_EQ(u[0].frames.size(), 2u);
}

TEST(StackTrace, FoldsEntriesAndGroupsBySignature) {
  auto entry = [](std::string m, Level l = Level::kInfo) {
    LogEntry e;
    e.message = std::move(m);
    e.level = l;
    return e;
  };
  std::vector<LogEntry> entries;
  for (int k = 0; k < 2; ++k) {
    entries.push_back(entry("request ok"));
    entries.push_back(entry("Traceback (most recent call last):", Level::kError));
    entries.push_back(entry("  File \"/srv/app/jobs.py\", line " + std::to_string(10 + k) + ", in run"));
    entries.push_back(entry("    do()"));
    entries.push_back(entry("KeyError: 'user_id'"));
  }
  auto folded = fold_stack_traces(entries);
  ASSERT_EQ(folded.size(), 4u);
  EXPECT_EQ(folded[0].message, "request ok");
  EXPECT_NE(folded[1].message.find("KeyError: 'user_id'"), std::string::npos);
  EXPECT_EQ(folded[1].level, Level::kError);
  auto traces = find_stack_traces(entries);
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[1].first_line, 6u);
  auto groups = group_stack_traces(traces);
  ASSERT_EQ(groups.size(), 1u);  // line numbers differ, the signature does not
  EXPECT_EQ(groups[0].count, 2u);
  // One entry holding the whole trace is parsed too.
  auto inside = find_stack_traces(folded);
  EXPECT_EQ(inside.size(), 2u);
}

}  // namespace
}  // namespace tinkr::analysis
