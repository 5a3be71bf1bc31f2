#include <ostream>

#include "auth/api_keys.h"
#include "server/commands.h"

namespace tinkr::server {

int run_keys_create(const KeysCreateOptions& options, std::ostream& out, std::ostream& err) {
  auto key = auth::create_key(options.subject, options.roles);
  if (!key) {
    err << "tinkr-server keys create: " << key.error().message << "\n";
    return 2;
  }
  out << "Token for " << key->entry.subject << " (shown once; store it now, e.g. TINKR_TOKEN):\n"
      << "  " << key->token << "\n\n"
      << "Add to [auth].api_keys in config.toml:\n"
      << "  " << auth::toml_entry(key->entry) << "\n\n"
      << "or to the TINKR_API_KEYS environment variable (a JSON list):\n"
      << "  [" << auth::json_entry(key->entry) << "]\n";
  return 0;
}

}  // namespace tinkr::server
