// One pass over the lines: at each line the starters of each language are
// tried (a cheap substring test first, then an RE2 match); a starter hands
// over to that language's reader, which consumes the trace's lines and
// returns the index after it. Every pattern is an RE2 (linear time).
#include "analysis/stacktrace.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <optional>

namespace tinkr::analysis {
namespace {

using re2::RE2;

struct Patterns {
  RE2 py_start{R"re(Traceback \(most recent call last\):)re"};
  RE2 py_frame{R"re(^\s*File "([^"]+)", line (\d+)(?:, in (.+?))?\s*$)re"};
  RE2 py_exc{R"re(^([A-Za-z_][\w.]*)(?::\s?(.*))?$)re"};
  RE2 py_chain{R"re(^(During handling of the above exception|The above exception was the direct cause))re"};
  // Java/Kotlin/.NET/Node exception line: "pkg.Type: msg", "Caused by: …", "Unhandled exception. …".
  RE2 exc_line{
      R"re(((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Exception|Error|Throwable|Fault|Panic|Failure)[\w$]*)(?::\s?(.*))?\s*$)re"};
  RE2 at_dotnet_file{R"re(^\s*at (.+?)\(.*\) in (.+):line (\d+)\s*$)re"};
  RE2 at_java{R"re(^\s*at ([\w$.<>/\[\]`~-]+)\(([^()]*)\)\s*$)re"};
  RE2 java_file{R"re(^([\w$.-]+\.(?:java|kt|kts|scala|groovy|clj)):(\d+)$)re"};
  RE2 at_node{R"re(^\s*at (?:async )?(?:(?:new )?(.*?) \()?([^()\s]+?):(\d+):(\d+)\)?\s*$)re"};
  RE2 java_more{R"re(^\s*\.\.\. \d+ (?:more|common frames omitted)\s*$)re"};
  RE2 caused_by{R"re(^\s*(?:Caused by|\-\-\->|---> )\s*:?\s*(.*)$)re"};
  RE2 go_start{R"re((?:^|\s)panic: (.*)$)re"};
  RE2 go_goroutine{R"re(^goroutine \d+ \[[^\]]+\]:\s*$)re"};
  RE2 go_func{R"re(^(\S.*?)(?:\(.*\))?\s*$)re"};
  RE2 go_file{R"re(^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?\s*$)re"};
  RE2 ruby_start{R"re(^(?:.*?\s)?(\S+?\.rb):(\d+):in [`'](.+?)': (.*) \(([A-Z][\w:]*)\)\s*$)re"};
  RE2 ruby_frame{R"re(^\s+from (\S+?):(\d+):in [`'](.+?)'\s*$)re"};
  RE2 san_start{
      R"re(==\d+==\s*ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer|MemorySanitizer): ([\w-]+)(.*)$)re"};
  RE2 ubsan_start{R"re(^(\S+?):(\d+):(?:\d+:)? runtime error: (.*)$)re"};
  RE2 san_frame{R"re(^\s*#(\d+) 0x[0-9a-fA-F]+ in (.+?)(?: (\S+?):(\d+)(?::\d+)?| \((\S+)\+0x[0-9a-fA-F]+\))?\s*$)re"};
};

const Patterns& pat() {
  static const Patterns* p = new Patterns();
  return *p;
}

bool contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes)
    if (s.substr(0, p.size()) == p) return true;
  return false;
}

bool library_frame(TraceLanguage lang, const StackFrame& f) {
  const std::string& fn = f.function;
  const std::string& file = f.file;
  switch (lang) {
    case TraceLanguage::kPython:
      return contains(file, "site-packages") || contains(file, "dist-packages") || contains(file, "/lib/python") ||
             contains(file, "<frozen ");
    case TraceLanguage::kJava:
      return starts_with_any(fn, {"java.",
                                  "javax.",
                                  "jdk.",
                                  "sun.",
                                  "com.sun.",
                                  "kotlin.",
                                  "kotlinx.",
                                  "scala.",
                                  "org.springframework.",
                                  "org.apache.",
                                  "org.eclipse.jetty.",
                                  "io.netty.",
                                  "org.hibernate.",
                                  "com.google.",
                                  "reactor.",
                                  "io.micronaut.",
                                  "org.junit.",
                                  "com.zaxxer.",
                                  "com.fasterxml.",
                                  "ch.qos.",
                                  "org.slf4j.",
                                  "org.postgresql.",
                                  "com.mysql.",
                                  "okhttp3.",
                                  "io.grpc.",
                                  "io.undertow.",
                                  "org.glassfish."});
    case TraceLanguage::kDotNet: return starts_with_any(fn, {"System.", "Microsoft.", "Newtonsoft."});
    case TraceLanguage::kNode:
      return contains(file, "node_modules") || starts_with_any(file, {"node:", "internal/", "events.js", "timers.js"});
    case TraceLanguage::kGo:
      return starts_with_any(fn, {"runtime.", "net/http.", "testing.", "sync.", "reflect."}) ||
             contains(file, "/go/src/") || contains(file, "/pkg/mod/") || contains(file, "/usr/local/go/");
    case TraceLanguage::kRuby:
      return contains(file, "/gems/") || contains(file, "/lib/ruby/") || contains(file, "/rubygems/");
    case TraceLanguage::kSanitizer:
      return file.empty() || contains(file, "compiler-rt") || contains(file, "libsanitizer") ||
             contains(file, "/usr/include/") || contains(file, "libc.so") || contains(file, "libc++") ||
             starts_with_any(fn, {"__asan", "__interceptor_", "__libc_", "_start", "__sanitizer", "__ubsan"});
  }
  return false;
}

std::string base_name(std::string_view file) {
  size_t slash = file.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? file : file.substr(slash + 1));
}

void finish(StackTrace& t) {
  for (auto& f : t.frames) f.application = !library_frame(t.language, f);
  std::string sig = t.exception_type;
  auto top = t.top_frames(3);
  for (size_t i = 0; i < top.size(); ++i) {
    sig += i == 0 ? " @ " : " | ";
    sig += base_name(top[i].file);
    if (!top[i].function.empty()) sig += ":" + top[i].function;
  }
  t.signature = std::move(sig);
}

int to_int(const std::string& s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') break;
    v = v * 10 + (c - '0');
    if (v > 100000000) break;
  }
  return v;
}

