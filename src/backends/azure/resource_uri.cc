#include "backends/azure/resource_uri.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "backends/azure/url_encoding.h"
#include "core/strings.h"

namespace tinkr::azure {
namespace {

struct KindName {
  std::string_view text;
  ResourceKind kind;
};

// Accepted spellings of a resource type, compared case-insensitively.
constexpr KindName kKindNames[] = {
    {"app_service", ResourceKind::kAppService},
    {"appservice", ResourceKind::kAppService},
    {"app-service", ResourceKind::kAppService},
    {"webapp", ResourceKind::kAppService},
    {"web_app", ResourceKind::kAppService},
    {"Microsoft.Web/sites", ResourceKind::kAppService},
    {"function_app", ResourceKind::kFunctionApp},
    {"functionapp", ResourceKind::kFunctionApp},
    {"function-app", ResourceKind::kFunctionApp},
    {"functions", ResourceKind::kFunctionApp},
    {"function", ResourceKind::kFunctionApp},
    {"azure_functions", ResourceKind::kFunctionApp},
    {"Microsoft.Web/sites/functionapp", ResourceKind::kFunctionApp},
    {"container_app", ResourceKind::kContainerApp},
    {"container_apps", ResourceKind::kContainerApp},
    {"containerapp", ResourceKind::kContainerApp},
    {"containerapps", ResourceKind::kContainerApp},
    {"container-app", ResourceKind::kContainerApp},
    {"Microsoft.App/containerApps", ResourceKind::kContainerApp},
    {"sql_database", ResourceKind::kSqlDatabase},
    {"sql", ResourceKind::kSqlDatabase},
    {"azure_sql", ResourceKind::kSqlDatabase},
    {"sql_db", ResourceKind::kSqlDatabase},
    {"sqldatabase", ResourceKind::kSqlDatabase},
    {"Microsoft.Sql/servers/databases", ResourceKind::kSqlDatabase},
};

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// Characters, not bytes: UTF-8 continuation bytes do not count.
size_t char_count(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Printable form of a name for error messages (controls as \xHH).
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_control(c)) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else out += c;
  }
  return out;
}

Error invalid(std::string_view what, std::string_view value, std::string_view rule) {
  return make_error(ErrorCode::kInvalidArgument, fmt::format("invalid Azure {} \"{}\": {}", what, shown(value), rule));
}

Status check_length(std::string_view what, std::string_view value, size_t min, size_t max) {
  const size_t n = char_count(value);
  if (n < min || n > max) return invalid(what, value, fmt::format("must be {}-{} characters long", min, max));
  return ok_status();
}

