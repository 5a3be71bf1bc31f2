// Token answers of the Azure identity endpoints, parsed into an AccessToken,
// and their error bodies turned into messages a person can act on.
//
// The three endpoints disagree on types (see ../shared/conformance/azure-identity
// README, "parser traps"): Entra ID v2.0 sends expires_in / ext_expires_in /
// refresh_in as JSON numbers; IMDS sends expires_in, expires_on and not_before
// as strings holding integers; App Service (api-version 2019-08-01) sends only
// expires_on, a string of epoch seconds. Every field is accepted as a number
// or a numeric string. Token values never appear in an error. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "backends/azure/credential.h"
#include "core/result.h"

namespace tinkr::azure {

struct ParsedToken {
  AccessToken token;
  std::optional<Timestamp> refresh_on;  // Entra's refresh_in hint, when sent
};

// Parses a 200 answer of any of the three endpoints. `peer` names the
// endpoint for the error ("Microsoft Entra ID", "IMDS"). kBackend when the
// body is not JSON, has no access_token, or no usable expiry.
Result<ParsedToken> parse_token_response(std::string_view body, Timestamp now, std::string_view peer);

// An OAuth error body ({"error","error_description","error_codes",…}) in one
// line: "invalid_client: AADSTS7000215: Invalid client secret provided." (the
// Trace ID / Correlation ID / Timestamp lines dropped). Other JSON shapes:
// "message" (App Service) or the first 200 bytes of the body.
std::string describe_error_body(std::string_view body);

// The JSON value as whole seconds: a number or a string holding one.
std::optional<long long> json_seconds(std::string_view body, std::string_view field);

}  // namespace tinkr::azure
