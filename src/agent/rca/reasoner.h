// Reasoner: from an EvidenceBundle to ranked root-cause hypotheses, without
// an LLM.
//
// It dates the incident (onset: the earliest of the target's error rise, the
// first line of its top new error patterns and the rise of its error metrics),
// finds which service failed first (earliest onset among the target and its
// callers/callees; a tie within a minute goes to the callee, since errors
// travel upwards), and scores one hypothesis per candidate cause: a deploy or
// change shortly before the onset, each error class seen in the incident
// (timeout, dependency_down, resource_exhaustion, config_error, logic_bug),
// and a fault that started in another service. Scores in [0, 1] weigh the
// strength of the evidence and its timing; every hypothesis carries the
// evidence lines (with timestamps) it rests on, and nothing is claimed that
// the bundle does not show: no deploy is invented, thin evidence and gaps
// lower the confidence.
//
// Pure and deterministic: the same bundle gives the same analysis. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/rca/evidence.h"
#include "core/time.h"

namespace tinkr::rca {

struct EvidenceLine {
  std::optional<Timestamp> time;
  std::string text;
};

struct Hypothesis {
  std::string kind;               // "deploy_regression", "timeout", "dependency_down", "resource_exhaustion",
                                  // "config_error", "logic_bug", "upstream_fault", "unknown"
  std::string classification;     // the error class the report states (analysis/error_class.h names)
  std::string service;            // where the fault is
  std::string component;          // the dependency involved ("fraud-check"), when known
  std::string version;            // deploy_regression: the version deployed, when known
  std::string mechanism;          // deploy_regression: the error class it introduced ("timeout")
  std::string title;              // one line, with the numbers
  double score = 0;               // in [0, 1]
  std::optional<Timestamp> time;  // when it happened (the deploy, the first error of the class)
  std::vector<EvidenceLine> evidence;
};

enum class ConfidenceLevel { kLow, kMedium, kHigh };
std::string_view confidence_name(ConfidenceLevel c);  // "low", "medium", "high"

struct Analysis {
  std::vector<Hypothesis> hypotheses;  // best first
  std::optional<Timestamp> onset;
  std::string onset_source;           // what dated it: "error log volume", "new error pattern", …
  std::string first_failing_service;  // empty when no onset was found for any service
  bool errors_rose = false;           // any sign of an incident at all
  ConfidenceLevel confidence = ConfidenceLevel::kLow;
  double confidence_score = 0;
  std::vector<std::string> confidence_reasons;  // why, in words (gaps, margin, thin evidence)

  const Hypothesis* top() const { return hypotheses.empty() ? nullptr : &hypotheses.front(); }
};

Analysis reason(const EvidenceBundle& bundle);

}  // namespace tinkr::rca
