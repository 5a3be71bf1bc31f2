// logs, tail, metrics, trace, anomaly, diff, slo, rca: clients of the server's data routes (docs/api.md).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "cli/context.h"
#include "cli/logs_answer.h"
#include "cli/render_analysis.h"
#include "cli/terminal.h"
#include "core/json.h"

namespace tinkr::cli {
namespace {

namespace json = boost::json;

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) { g_interrupted.store(true); }

void install_sigint() {
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

struct DataFlags {
  std::string service;
  std::optional<std::string> since, from, to, query, resource, metric, severity;
  std::optional<std::string> baseline, compare, window;  // diff, slo
  std::optional<double> target;                          // slo
  std::vector<std::string> tags;
  int limit = 50;
  int lines = 0;
  double poll = 2.0;
  bool explain = false;
};

void add_range(json::object& body, const DataFlags& f, const char* default_since) {
  if (f.from) {
    body["from"] = *f.from;
    if (f.to) body["to"] = *f.to;
  } else {
    body["since"] = f.since.value_or(default_since);
  }
}

std::string window_text(const DataFlags& f, const char* default_since) {
  if (f.from) return *f.from + " → " + f.to.value_or("now");
  return f.since.value_or(default_since);
}

// Checks --since/--from/--to locally, so that a typo is a usage error before any network call.
Status check_range(const DataFlags& f) {
  auto r = resolve_range(f.since, f.from, f.to, now());
  if (!r) return r.error();
  return ok_status();
}

template <typename T>
Result<std::vector<T>> field_array(const json::value& v, std::string_view key) {
  const json::value* a = find_field(v, key);
  if (!a) return make_error(ErrorCode::kBackend, "the server answer has no \"" + std::string(key) + "\"");
  return from_json_array<T>(*a);
}

void print_items(const Context& ctx, const json::value& answer, std::string_view key) {
  if (ctx.format() == OutputFormat::kJson) {
    ctx.print_json(answer);
    return;
  }
  if (const json::value* a = find_field(answer, key); a && a->is_array()) {
    for (const auto& item : a->as_array()) ctx.print_json(item);
  }
}

int do_logs(Context& ctx, const DataFlags& f) {
  if (auto s = check_range(f); !s) return ctx.fail(s.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  json::object body{{"service", f.service}, {"limit", f.limit}};
  add_range(body, f, "30m");
  if (f.query) body["query"] = *f.query;
  if (f.resource) body["resource_type"] = *f.resource;
  if (f.explain) body["explain"] = true;
  // The table shows four members: the server leaves out the rest (ids and
  // attributes are more than half of a 1,000-line answer).
  const bool table = !f.explain && ctx.format() == OutputFormat::kTable;
  if (table) body["fields"] = json::array{"time", "level", "service", "message"};
  auto text = client->post_text("/api/v1/logs", body);
  if (!text) return ctx.fail(text.error());
  // The table needs only the entries: read them without a DOM when the answer
  // has the usual shape (cli/logs_answer.h), else through it below.
  if (table) {
    if (auto entries = read_log_entries(*text)) {
      ctx.out(render_logs(*entries, ctx.style()));
      return 0;
    }
  }
  auto answer = client->parse_body(*text);
  if (!answer) return ctx.fail(answer.error());
  if (f.explain) {
    if (ctx.format() != OutputFormat::kTable) ctx.print_json(*answer);
    else ctx.out(std::string(get_string(*answer, "query")) + "\n");
    return 0;
  }
  // The lines are there, but not all of what was asked for (or the backend
  // has more to say): on stderr, whatever the output format.
  if (const json::value* warnings = find_field(*answer, "warnings"); warnings && warnings->is_array()) {
    for (const auto& w : warnings->as_array()) {
      if (w.is_string()) ctx.err("warning: " + std::string(w.as_string()) + "\n");
    }
  }
  if (ctx.format() != OutputFormat::kTable) {
    print_items(ctx, *answer, "entries");
    return 0;
  }
  auto entries = field_array<LogEntry>(*answer, "entries");
  if (!entries) return ctx.fail(entries.error());
  ctx.out(render_logs(*entries, ctx.style()));
  return 0;
}

int do_tail(Context& ctx, const DataFlags& f) {
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  const RenderStyle style = ctx.style();
  const bool table = ctx.format() == OutputFormat::kTable;
  install_sigint();
  auto emit = [&](const LogEntry& e) {
    if (table) ctx.out(render_tail_line(e, style));
    else ctx.print_json(to_json(e));
  };
  if (table) {
    ctx.out("Tailing " + f.service + (f.lines > 0 ? " · last " + std::to_string(f.lines) + " lines" : "") +
            "  (Ctrl-C to stop)\n\n");
  }
  // History first (a 30-minute look-back), then the live stream without repeats.
  std::set<std::pair<int64_t, std::string>> shown;
  Timestamp last_shown{};
  if (f.lines > 0) {
    json::object body{{"service", f.service}, {"since", "30m"}, {"limit", f.lines}};
    if (f.query) body["query"] = *f.query;
    if (f.resource) body["resource_type"] = *f.resource;
    auto answer = client->post("/api/v1/logs", body);
    if (!answer) return ctx.fail(answer.error());
    auto entries = field_array<LogEntry>(*answer, "entries");
    if (!entries) return ctx.fail(entries.error());
    for (const auto& e : *entries) {
      emit(e);
      shown.emplace(to_unix_nanos(e.time), e.message);
      last_shown = std::max(last_shown, e.time);
    }
  }
  if (table) ctx.out(paint("--- live stream ---", Color::kGray, style.color) + "\n");
  json::object body{{"service", f.service}, {"lines", 0}, {"poll_seconds", f.poll}};
  // The stream starts at the newest line shown, so that lines written while it
  // opens are not lost; the one at exactly that time comes again and is skipped.
  if (!shown.empty()) body["from"] = format_rfc3339(last_shown, 9);
  if (f.query) body["query"] = *f.query;
  if (f.resource) body["resource_type"] = *f.resource;
  std::optional<Error> stream_error;
  auto status = client->stream(
      "/api/v1/tail", body,
      [&](const net::SseEvent& ev) {
        if (ev.event == "error") {
          auto v = parse_json(ev.data, "tail error");
          stream_error = v ? error_from_json(*v) : std::nullopt;
          if (!stream_error) stream_error = make_error(ErrorCode::kBackend, "the tail stream failed: " + ev.data);
          return false;
        }
        if (ev.event != "log" && ev.event != "message") return true;
        auto v = parse_json(ev.data, "tail event");
        if (!v) return true;
        auto e = from_json<LogEntry>(*v);
        if (!e) return true;
        if (e->time <= last_shown && shown.count({to_unix_nanos(e->time), e->message})) return true;
        emit(*e);
        return true;
      },
      &g_interrupted);
  if (stream_error) return ctx.fail(*stream_error);
  if (!status && status.error().code != ErrorCode::kCancelled) return ctx.fail(status.error());
  return 0;  // Ctrl-C or the server ended the stream
}

int do_metrics(Context& ctx, const DataFlags& f) {
  if (auto s = check_range(f); !s) return ctx.fail(s.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  json::object body{{"service", f.service}};
  if (f.metric) body["metric"] = *f.metric;
  add_range(body, f, "1h");
  if (f.resource) body["resource_type"] = *f.resource;
  auto answer = client->post("/api/v1/metrics", body);
  if (!answer) return ctx.fail(answer.error());
  if (ctx.format() != OutputFormat::kTable) {
    print_items(ctx, *answer, "series");
    return 0;
  }
  auto series = field_array<MetricSeries>(*answer, "series");
  if (!series) return ctx.fail(series.error());
  ctx.out(render_metrics(*series, f.service, window_text(f, "1h"), ctx.style()));
  return 0;
}

// 32 hex digits: a trace id as `tinkr trace` lists it and `tinkr rca` recommends opening it.
bool is_trace_id(std::string_view text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// `tinkr trace <trace id>`: that one trace's waterfall (or the Trace as JSON).
int do_trace_by_id(Context& ctx, const std::string& id) {
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  auto answer = client->get("/api/v1/traces/" + id);
  if (!answer) return ctx.fail(answer.error());
  if (ctx.format() != OutputFormat::kTable) {
    ctx.print_json(*answer);
    return 0;
  }
  auto trace = from_json<Trace>(*answer);
  if (!trace) return ctx.fail(trace.error());
  std::string out = render_waterfall(*trace, ctx.style());
  // The renderer titles the waterfall for the list view ("Slowest trace: …"); here it is the one asked for.
  constexpr std::string_view kListTitle = "Slowest trace: ";
  if (out.compare(0, kListTitle.size(), kListTitle) == 0) out.replace(0, kListTitle.size(), "Trace: ");
  ctx.out(out);
  return 0;
}

int do_trace(Context& ctx, const DataFlags& f) {
  if (is_trace_id(f.service) && !f.since && !f.from && !f.to && f.tags.empty()) {
    return do_trace_by_id(ctx, f.service);
  }
  if (auto s = check_range(f); !s) return ctx.fail(s.error());
  json::object tags;
  for (const auto& t : f.tags) {
    const size_t eq = t.find('=');
    if (eq == std::string::npos || eq == 0) {
      return ctx.fail(make_error(ErrorCode::kInvalidArgument, "--tags wants key=value, got '" + t + "'"));
    }
    tags[t.substr(0, eq)] = t.substr(eq + 1);
  }
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  json::object body{{"service", f.service}, {"limit", f.limit}};
  add_range(body, f, "1h");
  if (!tags.empty()) body["tags"] = tags;
  if (f.resource) body["resource_type"] = *f.resource;
  auto answer = client->post("/api/v1/traces", body);
  if (!answer) return ctx.fail(answer.error());
  if (ctx.format() != OutputFormat::kTable) {
    print_items(ctx, *answer, "traces");
    return 0;
  }
  auto traces = field_array<Trace>(*answer, "traces");
  if (!traces) return ctx.fail(traces.error());
  const RenderStyle style = ctx.style();
  std::string out = render_traces(*traces, f.service, window_text(f, "1h"), style);
  if (!traces->empty()) {
    const Trace* slowest = &traces->front();
    for (const auto& t : *traces) {
      if (t.duration > slowest->duration) slowest = &t;
    }
    Trace full = *slowest;
    if (full.spans.empty()) {
      auto one = client->get("/api/v1/traces/" + full.trace_id);
      if (one) {
        if (auto t = from_json<Trace>(*one)) full = std::move(*t);
      }
    }
    out += "\n" + render_waterfall(full, style);
  }
  ctx.out(out);
  return 0;
}

int do_anomaly(Context& ctx, const DataFlags& f) {
  if (f.severity) {
    if (auto s = parse_severity(*f.severity); !s) return ctx.fail(s.error());
  }
  if (auto s = check_range(f); !s) return ctx.fail(s.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  json::object body{{"service", f.service}};
  add_range(body, f, "1h");
  if (f.severity) body["severity"] = *f.severity;
  auto answer = client->post("/api/v1/anomalies", body);
  if (!answer) return ctx.fail(answer.error());
  if (ctx.format() != OutputFormat::kTable) {
    print_items(ctx, *answer, "anomalies");
    return 0;
  }
  auto anomalies = field_array<Anomaly>(*answer, "anomalies");
  if (!anomalies) return ctx.fail(anomalies.error());
  ctx.out(render_anomalies(*anomalies, f.service, window_text(f, "1h"), ctx.style()));
  return 0;
}

// A duration flag checked locally, so that a typo is a usage error before any network call.
Status check_duration(const std::optional<std::string>& value, std::string_view flag) {
  if (!value) return ok_status();
  if (auto d = parse_duration(*value); !d || d->count() <= 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} wants a duration like 30m, 2h or 7d, got '{}'", flag, *value));
  }
  return ok_status();
}

int do_diff(Context& ctx, const DataFlags& f) {
  if (auto s = check_duration(f.baseline, "--baseline"); !s) return ctx.fail(s.error());
  if (auto s = check_duration(f.compare, "--compare"); !s) return ctx.fail(s.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  json::object body{{"service", f.service}};
  if (f.baseline) body["baseline"] = *f.baseline;
  if (f.compare) body["compare"] = *f.compare;
  auto answer = client->post("/api/v1/diff", body);
  if (!answer) return ctx.fail(answer.error());
  // One report: --json and -o jsonlines both print it as one JSON line.
  if (ctx.format() != OutputFormat::kTable) ctx.print_json(*answer);
  else ctx.out(render_diff(*answer, ctx.style()));
  return 0;
}

int do_slo(Context& ctx, const DataFlags& f) {
  if (f.target && !(*f.target > 0 && *f.target < 100)) {
    return ctx.fail(
        make_error(ErrorCode::kInvalidArgument,
                   fmt::format("--target is a percentage strictly between 0 and 100 (e.g. 99.9), got {}", *f.target)));
  }
  if (auto s = check_duration(f.window, "--window"); !s) return ctx.fail(s.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  json::object body{{"service", f.service}};
  if (f.target) body["target"] = *f.target;
  if (f.window) body["window"] = *f.window;
  auto answer = client->post("/api/v1/slo", body);
  if (!answer) return ctx.fail(answer.error());
  if (ctx.format() != OutputFormat::kTable) ctx.print_json(*answer);
  else ctx.out(render_slo(*answer, ctx.style()));
  return 0;
}

// A spinner on stderr while the next section is being written (TTY only).
class Spinner {
 public:
  explicit Spinner(bool on) : on_(on) {
    if (on_) thread_ = std::thread([this] { loop(); });
  }
  ~Spinner() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    clear();
  }
  void set_label(std::string label) {
    std::lock_guard lock(mu_);
    label_ = std::move(label);
  }
  // Runs `print` with the spinner line cleared.
  template <typename F>
  void print(F&& f) {
    std::lock_guard lock(mu_);
    clear_locked();
    f();
  }

 private:
  void loop() {
    static const char* kFrames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    size_t i = 0;
    while (!stop_) {
      {
        std::lock_guard lock(mu_);
        std::fprintf(stderr, "\r%s %s", kFrames[i++ % 10], label_.c_str());
        std::fflush(stderr);
        drawn_ = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  void clear() {
    std::lock_guard lock(mu_);
    clear_locked();
  }
  void clear_locked() {
    if (on_ && drawn_) {
      std::fputs("\r\x1b[2K", stderr);
      std::fflush(stderr);
      drawn_ = false;
    }
  }
  bool on_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string label_ = "analysing…";
  bool drawn_ = false;
  std::thread thread_;
};

int do_rca(Context& ctx, const DataFlags& f) {
  if (auto s = check_range(f); !s) return ctx.fail(s.error());
  auto client = ctx.client();
  if (!client) return ctx.fail(client.error());
  json::object body{{"service", f.service}};
  add_range(body, f, "1h");
  const bool ndjson = ctx.format() != OutputFormat::kTable;
  const RenderStyle style = ctx.style();
  install_sigint();
  if (!ndjson) ctx.out(render_rca_header(f.service, window_text(f, "1h"), now(), style));
  Spinner spinner(!ndjson && is_tty(stderr) && is_tty(stdout));
  int section = 0;
  bool done = false;
  std::optional<Error> stream_error;
  auto status = client->stream(
      "/api/v1/rca", body,
      [&](const net::SseEvent& ev) {
        auto v = parse_json(ev.data, "rca event");
        if (ev.event == "error") {
          stream_error = v ? error_from_json(*v) : std::nullopt;
          if (!stream_error) stream_error = make_error(ErrorCode::kBackend, "the analysis failed: " + ev.data);
          return false;
        }
        if (ev.event == "done") {
          done = true;
          if (ndjson) ctx.print_json(json::object{{"type", "done"}});
          return false;
        }
        if (!v) return true;
        if (ndjson) {
          json::object o{{"type", "section"},
                         {"title", get_string(*v, "title")},
                         {"content", get_string(*v, "content")}};
          ctx.print_json(o);
          return true;
        }
        ++section;
        spinner.print(
            [&] { ctx.out(render_rca_section(section, get_string(*v, "title"), get_string(*v, "content"), style)); });
        spinner.set_label("writing section " + std::to_string(section + 1) + "…");
        return true;
      },
      &g_interrupted);
  if (stream_error) return ctx.fail(*stream_error);
  if (!status) return ctx.fail(status.error());
  if (!done && ndjson) ctx.print_json(json::object{{"type", "done"}});
  return 0;
}

// A data subcommand: `service`, then what `add_options` adds. The options are
// added only when the subcommand is on the command line (CLI11 runs a
// subcommand's preparse callback as it reaches it, before its arguments and
// before --help), so that `tinkr --help` and every other command do not build
// ~30 options they never parse: a fifth of the CLI's start-up
// (bench/RESULTS.md, "CLI").
void data_command(CLI::App& app, Context& ctx, const char* name, const char* help, const std::shared_ptr<DataFlags>& f,
                  int (*fn)(Context&, const DataFlags&), std::function<void(CLI::App*)> add_options) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->preparse_callback([cmd, f, add_options = std::move(add_options)](size_t) {
    cmd->add_option("service", f->service, "Service name as configured in the server's profile")->required();
    add_options(cmd);
  });
  cmd->callback([&ctx, f, fn] { ctx.action = [&ctx, f, fn] { return fn(ctx, *f); }; });
}

void add_time_flags(CLI::App* cmd, DataFlags& f, const char* default_since) {
  cmd->add_option("-s,--since", f.since,
                  std::string("How far back to look: 30m, 1h, 24h (default ") + default_since + ")");
  cmd->add_option("--from", f.from, "Start of the range: RFC 3339, a date, now-1h or Unix seconds");
  cmd->add_option("--to", f.to, "End of the range (default now)");
}

}  // namespace

void add_data_commands(CLI::App& app, Context& ctx) {
  {
    auto f = std::make_shared<DataFlags>();
    data_command(app, ctx, "logs", "Fetch recent log lines (oldest first, newest at the bottom)", f, do_logs,
                 [f](CLI::App* cmd) {
                   add_time_flags(cmd, *f, "30m");
                   cmd->add_option("-q,--query", f->query, "Filter in the unified query language, e.g. 'level:ERROR'");
                   // The server's bound for one request (docs/api.md); more is a usage error here, not a 400 there.
                   cmd->add_option("-n,--limit", f->limit, "Maximum number of lines")
                       ->capture_default_str()
                       ->check(CLI::Range(1, 10000));
                   cmd->add_option("-r,--resource", f->resource, "Resource type: ecs, lambda, cloud_run, gke, k8s, …");
                   cmd->add_flag("--explain", f->explain, "Print the backend's native query instead of running it");
                 });
  }
  {
    auto f = std::make_shared<DataFlags>();
    data_command(app, ctx, "tail", "Stream live logs (Ctrl-C to stop)", f, do_tail, [f](CLI::App* cmd) {
      cmd->add_option("-q,--query", f->query, "Filter, e.g. 'level:ERROR'");
      cmd->add_option("-n,--lines", f->lines, "Show the last N lines (30-minute look-back) first")
          ->check(CLI::Range(0, 10000));
      // The server's bounds for poll_seconds (server/routes_data.cc).
      cmd->add_option("-p,--poll", f->poll, "Poll interval of the backend in seconds")
          ->capture_default_str()
          ->check(CLI::Range(0.1, 60.0));
      cmd->add_option("-r,--resource", f->resource, "Resource type");
    });
  }
  {
    auto f = std::make_shared<DataFlags>();
    data_command(app, ctx, "metrics", "Chart a metric time series (sparkline, bars, min/max/last)", f, do_metrics,
                 [f](CLI::App* cmd) {
                   cmd->add_option("-m,--metric", f->metric,
                                   "Metric name or alias: request_rate (default), error_rate, latency_p99, cpu, …");
                   add_time_flags(cmd, *f, "1h");
                   cmd->add_option("-r,--resource", f->resource, "Resource type");
                 });
  }
  {
    auto f = std::make_shared<DataFlags>();
    f->limit = 20;
    data_command(app, ctx, "trace",
                 "List traces (slowest first) and the waterfall of the slowest; with a 32-hex-digit trace id "
                 "instead of a service, that trace's waterfall",
                 f, do_trace, [f](CLI::App* cmd) {
                   add_time_flags(cmd, *f, "1h");
                   cmd->add_option("-n,--limit", f->limit, "Maximum number of traces")
                       ->capture_default_str()
                       ->check(CLI::Range(1, 1000));
                   cmd->add_option("--tags", f->tags, "Filter by tag key=value (repeatable)");
                   cmd->add_option("-r,--resource", f->resource, "Resource type");
                 });
  }
  {
    auto f = std::make_shared<DataFlags>();
    data_command(app, ctx, "anomaly", "Detect anomalies against the service's baseline", f, do_anomaly,
                 [f](CLI::App* cmd) {
                   add_time_flags(cmd, *f, "1h");
                   cmd->add_option("--severity", f->severity, "Minimum severity: low, medium, high, critical");
                 });
  }
  {
    auto f = std::make_shared<DataFlags>();
    data_command(app, ctx, "diff", "Compare metrics and log patterns of two windows (before/after)", f, do_diff,
                 [f](CLI::App* cmd) {
                   cmd->add_option(
                       "--baseline", f->baseline,
                       "How far back the baseline window ends: it is as long as --compare and ends this long ago "
                       "(default 2h)");
                   cmd->add_option("--compare", f->compare, "The recent window to compare: the last D (default 1h)");
                 });
  }
  {
    auto f = std::make_shared<DataFlags>();
    data_command(app, ctx, "slo", "Availability, error budget and burn rates against a target", f, do_slo,
                 [f](CLI::App* cmd) {
                   cmd->add_option("--target", f->target, "Objective in percent, e.g. 99.9 (default 99.9)");
                   cmd->add_option("--window", f->window, "Rolling window, e.g. 7d, 30d (default 30d)");
                 });
  }
  {
    auto f = std::make_shared<DataFlags>();
    data_command(app, ctx, "rca", "Stream a root-cause analysis report (--json: NDJSON events)", f, do_rca,
                 [f](CLI::App* cmd) { add_time_flags(cmd, *f, "1h"); });
  }
}

}  // namespace tinkr::cli
