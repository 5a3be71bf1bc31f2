#include "analysis/anomaly_json.h"

#include <boost/json.hpp>

#include "core/json.h"

namespace tinkr::anomaly {

boost::json::value to_json(const AnomalyReport& r) {
  namespace json = boost::json;
  json::object o;
  o["anomalies"] = tinkr::to_json(r.anomalies);
  o["service"] = r.service;
  o["from"] = format_rfc3339(r.window.from);
  o["to"] = format_rfc3339(r.window.to);
  o["slot"] = format_duration(r.slot);
  json::array checked;
  for (const auto& s : r.signals_checked) checked.push_back(json::value(s));
  o["signals_checked"] = std::move(checked);
  json::array unavailable;
  for (const auto& u : r.unavailable)
    unavailable.push_back(
        {{"signal", u.signal}, {"error", std::string(error_code_name(u.error.code))}, {"message", u.error.message}});
  o["unavailable"] = std::move(unavailable);
  json::array notes;
  for (const auto& n : r.notes) notes.push_back(json::value(n));
  o["notes"] = std::move(notes);
  return o;
}

}  // namespace tinkr::anomaly
