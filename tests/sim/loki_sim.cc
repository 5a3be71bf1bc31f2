#include "sim/loki_sim.h"

#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json_writer.h"
#include "sim/sim_server_query.h"

namespace tinkr::sim {
namespace {

namespace json = boost::json;
using testing::RecordedRequest;
using testing::ScriptedResponse;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Matcher {
  std::string name, op, value;
  std::shared_ptr<RE2> re;  // =~ !~ (anchored, as Loki's label matchers are)

  bool matches(const Attributes& labels) const {
    auto it = labels.find(name);
    return matches_value(it == labels.end() ? std::string_view() : std::string_view(it->second));
  }
  // The label's value; "" when absent.
  bool matches_value(std::string_view v) const {
    if (op == "=") return v == value;
    if (op == "!=") return v != value;
    const bool m = RE2::FullMatch(v, *re);
    return op == "=~" ? m : !m;
  }
};

struct LineFilter {
  std::string op, value;
  std::shared_ptr<RE2> re;
  bool matches(const std::string& line) const {
    if (op == "|=") return line.find(value) != std::string::npos;
    if (op == "!=") return line.find(value) == std::string::npos;
    const bool m = RE2::PartialMatch(line, *re);
    return op == "|~" ? m : !m;
  }
};

struct Pipeline {
  std::vector<Matcher> selector;
  std::vector<LineFilter> lines;
  std::vector<std::vector<Matcher>> label_filters;  // each: any of (or)
};

Result<Matcher> make_matcher(std::string name, std::string op, const std::string& quoted_body) {
  Matcher m{std::move(name), std::move(op), go_unquote_body(quoted_body), nullptr};
  if (m.op == "=~" || m.op == "!~") {
    m.re = std::make_shared<RE2>(m.value);
    if (!m.re->ok()) return make_error(ErrorCode::kInvalidArgument, "invalid regex " + m.value);
  }
  return m;
}

// The parse error Loki answers with (pkg/logqlmodel/error.go).
Error parse_error(std::string_view text, std::string_view rest) {
  const size_t col = text.size() - rest.size() + 1;
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("parse error at line 1, col {}: syntax error: unexpected {}", col,
                                rest.empty() ? std::string("end of input") : std::string(rest.substr(0, 20))));
}

Result<Pipeline> parse_pipeline(std::string_view text) {
  static const RE2 kOpen(R"re(\s*\{\s*)re");
  static const RE2 kMatcher(R"re(([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?\s*)re");
  static const RE2 kClose(R"re(\}\s*)re");
  static const RE2 kLine(R"re((\|=|!=|\|~|!~)\s*"((?:[^"\\]|\\.)*)"\s*)re");
  static const RE2 kParser(R"re(\|\s*(?:json|logfmt)\s*)re");
  static const RE2 kLabelStart(R"re(\|\s*)re");
  static const RE2 kOr(R"re(or\s+)re");
  Pipeline p;
  re2::StringPiece in(text.data(), text.size());
  auto rest = [&] { return std::string_view(in.data(), in.size()); };
  if (!RE2::Consume(&in, kOpen)) return parse_error(text, rest());
  std::string name, op, value;
  while (RE2::Consume(&in, kMatcher, &name, &op, &value)) {
    TINKR_ASSIGN_OR_RETURN(Matcher m, make_matcher(name, op, value));
    p.selector.push_back(std::move(m));
  }
  if (!RE2::Consume(&in, kClose)) return parse_error(text, rest());
  if (p.selector.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "parse error : queries require at least one regexp or equality "
                      "matcher that does not have an empty-compatible value");
  }
  while (!in.empty()) {
    if (RE2::Consume(&in, kLine, &op, &value)) {
      LineFilter f{op, go_unquote_body(value), nullptr};
      if (op == "|~" || op == "!~") f.re = std::make_shared<RE2>(f.value);
      p.lines.push_back(std::move(f));
      continue;
    }
    if (RE2::Consume(&in, kParser)) continue;
    re2::StringPiece save = in;
    if (RE2::Consume(&in, kLabelStart)) {
      std::vector<Matcher> any;
      while (RE2::Consume(&in, kMatcher, &name, &op, &value)) {
        TINKR_ASSIGN_OR_RETURN(Matcher m, make_matcher(name, op, value));
        any.push_back(std::move(m));
        if (!RE2::Consume(&in, kOr)) break;
      }
      if (!any.empty()) {
        p.label_filters.push_back(std::move(any));
        continue;
      }
    }
    in = save;
    return parse_error(text, rest());
  }
  return p;
}

Result<int64_t> parse_time(const std::optional<std::string>& text, int64_t fallback) {
  if (!text) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec == std::errc() && end == text->data() + text->size()) {
    // Loki: a number of 19+ digits is nanoseconds, otherwise seconds.
    return text->size() >= 19 ? v : v * 1000000000;
  }
  char* e = nullptr;
  const double s = std::strtod(text->c_str(), &e);
  if (e && *e == '\0' && !text->empty()) return static_cast<int64_t>(s * 1e9);
  if (auto t = parse_rfc3339(*text); t.ok()) return to_unix_nanos(*t);
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("invalid parameter: cannot parse \"{}\" to a valid timestamp", *text));
}

ScriptedResponse loki_text(int status, std::string body) {
  ScriptedResponse r = ScriptedResponse::text(status, std::move(body) + "\n");
  return r;
}

}  // namespace

