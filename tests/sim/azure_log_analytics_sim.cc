#include "sim/azure_log_analytics_sim.h"

#include <openssl/evp.h>

#include <mutex>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "sim/azure_tables.h"

namespace tinkr::sim {
namespace {

namespace json = boost::json;
using testing::RecordedRequest;
using testing::ScriptedResponse;

std::string b64url_encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> b64url_decode(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0) s += '=';
  std::string out(s.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  size_t pad = 0;
  for (size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++pad;
  len -= std::min(len, pad);
  out.resize(len);
  return out;
}

ScriptedResponse azure_error(int status, json::object error) {
  return ScriptedResponse::json(status, json::serialize(json::object{{"error", std::move(error)}}));
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::string make_test_token(std::string_view audience, Timestamp expires) {
  const std::string header = R"({"alg":"none","typ":"JWT"})";
  const std::string payload = json::serialize(json::object{{"aud", audience},
                                                           {"exp", to_unix_nanos(expires) / 1000000000},
                                                           {"iss", "https://sts.windows.net/tinkr-test/"}});
  return b64url_encode(header) + "." + b64url_encode(payload) + ".";
}

struct AzureLogAnalyticsSim::Impl {
  AzureLogAnalyticsSimOptions options;
  kql::Catalog tables;
  mutable std::mutex mu;
  int throttled = 0;
  int retry_after_s = 0;
  std::vector<std::string> queries;
  std::vector<std::string> timespans;
  std::atomic<uint64_t> correlation{0};

  Timestamp now() const { return options.now == Timestamp{} ? tinkr::now() : options.now; }

  std::string correlation_id() {
    const uint64_t n = ++correlation;
    return fmt::format("58a37988-2c05-427a-891f-{:012x}", n);
  }

  // 403 InsufficientAccessError when the identity has no read role.
  std::optional<ScriptedResponse> denied() {
    if (!options.deny_access) return std::nullopt;
    return azure_error(403, {{"message",
                              "The provided credentials have insufficient access to perform the requested "
                              "operation"},
                             {"code", "InsufficientAccessError"},
                             {"correlationId", correlation_id()}});
  }

  std::optional<ScriptedResponse> check_auth(const RecordedRequest& r) {
    const std::string auth = r.header("Authorization");
    if (auth.empty()) {
      return azure_error(401, {{"code", "AuthenticationFailed"},
                               {"message", "Authentication failed. The 'Authorization' header is missing."}});
    }
    const json::object invalid{{"code", "InvalidAuthenticationToken"}, {"message", "The access token is invalid."}};
    if (auth.rfind("Bearer ", 0) != 0) return azure_error(403, invalid);
    const std::string token = auth.substr(7);
    if (!options.accept_opaque_prefix.empty() && token.rfind(options.accept_opaque_prefix, 0) == 0 &&
        token.find('.') == std::string::npos) {
      return denied();
    }
    const size_t a = token.find('.');
    const size_t b = a == std::string::npos ? a : token.find('.', a + 1);
    if (b == std::string::npos) return azure_error(403, invalid);
    auto payload = b64url_decode(std::string_view(token).substr(a + 1, b - a - 1));
    if (!payload) return azure_error(403, invalid);
    boost::system::error_code ec;
    json::value claims = json::parse(*payload, ec);
    if (ec || !claims.is_object()) return azure_error(403, invalid);
    const auto& o = claims.get_object();
    const auto* aud = o.if_contains("aud");
    const std::string audience = aud && aud->is_string() ? std::string(aud->get_string()) : std::string();
    if (trim_slash(audience) != trim_slash(options.audience)) {
      return azure_error(403,
                         {{"code", "InvalidAuthenticationTokenAudience"},
                          {"message",
                           fmt::format("The access token has been obtained from wrong audience or resource '{}'. It "
                                       "should exactly match (including forward slash) with one of the allowed "
                                       "audiences '{}','{}/'.",
                                       audience, options.audience, trim_slash(options.audience))}});
    }
    if (const auto* exp = o.if_contains("exp");
        exp && exp->is_int64() && exp->get_int64() * 1000000000 < to_unix_nanos(tinkr::now())) {
      return azure_error(403, invalid);
    }
    return denied();
  }

  ScriptedResponse bad_argument(json::object inner) {
    return azure_error(400, {{"message", "The request had some invalid properties"},
                             {"code", "BadArgumentError"},
                             {"correlationId", correlation_id()},
                             {"innererror", std::move(inner)}});
  }

  std::optional<TimeRange> parse_timespan(const std::string& text, bool& ok) const {
    ok = true;
    const size_t slash = text.find('/');
    if (slash == std::string::npos) {
      auto d = parse_duration(text);
      if (!d.ok() || text.empty() || text[0] != 'P') {
        ok = false;
        return std::nullopt;
      }
      return TimeRange{now() - *d, now()};
    }
    auto from = parse_rfc3339(text.substr(0, slash));
    const std::string rest = text.substr(slash + 1);
    if (!from.ok()) {
      ok = false;
      return std::nullopt;
    }
    if (!rest.empty() && rest[0] == 'P') {
      auto d = parse_duration(rest);
      if (!d.ok()) {
        ok = false;
        return std::nullopt;
      }
      return TimeRange{*from, *from + *d};
    }
    auto to = parse_rfc3339(rest);
    if (!to.ok() || *to < *from) {
      ok = false;
      return std::nullopt;
    }
    return TimeRange{*from, *to};
  }

  ScriptedResponse query(const RecordedRequest& r) {
    if (r.method != "POST" && r.method != "GET") {
      return azure_error(405, {{"code", "MethodNotAllowed"}, {"message", "The requested method is not allowed"}});
    }
    if (auto denied = check_auth(r)) return *denied;
    {
      std::lock_guard lock(mu);
      if (throttled > 0) {
        --throttled;
        ScriptedResponse t =
            azure_error(429, {{"code", "ThrottledError"},
                              {"message",
                               "Your request has been throttled. Please retry after the period given in Retry-After"},
                              {"correlationId", correlation_id()}});
        t.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
        return t;
      }
    }
    if (r.method != "POST") {
      return bad_argument({{"code", "NotSupported"}, {"message", "This simulator accepts the POST form only"}});
    }
    if (r.header("Content-Type").find("application/json") == std::string::npos) {
      return azure_error(415, {{"code", "UnsupportedMediaType"},
                               {"message", "The request's Content-Type must be application/json"}});
    }
    boost::system::error_code ec;
    json::value body = json::parse(r.body, ec);
    const json::value* q = (!ec && body.is_object()) ? body.get_object().if_contains("query") : nullptr;
    if (q == nullptr || !q->is_string() || q->get_string().empty()) {
      return bad_argument({{"code", "QueryValidationError"}, {"message", "The 'query' property is required"}});
    }
    const std::string text(q->get_string());
    std::string timespan_text;
    if (const auto* ts = body.get_object().if_contains("timespan")) {
      if (!ts->is_string()) {
        return bad_argument({{"code", "QueryValidationError"}, {"message", "'timespan' must be a string"}});
      }
      timespan_text = std::string(ts->get_string());
    }
    {
      std::lock_guard lock(mu);
      queries.push_back(text);
      timespans.push_back(timespan_text);
    }
    std::optional<TimeRange> timespan;
    if (!timespan_text.empty()) {
      bool ok = true;
      timespan = parse_timespan(timespan_text, ok);
      if (!ok) {
        return bad_argument({{"code", "QueryValidationError"},
                             {"message", fmt::format("Invalid timespan '{}': expected an ISO 8601 duration or "
                                                     "interval",
                                                     timespan_text)}});
      }
    }

    kql::Outcome out = kql::run(tables, text, now(), timespan);
    if (out.error) {
      const kql::QueryError& e = *out.error;
      json::object leaf{{"code", e.syntax ? "SYN0002" : "SEM0100"},
                        {"message", e.message},
                        {"line", 1},
                        {"pos", e.pos}};
      if (!e.token.empty()) leaf["token"] = e.token;
      return bad_argument(
          {{"code", e.syntax ? "SyntaxError" : "SemanticError"},
           {"message", e.syntax ? "A recognition error occurred in the query." : "A semantic error occurred."},
           {"innererror", std::move(leaf)}});
    }
    kql::Table& t = *out.table;
    bool cut = false;
    if (t.rows.size() > options.max_result_rows) {
      t.rows.resize(options.max_result_rows);
      cut = true;
    }
    json::array columns;
    for (const auto& c : t.columns) columns.push_back(json::object{{"name", c.name}, {"type", c.type}});
    json::array rows;
    rows.reserve(t.rows.size());
    for (const auto& row : t.rows) {
      json::array out_row;
      out_row.reserve(row.size());
      for (size_t i = 0; i < row.size(); ++i) out_row.push_back(kql::encode(row[i], t.columns[i].type));
      rows.push_back(std::move(out_row));
    }
    json::object answer{{"tables", json::array{json::object{{"name", "PrimaryResult"},
                                                            {"columns", std::move(columns)},
                                                            {"rows", std::move(rows)}}}}};
    if (cut) {
      answer["error"] = json::object{
          {"code", "PartialError"},
          {"message", "There were some errors when processing your query."},
          {"details",
           json::array{json::object{
               {"code", "EngineError"},
               {"message", "Something went wrong processing your query on the server."},
               {"innererror",
                json::object{{"code", "-2133196797"},
                             {"message", fmt::format("Query result set has exceeded the internal record count limit "
                                                     "{} (E_QUERY_RESULT_SET_TOO_LARGE; see "
                                                     "https://aka.ms/kustoquerylimits)",
                                                     options.max_result_rows)},
                             {"severity", 2},
                             {"severityName", "Error"}}}}}}};
    }
    return ScriptedResponse::json(200, json::serialize(answer));
  }

  // Any other path, another workspace included (see the header for the sources).
  ScriptedResponse other(const RecordedRequest& r) {
    static const std::string kPrefix = "/v1/workspaces/";
    if (r.path.rfind(kPrefix, 0) == 0) {
      if (auto denied = check_auth(r)) return *denied;
    }
    return azure_error(404, {{"code", "PathNotFoundError"}, {"message", "The requested path does not exist"}});
  }
};

AzureLogAnalyticsSim::AzureLogAnalyticsSim(kql::Catalog tables, AzureLogAnalyticsSimOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->tables = std::move(tables);
  const std::string path = "/v1/workspaces/" + impl_->options.workspace_id + "/query";
  Impl* impl = impl_.get();
  for (const char* method : {"POST", "GET", "PUT", "DELETE"}) {
    server_.route(method, path, [impl](const RecordedRequest& r) { return impl->query(r); });
  }
  server_.fallback([impl](const RecordedRequest& r) { return impl->other(r); });
}

AzureLogAnalyticsSim::AzureLogAnalyticsSim(const std::vector<LogEntry>& logs, const std::vector<Trace>& traces,
                                           AzureLogAnalyticsSimOptions options)
    : AzureLogAnalyticsSim(render_azure_tables(logs, traces), std::move(options)) {}

AzureLogAnalyticsSim::~AzureLogAnalyticsSim() = default;

const AzureLogAnalyticsSimOptions& AzureLogAnalyticsSim::options() const { return impl_->options; }

void AzureLogAnalyticsSim::throttle(int count, int retry_after_s) {
  std::lock_guard lock(impl_->mu);
  impl_->throttled = count;
  impl_->retry_after_s = retry_after_s;
}

std::vector<std::string> AzureLogAnalyticsSim::queries() const {
  std::lock_guard lock(impl_->mu);
  return impl_->queries;
}

std::vector<std::string> AzureLogAnalyticsSim::timespans() const {
  std::lock_guard lock(impl_->mu);
  return impl_->timespans;
}

}  // namespace tinkr::sim