Status check_subscription(std::string_view s) {
  bool ok = s.size() == 36;
  for (size_t i = 0; ok && i < s.size(); ++i) {
    ok = (i == 8 || i == 13 || i == 18 || i == 23) ? s[i] == '-' : is_hex(s[i]);
  }
  if (!ok) return invalid("subscription id", s, "must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
  return ok_status();
}

// Resource groups: underscores, hyphens, periods, parentheses, and letters or
// digits (Unicode letters are accepted as non-ASCII bytes); not ending in '.'.
Status check_resource_group(std::string_view s) {
  TINKR_RETURN_IF_ERROR(check_length("resource group", s, 1, 90));
  for (char c : s) {
    if (!(is_ascii_alnum(c) || is_non_ascii(c) || c == '_' || c == '-' || c == '.' || c == '(' || c == ')'))
      return invalid("resource group", s, "may hold only letters, digits, '_', '-', '.', '(' and ')'");
  }
  if (s.back() == '.') return invalid("resource group", s, "cannot end with '.'");
  return ok_status();
}

// Microsoft.Web/sites: 2-60 alphanumerics, hyphens and Unicode characters
// that map to Punycode; not starting or ending with a hyphen.
Status check_site_name(std::string_view s) {
  TINKR_RETURN_IF_ERROR(check_length("App Service name", s, 2, 60));
  for (char c : s) {
    if (!(is_ascii_alnum(c) || is_non_ascii(c) || c == '-'))
      return invalid("App Service name", s, "may hold only letters, digits and '-'");
  }
  if (s.front() == '-' || s.back() == '-') return invalid("App Service name", s, "cannot start or end with '-'");
  return ok_status();
}

// Microsoft.App/containerApps: 2-32 lower-case letters, digits and hyphens;
// starts with a letter, ends with a letter or digit. (Names are compared
// case-insensitively by ARM, so upper-case input is let through.)
Status check_container_app_name(std::string_view s) {
  TINKR_RETURN_IF_ERROR(check_length("Container App name", s, 2, 32));
  for (char c : s) {
    if (!(is_ascii_alnum(c) || c == '-'))
      return invalid("Container App name", s, "may hold only lower-case letters, digits and '-'");
  }
  if (!is_ascii_alpha(s.front()) || s.back() == '-')
    return invalid("Container App name", s, "must start with a letter and end with a letter or digit");
  return ok_status();
}

// Microsoft.Sql/servers: 1-63 lower-case letters, digits and hyphens; not
// starting or ending with a hyphen.
Status check_sql_server_name(std::string_view s) {
  TINKR_RETURN_IF_ERROR(check_length("SQL server name", s, 1, 63));
  for (char c : s) {
    if (!(is_ascii_alnum(c) || c == '-'))
      return invalid("SQL server name", s, "may hold only lower-case letters, digits and '-'");
  }
  if (s.front() == '-' || s.back() == '-') return invalid("SQL server name", s, "cannot start or end with '-'");
  return ok_status();
}

// Microsoft.Sql/servers/databases: 1-128; none of <>*%&:\/? (nor '#', which
// no resource name may hold) or control characters; not ending in '.' or ' '.
Status check_sql_database_name(std::string_view s) {
  TINKR_RETURN_IF_ERROR(check_length("SQL database name", s, 1, 128));
  for (char c : s) {
    if (is_control(c) || std::string_view("<>*%&:\\/?#").find(c) != std::string_view::npos)
      return invalid("SQL database name", s, "cannot hold < > * % & : \\ / ? # or control characters");
  }
  if (s.back() == '.' || s.back() == ' ') return invalid("SQL database name", s, "cannot end with '.' or ' '");
  return ok_status();
}

// Any other segment of an id: what a URL path segment and ARM tolerate.
Status check_generic_name(std::string_view s) {
  TINKR_RETURN_IF_ERROR(check_length("resource name", s, 1, 260));
  for (char c : s) {
    if (is_control(c) || c == '#' || c == '?' || c == '%' || c == '\\')
      return invalid("resource name", s, "cannot hold # ? % \\ or control characters");
  }
  return ok_status();
}

Status check_provider(std::string_view s) {
  bool ok = !s.empty() && s.size() <= 128 && is_ascii_alpha(s.front());
  for (char c : s) ok = ok && (is_ascii_alnum(c) || c == '.');
  if (!ok) return invalid("resource provider namespace", s, "must look like Microsoft.Web");
  return ok_status();
}

Status check_type_segment(std::string_view s) {
  bool ok = !s.empty() && s.size() <= 128 && is_ascii_alpha(s.front());
  for (char c : s) ok = ok && is_ascii_alnum(c);
  if (!ok) return invalid("resource type", s, "must be letters and digits, like sites or containerApps");
  return ok_status();
}

// The name rules of the resource kind the id's type stands for.
Status check_names(const ResourceId& id) {
  const ResourceKind kind = id.kind();
  for (size_t i = 0; i < id.types_and_names.size(); ++i) {
    const auto& [type, name] = id.types_and_names[i];
    TINKR_RETURN_IF_ERROR(check_type_segment(type));
    Status st = ok_status();
    if (kind == ResourceKind::kAppService) st = check_site_name(name);
    else if (kind == ResourceKind::kContainerApp) st = check_container_app_name(name);
    else if (kind == ResourceKind::kSqlDatabase)
      st = i == 0 ? check_sql_server_name(name) : check_sql_database_name(name);
    else st = check_generic_name(name);
    TINKR_RETURN_IF_ERROR(st);
  }
  return ok_status();
}

std::vector<std::string_view> split_path(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) slash = s.size();
    out.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string setting(const config::ServiceConfig* settings, std::string_view key) {
  if (!settings) return {};
  auto it = settings->settings.find(key);
  return it == settings->settings.end() ? std::string() : it->second;
}

bool compatible(ResourceKind wanted, ResourceKind of_id) {
  return wanted == of_id || (wanted == ResourceKind::kFunctionApp && of_id == ResourceKind::kAppService);
}

std::string service_section(std::string_view service) {
  return fmt::format("[profiles.<profile>.services.{}]", service.empty() ? "<service>" : service);
}

}  // namespace

