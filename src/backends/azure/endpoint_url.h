// Endpoint URLs the Azure code is willing to talk to: https:// anywhere, plain
// http:// only to a loopback host (127.0.0.0/8, ::1, localhost), so tokens
// and queries never cross a network in clear text. Used for the cloud
// endpoints (cloud.cc) and the credential endpoints (authority host,
// IDENTITY_ENDPOINT, the IMDS override). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tinkr::azure {

// True for "localhost", an IPv4 address in 127.0.0.0/8 and "::1" / "[::1]".
bool is_loopback_host(std::string_view host);

// Checks and normalizes an endpoint setting: a bare host ("login.microsoftonline.us")
// gets https://; trailing '/' are removed; user info, query and fragment are
// refused (they would leak into logs or change the request). `setting` names
// where the value came from ("AZURE_AUTHORITY_HOST"), for the error (kConfig).
Result<std::string> normalize_endpoint_url(std::string_view value, std::string_view setting);

// The host of a URL as libcurl parses it (brackets kept for IPv6); "" when
// it cannot be parsed.
std::string url_host(std::string_view url);

}  // namespace tinkr::azure