struct LokiSim::Impl {
  LokiSimOptions options;
  mutable std::mutex mu;       // guards logs: push() may run while queries are answered
  std::vector<LogEntry> logs;  // ascending time
  std::atomic<size_t> queries{0};

  // Appends keeping time order; a line equal in time, stream and text to one
  // already stored is dropped, as Loki's ingester does.
  size_t insert(std::vector<LogEntry> entries) {
    std::lock_guard lock(mu);
    size_t added = 0;
    for (auto& e : entries) {
      auto at =
          std::upper_bound(logs.begin(), logs.end(), e.time, [](Timestamp t, const LogEntry& x) { return t < x.time; });
      bool duplicate = false;
      for (auto it = at; it != logs.begin() && std::prev(it)->time == e.time; --it) {
        const LogEntry& x = *std::prev(it);
        if (x.message == e.message && x.service == e.service && x.level == e.level) duplicate = true;
      }
      if (duplicate) continue;
      logs.insert(at, std::move(e));
      ++added;
    }
    return added;
  }

  // POST /loki/api/v1/push with Content-Type application/json:
  // {"streams":[{"stream":{labels},"values":[["<ns>","<line>",{structured metadata}?]]}]} -> 204.
  ScriptedResponse push(const RecordedRequest& r) {
    if (auto denied = check_headers(r)) return *denied;
    if (r.header("Content-Type").find("application/json") == std::string::npos) {
      return loki_text(415, "this simulator accepts JSON pushes only (Content-Type: application/json)");
    }
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("streams") || !v.at("streams").is_array()) {
      return loki_text(400, "loghttp.PushRequest: decode error: not a push request");
    }
    std::vector<LogEntry> entries;
    for (const auto& stream : v.at("streams").as_array()) {
      if (!stream.is_object() || !stream.as_object().contains("values")) return loki_text(400, "stream without values");
      Attributes labels;
      if (const auto* st = stream.as_object().if_contains("stream"); st && st->is_object()) {
        for (const auto& [k, lv] : st->as_object()) {
          if (lv.is_string()) labels[std::string(k)] = std::string(lv.as_string());
        }
      }
      for (const auto& value : stream.at("values").as_array()) {
        if (!value.is_array() || value.as_array().size() < 2 || !value.as_array()[0].is_string() ||
            !value.as_array()[1].is_string()) {
          return loki_text(400, "each value must be [\"<unix epoch in nanoseconds>\", \"<log line>\", {metadata}?]");
        }
        const auto& a = value.as_array();
        int64_t ns = 0;
        const auto ts = a[0].as_string();
        auto [end, tec] = std::from_chars(ts.data(), ts.data() + ts.size(), ns);
        if (tec != std::errc() || end != ts.data() + ts.size())
          return loki_text(400, "invalid timestamp " + std::string(ts));
        LogEntry e;
        e.time = from_unix_nanos(ns);
        e.message = std::string(a[1].as_string());
        for (const auto& [k, lv] : labels) {
          if (k == options.service_label) e.service = lv;
          else if (k == "level") e.level = parse_level(lv);
          else e.attributes[k] = lv;
        }
        if (a.size() > 2 && a[2].is_object()) {
          for (const auto& [k, mv] : a[2].as_object()) {
            if (!mv.is_string()) return loki_text(400, "structured metadata values must be strings");
            std::string val(mv.as_string());
            if (k == "trace_id") e.trace_id = val;
            else if (k == "span_id") e.span_id = val;
            else e.attributes[std::string(k)] = val;
          }
        }
        entries.push_back(std::move(e));
      }
    }
    insert(std::move(entries));
    return ScriptedResponse::text(204, "");
  }

  Attributes stream_labels(const LogEntry& e) const {
    Attributes a;
    a[options.service_label] = e.service;
    if (e.level != Level::kUnknown) a["level"] = lower(level_name(e.level));
    return a;
  }
  Attributes metadata(const LogEntry& e) const {
    Attributes a = e.attributes;
    if (!e.trace_id.empty()) a["trace_id"] = e.trace_id;
    if (!e.span_id.empty()) a["span_id"] = e.span_id;
    return a;
  }
  // One of stream_labels(e), without building the map (run per stored line
  // per query).
  std::string stream_label(const LogEntry& e, std::string_view name) const {
    if (name == options.service_label) return e.service;
    if (name == "level" && e.level != Level::kUnknown) return lower(level_name(e.level));
    return {};
  }
  bool matches(const Pipeline& p, const LogEntry& e) const {
    for (const auto& m : p.selector) {
      if (!m.matches_value(stream_label(e, m.name))) return false;
    }
    for (const auto& f : p.lines) {
      if (!f.matches(e.message)) return false;
    }
    if (!p.label_filters.empty()) {
      Attributes labels = stream_labels(e);
      for (auto& [k, v] : metadata(e)) labels.emplace(k, v);
      for (const auto& any : p.label_filters) {
        if (!std::any_of(any.begin(), any.end(), [&](const Matcher& m) { return m.matches(labels); })) return false;
      }
    }
    return true;
  }

  std::optional<ScriptedResponse> check_headers(const RecordedRequest& r) const {
    if (!options.authorization.empty() && r.header("Authorization") != options.authorization) {
      return loki_text(401, "Unauthorized");
    }
    if (!options.tenant.empty()) {
      const std::string org = r.header("X-Scope-OrgID");
      if (org.empty()) return loki_text(401, "no org id");
      if (org != options.tenant) return loki_text(401, "unauthorized tenant " + org);
    }
    return std::nullopt;
  }

  ScriptedResponse query_range(const RecordedRequest& r) {
    if (auto denied = check_headers(r)) return *denied;
    ++queries;
    const QueryMap q = decode_query(r.query);
    auto query = param(q, "query");
    if (!query || query->empty()) return loki_text(400, "query parameter is required");
    auto end = parse_time(param(q, "end"), 0);
    if (!end.ok()) return loki_text(400, end.error().message);
    auto start = parse_time(param(q, "start"), *end - 3600000000000);
    if (!start.ok()) return loki_text(400, start.error().message);
    if (*end < *start) return loki_text(400, "invalid query, through < from (end < start)");

    std::string by, inner, range_text;
    if (RE2::FullMatch(*query, volume_pattern(), &by, &inner, &range_text)) {
      auto p = parse_pipeline(inner);
      if (!p.ok()) return loki_text(400, p.error().message);
      auto range = parse_duration(range_text);
      if (!range.ok()) return loki_text(400, "parse error: invalid duration " + range_text);
      int64_t step_ns = 0;
      if (auto s = param(q, "step")) {
        char* e = nullptr;
        step_ns = static_cast<int64_t>(std::strtod(s->c_str(), &e) * 1e9);
      }
      if (step_ns <= 0) step_ns = std::max<int64_t>(1000000000, (*end - *start) / 250);
      if ((*end - *start) / step_ns > 11000) {
        return loki_text(400,
                         "exceeded maximum resolution of 11,000 points per timeseries. Try increasing the value "
                         "of the step parameter");
      }
      return volume(*p, by, range->count(), *start, *end, step_ns);
    }
    auto p = parse_pipeline(*query);
    if (!p.ok()) return loki_text(400, p.error().message);
    size_t limit = 100;
    if (auto l = param(q, "limit")) limit = std::strtoul(l->c_str(), nullptr, 10);
    if (limit > options.max_entries_limit) {
      return loki_text(400, fmt::format("max entries limit per query exceeded, limit > max_entries_limit ({} > {})",
                                        limit, options.max_entries_limit));
    }
    const std::string direction = param(q, "direction").value_or("backward");
    if (direction != "backward" && direction != "forward") {
      return loki_text(400, "invalid direction '" + direction + "'");
    }
    const bool categorize = r.header("X-Loki-Response-Encoding-Flags").find("categorize-labels") != std::string::npos;
    return streams(*p, *start, *end, limit, direction == "backward", categorize);
  }

  // GET /loki/api/v1/query (instant): only the log-volume metric form
  // `sum by (L) (count_over_time(<pipeline> [range]))`, evaluated once at
  // `time` (ns; default now), answered as a "vector". Log queries are not
  // simulated here (Tinkr reads lines with query_range).
  ScriptedResponse instant_query(const RecordedRequest& r) {
    if (auto denied = check_headers(r)) return *denied;
    ++queries;
    const QueryMap q = decode_query(r.query);
    auto query = param(q, "query");
    if (!query || query->empty()) return loki_text(400, "query parameter is required");
    const int64_t now = to_unix_nanos(std::chrono::system_clock::now());
    auto time = parse_time(param(q, "time"), now);
    if (!time.ok()) return loki_text(400, time.error().message);
    std::string by, inner, range_text;
    if (!RE2::FullMatch(*query, volume_pattern(), &by, &inner, &range_text)) {
      return loki_text(400, "the simulator answers only log-volume metric queries on /loki/api/v1/query");
    }
    auto p = parse_pipeline(inner);
    if (!p.ok()) return loki_text(400, p.error().message);
    auto range = parse_duration(range_text);
    if (!range.ok()) return loki_text(400, "parse error: invalid duration " + range_text);
    return volume(*p, by, range->count(), *time, *time, 1, /*instant=*/true);
  }

  static const RE2& volume_pattern() {
    static const RE2 kVolume(R"re(sum by \(([a-zA-Z_][a-zA-Z0-9_]*)\) \(count_over_time\((.*) \[([0-9a-z]+)\]\)\))re");
    return kVolume;
  }

  ScriptedResponse streams(const Pipeline& p, int64_t start, int64_t end, size_t limit, bool backward,
                           bool categorize) const {
    std::lock_guard lock(mu);
    std::vector<const LogEntry*> hits;
    for (const auto& e : logs) {
      const int64_t t = to_unix_nanos(e.time);
      if (t >= start && t < end && matches(p, e)) hits.push_back(&e);
    }
    std::stable_sort(hits.begin(), hits.end(), [&](const LogEntry* a, const LogEntry* b) {
      return backward ? a->time > b->time : a->time < b->time;
    });
    if (hits.size() > limit) hits.resize(limit);
    // Group into streams, keeping the direction order inside each.
    std::map<Attributes, std::vector<const LogEntry*>> groups;
    for (const LogEntry* e : hits) {
      Attributes labels = stream_labels(*e);
      if (!categorize) {
        for (const auto& [k, v] : metadata(*e)) labels.emplace(k, v);
      }
      groups[std::move(labels)].push_back(e);
    }
    // Written directly, as Loki streams its answers: a json::value tree of
    // every value (and its copies) was most of the simulator's time, which a
    // benchmark through it counts (bench/logs_e2e_bench.cc).
    std::string body;
    body.reserve(256 + hits.size() * 320);
    body += R"({"status":"success","data":{"resultType":"streams","result":[)";
    bool first_stream = true;
    for (const auto& [labels, entries] : groups) {
      if (!first_stream) body += ',';
      first_stream = false;
      body += R"({"stream":)";
      append_json(body, labels);
      body += R"(,"values":[)";
      for (size_t i = 0; i < entries.size(); ++i) {
        const LogEntry& e = *entries[i];
        if (i > 0) body += ',';
        body += '[';
        append_json_string(body, std::to_string(to_unix_nanos(e.time)));
        body += ',';
        append_json_string(body, e.message);
        if (categorize) {
          body += ",{";
          const Attributes sm = metadata(e);
          if (!sm.empty()) {
            body += R"("structuredMetadata":)";
            append_json(body, sm);
          }
          body += '}';
        }
        body += ']';
      }
      body += "]}";
    }
    body += R"(],"stats":{})";
    if (categorize) body += R"(,"encodingFlags":["categorize-labels"])";
    body += "}}";
    return ScriptedResponse::json(200, std::move(body));
  }

  ScriptedResponse volume(const Pipeline& p, const std::string& by, int64_t range_ns, int64_t start, int64_t end,
                          int64_t step_ns, bool instant = false) const {
    std::map<std::string, std::map<int64_t, int64_t>> counts;  // label value -> T -> count
    std::lock_guard lock(mu);
    for (const auto& e : logs) {
      if (!matches(p, e)) continue;
      const int64_t t = to_unix_nanos(e.time);
      Attributes labels = stream_labels(e);
      for (auto& [k, v] : metadata(e)) labels.emplace(k, v);
      auto it = labels.find(by);
      const std::string key = it == labels.end() ? std::string() : it->second;
      // Every evaluation time T with t in (T - range, T].
      for (int64_t T = start; T <= end; T += step_ns) {
        if (t > T - range_ns && t <= T) ++counts[key][T];
      }
    }
    json::array result;
    for (const auto& [key, per_t] : counts) {
      json::object metric;
      if (!key.empty()) metric[by] = key;
      json::array values;
      for (const auto& [T, n] : per_t) {
        // Loki's sample times are milliseconds (Prometheus' model.Time): the
        // evaluation time truncated, seconds with up to 3 decimals.
        const int64_t ms = T / 1000000;
        json::value ts;
        if (ms % 1000 == 0) ts = ms / 1000;
        else ts = static_cast<double>(ms) / 1e3;
        values.push_back(json::array{ts, std::to_string(n)});
      }
      if (instant) {
        result.push_back(json::object{{"metric", std::move(metric)}, {"value", values.back()}});
      } else {
        result.push_back(json::object{{"metric", std::move(metric)}, {"values", std::move(values)}});
      }
    }
    json::object data{{"resultType", instant ? "vector" : "matrix"},
                      {"result", std::move(result)},
                      {"stats", json::object{}}};
    return ScriptedResponse::json(200, json::serialize(json::object{{"status", "success"}, {"data", std::move(data)}}));
  }

  ScriptedResponse label_values(const RecordedRequest& r, const std::string& label) const {
    if (auto denied = check_headers(r)) return *denied;
    const QueryMap q = decode_query(r.query);
    auto end = parse_time(param(q, "end"), INT64_MAX);
    auto start = parse_time(param(q, "start"), 0);
    if (!end.ok() || !start.ok()) return loki_text(400, "invalid start/end");
    std::set<std::string> values;
    std::lock_guard lock(mu);
    for (const auto& e : logs) {
      const int64_t t = to_unix_nanos(e.time);
      if (t < *start || t >= *end) continue;
      Attributes labels = stream_labels(e);
      if (auto it = labels.find(label); it != labels.end()) values.insert(it->second);
    }
    json::array data;
    for (const auto& v : values) data.push_back(json::string(v));
    return ScriptedResponse::json(200, json::serialize(json::object{{"status", "success"}, {"data", std::move(data)}}));
  }
};

