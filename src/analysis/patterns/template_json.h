// JSON form of log templates, for the /patterns route and `-o json(lines)`.
//
// LogTemplate → {"id","template","count","first_seen"?,"last_seen"?,
// "examples":[…],"levels":{"ERROR":n,…}} (levels with a zero count omitted;
// times RFC 3339). A line assignment → {"line","template_id","template"}.
// Pure; thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include "analysis/patterns/mine_file.h"
#include "analysis/patterns/miner.h"
#include "analysis/patterns/window_compare.h"

namespace tinkr::analysis {

boost::json::value to_json(const LogTemplate& t);
// {"line":N,"template_id":"…","template":"…"}; `templates` is the result's list.
boost::json::value to_json(const LineAssignment& a, const std::vector<LogTemplate>& templates);
// The template object plus "baseline_count", "current_count", "new".
boost::json::value to_json(const WindowTemplate& t);

}  // namespace tinkr::analysis
