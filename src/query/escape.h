// Literal escaping for every dialect the translators emit. Each function
// returns a complete literal (with its quotes) whose decoded value is exactly
// the input; none lets the input close the literal or add syntax. Inputs are
// valid UTF-8 (the parser and translate() check). Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tinkr::query::escape {

// Go-style double-quoted string (LogQL): \" \\ \n \r \t, other controls \xHH.
std::string logql_string(std::string_view s);
// The same escaping without the surrounding quotes, for callers that build a
// Go-style literal themselves (PromQL and TraceQL strings follow Go's rules too).
std::string go_string_contents(std::string_view s);
// RE2 / Java / PCRE-safe literal pattern: ASCII punctuation backslash-escaped,
// control characters as \xHH, other bytes (UTF-8) as is. No surrounding quotes.
std::string regex_literal(std::string_view s);
// CloudWatch Logs Insights double-quoted string: \" \\ \n \r \t, controls \xHH... kept as \u00HH.
std::string insights_string(std::string_view s);
// Insights regex literal /.../ (the pattern is regex_literal, so '/' is escaped).
std::string insights_regex(std::string_view pattern);
// Cloud Logging double-quoted string: \" \\ \n \r \t, other controls \u00HH.
std::string cloud_logging_string(std::string_view s);
// KQL double-quoted string: \" \\ \n \r \t, other controls \u00HH.
std::string kql_string(std::string_view s);
// Datadog search: a quoted sequence "..." with \" and \\ escaped.
std::string datadog_quoted(std::string_view s);
// Datadog search: an unquoted term with every special character backslash-escaped
// (+ - = & | > < ! ( ) { } [ ] ^ " “ ” ~ * ? : \ / # and whitespace).
std::string datadog_term(std::string_view s);
// SQL LIKE pattern for a substring: %s% with % _ \ escaped by '\'.
std::string sql_like_contains(std::string_view s);
// SQLite JSON path for one object key: $."key" (a '"' or '\' in the key is rejected upstream).
std::string sqlite_json_path(std::string_view key);

// The same literals appended to `out` (for translators that write one buffer).
void append_logql_string(std::string_view s, std::string& out);
void append_regex_literal(std::string_view s, std::string& out);
void append_insights_string(std::string_view s, std::string& out);
void append_insights_regex(std::string_view pattern, std::string& out);
void append_cloud_logging_string(std::string_view s, std::string& out);
void append_kql_string(std::string_view s, std::string& out);
void append_datadog_quoted(std::string_view s, std::string& out);

}  // namespace tinkr::query::escape
