// Renderers of the analysis answers `tinkr diff` and `tinkr slo` print, from
// the server's JSON (POST /api/v1/diff and /api/v1/slo; docs/commands/).
//
// Pure: the output depends only on the arguments, so it is testable byte for
// byte. Colour only when RenderStyle::color is true. Missing or null fields
// are shown as "—" (no data), never as a made-up zero.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "cli/render.h"

namespace tinkr::cli {

// `tinkr diff`: the two windows (relative to the compare window's end), the
// metrics table (baseline, compare, percent change, ▲/▼/─), the log patterns
// marked + / - / ~ with their counts (at most `max_patterns`, the rest
// summarised), then signals the backend could not give and notes.
std::string render_diff(const boost::json::value& answer, const RenderStyle& style, size_t max_patterns = 12);

// `tinkr slo`: target, window and source; availability; the error budget
// with a bar; burn rates per window with status and time to exhaustion;
// counts; alerts firing; zero traffic and short retention stated.
std::string render_slo(const boost::json::value& answer, const RenderStyle& style);

// "164,139": a count rounded to an integer, thousands separated.
std::string group_thousands(double value);
// "3h", "45m", "2d": a span of seconds, rounded to what a person reads
// ("~" is the caller's); "now" for 0.
std::string human_span(double seconds);

}  // namespace tinkr::cli
