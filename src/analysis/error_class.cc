// The rules are one table, matched all at once with an RE2::Set (one linear
// pass over the text); the strongest matching rule decides, and its pattern
// is run alone once more to quote the phrase that matched.
#include "analysis/error_class.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "analysis/patterns/miner.h"

namespace tinkr::analysis {
namespace {

struct Rule {
  const char* name;
  ErrorClass cls;
  const char* subclass;
  double strength;  // confidence of one match
  const char* pattern;
};

// Ordered by nothing in particular: the strongest match wins, ties go to the earlier rule.
constexpr Rule kRules[] = {
    // resource exhaustion
    {"out_of_memory", ErrorClass::kResourceExhaustion, "memory", 0.95,
     R"(out of memory|OutOfMemoryError|OOMKilled|oom-kill|cannot allocate memory|\bENOMEM\b|\bMemoryError\b|memory limit exceeded|Java heap space|std::bad_alloc|allocation failed)"},
    {"pool_exhausted", ErrorClass::kResourceExhaustion, "pool", 0.92,
     R"((?:connection|thread|worker) pool (?:is )?(?:exhausted|full)|pool exhausted|too many connections|Connection is not available, request timed out|remaining connection slots are reserved|QueuePool limit|max_connections|no (?:free|available) connections?)"},
    {"disk_full", ErrorClass::kResourceExhaustion, "disk", 0.95,
     R"(no space left on device|\bENOSPC\b|disk (?:is )?full|disk quota exceeded|\bEDQUOT\b)"},
    {"rate_limited", ErrorClass::kResourceExhaustion, "rate_limit", 0.88,
     R"(rate[ _-]?limit|too many requests|\b429\b|throttl|quota exceeded|ResourceExhausted|RESOURCE_EXHAUSTED)"},
    {"file_descriptors", ErrorClass::kResourceExhaustion, "file_descriptors", 0.93,
     R"(too many open files|\bEMFILE\b|\bENFILE\b)"},
    // timeouts
    {"timeout", ErrorClass::kTimeout, "", 0.85,
     R"(timed? ?out|timeout|deadline exceeded|DEADLINE_EXCEEDED|\bETIMEDOUT\b|\b504\b|gateway time-?out)"},
    // dependency down
    {"connection_refused", ErrorClass::kDependencyDown, "", 0.9,
     R"(connection refused|\bECONNREFUSED\b|ConnectException|actively refused)"},
    {"host_unreachable", ErrorClass::kDependencyDown, "", 0.85,
     R"(no route to host|host (?:is )?unreachable|\bEHOSTUNREACH\b|network is unreachable|\bENETUNREACH\b)"},
    {"connection_reset", ErrorClass::kDependencyDown, "", 0.75,
     R"(connection reset|\bECONNRESET\b|broken pipe|\bEPIPE\b|connection closed by (?:peer|remote)|server closed the connection unexpectedly|unexpected EOF)"},
    {"service_unavailable", ErrorClass::kDependencyDown, "", 0.85,
     R"(service unavailable|\b503\b|bad gateway|\b502\b|no healthy upstream|upstream connect error|circuit ?breaker (?:is )?open|UNAVAILABLE)"},
    {"connect_failed", ErrorClass::kDependencyDown, "", 0.8,
     R"((?:could not|unable to|failed to|cannot) (?:connect|reach|establish)|connection (?:failed|error))"},
    {"dns_failure", ErrorClass::kDependencyDown, "", 0.8,
     R"(name or service not known|could not resolve host|\bENOTFOUND\b|getaddrinfo|UnknownHostException|no such host|temporary failure in name resolution)"},
    // configuration
    {"permission_denied", ErrorClass::kConfigError, "", 0.8,
     R"(permission denied|\bEACCES\b|access denied|\b403\b|forbidden|AccessDenied|not authorized)"},
    {"bad_credentials", ErrorClass::kConfigError, "", 0.8,
     R"(invalid (?:api[ _-]?key|credentials|token)|authentication failed|\b401\b|unauthorized|expired (?:token|credentials)|InvalidClientTokenId|SignatureDoesNotMatch)"},
    {"tls_config", ErrorClass::kConfigError, "", 0.8,
     R"(certificate (?:verify failed|has expired|is not valid|signed by unknown)|x509:|SSLHandshakeException|CERTIFICATE_VERIFY_FAILED)"},
    {"missing_setting", ErrorClass::kConfigError, "", 0.85,
     R"(missing (?:required )?(?:environment variable|env var|config(?:uration)?|setting|property|option)|(?:environment variable|env var)\s+\S+\s+(?:is )?(?:not set|required|missing)|ImproperlyConfigured|invalid (?:configuration|config|setting)|unknown (?:configuration|config) (?:key|option)|no such (?:config|option))"},
    {"missing_code", ErrorClass::kConfigError, "", 0.7,
     R"(ClassNotFoundException|NoClassDefFoundError|ModuleNotFoundError|ImportError|Cannot find module|no such file or directory|\bENOENT\b|undefined symbol|cannot open shared object)"},
    // logic bugs
    {"null_dereference", ErrorClass::kLogicBug, "", 0.85,
     R"(NullPointerException|NullReferenceException|nil pointer dereference|Cannot read propert(?:y|ies) of (?:undefined|null)|undefined is not|is not a function|NoMethodError|undefined method|'NoneType' object|AttributeError)"},
    {"bad_index_or_type", ErrorClass::kLogicBug, "", 0.8,
     R"(IndexError|index out of range|out of bounds|OutOfBounds|KeyError|TypeError|ClassCastException|ValueError|IllegalArgumentException|IllegalStateException|InvalidOperationException|ArgumentException|ZeroDivisionError|division by zero|divide by zero|NumberFormatException|UnsupportedOperationException)"},
    {"memory_safety", ErrorClass::kLogicBug, "", 0.9,
     R"(segmentation fault|SIGSEGV|SIGABRT|heap-use-after-free|heap-buffer-overflow|stack-buffer-overflow|use-after-free|double[ -]free|runtime error:|assertion failed|AssertionError|Assertion .* failed|panic:|undefined behavior)"},
};

struct Compiled {
  std::unique_ptr<RE2::Set> set;
  std::vector<std::unique_ptr<RE2>> single;
};

const Compiled& compiled() {
  static const Compiled* c = [] {
    auto* out = new Compiled();
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    out->set = std::make_unique<RE2::Set>(o, RE2::UNANCHORED);
    for (const Rule& r : kRules) {
      out->set->Add(r.pattern, nullptr);
      out->single.push_back(std::make_unique<RE2>(std::string("(") + r.pattern + ")", o));
    }
    out->set->Compile();
    return out;
  }();
  return *c;
}

struct Match {
  int rule = -1;
  std::string phrase;
};

// The strongest rule that matches `text`, with the phrase it matched.
Match best_rule(std::string_view text) {
  const Compiled& c = compiled();
  std::vector<int> hits;
  if (!c.set->Match(re2::StringPiece(text.data(), text.size()), &hits) || hits.empty()) return {};
  std::sort(hits.begin(), hits.end());
  int best = hits[0];
  for (int h : hits)
    if (kRules[h].strength > kRules[best].strength) best = h;
  Match m;
  m.rule = best;
  re2::StringPiece phrase;
  if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *c.single[static_cast<size_t>(best)], &phrase))
    m.phrase = std::string(phrase.data(), phrase.size());
  return m;
}

