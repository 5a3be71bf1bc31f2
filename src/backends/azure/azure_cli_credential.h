// AzureCliCredential (azure-identity): the token of the account signed in
// with `az login`, for local development. Runs, without a shell,
//   az account get-access-token --output json --resource <uri>
// (az found on PATH; working directory /bin as the SDK does; stdin
// /dev/null; AZURE_CORE_NO_COLOR=true; 10 s deadline) and reads
//   {"accessToken","expiresOn":"2023-10-31 21:59:10.000000","expires_on":1698760750,…}
// preferring expires_on (CLI >= 2.54, epoch seconds) over expiresOn (local
// time without zone, the only field before 2.54).
//
// As a member of DefaultAzureCredential every failure is "unavailable" (the
// SDK's within-chain rule): az missing, not logged in ("run az login"),
// timed out, or unexpected output. stderr is shown with any token redacted.
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "backends/azure/cached_credential.h"
#include "config/config.h"

namespace tinkr::azure {

struct AzureCliOptions {
  std::chrono::milliseconds timeout{10000};
  std::map<std::string, std::string> extra_env;  // set for the az process (tests drive the stand-in with it)
};

// Parses az's JSON output (both formats); kBackend when it is not a token.
Result<ParsedToken> parse_az_output(std::string_view output);

// Removes token values ("accessToken": "…") from text shown to people.
std::string redact_az_output(std::string_view text);

class AzureCliCredential : public CachedCredential {
 public:
  // PATH is taken from `env` (the process environment first).
  AzureCliCredential(const config::Environment& env, Clock clock, AzureCliOptions options = {});

 protected:
  TokenOutcome request_token(std::string_view scope) override;

 private:
  std::string path_;
  AzureCliOptions options_;
};

}  // namespace tinkr::azure
