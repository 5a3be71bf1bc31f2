// The evidence-based root-cause report, end to end: collect the evidence,
// reason over it, render the six sections — each handed to the sink as soon
// as it is written.
//
// This is the report without an LLM; the LLM agent starts from the same
// EvidenceBundle. The sink sees raw text: a caller that sends it out (the
// server's /api/v1/rca route) sanitizes it first. Thread-safe as far as the
// backend and the events store are.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agent/rca/collector.h"
#include "agent/rca/evidence.h"
#include "agent/rca/reasoner.h"
#include "agent/rca/renderer.h"

namespace tinkr::rca {

// Receives each section when ready; returns false to stop (the client left).
using SectionSink = std::function<bool(const Section&)>;

struct RcaReport {
  EvidenceBundle bundle;
  Analysis analysis;
  std::vector<Section> sections;  // those written (all six unless the sink stopped)
};

RcaReport run_rca(ObservabilityBackend& backend, store::EventsStore* events, const std::string& service,
                  const TimeRange& window, const SectionSink& sink = {}, CollectorOptions options = {});

}  // namespace tinkr::rca
