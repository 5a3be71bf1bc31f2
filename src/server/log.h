// Structured logging for tinkr-server: one JSON object per line on stderr
// ({"time","level","msg",…fields}), through spdlog. Never pass a token, key
// or secret as a field. Thread-safe.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

namespace tinkr::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Installs the stderr JSON logger; lines below `min_level` are dropped.
void init_logging(LogLevel min_level = LogLevel::kInfo);
// Writes one line; `fields` are merged after time, level and msg.
void log_json(LogLevel level, std::string_view msg, boost::json::object fields = {});

}  // namespace tinkr::server
