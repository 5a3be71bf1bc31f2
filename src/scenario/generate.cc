// The scenario generator: background traffic per service per minute, the
// payments-api deploy and the fraud-check timeouts it introduces.
//
// Randomness comes from std::mt19937_64 (its output sequence is fixed by the
// standard) and our own distributions (the standard library's are not
// portable), so the data is the same on every platform.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <random>

#include <fmt/format.h>

#include "scenario/scenario.h"

namespace tinkr::scenario {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }  // [0, 1)
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(uniform() * static_cast<double>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }
  double normal(double mean, double sd) {
    double u1 = std::max(uniform(), 1e-12), u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }
  // Log-normal around a median, for latencies.
  double lognormal(double median, double sigma) { return median * std::exp(normal(0, sigma)); }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[static_cast<size_t>(range(0, N - 1))];
  }
  std::string hex(int digits) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s(static_cast<size_t>(digits), '0');
    for (auto& c : s) c = kDigits[gen_() & 15];
    if (s.find_first_not_of('0') == std::string::npos) s.back() = '1';  // all-zero ids are invalid
    return s;
  }

 private:
  std::mt19937_64 gen_;
};

struct ServiceProfile {
  const char* name;
  double logs_per_min;
  double rps;
  double p50_ms;
  double p99_ms;
  double mem_mb;
  const char* pod;
};

constexpr std::array<ServiceProfile, 4> kServices = {{
    {kPaymentsApi, 45, 22, 42, 180, 310, "payments-api-7f9c6d-x2k4p"},
    {kAuthService, 55, 45, 12, 60, 190, "auth-service-5c8b7f-q9w2z"},
    {kOrderService, 50, 30, 85, 320, 420, "order-service-6d4f8b-m3n7c"},
    {kInventoryService, 30, 18, 25, 110, 260, "inventory-service-8a2e4c-t5r1v"},
}};

constexpr std::array<const char*, 8> kUsers = {"u-10492", "u-23817", "u-31120", "u-44096",
                                               "u-50213", "u-67781", "u-70034", "u-88125"};
constexpr std::array<const char*, 6> kSkus = {"SKU-1001", "SKU-2040", "SKU-3177", "SKU-4410", "SKU-5023", "SKU-6388"};
constexpr std::array<const char*, 4> kCurrencies = {"EUR", "USD", "GBP", "CHF"};
constexpr std::array<const char*, 3> kCardBrands = {"visa", "mastercard", "amex"};

// The request shape over the day: a peak at 14:00 UTC, trough at 02:00.
double seasonal(Timestamp t) {
  auto tod = t.time_since_epoch() % std::chrono::days(1);
  double hours = std::chrono::duration<double, std::ratio<3600>>(tod).count();
  return 1.0 + 0.15 * std::sin(2 * std::numbers::pi * (hours - 8.0) / 24.0);
}

// The share of fraud-check calls that time out at t.
double timeout_ratio(Timestamp t, Timestamp onset) {
  if (t < onset) return 0.0;
  double m = std::chrono::duration<double, std::ratio<60>>(t - onset).count();
  return std::min(0.25, 0.05 + 0.20 * m / 15.0);
}

std::string python_timeout_trace(std::string_view order_id) {
  return fmt::format(
      "Charge failed for order {}: fraud-check did not answer\n"
      "Traceback (most recent call last):\n"
      "  File \"/app/payments/handlers/charge.py\", line 88, in charge\n"
      "    verdict = fraud_client.check(payment)\n"
      "  File \"/app/payments/clients/fraud.py\", line 42, in check\n"
      "    resp = self._session.post(self.url, json=payload, timeout=self.timeout)\n"
      "  File \"/usr/local/lib/python3.11/site-packages/payments/http.py\", line 131, in post\n"
      "    raise TimeoutError(f\"{{self.peer}} request timed out after {{ms}}ms\")\n"
      "TimeoutError: fraud-check request timed out after 5000ms",
      order_id);
}

