// Stack traces in logs: detection, folding, parsing and deduplication.
//
// Recognises multi-line traces in a sequence of log lines (or LogEntries whose
// messages are lines, or one entry whose message already holds the whole
// trace): Python (with chained "During handling…"/"The above exception…"),
// Java/Kotlin/Scala ("Caused by:", "... N more"), Go panics ("goroutine N
// [running]:"), Node.js ("    at fn (file.js:1:2)"), Ruby ("file.rb:12:in
// `m'"), .NET ("   at Ns.C.M() in file.cs:line 42") and sanitizer reports
// (AddressSanitizer, UndefinedBehaviorSanitizer, LeakSanitizer, ThreadSanitizer:
// "#0 0x… in fn file.cc:12").
//
// For each trace it extracts the exception type and message (the root cause's
// when the trace is chained, the outer one kept in `causes`), and the frames,
// innermost first, each marked as application or library code
// (site-packages, java.*, node_modules, runtime/, System.*, libc, … are
// library). The signature is the type plus the top three application frames
// (function and file, no line numbers); traces are grouped by it.
//
// Detection is line by line, linear in the input; only RE2 is used for
// patterns. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace tinkr::analysis {

enum class TraceLanguage { kPython, kJava, kGo, kNode, kRuby, kDotNet, kSanitizer };
// "python", "java", "go", "node", "ruby", "dotnet", "sanitizer".
std::string_view trace_language_name(TraceLanguage l);

struct StackFrame {
  std::string function;     // "handle_request", "com.acme.Foo.bar", "main.(*Server).Serve"
  std::string file;         // "app/views.py", "Foo.java", "/src/server.go"
  int line = 0;             // 0 when unknown
  bool application = true;  // false for framework / standard library frames
};

struct StackTrace {
  TraceLanguage language = TraceLanguage::kPython;
  std::string exception_type;       // "ValueError", "java.lang.IllegalStateException", "panic", "heap-use-after-free"
  std::string message;              // the exception message, may be empty
  std::vector<StackFrame> frames;   // innermost (where it was raised) first
  std::vector<std::string> causes;  // the other exceptions of a chain, "Type: message", outermost first
  size_t first_line = 0;            // index of the first and last input line of the trace (inclusive)
  size_t last_line = 0;
  std::string signature;  // "ValueError @ views.py:parse_order | models.py:save"

  // Up to n application frames, innermost first (library frames when none are).
  std::vector<StackFrame> top_frames(size_t n = 3) const;
};

// Finds the traces in a sequence of lines.
std::vector<StackTrace> find_stack_traces(const std::vector<std::string_view>& lines);
// Finds the traces in a sequence of entries: a message holding several lines
// is split into lines first; first_line/last_line index the entries.
std::vector<StackTrace> find_stack_traces(const std::vector<LogEntry>& entries);
// Parses text that holds one trace (lines separated by "\n").
std::vector<StackTrace> find_stack_traces(std::string_view text);

// Folds each trace into one entry: the entry that starts it gets the trace's
// lines joined with "\n" as its message (and keeps its time, service, level
// raised to at least kError); the continuation entries are removed. Other
// entries pass through unchanged, in order.
std::vector<LogEntry> fold_stack_traces(const std::vector<LogEntry>& entries);

struct TraceGroup {
  std::string signature;
  StackTrace example;  // the first trace with this signature
  uint64_t count = 0;
};

// Deduplicates by signature; groups by count descending, then signature.
std::vector<TraceGroup> group_stack_traces(const std::vector<StackTrace>& traces);

}  // namespace tinkr::analysis
