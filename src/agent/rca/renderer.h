// Renderer: the six sections of the root-cause report, as markdown-ish text,
// from the bundle and the Reasoner's analysis.
//
// Sections, in order: Summary, Anomalies, Root Cause (with its
// classification), Relevant Code (stack frames; source lines once a
// repository is configured), Recommended Actions, Confidence. Every claim in
// the text comes from the bundle, with its timestamp; missing evidence is
// said, not papered over. The text is not sanitized here: whoever sends it
// out (the server route) passes it through analysis/sanitizer first.
//
// Pure and deterministic; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "agent/rca/evidence.h"
#include "agent/rca/reasoner.h"

namespace tinkr::rca {

struct Section {
  std::string title;
  std::string content;
};

inline constexpr const char* kSectionTitles[] = {"Summary",       "Anomalies",           "Root Cause",
                                                 "Relevant Code", "Recommended Actions", "Confidence"};

Section render_summary(const EvidenceBundle& b, const Analysis& a);
Section render_anomalies(const EvidenceBundle& b, const Analysis& a);
Section render_root_cause(const EvidenceBundle& b, const Analysis& a);
Section render_relevant_code(const EvidenceBundle& b, const Analysis& a);
Section render_actions(const EvidenceBundle& b, const Analysis& a);
Section render_confidence(const EvidenceBundle& b, const Analysis& a);

// All six, in order.
std::vector<Section> render_report(const EvidenceBundle& b, const Analysis& a);

}  // namespace tinkr::rca
