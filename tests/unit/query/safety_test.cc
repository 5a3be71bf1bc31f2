// Property test: no user string — in a query value, a bare word, a phrase or
// the service name — can change the structure of the generated query in any
// dialect. Each output is lexed by a small dialect tokenizer that replaces
// every string literal by a placeholder; the skeleton must equal the one
// produced for a benign value, and the decoded literals must contain the
// hostile value exactly.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "query/query.h"

namespace tinkr::query {
namespace {

struct Lexed {
  std::string skeleton;
  std::vector<std::string> literals;
};

int hexval(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10; }

// Decodes backslash escapes: \" \\ \n \r \t \xHH \u00HH, and \c → c.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char e = s[++i];
    if (e == 'n') out += '\n';
    else if (e == 'r') out += '\r';
    else if (e == 't') out += '\t';
    else if (e == 'x' && i + 2 < s.size()) {
      out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else if (e == 'u') {
      out += static_cast<char>(hexval(s[i + 3]) * 16 + hexval(s[i + 4]));
      i += 4;
    } else out += e;
  }
  return out;
}

// A regex produced by escape::regex_literal, possibly case-insensitive, back to its text.
std::string unregex(std::string s) {
  if (s.rfind("(?i:", 0) == 0 && s.size() > 5 && s.back() == ')') s = s.substr(4, s.size() - 5);
  else if (s.rfind("(?i)", 0) == 0) s = s.substr(4);
  return unescape(s);
}

// C-like quoted strings ("…" with backslash escapes); with `slash_regex`,
// /…/ after "like " is a regex literal (CloudWatch Insights).
Lexed lex(std::string_view t, bool slash_regex) {
  Lexed out;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    char close = 0;
    if (c == '"') close = '"';
    else if (slash_regex && c == '/' && i >= 5 && t.substr(i - 5, 5) == "like ") close = '/';
    if (!close) {
      out.skeleton += c;
      continue;
    }
    size_t j = i + 1;
    std::string raw;
    while (j < t.size() && t[j] != close) {
      if (t[j] == '\\' && j + 1 < t.size()) {
        raw += t[j];
        raw += t[j + 1];
        j += 2;
        continue;
      }
      raw += t[j++];
    }
    EXPECT_LT(j, t.size()) << "unterminated literal in " << t;
    out.literals.push_back(close == '/' ? unregex(raw) : unescape(raw));
    out.skeleton += close == '/' ? "/R/" : "\"S\"";
    i = j;
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s, bool maybe_regex) {
  for (const auto& x : v) {
    if (x == s) return true;
    if (maybe_regex && unregex(x) == s) return true;
  }
  return false;
}

std::string as_phrase(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

std::string as_word(const std::string& s) {
  std::string q;
  for (char c : s) {
    if (c == '\n') {
      q += "\\n";
      continue;
    }
    if (c == '\t') {
      q += "\\t";
      continue;
    }
    if (c == '\r') {
      q += "\\r";
      continue;
    }
    if (c == ' ' || c == '(' || c == ')' || c == '"' || c == ':' || c == '<' || c == '>' || c == '\\' || c == '\f' ||
        c == '\v')
      q += '\\';
    q += c;
  }
  return q;
}

std::string random_hostile(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {"\"",
                                                   "'",
                                                   "\\",
                                                   "`",
                                                   "|",
                                                   "/",
                                                   "{",
                                                   "}",
                                                   "(",
                                                   ")",
                                                   "[",
                                                   "]",
                                                   "*",
                                                   "?",
                                                   "%",
                                                   "_",
                                                   "$",
                                                   "#",
                                                   "-",
                                                   "--",
                                                   ":",
                                                   ";",
                                                   "=",
                                                   "~",
                                                   "!",
                                                   "<",
                                                   ">",
                                                   "\n",
                                                   "\r",
                                                   "\t",
                                                   "\x01",
                                                   "\x7f",
                                                   " ",
                                                   "@",
                                                   "é",
                                                   "\xe2\x80\x9c",
                                                   "\xe2\x80\xa8",
                                                   "\xf0\x9d\x84\x9e",
                                                   "a",
                                                   "Z",
                                                   "0",
                                                   "AND",
                                                   "or",
                                                   "not",
                                                   ".*",
                                                   "\\\"",
                                                   "\"}",
                                                   "*/",
                                                   "/*",
                                                   "\\x41",
                                                   "\\u0022",
                                                   "$.",
                                                   "'--",
                                                   "\" OR 1=1 --",
                                                   "| take 1",
                                                   "} |= \"",
                                                   "`x`",
                                                   "\\\\"};
  std::uniform_int_distribution<size_t> len(1, 10), pick(0, kPieces.size() - 1);
  std::string s = "\"";  // always hostile: never a plain token
  for (size_t n = len(rng); n > 0; --n) s += kPieces[pick(rng)];
  return s;
}

void collect_json_strings(const boost::json::value& v, std::vector<std::string>& out) {
  if (v.is_string()) out.emplace_back(v.get_string());
  else if (v.is_array())
    for (const auto& e : v.get_array()) collect_json_strings(e, out);
  else if (v.is_object())
    for (const auto& kv : v.get_object()) {
      out.emplace_back(kv.key());
      collect_json_strings(kv.value(), out);
    }
}

void replace_json_strings(boost::json::value& v, const std::string& s) {
  if (v.is_string() && std::string(v.get_string()) == s) v = "S";
  else if (v.is_array())
    for (auto& e : v.get_array()) replace_json_strings(e, s);
  else if (v.is_object())
    for (auto& kv : v.get_object()) replace_json_strings(kv.value(), s);
}

const char* kBackends[] = {"grafana", "cloudwatch", "gcp", "azure", "datadog", "elastic", "otel", "local"};

// Checks one translation against its benign twin.
void check(std::string_view backend, const std::string& query, const std::string& benign_query,
           const TranslateContext& c, const TranslateContext& benign_ctx, const std::string& hostile,
           const std::string& benign, bool expect_in_output) {
  auto r = translate(backend, query, c);
  auto b = translate(backend, benign_query, benign_ctx);
  ASSERT_TRUE(b.ok()) << backend << " " << b.error().message;
  ASSERT_TRUE(r.ok()) << backend << " " << query << ": " << r.error().message;
  SCOPED_TRACE(std::string(backend) + " query=" + query + "\n  out=" + r->text);
  if (backend == "local") {
    EXPECT_EQ(r->text, b->text);  // user text only in parameters
    EXPECT_EQ(r->text.find(hostile), std::string::npos);
    return;
  }
  if (backend == "elastic" || backend == "otel") {
    boost::system::error_code ec;
    auto v = boost::json::parse(r->text, ec);
    ASSERT_FALSE(ec) << r->text;
    auto bv = boost::json::parse(b->text);
    std::vector<std::string> strings;
    collect_json_strings(v, strings);
    if (expect_in_output) {
      EXPECT_TRUE(contains(strings, hostile, false));
    }
    replace_json_strings(v, hostile);
    replace_json_strings(bv, benign);
    EXPECT_EQ(boost::json::serialize(v), boost::json::serialize(bv));
    return;
  }
  Lexed got = lex(r->text, backend == "cloudwatch");
  Lexed want = lex(b->text, backend == "cloudwatch");
  EXPECT_EQ(got.skeleton, want.skeleton);
  EXPECT_EQ(got.literals.size(), want.literals.size());
  if (expect_in_output) {
    EXPECT_TRUE(contains(got.literals, hostile, true));
  }
}

TEST(Safety, HostileValuesNeverChangeStructure) {
  std::mt19937 rng(20240519);
  const std::string benign = "a b";
  TranslateContext c;
  c.service = "svc";
  c.range = {from_unix_nanos(0), from_unix_nanos(1'000'000'000)};
  for (int iter = 0; iter < 400; ++iter) {
    std::string s = random_hostile(rng);
    for (const char* backend : kBackends) {
      // field:"<s>"
      check(backend, "user:" + as_phrase(s), "user:" + as_phrase(benign), c, c, s, benign, true);
      // "<s>" as a phrase and as a bare word (Loki/Insights put words in regexes)
      check(backend, as_phrase(s), as_phrase(benign), c, c, s, benign, true);
      check(backend, as_word(s), as_word(benign), c, c, s, benign, true);
      // service <s>
      TranslateContext hostile_ctx = c, benign_ctx = c;
      hostile_ctx.service = s;
      benign_ctx.service = benign;
      bool service_in_query = std::string_view(backend) != "cloudwatch";
      check(backend, "*", "*", hostile_ctx, benign_ctx, s, benign, service_in_query);
    }
  }
}

TEST(Safety, HostileFieldNamesAreRejected) {
  for (const char* q : {"a\"b:x", "a`b:x", "a|b:x", "a{b:x", "$x:y", "a'b:x", "a/b:x", "9a:x"}) {
    auto r = translate("local", q, TranslateContext{});
    EXPECT_FALSE(r.ok()) << q;
  }
}

}  // namespace
}  // namespace tinkr::query
