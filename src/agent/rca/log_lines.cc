#include "agent/rca/log_lines.h"

namespace tinkr::rca {

std::string summary_line(std::string_view message) {
  auto first_end = message.find('\n');
  if (first_end == std::string_view::npos) return std::string(message);
  std::string_view rest = message;
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r' || rest.back() == ' ')) rest.remove_suffix(1);
  std::string out(message.substr(0, first_end));
  if (!out.empty() && out.back() == '\r') out.pop_back();
  auto last_start = rest.rfind('\n');
  if (last_start != std::string_view::npos && last_start >= first_end && last_start + 1 < rest.size()) {
    std::string_view last = rest.substr(last_start + 1);
    while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
    out += " | ";
    out += last;
  }
  return out;
}

std::vector<LogEntry> summarized_for_mining(const std::vector<LogEntry>& entries) {
  std::vector<LogEntry> out;
  out.reserve(entries.size());
  for (const auto& e : entries) {
    LogEntry m;
    m.time = e.time;
    m.service = e.service;
    m.level = e.level;
    m.message = summary_line(e.message);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace tinkr::rca