std::string first_line(std::string_view s) {
  size_t nl = s.find('\n');
  std::string out(s.substr(0, nl));
  if (out.size() > 500) out.resize(500);
  return out;
}

Classification from_match(const Match& m, std::string evidence) {
  Classification c;
  if (m.rule >= 0) {
    const Rule& r = kRules[m.rule];
    c.error_class = r.cls;
    c.subclass = r.subclass;
    c.confidence = r.strength;
    c.rule = r.name;
    c.matched = m.phrase;
  }
  c.evidence.push_back(std::move(evidence));
  return c;
}

}  // namespace

std::string_view error_class_name(ErrorClass c) {
  switch (c) {
    case ErrorClass::kDependencyDown: return "dependency_down";
    case ErrorClass::kTimeout: return "timeout";
    case ErrorClass::kResourceExhaustion: return "resource_exhaustion";
    case ErrorClass::kConfigError: return "config_error";
    case ErrorClass::kLogicBug: return "logic_bug";
    case ErrorClass::kDeployRegression: return "deploy_regression";
    case ErrorClass::kUnknown: return "unknown";
  }
  return "unknown";
}

Classification classify_message(std::string_view message) {
  auto traces = find_stack_traces(message);
  if (!traces.empty()) return classify_trace(traces[0]);
  return from_match(best_rule(message), first_line(message));
}

Classification classify_trace(const StackTrace& trace) {
  std::string text = trace.exception_type + ": " + trace.message;
  for (const auto& c : trace.causes) text += "\n" + c;
  Match m = best_rule(text);
  std::string evidence = trace.exception_type + (trace.message.empty() ? "" : ": " + trace.message);
  auto top = trace.top_frames(1);
  if (!top.empty()) evidence += " at " + top[0].file + ":" + std::to_string(top[0].line);
  Classification c = from_match(m, evidence);
  if (m.rule < 0) {
    // An unhandled exception with a stack trace and no known cause is most often a bug.
    c.error_class = ErrorClass::kLogicBug;
    c.confidence = 0.5;
    c.rule = "unhandled_exception";
    c.matched = trace.exception_type;
  }
  return c;
}

