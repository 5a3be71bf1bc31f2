// Commands that need no server: `query translate` and `patterns --file`.
#include <CLI/CLI.hpp>

#include "analysis/patterns/mine_file.h"
#include "analysis/patterns/template_json.h"
#include "cli/context.h"
#include "cli/table.h"
#include "cli/terminal.h"
#include "core/json.h"
#include "query/query.h"

namespace tinkr::cli {
namespace {

namespace json = boost::json;

struct TranslateFlags {
  std::string backend;
  std::string service;
  std::string resource_type;
  std::string query;
};

int do_translate(Context& ctx, const TranslateFlags& f) {
  query::TranslateContext tc;
  tc.service = f.service;
  tc.resource_type = f.resource_type;
  auto native = query::translate(f.backend, f.query, tc);
  if (!native) return ctx.fail(native.error());
  if (ctx.format() != OutputFormat::kTable) {
    json::object o{{"backend", f.backend},
                   {"dialect", query::dialect_name(native->dialect)},
                   {"query", native->text},
                   {"passthrough", native->passthrough}};
    if (!native->params.empty()) {
      json::array params;
      for (const auto& p : native->params) {
        std::visit([&](const auto& x) { params.emplace_back(x); }, p);
      }
      o["params"] = std::move(params);
    }
    ctx.print_json(o);
    return 0;
  }
  std::string text = query::printable(*native);
  if (text.empty() || text.back() != '\n') text += '\n';
  ctx.out(text);
  return 0;
}

struct PatternsFlags {
  std::string service;
  std::string file;
  std::optional<std::string> log_format;
  std::optional<std::string> since, query;
  int limit = 20;
};

std::string percent(uint64_t part, uint64_t total) {
  if (total == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(total));
  return buf;
}

int do_patterns_file(Context& ctx, const PatternsFlags& f) {
  analysis::MineFileOptions options;
  options.keep_assignments = ctx.format() == OutputFormat::kJsonLines;
  auto mined = analysis::mine_file(f.file, f.log_format, options);
  if (!mined) return ctx.fail(mined.error());
  const auto& r = *mined;
  if (ctx.format() == OutputFormat::kJsonLines) {
    for (const auto& line : r.lines) ctx.print_json(analysis::to_json(line, r.templates));
    return 0;
  }
  if (ctx.format() == OutputFormat::kJson) {
    json::array templates;
    for (const auto& t : r.templates) templates.push_back(analysis::to_json(t));
    ctx.print_json(json::object{{"file", f.file},
                                {"total_lines", r.total_lines},
                                {"unmatched_lines", r.unmatched_lines},
                                {"templates", std::move(templates)}});
    return 0;
  }
  const RenderStyle style = ctx.style();
  std::string out = std::to_string(r.total_lines) + " lines, " + std::to_string(r.templates.size()) + " patterns in " +
                    f.file + "\n\n";
  Table t({"COUNT", "SHARE", "ERRORS", "PATTERN"});
  t.set_align(0, Table::Align::kRight);
  t.set_align(1, Table::Align::kRight);
  t.set_align(2, Table::Align::kRight);
  size_t shown = 0;
  for (const auto& tpl : r.templates) {
    if (f.limit > 0 && shown++ >= static_cast<size_t>(f.limit)) break;
    const uint64_t errors = tpl.level_count(Level::kError) + tpl.level_count(Level::kCritical);
    t.add_row({std::to_string(tpl.count), percent(tpl.count, r.total_lines),
               errors ? paint(std::to_string(errors), Color::kRed, style.color) : "", tpl.text});
  }
  out += t.render("", style.width);
  if (f.limit > 0 && r.templates.size() > static_cast<size_t>(f.limit)) {
    out += "… " + std::to_string(r.templates.size() - static_cast<size_t>(f.limit)) +
           " more (raise --limit or use -o json)\n";
  }
  if (r.unmatched_lines > 0) {
    std::string first;
    for (size_t i = 0; i < r.unmatched_line_numbers.size() && i < 5; ++i) {
      first += (i ? ", " : "") + std::to_string(r.unmatched_line_numbers[i]);
    }
    out += "\n" + std::to_string(r.unmatched_lines) + " lines did not match --log-format (first: line " + first +
           "); they were mined whole\n";
  }
  ctx.out(out);
  return 0;
}

int do_patterns_server(Context& ctx, const PatternsFlags& f) {
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  json::object body{{"service", f.service}, {"since", f.since.value_or("1h")}, {"limit", f.limit}};
  if (f.query) body["query"] = *f.query;
  auto answer = client->post("/api/v1/patterns", body);
  if (!answer) return ctx.fail(answer.error());
  const json::value* patterns = find_field(*answer, "patterns");
  if (ctx.format() == OutputFormat::kJson) {
    ctx.print_json(*answer);
    return 0;
  }
  if (ctx.format() == OutputFormat::kJsonLines) {
    if (patterns && patterns->is_array()) {
      for (const auto& p : patterns->as_array()) ctx.print_json(p);
    }
    return 0;
  }
  Table t({"COUNT", "PATTERN"});
  t.set_align(0, Table::Align::kRight);
  if (patterns && patterns->is_array()) {
    for (const auto& p : patterns->as_array()) {
      t.add_row({std::to_string(get_int(p, "count")), std::string(get_string(p, "template"))});
    }
  }
  ctx.out(t.rows() ? t.render("", ctx.style().width) : "No patterns for " + f.service + ".\n");
  return 0;
}

}  // namespace

void add_offline_commands(CLI::App& app, Context& ctx) {
  auto* query = app.add_subcommand("query", "The unified query language");
  query->require_subcommand(1);
  auto tf = std::make_shared<TranslateFlags>();
  auto* translate = query->add_subcommand("translate", "Print the native query a backend would run (offline)");
  translate->add_option("--backend", tf->backend, "grafana, cloudwatch, gcp, azure, datadog, elastic, otel or local")
      ->required();
  translate->add_option("--service", tf->service, "Constrain to this service");
  translate->add_option("--resource-type", tf->resource_type,
                        "Resource type (picks the table / resource on some backends)");
  translate->add_option("query", tf->query, "The query, e.g. 'level:ERROR AND NOT \"health check\"'")->required();
  translate->callback([&ctx, tf] { ctx.action = [&ctx, tf] { return do_translate(ctx, *tf); }; });

  auto pf = std::make_shared<PatternsFlags>();
  auto* patterns = app.add_subcommand("patterns", "Log patterns: of a local file (--file, offline) or of a service");
  patterns->add_option("service", pf->service, "Service (asks the server; omit with --file)");
  patterns->add_option("-f,--file", pf->file, "Mine this log file locally")->check(CLI::ExistingFile);
  patterns->add_option("--log-format", pf->log_format, "Line layout, e.g. '<Date> <Time> <Level> <Content>'");
  patterns->add_option("-s,--since", pf->since, "Look-back for the server (default 1h)");
  patterns->add_option("-q,--query", pf->query, "Filter for the server");
  patterns->add_option("-n,--limit", pf->limit, "Patterns to show (0: all)")->capture_default_str();
  patterns->callback([&ctx, pf] {
    ctx.action = [&ctx, pf] {
      if (!pf->file.empty()) return do_patterns_file(ctx, *pf);
      if (pf->service.empty()) {
        return ctx.fail(make_error(ErrorCode::kInvalidArgument, "give a service or --file FILE"));
      }
      return do_patterns_server(ctx, *pf);
    };
  });
}

}  // namespace tinkr::cli