std::string_view resource_kind_name(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kAppService: return "app_service";
    case ResourceKind::kFunctionApp: return "function_app";
    case ResourceKind::kContainerApp: return "container_app";
    case ResourceKind::kSqlDatabase: return "sql_database";
    case ResourceKind::kOther: return "other";
  }
  return "other";
}

std::string_view resource_kind_arm_type(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kAppService:
    case ResourceKind::kFunctionApp: return "Microsoft.Web/sites";
    case ResourceKind::kContainerApp: return "Microsoft.App/containerApps";
    case ResourceKind::kSqlDatabase: return "Microsoft.Sql/servers/databases";
    case ResourceKind::kOther: return "";
  }
  return "";
}

Result<ResourceKind> parse_resource_kind(std::string_view text) {
  for (const auto& k : kKindNames) {
    if (iequals(k.text, text)) return k.kind;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("unknown Azure resource type \"{}\": use app_service (Microsoft.Web/sites), "
                                "function_app (Microsoft.Web/sites of kind functionapp), container_app "
                                "(Microsoft.App/containerApps) or sql_database (Microsoft.Sql/servers/databases), "
                                "or give the service's full resource_id",
                                shown(text)));
}

std::string ResourceId::type() const {
  std::string out = provider;
  for (const auto& tn : types_and_names) out += "/" + tn.first;
  return out;
}

std::string ResourceId::name() const { return types_and_names.empty() ? std::string() : types_and_names.back().second; }

std::string ResourceId::to_string() const {
  std::string out = "/subscriptions/" + subscription + "/resourceGroups/" + resource_group + "/providers/" + provider;
  for (const auto& [t, n] : types_and_names) out += "/" + t + "/" + n;
  return out;
}

std::string ResourceId::url_path() const {
  std::string out = "/subscriptions/" + percent_encode(subscription) + "/resourceGroups/" +
                    percent_encode(resource_group) + "/providers/" + percent_encode(provider);
  for (const auto& [t, n] : types_and_names) out += "/" + percent_encode(t) + "/" + percent_encode(n);
  return out;
}

ResourceKind ResourceId::kind() const {
  const std::string t = type();
  for (ResourceKind k : {ResourceKind::kAppService, ResourceKind::kContainerApp, ResourceKind::kSqlDatabase}) {
    if (iequals(t, resource_kind_arm_type(k))) return k;
  }
  return ResourceKind::kOther;
}

Result<ResourceId> parse_resource_id(std::string_view text) {
  constexpr std::string_view kShape =
      "a resource id looks like /subscriptions/<guid>/resourceGroups/<group>/providers/<Namespace>/<type>/<name>";
  if (text.empty() || text.front() != '/')
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("invalid Azure resource id \"{}\": {}", shown(text), kShape));
  std::string_view body = text.substr(1);
  if (!body.empty() && body.back() == '/') body.remove_suffix(1);
  const auto seg = split_path(body);
  // subscriptions/<s>/resourceGroups/<g>/providers/<ns>/<type>/<name>[/<type>/<name>]…
  if (seg.size() < 8 || seg.size() % 2 != 0 || !iequals(seg[0], "subscriptions") ||
      !iequals(seg[2], "resourceGroups") || !iequals(seg[4], "providers")) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("invalid Azure resource id \"{}\": {}", shown(text), kShape));
  }
  ResourceId id;
  id.subscription = std::string(seg[1]);
  id.resource_group = std::string(seg[3]);
  id.provider = std::string(seg[5]);
  for (size_t i = 6; i + 1 < seg.size(); i += 2) id.types_and_names.emplace_back(seg[i], seg[i + 1]);
  TINKR_RETURN_IF_ERROR(check_subscription(id.subscription));
  TINKR_RETURN_IF_ERROR(check_resource_group(id.resource_group));
  TINKR_RETURN_IF_ERROR(check_provider(id.provider));
  TINKR_RETURN_IF_ERROR(check_names(id));
  return id;
}