class Generator {
 public:
  explicit Generator(const ScenarioOptions& o) : opt_(o), rng_(o.seed) {
    s_.range = TimeRange{o.now - o.duration, o.now};
    s_.truth.onset = o.now - kIncidentOnset;
    onset_ = s_.truth.onset;
  }

  Scenario run() {
    for (const auto& p : kServices) s_.services.push_back(p.name);
    std::sort(s_.services.begin(), s_.services.end());
    deploy();
    const auto minutes_total = std::chrono::duration_cast<minutes>(opt_.duration).count();
    for (int64_t m = 0; m < minutes_total; ++m) {
      Timestamp t0 = s_.range.from + minutes(m);
      for (const auto& p : kServices) background_logs(p, t0);
      incident_logs(t0);
      traces(t0);
      metrics(t0);
    }
    finish();
    return std::move(s_);
  }

 private:
  void log(Timestamp t, const char* service, Level level, std::string message, Attributes attrs = {},
           std::string trace_id = {}, std::string span_id = {}) {
    if (t < s_.range.from || t >= s_.range.to) return;
    LogEntry e;
    e.time = t;
    e.service = service;
    e.level = level;
    e.message = std::move(message);
    e.trace_id = std::move(trace_id);
    e.span_id = std::move(span_id);
    e.attributes = std::move(attrs);
    for (const auto& p : kServices)
      if (e.service == p.name) e.attributes.emplace("host", p.pod);
    s_.logs.push_back(std::move(e));
  }

