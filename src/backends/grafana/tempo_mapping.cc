#include "backends/grafana/tempo_mapping.h"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "backends/grafana/grafana_wire.h"
#include "query/ast.h"
#include "query/escape.h"

namespace tinkr::grafana {
namespace json = boost::json;
namespace tw = wire::tempo;
namespace {

Error bad(std::string_view what) { return make_error(ErrorCode::kBackend, std::string(what)); }

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> base64_to_hex(std::string_view text) {
  std::string padded(text);
  for (char& c : padded) {  // URL-safe alphabet too
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (padded.size() % 4 != 0) padded += '=';
  std::string bytes(padded.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  for (size_t i = padded.size(); i > 0 && padded[i - 1] == '='; --i) --len;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < len; ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    hex += kDigits[b >> 4];
    hex += kDigits[b & 0xf];
  }
  return hex;
}

const json::value* member(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  return v.get_object().if_contains(key);
}

std::string_view str(const json::value& v, std::string_view key) {
  const auto* f = member(v, key);
  return f && f->is_string() ? std::string_view(f->get_string()) : std::string_view();
}

int64_t int_of(const json::value* f) {
  if (!f) return 0;
  if (f->is_int64()) return f->get_int64();
  if (f->is_uint64()) return static_cast<int64_t>(f->get_uint64());
  if (f->is_double()) return static_cast<int64_t>(f->get_double());
  if (f->is_string()) {
    const auto& s = f->get_string();
    int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }
  return 0;
}

// An OTLP AnyValue as text.
std::string any_value_text(const json::value& v) {
  if (!v.is_object()) return {};
  const auto& o = v.get_object();
  if (const auto* s = o.if_contains("stringValue"); s && s->is_string()) return std::string(s->get_string());
  if (const auto* i = o.if_contains("intValue")) return std::to_string(int_of(i));
  if (const auto* b = o.if_contains("boolValue"); b && b->is_bool()) return b->get_bool() ? "true" : "false";
  if (const auto* d = o.if_contains("doubleValue")) {
    if (d->is_double()) return fmt::format("{}", d->get_double());
    if (d->is_int64()) return std::to_string(d->get_int64());
    if (d->is_string()) return std::string(d->get_string());
  }
  if (const auto* a = o.if_contains("arrayValue")) return json::serialize(*a);
  if (const auto* k = o.if_contains("kvlistValue")) return json::serialize(*k);
  if (const auto* y = o.if_contains("bytesValue"); y && y->is_string()) return std::string(y->get_string());
  return {};
}

void read_attributes(const json::value* list, Attributes& out, std::string_view prefix = "") {
  if (!list || !list->is_array()) return;
  for (const auto& kv : list->get_array()) {
    std::string_view key = str(kv, tw::kKey);
    const auto* value = member(kv, "value");
    if (key.empty() || !value) continue;
    out.insert_or_assign(std::string(prefix) + std::string(key), any_value_text(*value));
  }
}

std::string traceql_duration(Nanos d) {
  const int64_t ns = d.count();
  if (ns % 1000000 == 0) return fmt::format("{}ms", ns / 1000000);
  if (ns % 1000 == 0) return fmt::format("{}us", ns / 1000);
  return fmt::format("{}ns", ns);
}

Result<std::string> traceql_attribute(std::string_view key) {
  if (!query::is_valid_field_name(key)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("tag name \"{}\" is not valid: use letters, digits, '_', '.', '-'", key));
  }
  // Scoped names stay; others match any scope (".name").
  for (std::string_view scope : {"span.", "resource."}) {
    if (key.substr(0, scope.size()) == scope) {
      std::string_view rest = key.substr(scope.size());
      if (rest.find('-') == std::string_view::npos) return std::string(key);
      return fmt::format("{}\"{}\"", scope, escape_traceql_string(rest));
    }
  }
  if (key.find('-') == std::string_view::npos) return "." + std::string(key);
  return fmt::format(".\"{}\"", escape_traceql_string(key));
}

// `attr = value`. TraceQL compares typed values and never converts (an int
// attribute such as http.status_code is not equal to "500"), so a value that
// reads as a number or a boolean matches the typed literal or the string.
std::string traceql_equals(const std::string& attr, std::string_view value) {
  static const RE2 kTypedLiteral(R"(-?(0|[1-9][0-9]{0,17})(\.[0-9]{1,17})?|true|false)");
  std::string as_string = fmt::format("{} = \"{}\"", attr, escape_traceql_string(value));
  if (!RE2::FullMatch(value, kTypedLiteral)) return as_string;
  return fmt::format("({} = {} || {})", attr, value, as_string);
}

}  // namespace

std::optional<std::string> normalize_id(std::string_view id, size_t hex_digits) {
  if (id.empty()) return std::nullopt;
  const bool all_hex = std::all_of(id.begin(), id.end(), is_hex);
  if (all_hex && id.size() <= hex_digits) {
    return std::string(hex_digits - id.size(), '0') + lower(id);
  }
  auto hex = base64_to_hex(id);
  if (!hex || hex->empty() || hex->size() > hex_digits) return std::nullopt;
  return std::string(hex_digits - hex->size(), '0') + *hex;
}

Result<std::string> parse_user_trace_id(std::string_view id) {
  const bool ok = !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), is_hex);
  if (!ok) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("\"{}\" is not a trace id: expected up to 32 hex digits", id.substr(0, 64)));
  }
  return std::string(32 - id.size(), '0') + lower(id);
}

