#include "server/app.h"

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>
#include <boost/json/object.hpp>

#include "backends/registry.h"
#include "core/json.h"
#include "server/instrumented_backend.h"
#include "server/log.h"
#include "server/routes.h"

namespace tinkr::server {

Result<ObservabilityBackend*> ServerState::require_backend() const {
  if (backend) return backend.get();
  return make_error(ErrorCode::kUnavailable, "the backend is not available: " + backend_problem);
}

Result<store::EventsStore*> ServerState::require_events() const {
  if (events) return events.get();
  return make_error(ErrorCode::kUnavailable, "the events store is not available: " + events_problem);
}

double ServerState::uptime_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

std::string no_keys_message() {
  return "no API keys are configured, so every request would be refused.\n"
         "Create one with:\n"
         "  tinkr-server keys create --subject alice --role oncall\n"
         "and add the printed line to [auth].api_keys in config.toml (or the JSON form to TINKR_API_KEYS),\n"
         "or run `tinkr-server init --create-key alice:oncall`.\n"
         "For local development only, `tinkr-server start --insecure-dev` runs without keys on 127.0.0.1.";
}

Result<std::unique_ptr<App>> App::create(AppOptions options) {
  std::unique_ptr<App> app(new App());
  app->state_ = std::make_unique<ServerState>();
  ServerState& st = *app->state_;
  st.config = std::move(options.config);

  TINKR_ASSIGN_OR_RETURN(st.keys, auth::KeyStore::from_entries(st.config.api_keys));
  if (st.keys.empty()) {
    if (!options.insecure_dev) return make_error(ErrorCode::kConfig, no_keys_message());
    if (!is_loopback_host(options.host)) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("--insecure-dev serves without authentication and only binds to loopback; "
                                    "'{}' is not a loopback address (use --host 127.0.0.1)",
                                    options.host));
    }
    st.insecure_dev = true;
  }

  TINKR_ASSIGN_OR_RETURN(const config::Profile* profile,
                         config::active_profile(st.config, options.profile, options.env));
  st.profile = *profile;
  if (auto override = options.env.get("TINKR_BACKEND"); override && !override->empty()) {
    st.profile.backend = *override;
  }

  if (options.backend) {
    st.backend = instrument_backend(std::move(options.backend), st.metrics);
  } else {
    auto built = builtin_backends().create(st.profile, options.env);
    if (built) {
      st.backend = instrument_backend(std::move(*built), st.metrics);
    } else {
      st.backend_problem = built.error().message;
      log_json(LogLevel::kWarn, "backend unavailable; running degraded",
               {{"backend", st.profile.backend}, {"profile", st.profile.name}, {"reason", st.backend_problem}});
    }
  }

  std::filesystem::path db = options.events_db.value_or(config::tinkr_home() / "events.db");
  if (db != ":memory:") {
    std::error_code ec;
    std::filesystem::create_directories(db.parent_path(), ec);
  }
  auto events = store::EventsStore::open(db);
  if (events) {
    st.events = std::move(*events);
  } else {
    st.events_problem = events.error().message;
    log_json(LogLevel::kWarn, "events store unavailable", {{"path", db.string()}, {"reason", st.events_problem}});
  }

  register_routes(app->router_);
  return app;
}

bool App::is_cheap(const net::ServerRequest& request) const {
  auto m = router_.match(request.method, request.path);
  return m.route && m.route->cheap;
}

namespace {

net::ServerResponse unauthenticated(std::string_view message, bool token_given) {
  auto r = net::error_response(make_error(ErrorCode::kUnauthenticated, std::string(message)));
  r.headers.emplace_back("WWW-Authenticate",
                         token_given ? R"(Bearer realm="tinkr", error="invalid_token")" : R"(Bearer realm="tinkr")");
  return r;
}

}  // namespace

net::ServerResponse App::handle(net::ServerRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  ServerState& st = *state_;
  auto match = router_.match(request.method, request.path);
  RequestContext ctx{request, st, nullptr, {}, {}};
  net::ServerResponse response;
  std::string_view route_name = "unmatched";
  std::string subject;

  if (!match.route) {
    if (match.status == 405) {
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      response = net::error_response(
          make_error(ErrorCode::kInvalidArgument,
                     fmt::format("{} is not allowed on {}; use {}", request.method, request.path, allow)));
      response.status = 405;
      response.headers.emplace_back("Allow", allow);
    } else {
      response = net::error_response(make_error(ErrorCode::kNotFound, fmt::format("no route {} {}; see docs/api.md",
                                                                                  request.method, request.path)));
    }
  } else {
    const Route& route = *match.route;
    route_name = route.pattern;
    ctx.params = std::move(match.params);
    std::optional<auth::Principal> principal;
    bool allowed = true;
    if (route.role) {
      if (st.insecure_dev) {
        principal = auth::Principal{"insecure-dev", {auth::Role::kSreLead}};
      } else {
        auto token = auth::bearer_token(request.header("authorization"));
        if (token) principal = st.keys.authenticate(*token);
        if (!principal) {
          allowed = false;
          response = token ? unauthenticated(
                                 "the API token is not valid; ask an admin for a key "
                                 "(tinkr-server keys create)",
                                 true)
                           : unauthenticated(
                                 "missing 'Authorization: Bearer <token>'; set TINKR_TOKEN or "
                                 "[server].token for the CLI",
                                 false);
        } else if (!principal->allows(*route.role)) {
          allowed = false;
          std::string roles;
          for (auto r : principal->roles) roles += (roles.empty() ? "" : ", ") + std::string(auth::role_name(r));
          response = net::error_response(
              make_error(ErrorCode::kPermissionDenied,
                         fmt::format("{} {} needs role {} (or higher); '{}' has: {}", request.method, route.pattern,
                                     auth::role_name(*route.role), principal->subject, roles)));
        }
      }
      if (principal) subject = principal->subject;
    }
    if (allowed) {
      ctx.principal = principal ? &*principal : nullptr;
      try {
        response = route.handler(ctx);
      } catch (const std::exception& e) {
        response =
            net::error_response(make_error(ErrorCode::kInternal, std::string("unhandled exception: ") + e.what()));
      }
    }
  }

  const auto took = std::chrono::steady_clock::now() - t0;
  st.metrics.record_request(request.method, route_name, response.status, took);
  if (route_name != "/health") {  // load-balancer probes would drown the audit trail
    log_json(LogLevel::kInfo, "request",
             {{"audit", true},
              {"subject", subject},
              {"method", request.method},
              {"route", route_name},
              {"service", ctx.service},
              {"status", response.status},
              {"duration_us", std::chrono::duration_cast<std::chrono::microseconds>(took).count()},
              {"remote", request.remote_address}});
  }
  return response;
}

void App::on_rejected(const net::ServerRequest& request, int status) {
  auto m = router_.match(request.method, request.path);
  std::string_view route = m.route ? std::string_view(m.route->pattern) : std::string_view("unmatched");
  state_->metrics.record_request(request.method.empty() ? "UNKNOWN" : request.method, route, status, {});
  log_json(LogLevel::kInfo, "request",
           {{"audit", true},
            {"subject", ""},
            {"method", request.method},
            {"route", route},
            {"service", ""},
            {"status", status},
            {"duration_us", 0},
            {"remote", request.remote_address}});
}

}  // namespace tinkr::server