LokiSim::LokiSim(std::vector<LogEntry> logs, LokiSimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->logs = std::move(logs);
  std::stable_sort(impl_->logs.begin(), impl_->logs.end(),
                   [](const LogEntry& a, const LogEntry& b) { return a.time < b.time; });
  Impl* impl = impl_.get();
  server_.route("GET", "/loki/api/v1/query_range", [impl](const RecordedRequest& r) { return impl->query_range(r); });
  server_.route("GET", "/loki/api/v1/query", [impl](const RecordedRequest& r) { return impl->instant_query(r); });
  server_.route("POST", "/loki/api/v1/push", [impl](const RecordedRequest& r) { return impl->push(r); });
  server_.route("GET", "/ready", [](const RecordedRequest&) { return ScriptedResponse::text(200, "ready\n"); });
  server_.route("GET", "/loki/api/v1/labels", [impl](const RecordedRequest& r) {
    if (auto denied = impl->check_headers(r)) return *denied;
    json::array data{json::string(impl->options.service_label), "level"};
    return ScriptedResponse::json(200, json::serialize(json::object{{"status", "success"}, {"data", data}}));
  });
  for (const std::string& label : {impl_->options.service_label, std::string("level")}) {
    server_.route("GET", "/loki/api/v1/label/" + label + "/values",
                  [impl, label](const RecordedRequest& r) { return impl->label_values(r, label); });
  }
}

LokiSim::~LokiSim() = default;

size_t LokiSim::query_count() const { return impl_->queries.load(); }

size_t LokiSim::push(std::vector<LogEntry> entries) { return impl_->insert(std::move(entries)); }

}  // namespace tinkr::sim
