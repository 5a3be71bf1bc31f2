// `tinkr logs svc -n 1000 --since 1h` end to end against the Grafana backend:
// a Loki simulator (tests/sim/loki_sim.h, in this process, on a loopback
// port) holding 1,500 lines of `svc` (and 500 of another service) in the last
// hour, the real tinkr-server (TINKR_BIN_DIR) configured with the grafana
// backend pointing at it, and the real tinkr CLI spawned per run, stdout read
// to the end. Reported as wall-clock median and p90 over the repetitions.
//
// The breakdown, each part timed on its own with the same data:
//   cli_start      spawn + exit of `tinkr --help` (dynamic loading, CLI11)
//   server_logs    POST /api/v1/logs from this process, as the CLI's table
//                  asks (fields time, level, service, message): auth,
//                  translate, the Loki round trip, parse, serialise,
//                  transfer; server_logs_all_fields: every field (-o json)
//   loki_roundtrip the server's Loki request sent straight to the simulator
//   loki_parse     parse_loki_streams of that answer
//   server_json    the route's serialisation of 1,000 entries (written
//                  directly; server_json_tree: the json::value tree it replaced)
//   cli_render     the CLI's side: read the answer (cli/logs_answer.h), table
//   tinkr_logs     the whole command, process spawn included
//   tinkr_logs_libcurl  the same with the CLI's HTTP through libcurl, as
//                  before the built-in transport (a proxy variable with
//                  no_proxy=* sends it there and libcurl goes direct): the
//                  baseline of the same run
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "auth/api_keys.h"
#include "backends/grafana/loki_mapping.h"
#include "cli/logs_answer.h"
#include "cli/render.h"
#include "core/json.h"
#include "core/json_writer.h"
#include "net/http_client.h"
#include "sim/loki_sim.h"
#include "testing/process.h"
#include "testing/tempdir.h"

extern char** environ;

