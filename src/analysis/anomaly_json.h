// JSON of an anomaly report for POST /api/v1/anomalies: {"anomalies":[Anomaly…]}
// (core/json.h's Anomaly form) plus the window, slot, signals checked, signals
// unavailable with their error, and notes. Pure; thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include "analysis/anomaly_detect.h"

namespace tinkr::anomaly {

boost::json::value to_json(const AnomalyReport& report);

}  // namespace tinkr::anomaly
