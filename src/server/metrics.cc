#include "server/metrics.h"

#include <fmt/format.h>

namespace tinkr::server {

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

void ServerMetrics::Histogram::observe(double seconds) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++counts[i];
      break;
    }
  }
  ++count;
  sum += seconds;
}

void ServerMetrics::record_request(std::string_view method, std::string_view route, int status,
                                   std::chrono::nanoseconds took) {
  const double seconds = std::chrono::duration<double>(took).count();
  std::lock_guard lock(mu_);
  auto key = std::make_tuple(std::string(method), std::string(route), status);
  ++requests_[key];
  auto it = request_latency_.find(route);
  if (it == request_latency_.end()) it = request_latency_.emplace(std::string(route), Histogram{}).first;
  it->second.observe(seconds);
}

void ServerMetrics::record_backend_call(std::string_view backend, std::string_view operation,
                                        std::string_view error_code, std::chrono::nanoseconds took) {
  const double seconds = std::chrono::duration<double>(took).count();
  std::lock_guard lock(mu_);
  ++backend_calls_[{std::string(backend), std::string(operation), error_code.empty() ? "ok" : "error"}];
  if (!error_code.empty()) {
    ++backend_errors_[{std::string(backend), std::string(operation), std::string(error_code)}];
  }
  backend_latency_[{std::string(backend), std::string(operation)}].observe(seconds);
}

namespace {

void write_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <typename H>
void write_histogram(std::string& out, std::string_view name, const std::string& labels, const H& h,
                     const auto& buckets) {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    cumulative += h.counts[i];
    fmt::format_to(std::back_inserter(out), "{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, buckets[i],
                   cumulative);
  }
  fmt::format_to(std::back_inserter(out), "{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, h.count);
  fmt::format_to(std::back_inserter(out), "{}_sum{{{}}} {}\n", name, labels, h.sum);
  fmt::format_to(std::back_inserter(out), "{}_count{{{}}} {}\n", name, labels, h.count);
}

}  // namespace

std::string ServerMetrics::render(double uptime_seconds) const {
  std::string out;
  out.reserve(4096);
  std::lock_guard lock(mu_);

  write_header(out, "tinkr_http_requests_total", "counter", "HTTP requests answered, by method, route and status.");
  for (const auto& [k, n] : requests_) {
    const auto& [method, route, status] = k;
    fmt::format_to(std::back_inserter(out),
                   "tinkr_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                   escape_label_value(method), escape_label_value(route), status, n);
  }
  write_header(out, "tinkr_http_request_duration_seconds", "histogram",
               "Time from a complete request to its answer, by route.");
  for (const auto& [route, h] : request_latency_) {
    write_histogram(out, "tinkr_http_request_duration_seconds", fmt::format("route=\"{}\"", escape_label_value(route)),
                    h, kBuckets);
  }
  write_header(out, "tinkr_backend_calls_total", "counter", "Calls to the observability backend, by outcome.");
  for (const auto& [k, n] : backend_calls_) {
    const auto& [backend, op, outcome] = k;
    fmt::format_to(std::back_inserter(out),
                   "tinkr_backend_calls_total{{backend=\"{}\",operation=\"{}\",outcome=\"{}\"}} {}\n",
                   escape_label_value(backend), escape_label_value(op), outcome, n);
  }
  write_header(out, "tinkr_backend_errors_total", "counter", "Failed backend calls, by error code.");
  for (const auto& [k, n] : backend_errors_) {
    const auto& [backend, op, code] = k;
    fmt::format_to(std::back_inserter(out),
                   "tinkr_backend_errors_total{{backend=\"{}\",operation=\"{}\",code=\"{}\"}} {}\n",
                   escape_label_value(backend), escape_label_value(op), escape_label_value(code), n);
  }
  write_header(out, "tinkr_backend_call_duration_seconds", "histogram", "Backend call latency, by operation.");
  for (const auto& [k, h] : backend_latency_) {
    write_histogram(out, "tinkr_backend_call_duration_seconds",
                    fmt::format("backend=\"{}\",operation=\"{}\"", escape_label_value(k.first),
                                escape_label_value(k.second)),
                    h, kBuckets);
  }
  write_header(out, "tinkr_uptime_seconds", "gauge", "Seconds since the server started.");
  fmt::format_to(std::back_inserter(out), "tinkr_uptime_seconds {:.3f}\n", uptime_seconds);
  return out;
}

}  // namespace tinkr::server
