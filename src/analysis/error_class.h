// Error classes: why something failed, from log lines and stack traces.
//
// Classes: dependency_down, timeout, resource_exhaustion (memory, pool, disk,
// rate limit), config_error, logic_bug, deploy_regression, unknown. A fixed,
// ordered list of phrase rules (case-insensitive RE2 patterns, matched all at
// once with RE2::Set, so linear in the text) votes for classes; each result
// names the rule and phrase that matched and the evidence lines, with a
// confidence in [0, 1] that grows with the rule's strength and the number of
// agreeing lines. deploy_regression needs context: when deploy times are
// given and an error pattern (a log template) first appears within the window
// after a deploy while absent before it, the errors of that pattern are
// classified deploy_regression, the phrase class kept as `underlying`.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/stacktrace.h"
#include "core/model.h"
#include "core/time.h"

namespace tinkr::analysis {

enum class ErrorClass {
  kDependencyDown,
  kTimeout,
  kResourceExhaustion,
  kConfigError,
  kLogicBug,
  kDeployRegression,
  kUnknown,
};

// "dependency_down", "timeout", "resource_exhaustion", "config_error",
// "logic_bug", "deploy_regression", "unknown".
std::string_view error_class_name(ErrorClass c);

struct Classification {
  ErrorClass error_class = ErrorClass::kUnknown;
  std::string subclass;   // resource_exhaustion: "memory", "pool", "disk", "rate_limit", "file_descriptors", "cpu"
  double confidence = 0;  // in [0, 1]
  std::string rule;       // the rule that decided ("connection_refused"), empty for unknown
  std::string matched;    // the text it matched in the evidence ("Connection refused")
  std::vector<std::string> evidence;  // the lines that led to it
};

// Classifies one message (a log line, or a whole folded trace).
Classification classify_message(std::string_view message);
// Classifies one parsed trace (its type and message, and its causes).
Classification classify_trace(const StackTrace& trace);

struct ClassifyOptions {
  std::vector<Timestamp> deploy_times;                 // when deploys happened (any order)
  Nanos regression_window = std::chrono::minutes(30);  // how soon after a deploy a new pattern counts
  Level min_level = Level::kError;                     // entries below are ignored (kUnknown levels are read too)
  size_t max_evidence = 5;                             // evidence lines per class
};

struct ErrorClassReport {
  Classification classification;
  uint64_t count = 0;  // error entries in this class
  std::optional<Timestamp> first_seen;
  std::optional<Timestamp> last_seen;
  ErrorClass underlying = ErrorClass::kUnknown;  // for deploy_regression: the phrase class
  std::optional<Timestamp> deploy_time;          // for deploy_regression: the deploy it follows
};

// Classifies the error entries (folding stack traces first) and aggregates
// them by class; reports by count descending, then class.
std::vector<ErrorClassReport> classify_errors(const std::vector<LogEntry>& entries,
                                              const ClassifyOptions& options = {});

}  // namespace tinkr::analysis
