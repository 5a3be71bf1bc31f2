#include "agent/rca/report.h"

#include <utility>

namespace tinkr::rca {

RcaReport run_rca(ObservabilityBackend& backend, store::EventsStore* events, const std::string& service,
                  const TimeRange& window, const SectionSink& sink, CollectorOptions options) {
  RcaReport r;
  EvidenceCollector collector(backend, events, std::move(options));
  r.bundle = collector.collect(service, window);
  r.analysis = reason(r.bundle);
  using Render = Section (*)(const EvidenceBundle&, const Analysis&);
  static constexpr Render kSections[] = {render_summary,       render_anomalies, render_root_cause,
                                         render_relevant_code, render_actions,   render_confidence};
  for (Render render : kSections) {
    r.sections.push_back(render(r.bundle, r.analysis));
    if (sink && !sink(r.sections.back())) break;
  }
  return r;
}

}  // namespace tinkr::rca
