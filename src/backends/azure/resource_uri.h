// Azure resource ids for the metrics API: which resource a service's metrics
// come from, checked against Azure's naming rules before any of it reaches a
// URL.
//
// A resource id comes either whole (a service's `resource_id` setting,
// "/subscriptions/<guid>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>[/<type>/<name>]…")
// or is built from the subscription, the resource group, the service's Azure
// name and its resource type:
//   app_service    Microsoft.Web/sites/<name>
//   function_app   Microsoft.Web/sites/<name>            (a site of kind functionapp)
//   container_app  Microsoft.App/containerApps/<name>
//   sql_database   Microsoft.Sql/servers/<server>/databases/<name>
// Every segment is validated with the documented rules ("Naming rules and
// restrictions for Azure resources": resource groups 1-90 letters, digits,
// _ - . ( ) not ending in '.'; sites 2-60 alphanumerics and hyphens; container
// apps 2-32 lower-case, digits, hyphens; SQL servers 1-63 lower-case, digits,
// hyphens; databases 1-128 without <>*%&:\/? or controls, not ending in '.' or
// ' '; no '#' anywhere), and the URL path is built one percent-encoded segment
// at a time. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace tinkr::azure {

enum class ResourceKind { kAppService, kFunctionApp, kContainerApp, kSqlDatabase, kOther };

// "app_service", "function_app", "container_app", "sql_database", "other".
std::string_view resource_kind_name(ResourceKind kind);
// The ARM type: "Microsoft.Web/sites", "Microsoft.App/containerApps",
// "Microsoft.Sql/servers/databases"; empty for kOther.
std::string_view resource_kind_arm_type(ResourceKind kind);
// Parses a resource type setting, case-insensitively: our names (app_service,
// function_app, container_app, sql_database), common synonyms (webapp,
// functions, containerapp, azure_sql, …) and the ARM types. The error lists
// what is accepted.
Result<ResourceKind> parse_resource_kind(std::string_view text);

// A parsed, validated ARM resource id.
struct ResourceId {
  std::string subscription;  // GUID
  std::string resource_group;
  std::string provider;                                              // "Microsoft.Web"
  std::vector<std::pair<std::string, std::string>> types_and_names;  // {"sites", "payments-api"}, …

  // "Microsoft.Web/sites", "Microsoft.Sql/servers/databases".
  std::string type() const;
  // The last name ("payments-api").
  std::string name() const;
  // The canonical id: "/subscriptions/…/resourceGroups/…/providers/…/…".
  std::string to_string() const;
  // The same with every segment percent-encoded, for a request URL path.
  std::string url_path() const;
  // The kind its ARM type stands for (Microsoft.Web/sites is kAppService).
  ResourceKind kind() const;

  friend bool operator==(const ResourceId&, const ResourceId&) = default;
};

// Parses and validates a full resource id (keys "subscriptions",
// "resourceGroups", "providers" matched case-insensitively, as ARM does). The
// error names the segment that is wrong and the rule it breaks.
Result<ResourceId> parse_resource_id(std::string_view text);

// Builds the id of a resource of `kind` (not kOther); `parent` is the SQL
// server for kSqlDatabase and ignored otherwise. Each part is validated.
Result<ResourceId> make_resource_id(ResourceKind kind, std::string_view subscription, std::string_view resource_group,
                                    std::string_view name, std::string_view parent = "");

// What the profile says when a service has no settings of its own.
struct ResourceDefaults {
  std::string subscription_id;  // profile subscription_id / AZURE_SUBSCRIPTION_ID
  std::string resource_group;   // profile resource_group / AZURE_RESOURCE_GROUP
  std::string resource_type;    // profile resource_type; may be empty
};

// The resource a service's metrics are read from, and its kind.
struct MetricTarget {
  ResourceId id;
  ResourceKind kind = ResourceKind::kOther;
};

// Resolves the target for `service`. Service settings
// ([profiles.x.services.<service>]) that count: resource_id (whole id),
// resource_type, resource_name (the Azure name when it differs from the
// service name), resource_group and subscription_id (overrides), server (the
// SQL server of a database). The kind comes from `type_override` (-r), then
// the service's resource_type, then the profile default, then the id's ARM
// type. Errors (kConfig / kInvalidArgument) say which setting to add or fix.
Result<MetricTarget> resolve_metric_target(std::string_view service, std::string_view type_override,
                                           const config::ServiceConfig* settings, const ResourceDefaults& defaults);

}  // namespace tinkr::azure