Result<ResourceId> make_resource_id(ResourceKind kind, std::string_view subscription, std::string_view resource_group,
                                    std::string_view name, std::string_view parent) {
  ResourceId id;
  id.subscription = std::string(subscription);
  id.resource_group = std::string(resource_group);
  switch (kind) {
    case ResourceKind::kAppService:
    case ResourceKind::kFunctionApp:
      id.provider = "Microsoft.Web";
      id.types_and_names = {{"sites", std::string(name)}};
      break;
    case ResourceKind::kContainerApp:
      id.provider = "Microsoft.App";
      id.types_and_names = {{"containerApps", std::string(name)}};
      break;
    case ResourceKind::kSqlDatabase:
      id.provider = "Microsoft.Sql";
      id.types_and_names = {{"servers", std::string(parent)}, {"databases", std::string(name)}};
      break;
    case ResourceKind::kOther:
      return make_error(ErrorCode::kInvalidArgument,
                        "a resource of another type needs its full resource_id (/subscriptions/…)");
  }
  TINKR_RETURN_IF_ERROR(check_subscription(id.subscription));
  TINKR_RETURN_IF_ERROR(check_resource_group(id.resource_group));
  TINKR_RETURN_IF_ERROR(check_names(id));
  return id;
}

Result<MetricTarget> resolve_metric_target(std::string_view service, std::string_view type_override,
                                           const config::ServiceConfig* settings, const ResourceDefaults& defaults) {
  std::string type_text(type_override);
  if (type_text.empty() && settings) type_text = settings->resource_type;
  if (type_text.empty()) type_text = defaults.resource_type;
  std::optional<ResourceKind> kind;
  if (!type_text.empty()) {
    TINKR_ASSIGN_OR_RETURN(kind, parse_resource_kind(type_text));
  }

  MetricTarget target;
  if (const std::string rid = setting(settings, "resource_id"); !rid.empty()) {
    auto id = parse_resource_id(rid);
    if (!id.ok()) {
      return make_error(ErrorCode::kConfig, fmt::format("resource_id of service {}: {}", service, id.error().message));
    }
    target.kind = kind.value_or(id->kind());
    if (kind && !compatible(*kind, id->kind())) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("service {} has resource_type {} but its resource_id is a {}: make them agree",
                                    service, resource_kind_name(*kind), id->type()));
    }
    target.id = std::move(*id);
    return target;
  }

  if (service.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Azure metrics need a service: pass one (e.g. tinkr metrics payments-api latency_p99)");
  }
  if (!kind) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("the Azure resource type of service {} is not known: add resource_type = "
                                  "\"app_service\" (or function_app, container_app, sql_database) under {}, "
                                  "pass -r/--resource-type, or set the service's full resource_id",
                                  service, service_section(service)));
  }
  std::string subscription = setting(settings, "subscription_id");
  if (subscription.empty()) subscription = defaults.subscription_id;
  if (subscription.empty()) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("no Azure subscription for the metrics of {}: set subscription_id in the profile "
                                  "(or AZURE_SUBSCRIPTION_ID), or the service's resource_id",
                                  service));
  }
  std::string group = setting(settings, "resource_group");
  if (group.empty()) group = defaults.resource_group;
  if (group.empty()) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("no Azure resource group for the metrics of {}: set resource_group in the profile "
                                  "(or AZURE_RESOURCE_GROUP) or under {}",
                                  service, service_section(service)));
  }
  std::string name = setting(settings, "resource_name");
  if (name.empty()) name = std::string(service);
  std::string server;
  if (*kind == ResourceKind::kSqlDatabase) {
    server = setting(settings, "server");
    if (server.empty()) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("the Azure SQL database {} needs its server: add server = \"<sql-server-name>\" "
                                    "under {}, or set the service's resource_id",
                                    name, service_section(service)));
    }
  }
  auto id = make_resource_id(*kind, subscription, group, name, server);
  if (!id.ok()) {
    return make_error(ErrorCode::kConfig, fmt::format("{} (service {}; set resource_name under {} if its Azure name "
                                                      "differs)",
                                                      id.error().message, service, service_section(service)));
  }
  target.kind = *kind;
  target.id = std::move(*id);
  return target;
}

}  // namespace tinkr::azure