using Lines = std::vector<std::string_view>;

// Python: "Traceback…", frames (outermost first), the exception line; chains.
std::optional<size_t> read_python(const Lines& L, size_t i, StackTrace& t) {
  const auto& P = pat();
  t.language = TraceLanguage::kPython;
  struct Exc {
    std::string type, message;
    std::vector<StackFrame> frames;
  };
  std::vector<Exc> chain;
  size_t j = i;
  while (j < L.size() && RE2::PartialMatch(L[j], P.py_start)) {
    Exc e;
    ++j;
    std::string file, line, fn;
    while (j < L.size()) {
      re2::StringPiece in(L[j].data(), L[j].size());
      if (RE2::FullMatch(in, P.py_frame, &file, &line, &fn)) {
        e.frames.push_back({fn, file, to_int(line), true});
        ++j;
      } else if (!L[j].empty() && (L[j][0] == ' ' || L[j][0] == '\t')) {
        ++j;  // source line, caret markers
      } else {
        break;
      }
    }
    if (j < L.size()) {
      std::string type, msg;
      if (RE2::FullMatch(re2::StringPiece(L[j].data(), L[j].size()), P.py_exc, &type, &msg)) {
        e.type = type;
        e.message = msg;
        ++j;
      }
    }
    std::reverse(e.frames.begin(), e.frames.end());
    chain.push_back(std::move(e));
    // A chained exception: blank line, the chain sentence, blank line, "Traceback…".
    size_t k = j;
    while (k < L.size() && is_blank(L[k])) ++k;
    if (k < L.size() && RE2::PartialMatch(L[k], P.py_chain)) {
      ++k;
      while (k < L.size() && is_blank(L[k])) ++k;
      if (k < L.size() && RE2::PartialMatch(L[k], P.py_start)) {
        j = k;
        continue;
      }
    }
    break;
  }
  if (chain.empty() || (chain[0].type.empty() && chain[0].frames.empty())) return std::nullopt;
  t.exception_type = chain[0].type;
  t.message = chain[0].message;
  t.frames = chain[0].frames;
  for (size_t c = 1; c < chain.size(); ++c)
    t.causes.push_back(chain[c].type + (chain[c].message.empty() ? "" : ": " + chain[c].message));
  t.last_line = j - 1;
  return j;
}