namespace tinkr {
namespace {

const std::filesystem::path kBin = TINKR_BIN_DIR;
constexpr const char* kToken = "tk_bench_logs_0123456789abcdef";
constexpr int kLimit = 1000;

std::vector<LogEntry> make_lines(Timestamp now) {
  std::vector<LogEntry> out;
  const int total = 2000;
  for (int i = 0; i < total; ++i) {
    LogEntry e;
    e.time = now - std::chrono::minutes(55) + std::chrono::milliseconds(1650LL * i);
    e.service = i % 4 == 3 ? "other" : "svc";
    e.level = i % 10 == 0 ? Level::kError : (i % 7 == 0 ? Level::kWarn : Level::kInfo);
    e.message = fmt::format(
        "request handled method=GET path=/api/v1/orders/{} status={} duration_ms={} user=u{} "
        "region=eu-west-1",
        10000 + i, e.level == Level::kError ? 500 : 200, 3 + i % 400, i % 97);
    e.trace_id = fmt::format("{:032x}", 0xabc0000 + i);
    e.span_id = fmt::format("{:016x}", 0x51000 + i);
    e.attributes["pod"] = fmt::format("svc-7d9f8b6c4-{:05}", i % 5);
    out.push_back(std::move(e));
  }
  return out;
}

struct Run {
  int status = -1;
  size_t out_bytes = 0;
  std::string out;
  double cpu_ms = 0;  // the child's user + system time
};

// posix_spawn with stdout on a pipe read to EOF, stderr to /dev/null, then a
// blocking waitpid: nothing in the measurement but the child (ChildProcess
// polls its exit every 10 ms, too coarse here).
Run spawn_and_wait(const std::filesystem::path& program, const std::vector<std::string>& args,
                   const std::vector<std::string>& env, bool keep_output = false) {
  Run run;
  int fds[2];
  if (pipe(fds) != 0) return run;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  const std::string prog = program.string();
  argv.push_back(const_cast<char*>(prog.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, prog.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return run;
  }
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    run.out_bytes += static_cast<size_t>(n);
    if (keep_output) run.out.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  run.cpu_ms = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

// The simulator, the server and what the in-process parts need, set up once.
struct Setup {
  std::unique_ptr<sim::LokiSim> loki;
  std::unique_ptr<testing::TempDir> server_home, cli_home;
  std::unique_ptr<testing::ChildProcess> server;
  std::string server_url;
  std::vector<std::string> cli_env;
  std::string loki_target;  // the path and query the server sends for the command
  std::string loki_body;    // the simulator's answer to it
  std::string server_body;  // the server's answer to the CLI
  std::string error;

  Setup() {
    if (!std::filesystem::exists(kBin / "tinkr-server") || !std::filesystem::exists(kBin / "tinkr")) {
      error = "tinkr and tinkr-server are not built in " + kBin.string();
      return;
    }
    loki = std::make_unique<sim::LokiSim>(make_lines(now()));
    server_home = std::make_unique<testing::TempDir>("bench-logs-server");
    cli_home = std::make_unique<testing::TempDir>("bench-logs-cli");
    server_home->write_file("config.toml", fmt::format("[profiles.default]\nbackend = \"grafana\"\nactive = true\n"
                                                       "loki_url = \"{}\"\n",
                                                       loki->url()));
    testing::ProcessOptions o;
    o.args = {"start", "--port", "0", "--host", "127.0.0.1", "--events-db", (*server_home / "events.db").string()};
    o.env["TINKR_HOME"] = server_home->path().string();
    o.env["TINKR_API_KEYS"] =
        fmt::format(R"([{{"hash":"{}","subject":"bench","roles":["viewer"]}}])", auth::sha256_hex(kToken));
    o.unset_env = {"TINKR_PROFILE", "TINKR_BACKEND", "TINKR_API_TOKEN", "TINKR_SERVER_URL"};
    server = testing::ChildProcess::spawn(kBin / "tinkr-server", o, &error);
    if (!server) return;
    auto line = server->wait_for_stdout_line("listening on ", std::chrono::seconds(30));
    if (!line) {
      error = "tinkr-server did not start: " + server->stderr_text();
      return;
    }
    server_url = line->substr(line->find("http://"));
    while (!server_url.empty() && (server_url.back() == '\n' || server_url.back() == '\r')) server_url.pop_back();
    cli_env = {"TINKR_HOME=" + cli_home->path().string(), "TINKR_SERVER_URL=" + server_url,
               std::string("TINKR_API_TOKEN=") + kToken, "NO_COLOR=1", "PATH=/usr/bin:/bin"};

    // One command through the server, to learn the Loki request it makes.
    const size_t before = loki->server().requests().size();
    auto answer = post_logs();
    if (!answer.ok()) {
      error = "POST /api/v1/logs failed: " + answer.error().message;
      return;
    }
    server_body = std::move(*answer);
    const auto requests = loki->server().requests();
    for (size_t i = before; i < requests.size(); ++i) {
      if (requests[i].path == "/loki/api/v1/query_range") loki_target = requests[i].target;
    }
    auto res = loki_get();
    if (!res.ok()) {
      error = res.error().message;
      return;
    }
    loki_body = std::move(*res);
    // TINKR_BENCH_HOLD=<seconds>: keep the simulator and server up, to
    // profile the CLI by hand against them.
    if (const char* hold = std::getenv("TINKR_BENCH_HOLD")) {
      std::fprintf(stderr, "holding for %s s: TINKR_SERVER_URL=%s TINKR_API_TOKEN=%s (Loki simulator: %s)\n", hold,
                   server_url.c_str(), kToken, loki->url().c_str());
      sleep(static_cast<unsigned>(std::atoi(hold)));
    }
  }

  // The CLI's request for its table (the four columns' fields), or with
  // every field (what -o json asks for).
  Result<std::string> post_logs(bool all_fields = false) const {
    net::HttpClient http;
    const std::string body = fmt::format(R"({{"service":"svc","limit":{},"since":"1h"{}}})", kLimit,
                                         all_fields ? "" : R"(,"fields":["time","level","service","message"])");
    TINKR_ASSIGN_OR_RETURN(auto res, http.post_json(server_url + "/api/v1/logs", body,
                                                    {{"Authorization", net::bearer_auth(kToken)}}));
    if (res.status != 200) return make_error(ErrorCode::kBackend, fmt::format("{}: {}", res.status, res.body));
    return std::move(res.body);
  }

  Result<std::string> loki_get() const {
    net::HttpClient http;
    TINKR_ASSIGN_OR_RETURN(auto res, http.get(loki->url() + loki_target,
                                              {{"X-Loki-Response-Encoding-Flags", "categorize-labels"}}));
    if (res.status != 200) return make_error(ErrorCode::kBackend, fmt::format("{}: {}", res.status, res.body));
    return std::move(res.body);
  }
};

pid_t setup_pid();

// The server's user + system time so far (clock ticks: 10 ms resolution, so
// only a mean over many runs means anything).
double server_cpu_ms() {
  std::ifstream in("/proc/" + std::to_string(setup_pid()) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> f; ++i) {  // field 3 is the state
    if (i == 14) utime = std::stod(f);
    if (i == 15) {
      stime = std::stod(f);
      break;
    }
  }
  return (utime + stime) * 1e3 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

Setup& setup() {
  static Setup s;
  return s;
}

pid_t setup_pid() { return setup().server ? setup().server->pid() : 0; }

bool ready(benchmark::State& state) {
  if (!setup().error.empty()) {
    state.SkipWithError(setup().error.c_str());
    return false;
  }
  return true;
}

double p90(const std::vector<double>& v) {
  std::vector<double> s = v;
  std::sort(s.begin(), s.end());
  return s.empty() ? 0 : s[std::min(s.size() - 1, static_cast<size_t>(0.9 * static_cast<double>(s.size())))];
}

void run_tinkr_logs(benchmark::State& state, const std::vector<std::string>& env) {
  if (!ready(state)) return;
  const std::vector<std::string> args = {"logs", "svc", "-n", std::to_string(kLimit), "--since", "1h"};
  size_t bytes = 0;
  double cli_cpu = 0;
  const double server_before = server_cpu_ms();
  for (auto _ : state) {
    Run r = spawn_and_wait(kBin / "tinkr", args, env);
    if (r.status != 0) state.SkipWithError("tinkr logs failed");
    bytes = r.out_bytes;
    cli_cpu = r.cpu_ms;
  }
  state.counters["stdout_KB"] = static_cast<double>(bytes) / 1e3;
  state.counters["cli_cpu_ms"] = cli_cpu;
  state.counters["server_cpu_ms"] = server_cpu_ms() - server_before;
}

void BM_TinkrLogs(benchmark::State& state) { run_tinkr_logs(state, setup().cli_env); }

void BM_TinkrLogsLibcurl(benchmark::State& state) {
  std::vector<std::string> env = setup().cli_env;
  env.emplace_back("http_proxy=http://127.0.0.1:9");
  env.emplace_back("no_proxy=*");
  run_tinkr_logs(state, env);
}

void BM_CliStart(benchmark::State& state) {
  if (!ready(state)) return;
  double cli_cpu = 0;
  for (auto _ : state) {
    Run r = spawn_and_wait(kBin / "tinkr", {"--help"}, setup().cli_env);
    if (r.status != 0) state.SkipWithError("tinkr --help failed");
    cli_cpu = r.cpu_ms;
  }
  state.counters["cli_cpu_ms"] = cli_cpu;
}

void run_server_logs(benchmark::State& state, bool all_fields) {
  if (!ready(state)) return;
  size_t bytes = 0;
  const double server_before = server_cpu_ms();
  for (auto _ : state) {
    auto r = setup().post_logs(all_fields);
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    else bytes = r->size();
  }
  state.counters["answer_KB"] = static_cast<double>(bytes) / 1e3;
  state.counters["server_cpu_ms"] = server_cpu_ms() - server_before;
}

void BM_ServerLogs(benchmark::State& state) { run_server_logs(state, false); }
void BM_ServerLogsAllFields(benchmark::State& state) { run_server_logs(state, true); }

void BM_LokiRoundTrip(benchmark::State& state) {
  if (!ready(state)) return;
  size_t bytes = 0;
  for (auto _ : state) {
    auto r = setup().loki_get();
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
    else bytes = r->size();
  }
  state.counters["answer_KB"] = static_cast<double>(bytes) / 1e3;
}

void BM_LokiParse(benchmark::State& state) {
  if (!ready(state)) return;
  grafana::LokiMappingOptions options;
  for (auto _ : state) {
    auto r = grafana::parse_loki_streams(setup().loki_body, options);
    if (!r.ok() || r->entries.size() != static_cast<size_t>(kLimit)) state.SkipWithError("unexpected Loki answer");
    benchmark::DoNotOptimize(r);
  }
}

// The route's serialisation (core/json_writer.h, as routes_data.cc does it).
void BM_ServerJson(benchmark::State& state) {
  if (!ready(state)) return;
  auto entries = grafana::parse_loki_streams(setup().loki_body, {});
  for (auto _ : state) {
    std::string text;
    text.reserve(64 + entries->entries.size() * 512);
    text += "{\"query\":";
    append_json_string(text, "{service_name=\"svc\"}");
    text += ",\"entries\":";
    append_json(text, entries->entries);
    text += '}';
    benchmark::DoNotOptimize(text);
  }
}

// What the route did before: a json::value tree, then serialize (the baseline).
void BM_ServerJsonTree(benchmark::State& state) {
  if (!ready(state)) return;
  auto entries = grafana::parse_loki_streams(setup().loki_body, {});
  for (auto _ : state) {
    json::object o;
    o["query"] = "{service_name=\"svc\"}";
    o["entries"] = to_json(entries->entries);
    std::string text = json::serialize(o);
    benchmark::DoNotOptimize(text);
  }
}

void BM_CliRender(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    auto entries = cli::read_log_entries(setup().server_body);
    if (!entries || entries->size() != static_cast<size_t>(kLimit)) state.SkipWithError("unexpected answer");
    std::string table = cli::render_logs(*entries, cli::RenderStyle{});
    benchmark::DoNotOptimize(table);
  }
}

// Median and p90 of single runs: a process spawn is not a loop body.
constexpr int kRuns = 40;
#define TINKR_LATENCY(fn)             \
  BENCHMARK(fn)                       \
      ->Iterations(1)                 \
      ->Repetitions(kRuns)            \
      ->ReportAggregatesOnly(true)    \
      ->UseRealTime()                 \
      ->Unit(benchmark::kMillisecond) \
      ->ComputeStatistics("p90", p90)

TINKR_LATENCY(BM_TinkrLogs);
TINKR_LATENCY(BM_TinkrLogsLibcurl);
TINKR_LATENCY(BM_CliStart);
TINKR_LATENCY(BM_ServerLogs);
TINKR_LATENCY(BM_ServerLogsAllFields);
TINKR_LATENCY(BM_LokiRoundTrip);
TINKR_LATENCY(BM_LokiParse);
TINKR_LATENCY(BM_ServerJson);
TINKR_LATENCY(BM_ServerJsonTree);
TINKR_LATENCY(BM_CliRender);

}  // namespace
}  // namespace tinkr