  Timestamp in_minute(Timestamp t0) { return t0 + Nanos(rng_.range(0, 59'999'999'999)); }
  std::string order_id() { return fmt::format("ord-{}", rng_.range(100000, 999999)); }
  std::string version(const char* service, Timestamp t) const {
    if (std::string_view(service) == kPaymentsApi) return t >= onset_ ? "v2.15.0" : "v2.14.0";
    return "v1.8.3";
  }

  void deploy() {
    Event e;
    e.time = onset_;
    e.service = kPaymentsApi;
    e.kind = "deploy";
    e.title = "Deploy payments-api v2.15.0";
    e.attributes = {{"version", "v2.15.0"},
                    {"previous_version", "v2.14.0"},
                    {"commit", "3f9a2c1"},
                    {"author", "dana@example.com"},
                    {"description", "Synchronous fraud-check before charge"}};
    s_.events.push_back(e);
    log(onset_, kPaymentsApi, Level::kInfo, "Deploying payments-api v2.15.0 (previous v2.14.0)",
        {{"event", "deploy"}, {"version", "v2.15.0"}, {"previous_version", "v2.14.0"}});
    log(onset_ + seconds(20), kPaymentsApi, Level::kInfo, "payments-api v2.15.0 started in 3.2s (commit 3f9a2c1)",
        {{"event", "startup"}, {"version", "v2.15.0"}});
  }

  void access_log(const ServiceProfile& p, Timestamp t, const char* method, const char* route, int status, double ms) {
    log(t, p.name, status >= 500 ? Level::kError : Level::kInfo,
        fmt::format("{} {} {} {:.1f}ms", method, route, status, ms),
        {{"http.method", method},
         {"http.route", route},
         {"http.status_code", std::to_string(status)},
         {"duration_ms", fmt::format("{:.1f}", ms)},
         {"version", version(p.name, t)}});
  }

  void background_logs(const ServiceProfile& p, Timestamp t0) {
    int n = static_cast<int>(std::lround(p.logs_per_min * seasonal(t0) * opt_.volume * rng_.normal(1.0, 0.06)));
    const std::string_view name = p.name;
    for (int i = 0; i < n; ++i) {
      Timestamp t = in_minute(t0);
      double roll = rng_.uniform();
      double ms = rng_.lognormal(p.p50_ms, 0.45);
      if (name == kPaymentsApi) {
        if (roll < 0.55) {
          access_log(p, t, "POST", "/payments/charge", 200, ms);
        } else if (roll < 0.75) {
          log(t, p.name, Level::kInfo,
              fmt::format("Charged {:.2f} {} for order {} ({} card)", rng_.range(500, 50000) / 100.0,
                          rng_.pick(kCurrencies), order_id(), rng_.pick(kCardBrands)),
              {{"user_id", rng_.pick(kUsers)}});
        } else if (roll < 0.85) {
          log(t, p.name, Level::kDebug, fmt::format("fraud-check verdict=allow score={:.2f}", rng_.uniform() * 0.3));
        } else if (roll < 0.93) {
          access_log(p, t, "GET", "/payments/{id}", 200, ms * 0.4);
        } else if (roll < 0.985) {
          log(t, p.name, Level::kWarn, fmt::format("Card declined for order {}: insufficient funds", order_id()),
              {{"user_id", rng_.pick(kUsers)}, {"decline_code", "51"}});
        } else if (roll < 0.997) {
          log(t, p.name, Level::kInfo, "postgres pool stats: active=6 idle=14 waiting=0");
        } else {
          log(t, p.name, Level::kError, fmt::format("Refund failed for order {}: card expired", order_id()));
        }
      } else if (name == kAuthService) {
        if (roll < 0.6) {
          access_log(p, t, "POST", "/auth/token", 200, ms);
        } else if (roll < 0.8) {
          log(t, p.name, Level::kInfo, fmt::format("Issued token for user {} (ttl=3600s)", rng_.pick(kUsers)),
              {{"user_id", rng_.pick(kUsers)}});
        } else if (roll < 0.92) {
          access_log(p, t, "GET", "/auth/verify", 200, ms * 0.5);
        } else if (roll < 0.99) {
          log(t, p.name, Level::kWarn,
              fmt::format("Invalid password for user {} (attempt {})", rng_.pick(kUsers), rng_.range(1, 3)));
        } else if (roll < 0.997) {
          log(t, p.name, Level::kInfo, "Rotated signing key cache (3 keys)");
        } else {
          log(t, p.name, Level::kError, "JWKS refresh failed: connection reset by peer; using cached keys");
        }
      } else if (name == kOrderService) {
        if (roll < 0.5) {
          access_log(p, t, "POST", "/orders", 201, ms);
        } else if (roll < 0.75) {
          log(t, p.name, Level::kInfo,
              fmt::format("Order {} created: {} items, customer {}", order_id(), rng_.range(1, 5), rng_.pick(kUsers)));
        } else if (roll < 0.9) {
          access_log(p, t, "GET", "/orders/{id}", 200, ms * 0.3);
        } else if (roll < 0.98) {
          log(t, p.name, Level::kDebug, fmt::format("Cart {} recalculated in {:.1f}ms", rng_.hex(8), ms * 0.05));
        } else if (roll < 0.997) {
          log(t, p.name, Level::kWarn,
              fmt::format("Slow inventory reservation for {}: {:.0f}ms", rng_.pick(kSkus), ms * 3));
        } else {
          log(t, p.name, Level::kError, fmt::format("Order {} rejected: address validation failed", order_id()));
        }
      } else {
        if (roll < 0.55) {
          access_log(p, t, "POST", "/inventory/reserve", 200, ms);
        } else if (roll < 0.8) {
          log(t, p.name, Level::kInfo,
              fmt::format("Reserved {} x {} (stock left {})", rng_.range(1, 4), rng_.pick(kSkus), rng_.range(10, 900)));
        } else if (roll < 0.93) {
          log(t, p.name, Level::kDebug, fmt::format("Cache hit ratio {:.2f}", 0.85 + rng_.uniform() * 0.1));
        } else if (roll < 0.997) {
          log(t, p.name, Level::kWarn, fmt::format("Low stock for {}: {} left", rng_.pick(kSkus), rng_.range(1, 9)));
        } else {
          log(t, p.name, Level::kError, fmt::format("Stock sync with warehouse failed for {}", rng_.pick(kSkus)));
        }
      }
    }
  }

  void incident_logs(Timestamp t0) {
    double r = timeout_ratio(t0, onset_);
    if (r <= 0) return;
    const auto& pay = kServices[0];
    double requests = pay.logs_per_min * 0.55 * seasonal(t0) * opt_.volume;
    int timeouts = static_cast<int>(std::lround(requests * r));
    for (int i = 0; i < timeouts; ++i) {
      Timestamp t = in_minute(t0);
      std::string oid = order_id();
      log(t - milliseconds(4000), kPaymentsApi, Level::kWarn,
          "Retrying fraud-check call (attempt 2/3): no answer after 2500ms", {{"peer.service", "fraud-check"}});
      log(t, kPaymentsApi, Level::kError, python_timeout_trace(oid),
          {{"exception.type", "TimeoutError"},
           {"peer.service", "fraud-check"},
           {"order_id", oid},
           {"version", "v2.15.0"}});
      access_log(pay, t + milliseconds(2), "POST", "/payments/charge", 504, 5000 + rng_.uniform() * 40);
      log(t + milliseconds(5), kOrderService, Level::kError,
          fmt::format("upstream payments-api returned 504 for POST /payments/charge (order {})", oid),
          {{"upstream", kPaymentsApi}, {"http.status_code", "502"}, {"order_id", oid}});
      access_log(kServices[2], t + milliseconds(6), "POST", "/orders", 502, 5010 + rng_.uniform() * 60);
    }
    if (rng_.chance(std::min(1.0, r * 2))) {
      log(in_minute(t0), kPaymentsApi, Level::kWarn,
          "postgres pool stats: active=20 idle=0 waiting=11 (pool exhausted)", {{"peer.service", "postgres"}});
    }
    if (rng_.chance(r)) {
      log(in_minute(t0), kPaymentsApi, Level::kError,
          "TimeoutError: postgres query timed out after 5000ms (INSERT INTO payments)",
          {{"exception.type", "TimeoutError"}, {"peer.service", "postgres"}});
    }
  }

  Span span(const std::string& trace_id, const std::string& parent, const char* service, std::string name,
            SpanKind kind, Timestamp start, double ms, Attributes attrs = {}) {
    Span sp;
    sp.trace_id = trace_id;
    sp.span_id = rng_.hex(16);
    sp.parent_span_id = parent;
    sp.service = service;
    sp.name = std::move(name);
    sp.kind = kind;
    sp.start = start;
    sp.duration = Nanos(static_cast<int64_t>(ms * 1e6));
    sp.status = SpanStatus::kUnset;
    sp.attributes = std::move(attrs);
    return sp;
  }

  void traces(Timestamp t0) {
    const double r = timeout_ratio(t0, onset_);
    int orders = static_cast<int>(std::lround(6 * seasonal(t0) * opt_.volume * rng_.normal(1.0, 0.1)));
    for (int i = 0; i < orders; ++i) {
      Trace tr;
      tr.trace_id = rng_.hex(32);
      Timestamp t = in_minute(t0);
      bool timeout = rng_.chance(r);
      double verify_ms = rng_.lognormal(8, 0.3), inv_ms = rng_.lognormal(25, 0.4), db_ms = rng_.lognormal(6, 0.5);
      double fraud_ms = timeout ? 5000.0 + rng_.uniform() * 3 : rng_.lognormal(t >= onset_ ? 30 : 0.001, 0.4);
      bool calls_fraud = t >= onset_;  // v2.15.0 added the synchronous call
      double pay_ms = 4 + (calls_fraud ? fraud_ms : 0) + (timeout ? 0 : db_ms) + rng_.lognormal(8, 0.3);
      double order_ms = 3 + verify_ms + inv_ms + pay_ms + rng_.lognormal(10, 0.3);
      int order_status = timeout ? 502 : 201, pay_status = timeout ? 504 : 200;

      Span root = span(tr.trace_id, "", kOrderService, "POST /orders", SpanKind::kServer, t, order_ms,
                       {{"http.method", "POST"},
                        {"http.route", "/orders"},
                        {"http.status_code", std::to_string(order_status)}});
      Timestamp c = t + milliseconds(1);
      Span auth_c = span(tr.trace_id, root.span_id, kOrderService, "GET /auth/verify", SpanKind::kClient, c,
                         verify_ms + 1, {{"peer.service", kAuthService}});
      Span auth_s =
          span(tr.trace_id, auth_c.span_id, kAuthService, "GET /auth/verify", SpanKind::kServer, c + Nanos(300'000),
               verify_ms, {{"http.method", "GET"}, {"http.route", "/auth/verify"}, {"http.status_code", "200"}});
      c += Nanos(static_cast<int64_t>((verify_ms + 1.5) * 1e6));
      Span inv_c = span(tr.trace_id, root.span_id, kOrderService, "POST /inventory/reserve", SpanKind::kClient, c,
                        inv_ms + 1, {{"peer.service", kInventoryService}});
      Span inv_s = span(tr.trace_id, inv_c.span_id, kInventoryService, "POST /inventory/reserve", SpanKind::kServer,
                        c + Nanos(400'000), inv_ms,
                        {{"http.method", "POST"}, {"http.route", "/inventory/reserve"}, {"http.status_code", "200"}});
      Span inv_db = span(tr.trace_id, inv_s.span_id, kInventoryService, "UPDATE stock", SpanKind::kClient,
                         c + Nanos(900'000), inv_ms * 0.5, {{"db.system", "postgresql"}, {"peer.service", "postgres"}});
      c += Nanos(static_cast<int64_t>((inv_ms + 1.5) * 1e6));
      Span pay_c = span(tr.trace_id, root.span_id, kOrderService, "POST /payments/charge", SpanKind::kClient, c,
                        pay_ms + 1, {{"peer.service", kPaymentsApi}});
      Span pay_s = span(tr.trace_id, pay_c.span_id, kPaymentsApi, "POST /payments/charge", SpanKind::kServer,
                        c + Nanos(500'000), pay_ms,
                        {{"http.method", "POST"},
                         {"http.route", "/payments/charge"},
                         {"http.status_code", std::to_string(pay_status)},
                         {"service.version", version(kPaymentsApi, t)}});
      std::vector<Span> spans = {root, auth_c, auth_s, inv_c, inv_s, inv_db, pay_c, pay_s};
      Timestamp pc = pay_s.start + milliseconds(2);
      if (calls_fraud) {
        Span fraud = span(tr.trace_id, pay_s.span_id, kPaymentsApi, "POST /fraud/check", SpanKind::kClient, pc,
                          fraud_ms, {{"peer.service", "fraud-check"}, {"http.method", "POST"}});
        if (timeout) {
          fraud.status = SpanStatus::kError;
          fraud.status_message = "TimeoutError: fraud-check request timed out after 5000ms";
        }
        pc += Nanos(static_cast<int64_t>(fraud_ms * 1e6));
        spans.push_back(fraud);
      }
      if (!timeout) {
        spans.push_back(span(tr.trace_id, pay_s.span_id, kPaymentsApi, "INSERT payments", SpanKind::kClient, pc, db_ms,
                             {{"db.system", "postgresql"}, {"peer.service", "postgres"}}));
      } else {
        spans[7].status = SpanStatus::kError;  // pay_s
        spans[7].status_message = "504 fraud-check timeout";
        spans[6].status = SpanStatus::kError;  // pay_c
        spans[6].status_message = "upstream payments-api returned 504";
        spans[0].status = SpanStatus::kError;
        spans[0].status_message = "502 Bad Gateway";
        log(pay_s.start + milliseconds(5002), kPaymentsApi, Level::kError,
            "TimeoutError: fraud-check request timed out after 5000ms (traced request)",
            {{"exception.type", "TimeoutError"}, {"peer.service", "fraud-check"}}, tr.trace_id, pay_s.span_id);
      }
      tr.spans = std::move(spans);
      summarize_trace(tr);
      s_.traces.push_back(std::move(tr));
    }
    int logins = static_cast<int>(std::lround(3 * seasonal(t0) * opt_.volume));
    for (int i = 0; i < logins; ++i) {
      Trace tr;
      tr.trace_id = rng_.hex(32);
      Timestamp t = in_minute(t0);
      double ms = rng_.lognormal(14, 0.35), db_ms = rng_.lognormal(4, 0.4);
      Span root = span(tr.trace_id, "", kAuthService, "POST /auth/token", SpanKind::kServer, t, ms + db_ms,
                       {{"http.method", "POST"}, {"http.route", "/auth/token"}, {"http.status_code", "200"}});
      Span db = span(tr.trace_id, root.span_id, kAuthService, "SELECT users", SpanKind::kClient, t + milliseconds(1),
                     db_ms, {{"db.system", "postgresql"}, {"peer.service", "postgres"}});
      tr.spans = {root, db};
      summarize_trace(tr);
      s_.traces.push_back(std::move(tr));
    }
  }

  void point(const char* service, const char* name, const char* unit, Timestamp t, double v) {
    std::string key = std::string(service) + '\x1f' + name;
    auto [it, inserted] = series_index_.try_emplace(key, s_.metrics.size());
    if (inserted) {
      MetricSeries ms;
      ms.name = name;
      ms.unit = unit;
      ms.labels = {{"service", service}};
      s_.metrics.push_back(std::move(ms));
    }
    s_.metrics[it->second].points.push_back({t, v});
  }

  void metrics(Timestamp t0) {
    double r = timeout_ratio(t0, onset_);
    double minute_index = std::chrono::duration<double, std::ratio<60>>(t0 - s_.range.from).count();
    for (const auto& p : kServices) {
      std::string_view name = p.name;
      double rps = p.rps * seasonal(t0) * rng_.normal(1.0, 0.04);
      double err = std::max(0.0, rng_.normal(0.002, 0.001));
      double p50 = p.p50_ms * rng_.normal(1.0, 0.05), p99 = p.p99_ms * rng_.normal(1.0, 0.08);
      double cpu = std::clamp(rng_.normal(0.32, 0.03) * seasonal(t0), 0.0, 1.0);
      if (name == kPaymentsApi && r > 0) {
        err += r;
        p50 += 30;  // the synchronous fraud-check call
        p99 = r >= 0.01 ? 5000 + rng_.uniform() * 60 : p99;
        cpu += 0.05;
      } else if (name == kOrderService && r > 0) {
        err += r * 0.9;
        p99 = 5100 + rng_.uniform() * 80;
      }
      double mem = (p.mem_mb + minute_index * 0.05) * 1024 * 1024;
      point(p.name, "http_server_request_rate", "req/s", t0, rps);
      point(p.name, "http_server_error_rate", "1", t0, err);
      point(p.name, "http_server_latency_p50", "ms", t0, p50);
      point(p.name, "http_server_latency_p99", "ms", t0, p99);
      point(p.name, "process_cpu_utilization", "1", t0, cpu);
      point(p.name, "process_memory_usage", "By", t0, std::round(mem));
    }
  }

  void finish() {
    std::stable_sort(s_.logs.begin(), s_.logs.end(),
                     [](const LogEntry& a, const LogEntry& b) { return a.time < b.time; });
    std::stable_sort(s_.traces.begin(), s_.traces.end(),
                     [](const Trace& a, const Trace& b) { return a.start < b.start; });
    s_.truth.summary = fmt::format(
        "At {} payments-api was deployed (v2.14.0 -> v2.15.0). The new version calls fraud-check synchronously; "
        "a growing share of those calls time out after 5000ms (TimeoutError), raising payments-api's error rate "
        "and p99 latency to about 5 s. order-service, which calls payments-api, answers 502 for the failed "
        "charges. Root cause: the payments-api deploy's dependency on fraud-check.",
        format_rfc3339(onset_));
  }

  ScenarioOptions opt_;
  Rng rng_;
  Scenario s_;
  Timestamp onset_{};
  std::map<std::string, size_t> series_index_;
};

}  // namespace

Scenario generate(const ScenarioOptions& options) { return Generator(options).run(); }

}  // namespace tinkr::scenario
