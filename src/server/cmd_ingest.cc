// tinkr-server ingest | scenario: load files into the embedded `local` store,
// and write the shared incident scenario. These are the local backend's own
// tools, so this is the one server file that names that backend.
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "backends/local/ingest.h"
#include "backends/local/local_backend.h"
#include "config/config.h"
#include "core/json.h"
#include "scenario/scenario.h"
#include "server/commands.h"
#include "store/events_store.h"

namespace tinkr::server {
namespace {

// A JSON list of change events ({"time","service","kind","title","attributes"}
// as the scenario writes them, or our API's own event objects); nullopt when
// the text is not one.
std::optional<std::vector<store::ChangeEvent>> read_events_file(const std::string& text) {
  auto v = parse_json(text);
  if (!v || !v->is_array() || v->as_array().empty()) return std::nullopt;
  std::vector<store::ChangeEvent> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_object() || !find_field(item, "kind") || !find_field(item, "service")) return std::nullopt;
    json::object body = item.as_object();
    if (const auto* attrs = find_field(item, "attributes"); attrs && attrs->is_object()) {
      if (!body.contains("version")) body["version"] = get_string(*attrs, "version");
    }
    if (!body.contains("description") && body.contains("title")) body["description"] = body["title"];
    body.erase("title");
    body.erase("attributes");
    auto e = store::change_event_from_json(body);
    if (!e) return std::nullopt;
    e->source = e->source.empty() ? "import" : e->source;
    e->recorded_by = "tinkr-server ingest";
    out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace

int run_ingest(const IngestCommandOptions& options, std::ostream& out, std::ostream& err) {
  auto env = config::Environment::load(config::tinkr_home() / ".env");
  if (!env) {
    err << "error: " << env.error().message << "\n";
    return 1;
  }
  auto cfg = config::load_config(options.config.value_or(config::tinkr_home() / "config.toml"), *env);
  if (!cfg) {
    err << "error: " << cfg.error().message << "\n";
    return 1;
  }
  auto profile = config::active_profile(*cfg, options.profile, *env);
  if (!profile) {
    err << "error: " << profile.error().message << "\n";
    return 1;
  }
  if ((*profile)->backend != "local") {
    err << fmt::format(
        "error: profile '{}' uses backend '{}'; ingest loads files into the embedded 'local' "
        "backend only (pick a local profile with --profile)\n",
        (*profile)->name, (*profile)->backend);
    return 2;
  }
  auto backend = local::make_local_backend(**profile, *env);
  if (!backend) {
    err << "error: " << backend.error().message << "\n";
    return 1;
  }

  std::vector<std::filesystem::path> telemetry;
  size_t events_added = 0;
  std::unique_ptr<store::EventsStore> events;
  for (const auto& p : options.files) {
    std::ifstream in(p, std::ios::binary);
    if (in && p.extension() == ".json") {
      std::stringstream buf;
      buf << in.rdbuf();
      if (auto list = read_events_file(buf.str())) {
        if (!events) {
          auto db = options.events_db.value_or(config::tinkr_home() / "events.db");
          std::error_code ec;
          std::filesystem::create_directories(db.parent_path(), ec);
          auto opened = store::EventsStore::open(db);
          if (!opened) {
            err << "error: " << opened.error().message << "\n";
            return 1;
          }
          events = std::move(*opened);
        }
        for (auto& e : *list) {
          auto added = events->add(std::move(e));
          if (!added) {
            err << "error: " << p.string() << ": " << added.error().message << "\n";
            return 1;
          }
          ++events_added;
        }
        continue;
      }
    }
    telemetry.push_back(p);
  }

  auto report = local::ingest_files((*backend)->store(), telemetry);
  if (!report) {
    err << "error: " << report.error().message << "\n";
    return 1;
  }
  if (options.json) {
    json::value v = local::to_json(*report);
    v.as_object()["events"] = events_added;
    out << json::serialize(v) << "\n";
  } else {
    for (const auto& [file, format] : report->files) out << fmt::format("  {}  ({})\n", file, format);
    out << fmt::format(
        "imported {} log lines, {} metric points, {} spans, {} change events; "
        "{} duplicates skipped, {} records rejected\n",
        report->logs, report->points, report->spans, events_added, report->duplicates, report->rejected);
    for (const auto& p : report->problems) {
      out << fmt::format("  rejected {}:{}: {}\n", p.source, p.line, p.reason);
    }
    if (report->rejected > report->problems.size()) {
      out << fmt::format("  … and {} more rejected records\n", report->rejected - report->problems.size());
    }
  }
  return report->rejected > 0 && report->logs + report->points + report->spans == 0 ? 1 : 0;
}

int run_scenario(const ScenarioCommandOptions& options, std::ostream& out, std::ostream& err) {
  scenario::ScenarioOptions so;
  so.now = now();
  if (options.seed) so.seed = *options.seed;
  auto s = scenario::generate(so);
  auto st = scenario::write_otlp(s, options.out);
  if (!st.ok()) {
    err << "error: " << st.error().message << "\n";
    return 1;
  }
  out << fmt::format(
      "wrote {} log lines, {} metric series, {} traces and {} events to {} "
      "(the incident starts {} ago with a payments-api deploy)\n",
      s.logs.size(), s.metrics.size(), s.traces.size(), s.events.size(), options.out.string(),
      format_duration(so.now - s.truth.onset));
  return 0;
}

}  // namespace tinkr::server
