#include "server/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include "core/time.h"

namespace tinkr::server {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view level_text(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("tinkr", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return instance;
}

}  // namespace

void init_logging(LogLevel min_level) { logger()->set_level(to_spdlog(min_level)); }

void log_json(LogLevel level, std::string_view msg, boost::json::object fields) {
  auto l = logger();
  if (!l->should_log(to_spdlog(level))) return;
  boost::json::object line;
  line.reserve(fields.size() + 3);
  line["time"] = format_rfc3339(now(), 6);
  line["level"] = level_text(level);
  line["msg"] = msg;
  for (auto& field : fields) line[field.key()] = std::move(field.value());
  l->log(to_spdlog(level), "{}", boost::json::serialize(line));
}

}  // namespace tinkr::server