std::string escape_traceql_string(std::string_view text) { return query::escape::go_string_contents(text); }

Result<std::string> build_traceql(const TraceQuery& q) {
  std::vector<std::string> conditions;
  if (!q.service.empty()) {
    conditions.push_back(fmt::format("resource.service.name = \"{}\"", escape_traceql_string(q.service)));
  }
  for (const auto& [key, value] : q.tags) {
    TINKR_ASSIGN_OR_RETURN(std::string attr, traceql_attribute(key));
    conditions.push_back(traceql_equals(attr, value));
  }
  std::vector<std::string> spansets;
  if (!conditions.empty()) {
    std::string joined;
    for (const auto& c : conditions) joined += (joined.empty() ? "" : " && ") + c;
    spansets.push_back("{ " + joined + " }");
  }
  if (q.errors_only) spansets.push_back("{ status = error }");
  if (q.min_duration.count() > 0) spansets.push_back("{ traceDuration >= " + traceql_duration(q.min_duration) + " }");
  if (spansets.empty()) return std::string("{ }");
  std::string out;
  for (const auto& s : spansets) out += (out.empty() ? "" : " && ") + s;
  return out;
}

Result<std::vector<Trace>> parse_tempo_search(std::string_view body) {
  json::monotonic_resource arena;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &arena);
  if (ec) return bad(fmt::format("invalid JSON: {}", ec.message()));
  if (!root.is_object()) return bad("the answer is not a JSON object");
  std::vector<Trace> out;
  const auto* traces = member(root, tw::kTraces);
  if (!traces || traces->is_null()) return out;
  if (!traces->is_array()) return bad("\"traces\" is not an array");
  for (const auto& t : traces->get_array()) {
    Trace trace;
    auto id = normalize_id(str(t, tw::kTraceIdSearch), 32);
    if (!id) return bad(fmt::format("a trace has an unreadable traceID \"{}\"", str(t, tw::kTraceIdSearch)));
    trace.trace_id = *id;
    trace.root_service = std::string(str(t, tw::kRootServiceName));
    if (trace.root_service == tw::kRootNotYetReceived) trace.root_service.clear();
    trace.root_name = std::string(str(t, tw::kRootTraceName));
    trace.start = from_unix_nanos(int_of(member(t, tw::kStartTimeUnixNano)));
    trace.duration = std::chrono::milliseconds(int_of(member(t, tw::kDurationMs)));
    // Matched spans carrying status=error mark the trace as failing.
    for (std::string_view sets_key : {tw::kSpanSets, tw::kSpanSet}) {
      const auto* sets = member(t, sets_key);
      if (!sets) continue;
      auto scan = [&](const json::value& set) {
        const auto* spans = member(set, tw::kSpans);
        if (!spans || !spans->is_array()) return;
        for (const auto& s : spans->get_array()) {
          Attributes attrs;
          read_attributes(member(s, tw::kAttributes), attrs);
          if (auto it = attrs.find("status"); it != attrs.end() && it->second == "error") trace.has_error = true;
        }
      };
      if (sets->is_array()) {
        for (const auto& set : sets->get_array()) scan(set);
      } else {
        scan(*sets);
      }
    }
    out.push_back(std::move(trace));
  }
  return out;
}