// Parses one "at …" line of Java, .NET or Node.
std::optional<std::pair<StackFrame, TraceLanguage>> parse_at(std::string_view line) {
  const auto& P = pat();
  re2::StringPiece in(line.data(), line.size());
  std::string fn, file, ln, col;
  if (RE2::FullMatch(in, P.at_dotnet_file, &fn, &file, &ln))
    return {{{fn, file, to_int(ln), true}, TraceLanguage::kDotNet}};
  std::string inside;
  if (RE2::FullMatch(in, P.at_java, &fn, &inside)) {
    std::string jf, jl;
    if (RE2::FullMatch(inside, P.java_file, &jf, &jl)) return {{{fn, jf, to_int(jl), true}, TraceLanguage::kJava}};
    if (inside == "Native Method" || inside == "Unknown Source" || inside == "<generated>" || inside.empty() ||
        inside.find(".java") != std::string::npos)
      return {{{fn, inside.empty() ? "" : inside, 0, true},
               inside.empty() ? TraceLanguage::kDotNet : TraceLanguage::kJava}};
    if (!RE2::FullMatch(in, P.at_node, &fn, &file, &ln, &col)) return {{{fn, "", 0, true}, TraceLanguage::kDotNet}};
  }
  if (RE2::FullMatch(in, P.at_node, &fn, &file, &ln, &col))
    return {{{fn, file, to_int(ln), true}, TraceLanguage::kNode}};
  return std::nullopt;
}

bool is_at_line(std::string_view s) {
  s = trim(s);
  return s.substr(0, 3) == "at ";
}

// Java / Kotlin / .NET / Node: an exception line followed by "at" frames;
// "Caused by:" / "--->" chains, "... N more".
std::optional<size_t> read_at_trace(const Lines& L, size_t i, StackTrace& t) {
  const auto& P = pat();
  if (i + 1 >= L.size() || !is_at_line(L[i + 1])) return std::nullopt;
  std::string type, msg;
  if (!RE2::PartialMatch(re2::StringPiece(L[i].data(), L[i].size()), P.exc_line, &type, &msg)) return std::nullopt;
  struct Exc {
    std::string type, message;
    std::vector<StackFrame> frames;
  };
  std::vector<Exc> chain{{type, msg, {}}};
  bool lang_set = false;
  size_t j = i + 1;
  while (j < L.size()) {
    std::string_view line = L[j];
    if (is_at_line(line)) {
      if (auto f = parse_at(line)) {
        if (!lang_set) {
          t.language = f->second;
          lang_set = true;
        }
        chain.back().frames.push_back(f->first);
      }
      ++j;
      continue;
    }
    if (RE2::FullMatch(re2::StringPiece(line.data(), line.size()), P.java_more) || contains(line, "--- End of ") ||
        trim(line).substr(0, 11) == "Suppressed:") {
      ++j;
      continue;
    }
    std::string rest;
    if (RE2::FullMatch(re2::StringPiece(line.data(), line.size()), P.caused_by, &rest)) {
      std::string ct, cm;
      if (RE2::PartialMatch(rest, P.exc_line, &ct, &cm)) chain.push_back({ct, cm, {}});
      ++j;
      continue;
    }
    break;
  }
  // The root cause is the last of the chain; its frames, or the outer ones when it has none.
  const Exc& root = chain.back();
  t.exception_type = root.type;
  t.message = root.message;
  t.frames = root.frames.empty() ? chain.front().frames : root.frames;
  for (size_t c = 0; c + 1 < chain.size(); ++c)
    t.causes.push_back(chain[c].type + (chain[c].message.empty() ? "" : ": " + chain[c].message));
  if (!lang_set) t.language = TraceLanguage::kJava;
  t.last_line = j - 1;
  return j;
}

