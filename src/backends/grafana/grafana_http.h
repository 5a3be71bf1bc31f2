// SignalClient: the HTTP calls to one Grafana-stack component (Loki,
// Prometheus or Tempo): the base URL from the profile, the auth and tenant
// headers, query parameters percent-encoded by libcurl, the per-request
// timeout, and errors that name the component and the setting to fix.
//
// Transport errors (down, slow, oversized, TLS) come from net::HttpClient,
// which also retries 429/5xx honouring Retry-After; this layer adds the
// component's name, the config key and, for non-2xx answers, the component's
// own error text (Loki and Tempo answer text/plain, Prometheus
// {"status":"error","errorType","error"}). Thread-safe: immutable after
// construction; the HttpClient is shared.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/grafana/grafana_options.h"
#include "core/result.h"
#include "net/http_client.h"

namespace tinkr::grafana {

// Query parameters in order; values are raw (encoded when the URL is built).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y": each name and value percent-encoded (RFC 3986 unreserved kept).
std::string encode_query(const QueryParams& params);
// One path segment percent-encoded ("a/b" -> "a%2Fb").
std::string encode_path_segment(std::string_view segment);

// The Error for a non-2xx answer of a component, code from the status (and
// from Prometheus' errorType), message with the component's own words and
// what to do (auth keys for 401/403, the URL key for 404).
Error component_error(const Endpoint& endpoint, const net::HttpResponse& response, std::string_view what);

class SignalClient {
 public:
  SignalClient(const GrafanaOptions& options, Signal signal, std::shared_ptr<const net::HttpClient> http);

  // kConfig naming the key (and env var) when the component has no URL.
  Status configured() const;

  // GET <base><path>?<params>. Any HTTP status is an answer; errors are
  // transport failures only, with the component named.
  Result<net::HttpResponse> get(std::string_view path, const QueryParams& params, const net::Headers& extra = {}) const;

  // GET, and a non-2xx answer becomes component_error(); returns the body.
  Result<std::string> get_ok(std::string_view path, const QueryParams& params, std::string_view what,
                             const net::Headers& extra = {}) const;

  const Endpoint& endpoint() const { return endpoint_; }
  std::string_view name() const { return signal_display_name(endpoint_.signal); }
  // A kBackend error for an answer that is not the component's JSON.
  Error garbage(std::string_view what, std::string_view detail) const;

 private:
  Endpoint endpoint_;
  std::string profile_name_;
  net::Millis timeout_;
  std::shared_ptr<const net::HttpClient> http_;
};

}  // namespace tinkr::grafana
