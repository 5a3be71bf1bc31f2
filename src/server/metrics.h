// ServerMetrics: the counters and histograms /metrics exposes, rendered in the
// Prometheus text exposition format (version 0.0.4): HELP and TYPE lines,
// counters ending in _total, histograms as cumulative _bucket{le} series with
// a final le="+Inf", then _sum and _count; label values escaped (\\, \", \n).
//
// Thread-safe: every method may be called from any thread (one mutex; a
// request records twice, cheap next to its own work).
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace tinkr::server {

class ServerMetrics {
 public:
  // Upper bounds in seconds of the latency histograms' buckets.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

  // One answered request: route is the route pattern ("/api/v1/traces/{id}"),
  // or "unmatched" for 404s, never the raw path (bounded cardinality).
  void record_request(std::string_view method, std::string_view route, int status, std::chrono::nanoseconds took);
  // One backend call: operation is "query_logs", "get_metrics", …; code is
  // empty on success or the error code name.
  void record_backend_call(std::string_view backend, std::string_view operation, std::string_view error_code,
                           std::chrono::nanoseconds took);

  // The whole exposition text; `uptime_seconds` is written as a gauge.
  std::string render(double uptime_seconds) const;

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // not cumulative; summed when rendered
    uint64_t count = 0;
    double sum = 0;
    void observe(double seconds);
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t, std::less<>> requests_;  // method, route, status
  std::map<std::string, Histogram, std::less<>> request_latency_;                        // route
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t, std::less<>> backend_calls_;   // b, op, outcome
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t, std::less<>> backend_errors_;  // b, op, code
  std::map<std::pair<std::string, std::string>, Histogram, std::less<>> backend_latency_;              // backend, op
};

// Escapes a label value for the text format.
std::string escape_label_value(std::string_view v);

}  // namespace tinkr::server
