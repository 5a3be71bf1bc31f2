#include "backends/azure/azure_cli_credential.h"

#include <ctime>
#include <iomanip>
#include <sstream>

#include <fmt/format.h>
#include <re2/re2.h>
#include <boost/json.hpp>

#include "backends/azure/managed_identity_credential.h"
#include "backends/azure/subprocess.h"

namespace tinkr::azure {
namespace {

namespace json = boost::json;

constexpr std::string_view kLoginHint =
    "run 'az login' (and 'az account set --subscription <id>' when you have several) to sign in for local development";

// "2023-10-31 21:59:10.000000" in local time, as az prints it.
std::optional<Timestamp> parse_local_time(std::string_view text) {
  std::tm tm{};
  std::istringstream in{std::string(text)};
  in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
  if (in.fail()) return std::nullopt;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return Timestamp(std::chrono::seconds(t));
}

std::string first_line(std::string_view text) {
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.remove_prefix(1);
  std::string line(text.substr(0, text.find('\n')));
  if (line.size() > 300) line = line.substr(0, 300) + "…";
  return line;
}

}  // namespace

std::string redact_az_output(std::string_view text) {
  std::string out(text);
  static const RE2 kToken(R"re("accessToken"\s*:\s*"[^"]*("|$))re");
  RE2::GlobalReplace(&out, kToken, "\"accessToken\": \"****\"");
  static const RE2 kJwt(R"re(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)re");
  RE2::GlobalReplace(&out, kJwt, "****");
  return out;
}

Result<ParsedToken> parse_az_output(std::string_view output) {
  boost::system::error_code ec;
  json::value v = json::parse(output, ec);
  if (ec || !v.is_object()) return make_error(ErrorCode::kBackend, "az printed something that is not JSON");
  const auto& o = v.as_object();
  const json::value* token = o.if_contains("accessToken");
  if (!token || !token->is_string() || token->as_string().empty()) {
    return make_error(ErrorCode::kBackend, "az printed JSON without an accessToken");
  }
  ParsedToken out;
  out.token.token = std::string(token->as_string());
  if (auto on = json_seconds(output, "expires_on")) {
    out.token.expires_on = Timestamp(std::chrono::seconds(*on));
    return out;
  }
  const json::value* local = o.if_contains("expiresOn");
  if (local && local->is_string()) {
    if (auto t = parse_local_time(std::string_view(local->as_string()))) {
      out.token.expires_on = *t;
      return out;
    }
  }
  return make_error(ErrorCode::kBackend, "az printed a token without a readable expires_on or expiresOn");
}

AzureCliCredential::AzureCliCredential(const config::Environment& env, Clock clock, AzureCliOptions options)
    : CachedCredential("AzureCliCredential", std::move(clock)),
      path_(env.get("PATH").value_or("/usr/local/bin:/usr/bin:/bin")),
      options_(std::move(options)) {}

TokenOutcome AzureCliCredential::request_token(std::string_view scope) {
  auto az = find_on_path("az", path_);
  if (!az) {
    return TokenOutcome::not_available(
        fmt::format("Azure CLI ('az') not found on PATH; install it (https://aka.ms/azure-cli) and {}", kLoginHint));
  }
  SubprocessOptions run;
  run.cwd = "/bin";
  run.timeout = options_.timeout;
  run.env = options_.extra_env;
  run.env["AZURE_CORE_NO_COLOR"] = "true";
  run.env["PATH"] = path_;
  auto result = run_subprocess({az->string(), "account", "get-access-token", "--output", "json", "--resource",
                                scope_to_resource(scope)},
                               run);
  if (!result)
    return TokenOutcome::not_available(fmt::format("cannot run {}: {}", az->string(), result.error().message));
  if (result->timed_out) {
    return TokenOutcome::not_available(fmt::format(
        "'az account get-access-token' did not finish within {} s; check that 'az' works in a terminal, then {}",
        options_.timeout.count() / 1000.0, kLoginHint));
  }
  if (result->exit_code != 0) {
    const std::string err = redact_az_output(result->err);
    if (result->exit_code == 127) {
      return TokenOutcome::not_available(fmt::format("Azure CLI could not start (exit 127); {}", kLoginHint));
    }
    if ((err.find("az login") != std::string::npos || err.find("az account set") != std::string::npos) &&
        err.find("AADSTS") == std::string::npos) {
      return TokenOutcome::not_available(fmt::format("not signed in to the Azure CLI; {}", kLoginHint));
    }
    return TokenOutcome::not_available(
        fmt::format("'az account get-access-token' failed (exit {}): {}; {}", result->exit_code,
                    err.empty() ? std::string("no error output") : first_line(err), kLoginHint));
  }
  auto parsed = parse_az_output(result->out);
  if (!parsed) {
    return TokenOutcome::not_available(fmt::format("unexpected output from the Azure CLI ({}): '{}'",
                                                   parsed.error().message, first_line(redact_az_output(result->out))));
  }
  return TokenOutcome::success(std::move(*parsed));
}

}  // namespace tinkr::azure
