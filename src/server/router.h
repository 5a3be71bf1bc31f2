// Router: the route table of tinkr-server. A route is a method, a path
// pattern ("/api/v1/traces/{id}": literal segments and {name} captures of one
// segment), the role it needs (none for public routes) and a handler.
// Adding a route is one line in routes.cc (see register_routes there).
//
// match() distinguishes a path no route has (404) from a path that exists for
// other methods (405, with the allowed methods). Immutable once built; safe to
// share between threads.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/api_keys.h"
#include "net/http_server.h"

namespace tinkr::server {

struct ServerState;

// What a handler sees of one request.
struct RequestContext {
  net::ServerRequest& request;
  ServerState& state;
  const auth::Principal* principal = nullptr;  // null on public routes or in --insecure-dev
  std::map<std::string, std::string> params;   // {name} captures, not decoded
  std::string service;                         // set by handlers for the audit line
};

using RouteHandler = std::function<net::ServerResponse(RequestContext&)>;

struct Route {
  std::string method;              // "GET", "POST", …
  std::string pattern;             // "/api/v1/traces/{id}"
  std::optional<auth::Role> role;  // nullopt: public (no token needed)
  RouteHandler handler;
  bool cheap = false;  // never blocks: may run on the I/O thread
};

class Router {
 public:
  void add(Route route);

  struct Match {
    const Route* route = nullptr;  // set when found
    std::map<std::string, std::string> params;
    int status = 200;                          // 404 or 405 when route is null
    std::vector<std::string> allowed_methods;  // for 405
  };
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  static bool match_pattern(std::string_view pattern, std::string_view path,
                            std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
};

}  // namespace tinkr::server
