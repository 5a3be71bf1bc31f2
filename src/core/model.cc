#include "core/model.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/strings.h"

namespace tinkr {
namespace {

template <size_t N>
bool any_of(std::string_view text, const std::array<std::string_view, N>& names) {
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(text, n); });
}

}  // namespace

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kTrace: return "TRACE";
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarn: return "WARN";
    case Level::kError: return "ERROR";
    case Level::kCritical: return "CRITICAL";
    case Level::kUnknown: break;
  }
  return "UNKNOWN";
}

Level parse_level(std::string_view t) {
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  if (t.size() == 1 && t[0] >= '0' && t[0] <= '7') {  // syslog severities
    static constexpr Level kSyslog[] = {Level::kCritical, Level::kCritical, Level::kCritical, Level::kError,
                                        Level::kWarn,     Level::kInfo,     Level::kInfo,     Level::kDebug};
    return kSyslog[t[0] - '0'];
  }
  static constexpr std::array<std::string_view, 3> kTrace = {"trace", "trc", "finest"};
  static constexpr std::array<std::string_view, 5> kDebug = {"debug", "dbg", "verbose", "fine", "finer"};
  static constexpr std::array<std::string_view, 6> kInfo = {"info",   "information", "informational",
                                                            "notice", "inf",         "i"};
  static constexpr std::array<std::string_view, 4> kWarn = {"warn", "warning", "wrn", "w"};
  static constexpr std::array<std::string_view, 5> kError = {"error", "err", "severe", "e", "eror"};
  static constexpr std::array<std::string_view, 8> kCrit = {"critical",  "crit",  "fatal", "emerg",
                                                            "emergency", "alert", "panic", "f"};
  if (any_of(t, kError)) return Level::kError;
  if (any_of(t, kWarn)) return Level::kWarn;
  if (any_of(t, kInfo)) return Level::kInfo;
  if (any_of(t, kDebug)) return Level::kDebug;
  if (any_of(t, kCrit)) return Level::kCritical;
  if (any_of(t, kTrace)) return Level::kTrace;
  return Level::kUnknown;
}

Level level_from_otel_severity(int severity_number) {
  if (severity_number <= 0) return Level::kUnknown;
  if (severity_number <= 4) return Level::kTrace;
  if (severity_number <= 8) return Level::kDebug;
  if (severity_number <= 12) return Level::kInfo;
  if (severity_number <= 16) return Level::kWarn;
  if (severity_number <= 20) return Level::kError;
  return Level::kCritical;
}

std::string_view span_kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::kInternal: return "internal";
    case SpanKind::kServer: return "server";
    case SpanKind::kClient: return "client";
    case SpanKind::kProducer: return "producer";
    case SpanKind::kConsumer: return "consumer";
    case SpanKind::kUnspecified: break;
  }
  return "unspecified";
}

SpanKind parse_span_kind(std::string_view t) {
  if (t.substr(0, 10) == "SPAN_KIND_") t.remove_prefix(10);
  if (iequals(t, "internal") || t == "1") return SpanKind::kInternal;
  if (iequals(t, "server") || t == "2") return SpanKind::kServer;
  if (iequals(t, "client") || t == "3") return SpanKind::kClient;
  if (iequals(t, "producer") || t == "4") return SpanKind::kProducer;
  if (iequals(t, "consumer") || t == "5") return SpanKind::kConsumer;
  return SpanKind::kUnspecified;
}

std::string_view span_status_name(SpanStatus s) {
  switch (s) {
    case SpanStatus::kOk: return "ok";
    case SpanStatus::kError: return "error";
    case SpanStatus::kUnset: break;
  }
  return "unset";
}

SpanStatus parse_span_status(std::string_view t) {
  if (t.substr(0, 12) == "STATUS_CODE_") t.remove_prefix(12);
  if (iequals(t, "ok") || t == "1") return SpanStatus::kOk;
  if (iequals(t, "error") || t == "2") return SpanStatus::kError;
  return SpanStatus::kUnset;
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
    case Severity::kLow: break;
  }
  return "low";
}

Result<Severity> parse_severity(std::string_view t) {
  if (iequals(t, "low")) return Severity::kLow;
  if (iequals(t, "medium")) return Severity::kMedium;
  if (iequals(t, "high")) return Severity::kHigh;
  if (iequals(t, "critical")) return Severity::kCritical;
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown severity '" + std::string(t) + "'; expected low, medium, high or critical");
}

void summarize_trace(Trace& trace) {
  if (trace.spans.empty()) return;
  const Span* root = nullptr;
  Timestamp first = trace.spans.front().start;
  Timestamp last = trace.spans.front().end();
  bool error = false;
  for (const auto& s : trace.spans) {
    first = std::min(first, s.start);
    last = std::max(last, s.end());
    error = error || s.status == SpanStatus::kError;
    if (s.parent_span_id.empty() && (!root || s.start < root->start)) root = &s;
  }
  if (!root) {
    root = &*std::min_element(trace.spans.begin(), trace.spans.end(),
                              [](const Span& a, const Span& b) { return a.start < b.start; });
  }
  if (trace.trace_id.empty()) trace.trace_id = root->trace_id;
  trace.root_service = root->service;
  trace.root_name = root->name;
  trace.start = first;
  trace.duration = last - first;
  trace.has_error = error;
}

}  // namespace tinkr