// Go: "panic: msg", blank, "goroutine N [running]:", function/file pairs.
std::optional<size_t> read_go(const Lines& L, size_t i, StackTrace& t) {
  const auto& P = pat();
  std::string msg;
  if (!RE2::PartialMatch(re2::StringPiece(L[i].data(), L[i].size()), P.go_start, &msg)) return std::nullopt;
  size_t j = i + 1;
  while (j < L.size() && (is_blank(L[j]) || trim(L[j]).substr(0, 1) == "[")) ++j;  // "[recovered]" etc.
  if (j >= L.size() || !RE2::FullMatch(re2::StringPiece(L[j].data(), L[j].size()), P.go_goroutine)) return std::nullopt;
  t.language = TraceLanguage::kGo;
  t.exception_type = "panic";
  t.message = std::string(trim(msg));
  ++j;
  while (j + 1 < L.size()) {
    std::string fn, file, ln;
    if (L[j].empty() || L[j][0] == ' ' || L[j][0] == '\t') break;
    if (!RE2::FullMatch(re2::StringPiece(L[j + 1].data(), L[j + 1].size()), P.go_file, &file, &ln)) break;
    std::string_view f = trim(L[j]);
    if (f.substr(0, 12) == "created by ") f.remove_prefix(11);
    size_t paren = f.rfind('(');
    if (paren != std::string_view::npos && paren > 0 && f.back() == ')') f = f.substr(0, paren);
    t.frames.push_back({std::string(f), file, to_int(ln), true});
    j += 2;
  }
  t.last_line = j - 1;
  return j;
}

// Ruby: "file.rb:12:in `m': msg (Type)" then "\tfrom file.rb:3:in `n'".
std::optional<size_t> read_ruby(const Lines& L, size_t i, StackTrace& t) {
  const auto& P = pat();
  std::string file, ln, fn, msg, type;
  if (!RE2::FullMatch(re2::StringPiece(L[i].data(), L[i].size()), P.ruby_start, &file, &ln, &fn, &msg, &type))
    return std::nullopt;
  t.language = TraceLanguage::kRuby;
  t.exception_type = type;
  t.message = msg;
  t.frames.push_back({fn, file, to_int(ln), true});
  size_t j = i + 1;
  while (j < L.size() && RE2::FullMatch(re2::StringPiece(L[j].data(), L[j].size()), P.ruby_frame, &file, &ln, &fn)) {
    t.frames.push_back({fn, file, to_int(ln), true});
    ++j;
  }
  t.last_line = j - 1;
  return j;
}

// Sanitizers: "==N==ERROR: AddressSanitizer: kind …" or UBSan "f.cc:3:5: runtime
// error: …", then "#0 0x… in fn file:line" frames; the first stack is kept and
// the report runs to its SUMMARY line.
std::optional<size_t> read_sanitizer(const Lines& L, size_t i, StackTrace& t) {
  const auto& P = pat();
  re2::StringPiece in(L[i].data(), L[i].size());
  std::string tool, kind, rest, file, ln;
  bool asan = RE2::PartialMatch(in, P.san_start, &tool, &kind, &rest);
  if (!asan && !RE2::FullMatch(in, P.ubsan_start, &file, &ln, &rest)) return std::nullopt;
  t.language = TraceLanguage::kSanitizer;
  if (asan) {
    t.exception_type = tool + ": " + kind;
    t.message = std::string(trim(rest));
  } else {
    t.exception_type = "UndefinedBehaviorSanitizer: runtime error";
    t.message = rest;
  }
  size_t j = i + 1;
  bool first_stack_done = false, in_stack = false;
  size_t last = i;
  while (j < L.size()) {
    std::string num, fn, ffile, fline, module;
    re2::StringPiece line(L[j].data(), L[j].size());
    if (RE2::FullMatch(line, P.san_frame, &num, &fn, &ffile, &fline, &module)) {
      if (!first_stack_done) t.frames.push_back({fn, ffile.empty() ? module : ffile, to_int(fline), true});
      in_stack = true;
      last = j++;
      continue;
    }
    if (in_stack) first_stack_done = true;
    in_stack = false;
    if (contains(L[j], "SUMMARY: ")) {
      last = j++;
      break;
    }
    if (!asan) break;  // UBSan: the frames right after the line
    if (is_blank(L[j]) || contains(L[j], "==") || L[j].front() == ' ' || contains(L[j], " by thread ") ||
        contains(L[j], "address ") || contains(L[j], "Shadow") || contains(L[j], "located") ||
        contains(L[j], "READ of") || contains(L[j], "WRITE of") || contains(L[j], "Direct leak") ||
        contains(L[j], "Indirect leak") || contains(L[j], "allocated by") || contains(L[j], "freed by")) {
      ++j;
      continue;
    }
    break;
  }
  t.last_line = last;
  return last + 1;
}

