#include "server/router.h"

namespace tinkr::server {

void Router::add(Route route) { routes_.push_back(std::move(route)); }

bool Router::match_pattern(std::string_view pattern, std::string_view path,
                           std::map<std::string, std::string>* params) {
  while (true) {
    if (pattern.empty() || path.empty()) return pattern.empty() && path.empty();
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    size_t ps = pattern.find('/');
    size_t qs = path.find('/');
    std::string_view pseg = pattern.substr(0, ps);
    std::string_view qseg = path.substr(0, qs);
    if (pseg.size() >= 2 && pseg.front() == '{' && pseg.back() == '}') {
      if (qseg.empty()) return false;
      if (params) (*params)[std::string(pseg.substr(1, pseg.size() - 2))] = std::string(qseg);
    } else if (pseg != qseg) {
      return false;
    }
    pattern = ps == std::string_view::npos ? std::string_view() : pattern.substr(ps);
    path = qs == std::string_view::npos ? std::string_view() : path.substr(qs);
  }
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  m.status = 404;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!match_pattern(r.pattern, path, &params)) continue;
    if (r.method == method) {
      m.route = &r;
      m.params = std::move(params);
      m.status = 200;
      m.allowed_methods.clear();
      return m;
    }
    m.status = 405;
    m.allowed_methods.push_back(r.method);
  }
  return m;
}

}  // namespace tinkr::server