Result<Trace> parse_tempo_trace(std::string_view body) {
  json::monotonic_resource arena;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &arena);
  if (ec) return bad(fmt::format("invalid JSON: {}", ec.message()));
  if (!root.is_object()) return bad("the answer is not a JSON object");
  const json::value* batches = member(root, tw::kBatches);
  if (!batches) {
    if (const auto* t = member(root, tw::kTrace)) batches = member(*t, tw::kResourceSpans);
  }
  if (!batches) batches = member(root, tw::kResourceSpans);
  Trace trace;
  if (!batches || batches->is_null()) return trace;
  if (!batches->is_array()) return bad("\"batches\" is not an array");

  for (const auto& rs : batches->get_array()) {
    Attributes resource;
    if (const auto* r = member(rs, tw::kResource)) read_attributes(member(*r, tw::kAttributes), resource);
    std::string service;
    if (auto it = resource.find(tw::kServiceName); it != resource.end()) {
      service = it->second;
      resource.erase(it);
    }
    const json::value* scopes = member(rs, tw::kScopeSpans);
    if (!scopes) scopes = member(rs, tw::kInstrumentationLibrarySpans);
    if (!scopes || !scopes->is_array()) continue;
    for (const auto& scope : scopes->get_array()) {
      const auto* spans = member(scope, tw::kSpans);
      if (!spans || !spans->is_array()) continue;
      for (const auto& s : spans->get_array()) {
        Span span;
        auto tid = normalize_id(str(s, tw::kTraceId), 32);
        auto sid = normalize_id(str(s, tw::kSpanId), 16);
        if (!tid || !sid) {
          return bad(fmt::format("a span has an unreadable id (traceId \"{}\", spanId \"{}\")", str(s, tw::kTraceId),
                                 str(s, tw::kSpanId)));
        }
        span.trace_id = *tid;
        span.span_id = *sid;
        if (std::string_view parent = str(s, tw::kParentSpanId); !parent.empty()) {
          auto pid = normalize_id(parent, 16);
          if (!pid) return bad(fmt::format("a span has an unreadable parentSpanId \"{}\"", parent));
          span.parent_span_id = *pid;
        }
        span.service = service;
        span.name = std::string(str(s, tw::kName));
        if (const auto* k = member(s, tw::kKind)) {
          span.kind = k->is_string() ? parse_span_kind(k->get_string()) : parse_span_kind(std::to_string(int_of(k)));
        }
        span.start = from_unix_nanos(int_of(member(s, tw::kStartTimeUnixNano)));
        const Timestamp end = from_unix_nanos(int_of(member(s, tw::kEndTimeUnixNano)));
        span.duration = end > span.start ? end - span.start : Nanos(0);
        if (const auto* st = member(s, tw::kSpanStatus)) {
          if (const auto* code = member(*st, tw::kCode)) {
            span.status = code->is_string() ? parse_span_status(code->get_string())
                                            : parse_span_status(std::to_string(int_of(code)));
          }
          span.status_message = std::string(str(*st, tw::kMessage));
        }
        read_attributes(member(s, tw::kAttributes), span.attributes);
        for (const auto& [k, v] : resource) span.attributes.emplace("resource." + k, v);
        // The first exception event's message helps the reader of a failing span.
        if (const auto* events = member(s, "events"); events && events->is_array()) {
          for (const auto& ev : events->get_array()) {
            if (str(ev, tw::kName) != "exception") continue;
            Attributes ea;
            read_attributes(member(ev, tw::kAttributes), ea);
            for (const auto& [k, v] : ea) span.attributes.emplace(k, v);
            break;
          }
        }
        trace.spans.push_back(std::move(span));
      }
    }
  }
  std::sort(trace.spans.begin(), trace.spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  if (!trace.spans.empty()) trace.trace_id = trace.spans.front().trace_id;
  summarize_trace(trace);
  return trace;
}

}  // namespace tinkr::grafana
