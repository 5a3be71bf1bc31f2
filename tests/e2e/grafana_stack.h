// The Grafana stack the e2e tests run against: the shared incident scenario
// (ending 10 minutes ago on a whole minute) in the Loki and Tempo simulators
// (in this process) and a real Prometheus (backfilled), and a `tinkr-server`
// whose active profile is backend = "grafana" pointing at the three.
// Build one per test suite; it stops everything when destroyed.
#pragma once

#include <memory>
#include <string>

#include "e2e/e2e_support.h"
#include "scenario/scenario.h"
#include "sim/loki_sim.h"
#include "sim/tempo_sim.h"
#include "testing/real_prometheus.h"

namespace tinkr::e2e {

// The scenario, recent enough for Prometheus' retention and `--since 1h`, old
// enough that lines pushed "now" come after all of it.
scenario::Scenario recent_scenario();

// The profile keys that map the metric aliases onto the scenario's series, as
// a site whose metric names differ from the defaults writes them.
std::string scenario_metric_templates();

// [profiles.<name>] for the three URLs, active, with the metric templates.
std::string grafana_profile(const std::string& name, const std::string& loki_url, const std::string& prometheus_url,
                            const std::string& tempo_url);

struct GrafanaStack {
  scenario::Scenario data = recent_scenario();
  sim::LokiSim loki{data.logs};
  sim::TempoSim tempo{data.traces};
  std::unique_ptr<testing::RealPrometheus> prometheus;
  std::unique_ptr<TinkrServer> server;  // null when Prometheus did not start

  GrafanaStack();
  // Empty when everything runs.
  std::string problem() const;
};

}  // namespace tinkr::e2e