std::vector<ErrorClassReport> classify_errors(const std::vector<LogEntry>& entries, const ClassifyOptions& options) {
  auto folded = fold_stack_traces(entries);
  struct Item {
    const LogEntry* entry;
    Classification c;
  };
  std::vector<Item> items;
  std::optional<Timestamp> earliest;
  for (const auto& e : folded) {
    if (e.time != Timestamp{} && (!earliest || e.time < *earliest)) earliest = e.time;
    bool candidate = e.level >= options.min_level || e.level == Level::kUnknown;
    if (!candidate) continue;
    Classification c = classify_message(e.message);
    if (e.level == Level::kUnknown && c.error_class == ErrorClass::kUnknown) continue;  // not an error
    items.push_back({&e, std::move(c)});
  }
  // Deploy regressions: an error template first seen within the window after
  // a deploy, while the data reaches back before that deploy.
  std::vector<std::optional<Timestamp>> regression_deploy(items.size());
  if (!options.deploy_times.empty() && !items.empty()) {
    TemplateMiner miner;
    std::vector<size_t> cluster(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      const LogEntry& e = *items[i].entry;
      std::optional<Timestamp> t;
      if (e.time != Timestamp{}) t = e.time;
      cluster[i] = miner.add(first_line(e.message), e.level, t);
    }
    for (size_t i = 0; i < items.size(); ++i) {
      auto first = miner.snapshot(cluster[i]).first_seen;
      if (!first) continue;
      for (Timestamp d : options.deploy_times) {
        if (earliest && *earliest < d && *first >= d && *first < d + options.regression_window) {
          regression_deploy[i] = d;
          break;
        }
      }
    }
  }
  std::map<std::pair<ErrorClass, std::string>, ErrorClassReport> reports;
  std::map<std::pair<ErrorClass, std::string>, std::map<ErrorClass, uint64_t>> underlying;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    ErrorClass cls = regression_deploy[i] ? ErrorClass::kDeployRegression : it.c.error_class;
    std::string sub = regression_deploy[i] ? "" : it.c.subclass;
    auto key = std::make_pair(cls, sub);
    auto [pos, fresh] = reports.try_emplace(key);
    ErrorClassReport& r = pos->second;
    if (fresh) {
      r.classification = it.c;
      r.classification.error_class = cls;
      r.classification.evidence.clear();
      if (regression_deploy[i]) {
        r.deploy_time = regression_deploy[i];
        r.classification.rule = "new_pattern_after_deploy";
        r.classification.matched = first_line(it.entry->message);
        r.classification.subclass.clear();
      }
    }
    ++r.count;
    if (regression_deploy[i]) ++underlying[key][it.c.error_class];
    // The strongest rule in the class speaks for it.
    if (!regression_deploy[i] && it.c.confidence > r.classification.confidence) {
      r.classification.rule = it.c.rule;
      r.classification.matched = it.c.matched;
      r.classification.confidence = it.c.confidence;
    }
    for (const auto& ev : it.c.evidence)
      if (r.classification.evidence.size() < options.max_evidence &&
          std::find(r.classification.evidence.begin(), r.classification.evidence.end(), ev) ==
              r.classification.evidence.end())
        r.classification.evidence.push_back(ev);
    if (it.entry->time != Timestamp{}) {
      if (!r.first_seen || it.entry->time < *r.first_seen) r.first_seen = it.entry->time;
      if (!r.last_seen || it.entry->time > *r.last_seen) r.last_seen = it.entry->time;
    }
  }
  std::vector<ErrorClassReport> out;
  for (auto& [key, r] : reports) {
    if (key.first == ErrorClass::kDeployRegression) {
      uint64_t best = 0;
      for (auto [c, n] : underlying[key])
        if (n > best) {
          best = n;
          r.underlying = c;
        }
      r.classification.confidence = 0.7;
    } else {
      r.underlying = key.first;
    }
    // More agreeing lines, more confidence (never 1).
    if (key.first != ErrorClass::kUnknown)
      r.classification.confidence =
          std::min(0.99, r.classification.confidence + 0.03 * std::log2(static_cast<double>(r.count)));
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const ErrorClassReport& a, const ErrorClassReport& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.classification.error_class < b.classification.error_class;
  });
  return out;
}

}  // namespace tinkr::analysis
