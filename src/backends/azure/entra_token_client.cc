#include "backends/azure/entra_token_client.h"

#include <curl/curl.h>

#include <fmt/format.h>

namespace tinkr::azure {
namespace {

std::string escape(std::string_view s) {
  char* out = curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size()));
  if (!out) return {};
  std::string r(out);
  curl_free(out);
  return r;
}

}  // namespace

std::string form_encode(const FormFields& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += escape(name);
    body += '=';
    body += escape(value);
  }
  return body;
}

bool is_valid_tenant_id(std::string_view tenant) {
  if (tenant.empty()) return false;
  for (char c : tenant) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string token_endpoint(std::string_view authority_host, std::string_view tenant) {
  return fmt::format("{}/{}/oauth2/v2.0/token", authority_host, tenant);
}

TokenOutcome request_client_credentials(const net::HttpClient& http, const ClientCredentialsRequest& r, Timestamp now) {
  FormFields fields{{"grant_type", "client_credentials"}, {"client_id", r.client_id}, {"scope", r.scope}};
  fields.insert(fields.end(), r.credential.begin(), r.credential.end());

  net::HttpRequest req;
  req.method = "POST";
  req.url = token_endpoint(r.authority_host, r.tenant_id);
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.headers.set("Accept", "application/json");
  req.body = form_encode(fields);
  req.peer_name = "Microsoft Entra ID";
  req.config_key = "AZURE_AUTHORITY_HOST";
  auto resp = http.send(req);
  if (!resp) return TokenOutcome::failed(resp.error());
  if (resp->ok()) {
    auto parsed = parse_token_response(resp->body, now, "Microsoft Entra ID");
    if (!parsed) return TokenOutcome::failed(parsed.error());
    return TokenOutcome::success(std::move(*parsed));
  }
  const std::string why = describe_error_body(resp->body);
  ErrorCode code = error_code_from_http_status(resp->status);
  if (resp->status == 400 || resp->status == 401) code = ErrorCode::kUnauthenticated;
  std::string message = fmt::format("Microsoft Entra ID ({}) answered {} for client {} in tenant {}: {}",
                                    net::display_url(req.url), resp->status, r.client_id, r.tenant_id, why);
  if (resp->status == 429) {
    message += "; Entra ID is throttling token requests: wait a minute and retry";
  } else if (resp->status >= 500) {
    message += "; Entra ID is having trouble: retry shortly";
  } else if (!r.fix_hint.empty()) {
    message += "; " + r.fix_hint;
  }
  return TokenOutcome::failed(make_error(code, std::move(message)));
}

}  // namespace tinkr::azure
