#include "sim/tempo_sim.h"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "sim/sim_server_query.h"

namespace tinkr::sim {
namespace {

namespace json = boost::json;
using testing::RecordedRequest;
using testing::ScriptedResponse;

std::string hex_to_base64(const std::string& hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string strip_zeros(const std::string& hex) {
  size_t i = 0;
  while (i + 1 < hex.size() && hex[i] == '0') ++i;
  return hex.substr(i);
}

std::string_view kind_enum(SpanKind k) {
  switch (k) {
    case SpanKind::kInternal: return "SPAN_KIND_INTERNAL";
    case SpanKind::kServer: return "SPAN_KIND_SERVER";
    case SpanKind::kClient: return "SPAN_KIND_CLIENT";
    case SpanKind::kProducer: return "SPAN_KIND_PRODUCER";
    case SpanKind::kConsumer: return "SPAN_KIND_CONSUMER";
    default: return "SPAN_KIND_UNSPECIFIED";
  }
}

json::array otlp_attributes(const Attributes& attrs) {
  json::array out;
  for (const auto& [k, v] : attrs) {
    out.push_back(json::object{{"key", k}, {"value", json::object{{"stringValue", v}}}});
  }
  return out;
}

struct Filter {
  std::string service;
  std::vector<std::pair<std::string, std::string>> attrs;
  bool errors = false;
  Nanos min_duration{0};
};

Result<Filter> parse_traceql(const std::string& q) {
  Filter f;
  const std::string& body = q;
  static const RE2 kService(R"re(resource\.service\.name = "((?:[^"\\]|\\.)*)")re");
  static const RE2 kAttr(R"re((?:^|[ {&])\.([A-Za-z0-9_.]+) = "((?:[^"\\]|\\.)*)")re");
  static const RE2 kError(R"re(\{ status = error \})re");
  static const RE2 kDuration(R"re(\{ traceDuration >= ([0-9]+(?:ms|us|ns|s)) \})re");
  static const RE2 kShape(R"re(\{[^{}]*\}(?: && \{[^{}]*\})*)re");
  if (!RE2::FullMatch(body, kShape)) {
    return make_error(ErrorCode::kInvalidArgument, "invalid TraceQL query: parse error at line 1, col 1: syntax error");
  }
  std::string v;
  if (RE2::PartialMatch(body, kService, &v)) f.service = go_unquote_body(v);
  re2::StringPiece in(body);
  std::string k;
  while (RE2::FindAndConsume(&in, kAttr, &k, &v)) f.attrs.emplace_back(k, go_unquote_body(v));
  f.errors = RE2::PartialMatch(body, kError);
  std::string d;
  if (RE2::PartialMatch(body, kDuration, &d)) f.min_duration = parse_duration(d).value_or(Nanos(0));
  return f;
}

}  // namespace

std::string tempo_trace_v1_json(const Trace& trace) {
  std::map<std::string, json::array> by_service;
  for (const Span& s : trace.spans) {
    json::object span{{"traceId", hex_to_base64(s.trace_id)},
                      {"spanId", hex_to_base64(s.span_id)},
                      {"name", s.name},
                      {"kind", kind_enum(s.kind)},
                      {"startTimeUnixNano", std::to_string(to_unix_nanos(s.start))},
                      {"endTimeUnixNano", std::to_string(to_unix_nanos(s.end()))}};
    if (!s.parent_span_id.empty()) span["parentSpanId"] = hex_to_base64(s.parent_span_id);
    if (!s.attributes.empty()) span["attributes"] = otlp_attributes(s.attributes);
    json::object status;
    if (s.status == SpanStatus::kError) status["code"] = "STATUS_CODE_ERROR";
    if (s.status == SpanStatus::kOk) status["code"] = "STATUS_CODE_OK";
    if (!s.status_message.empty()) status["message"] = s.status_message;
    span["status"] = std::move(status);
    by_service[s.service].push_back(std::move(span));
  }
  json::array batches;
  for (auto& [service, spans] : by_service) {
    batches.push_back(
        json::object{{"resource", json::object{{"attributes", otlp_attributes({{"service.name", service}})}}},
                     {"scopeSpans", json::array{json::object{{"scope", json::object{{"name", "tinkr.scenario"}}},
                                                             {"spans", std::move(spans)}}}}});
  }
  return json::serialize(json::object{{"batches", std::move(batches)}});
}

struct TempoSim::Impl {
  TempoSimOptions options;
  std::vector<Trace> traces;

  std::optional<ScriptedResponse> check(const RecordedRequest& r) const {
    if (!options.tenant.empty() && r.header("X-Scope-OrgID") != options.tenant) {
      return ScriptedResponse::text(401, "no org id\n");
    }
    return std::nullopt;
  }

  ScriptedResponse search(const RecordedRequest& r) const {
    if (auto denied = check(r)) return *denied;
    const QueryMap q = decode_query(r.query);
    const int64_t start = std::stoll(param(q, "start").value_or("0"));
    const int64_t end = std::stoll(param(q, "end").value_or("0"));
    if (param(q, "start") && param(q, "end") && start >= end) {
      return ScriptedResponse::text(400, "invalid start/end: start must be before end\n");
    }
    auto filter = parse_traceql(param(q, "q").value_or("{ }"));
    if (!filter.ok()) return ScriptedResponse::text(400, filter.error().message + "\n");
    const size_t limit = std::stoul(param(q, "limit").value_or("20"));
    std::vector<const Trace*> hits;
    for (const Trace& t : traces) {
      const int64_t ts = to_unix_nanos(t.start) / 1000000000;
      if (end > 0 && (ts < start || ts > end)) continue;
      if (t.duration < filter->min_duration) continue;
      bool service = filter->service.empty(), error = !filter->errors;
      for (const Span& s : t.spans) {
        bool attrs_ok = std::all_of(filter->attrs.begin(), filter->attrs.end(), [&](const auto& kv) {
          auto it = s.attributes.find(kv.first);
          return it != s.attributes.end() && it->second == kv.second;
        });
        if ((filter->service.empty() || s.service == filter->service) && attrs_ok) service = true;
        if (s.status == SpanStatus::kError) error = true;
      }
      if (service && error) hits.push_back(&t);
    }
    // Tempo answers the most recent first.
    std::sort(hits.begin(), hits.end(), [](const Trace* a, const Trace* b) { return a->start > b->start; });
    if (hits.size() > limit) hits.resize(limit);
    json::array out;
    for (const Trace* t : hits) {
      json::object o{{"traceID", strip_zeros(t->trace_id)},
                     {"rootServiceName", t->root_service},
                     {"rootTraceName", t->root_name},
                     {"startTimeUnixNano", std::to_string(to_unix_nanos(t->start))}};
      const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(t->duration).count();
      if (ms > 0) o["durationMs"] = ms;  // zero values are omitted
      json::array spans;
      for (const Span& s : t->spans) {
        if (s.status != SpanStatus::kError || spans.size() >= 3) continue;
        spans.push_back(json::object{{"spanID", s.span_id},
                                     {"startTimeUnixNano", std::to_string(to_unix_nanos(s.start))},
                                     {"durationNanos", std::to_string(s.duration.count())},
                                     {"attributes", otlp_attributes({{"status", "error"}})}});
      }
      if (!spans.empty()) {
        const size_t matched = spans.size();
        o["spanSets"] = json::array{json::object{{"spans", std::move(spans)}, {"matched", matched}}};
      }
      out.push_back(std::move(o));
    }
    return ScriptedResponse::json(200, json::serialize(json::object{{"traces", std::move(out)},
                                                                    {"metrics", json::object{{"totalBlocks", 1}}}}));
  }
};

TempoSim::TempoSim(std::vector<Trace> traces, TempoSimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->traces = std::move(traces);
  Impl* impl = impl_.get();
  server_.route("GET", "/api/search", [impl](const RecordedRequest& r) { return impl->search(r); });
  server_.route("GET", "/api/echo", [](const RecordedRequest&) { return ScriptedResponse::text(200, "echo"); });
  server_.route("GET", "/ready", [](const RecordedRequest&) { return ScriptedResponse::text(200, "ready"); });
  for (const Trace& t : impl_->traces) {
    std::string body = tempo_trace_v1_json(t);
    server_.route("GET", "/api/traces/" + t.trace_id, [impl, body](const RecordedRequest& r) {
      if (auto denied = impl->check(r)) return *denied;
      return ScriptedResponse::json(200, body);
    });
  }
}

TempoSim::~TempoSim() = default;

}  // namespace tinkr::sim