std::vector<StackTrace> scan(const Lines& L) {
  std::vector<StackTrace> out;
  size_t i = 0;
  while (i < L.size()) {
    std::string_view line = L[i];
    StackTrace t;
    t.first_line = i;
    std::optional<size_t> next;
    if (contains(line, "Traceback (most recent call last)")) next = read_python(L, i, t);
    if (!next && contains(line, "panic: ")) next = read_go(L, i, t);
    if (!next && (contains(line, "Sanitizer: ") || contains(line, "runtime error: "))) next = read_sanitizer(L, i, t);
    if (!next && contains(line, ":in ")) next = read_ruby(L, i, t);
    if (!next && i + 1 < L.size() && is_at_line(L[i + 1]) && !is_at_line(line)) next = read_at_trace(L, i, t);
    if (next && *next > i) {
      finish(t);
      out.push_back(std::move(t));
      i = *next;
    } else {
      ++i;
    }
  }
  return out;
}

void split_lines(std::string_view text, Lines& out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view l = text.substr(pos, nl - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back(l);
    pos = nl + 1;
    if (nl == text.size()) break;
  }
}

}  // namespace

std::string_view trace_language_name(TraceLanguage l) {
  switch (l) {
    case TraceLanguage::kPython: return "python";
    case TraceLanguage::kJava: return "java";
    case TraceLanguage::kGo: return "go";
    case TraceLanguage::kNode: return "node";
    case TraceLanguage::kRuby: return "ruby";
    case TraceLanguage::kDotNet: return "dotnet";
    case TraceLanguage::kSanitizer: return "sanitizer";
  }
  return "unknown";
}

std::vector<StackFrame> StackTrace::top_frames(size_t n) const {
  std::vector<StackFrame> out;
  for (const auto& f : frames)
    if (f.application && out.size() < n) out.push_back(f);
  if (out.empty())
    for (size_t i = 0; i < frames.size() && i < n; ++i) out.push_back(frames[i]);
  return out;
}

std::vector<StackTrace> find_stack_traces(const std::vector<std::string_view>& lines) { return scan(lines); }

std::vector<StackTrace> find_stack_traces(std::string_view text) {
  Lines lines;
  split_lines(text, lines);
  return scan(lines);
}

std::vector<StackTrace> find_stack_traces(const std::vector<LogEntry>& entries) {
  Lines lines;
  std::vector<size_t> owner;
  for (size_t e = 0; e < entries.size(); ++e) {
    size_t before = lines.size();
    split_lines(entries[e].message, lines);
    owner.resize(lines.size(), e);
    (void)before;
  }
  auto traces = scan(lines);
  for (auto& t : traces) {
    t.first_line = owner[t.first_line];
    t.last_line = owner[t.last_line];
  }
  return traces;
}

std::vector<LogEntry> fold_stack_traces(const std::vector<LogEntry>& entries) {
  auto traces = find_stack_traces(entries);
  std::vector<LogEntry> out;
  out.reserve(entries.size());
  size_t next = 0;
  for (size_t e = 0; e < entries.size();) {
    while (next < traces.size() && traces[next].first_line < e) ++next;
    if (next < traces.size() && traces[next].first_line == e && traces[next].last_line > e) {
      LogEntry folded = entries[e];
      for (size_t k = e + 1; k <= traces[next].last_line; ++k) folded.message += "\n" + entries[k].message;
      if (folded.level < Level::kError) folded.level = Level::kError;
      out.push_back(std::move(folded));
      e = traces[next].last_line + 1;
      ++next;
    } else {
      out.push_back(entries[e]);
      ++e;
    }
  }
  return out;
}

std::vector<TraceGroup> group_stack_traces(const std::vector<StackTrace>& traces) {
  std::map<std::string, size_t> index;
  std::vector<TraceGroup> groups;
  for (const auto& t : traces) {
    auto [it, fresh] = index.emplace(t.signature, groups.size());
    if (fresh) groups.push_back({t.signature, t, 0});
    ++groups[it->second].count;
  }
  std::stable_sort(groups.begin(), groups.end(), [](const TraceGroup& a, const TraceGroup& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.signature < b.signature;
  });
  return groups;
}

}  // namespace tinkr::analysis
