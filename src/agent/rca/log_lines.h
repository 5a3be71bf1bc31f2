// How a log message is shown to the pattern miner and in evidence lines: its
// first line, plus its last line when it holds several (a folded stack trace
// ends with the exception, "TimeoutError: … after 5000ms"). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace tinkr::rca {

// "Charge failed for order <id> | TimeoutError: fraud-check request timed out after 5000ms"
std::string summary_line(std::string_view message);

// Copies of the entries with summary_line messages (attributes dropped), for mining.
std::vector<LogEntry> summarized_for_mining(const std::vector<LogEntry>& entries);

}  // namespace tinkr::rca
