// The entries of a /api/v1/logs answer read straight into LogEntry with
// Boost.JSON's SAX parser (basic_parser), for `tinkr logs`'s table: no DOM of
// ~20,000 values to build, convert and free (bench/RESULTS.md, "logs end to
// end").
//
// A fast path, not a second definition of the format: it accepts only the
// shape tinkr-server writes (core/json_writer.h) — string fields, an
// attributes object of strings, no repeated keys — and returns nullopt for
// anything else (invalid JSON, no "entries", a missing or bad time, a value
// of another type, nesting it does not expect, an answer with "warnings"
// for the caller to show). The caller then takes the
// DOM path (from_json<LogEntry>), whose results and errors are the reference;
// tests/unit/cli/logs_answer_test.cc checks that both agree. Pure, thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace tinkr::cli {

std::optional<std::vector<LogEntry>> read_log_entries(std::string_view answer);

}  // namespace tinkr::cli
