#include "cli/api_client.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "core/json.h"

namespace tinkr::cli {

net::HttpClientOptions ApiClient::default_http_options() {
  net::HttpClientOptions options;
  options.plain_http = net::PlainHttp::kBuiltin;
  return options;
}

ApiClient::ApiClient(Connection connection, net::HttpClientOptions options)
    : connection_(std::move(connection)), http_(std::move(options)) {}

net::HttpRequest ApiClient::make_request(std::string method, std::string_view path, bool with_token) const {
  net::HttpRequest r;
  r.method = std::move(method);
  r.url = connection_.server + std::string(path);
  r.peer_name = "the Tinkr server";
  r.config_key = connection_.profile.empty() ? "--server / TINKR_SERVER_URL"
                                             : "the server URL of profile '" + connection_.profile + "'";
  r.headers.add("Accept", "application/json");
  if (with_token && !connection_.token.empty()) r.headers.add("Authorization", net::bearer_auth(connection_.token));
  r.timeout = net::Millis(120000);
  return r;
}

Error ApiClient::answer_error(const net::HttpResponse& response) const {
  Error e = net::error_from_response(response, "the Tinkr server at " + net::display_url(connection_.server));
  if (response.status == 401 && connection_.token.empty() && !connection_.token_problem.empty()) {
    e.message += " (" + connection_.token_problem + ")";
  }
  return e;
}

Result<boost::json::value> ApiClient::parse(const net::HttpResponse& response) const {
  if (!response.ok()) return answer_error(response);
  return parse_body(response.body);
}

Result<boost::json::value> ApiClient::parse_body(std::string_view text) const {
  // One arena for the whole answer (1,000 log lines are ~20,000 values):
  // no allocation or free per value.
  boost::system::error_code ec;
  namespace json = boost::json;
  json::value v = json::parse(text, ec, json::make_shared_resource<json::monotonic_resource>());
  if (ec) {
    return make_error(ErrorCode::kBackend,
                      "the server at " + net::display_url(connection_.server) +
                          " answered with something that is not JSON: is --server a Tinkr server?");
  }
  return v;
}

Result<boost::json::value> ApiClient::get(std::string_view path, bool with_token) const {
  TINKR_ASSIGN_OR_RETURN(auto response, http_.send(make_request("GET", path, with_token)));
  return parse(response);
}

Result<std::string> ApiClient::post_text(std::string_view path, const boost::json::value& body) const {
  net::HttpRequest r = make_request("POST", path, true);
  r.headers.add("Content-Type", "application/json");
  r.body = to_json_string(body);
  // One more try only when the server could not be reached. Its answers are
  // final: it already retried its backend (honouring Retry-After), so asking
  // again after a 429/500/502/503/504 would only double the wait and the load.
  r.retry = net::RetryPolicy::none();
  r.retry->max_attempts = 2;
  r.retry->retry_statuses = false;
  TINKR_ASSIGN_OR_RETURN(auto response, http_.send(r));
  if (!response.ok()) return answer_error(response);
  return std::move(response.body);
}

Result<boost::json::value> ApiClient::post(std::string_view path, const boost::json::value& body) const {
  TINKR_ASSIGN_OR_RETURN(auto text, post_text(path, body));
  return parse_body(text);
}

Status ApiClient::stream(std::string_view path, const boost::json::value& body,
                         const std::function<bool(const net::SseEvent&)>& on_event,
                         const std::atomic<bool>* cancel) const {
  net::HttpRequest r = make_request("POST", path, true);
  r.headers.set("Accept", "text/event-stream");
  r.headers.add("Content-Type", "application/json");
  r.body = to_json_string(body);
  r.timeout = net::Millis(0);  // open-ended
  r.cancel = cancel;
  TINKR_ASSIGN_OR_RETURN(auto response, http_.stream_sse(r, on_event));
  if (!response.ok()) return answer_error(response);
  return ok_status();
}

}  // namespace tinkr::cli
