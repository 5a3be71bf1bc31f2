#include "analysis/sanitizer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include <re2/re2.h>
#include <re2/set.h>

#include "analysis/sanitizer_rules.h"

namespace tinkr::sanitize {
namespace {

bool enabled(Category c, const SanitizerOptions& o) {
  switch (c) {
    case Category::kSecret: return o.secrets;
    case Category::kPersonalData: return o.personal_data;
    case Category::kPromptInjection: return o.prompt_injection;
  }
  return false;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// "user:password" in base64, printable, with a non-empty user.
bool is_basic_credential(std::string_view b64) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    const int v = base64_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  const auto colon = out.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  return std::all_of(out.begin(), out.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_placeholder(std::string_view v) {
  if (v.empty()) return true;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c == '*' || c == 'x' || c == 'X' || c == '.' || c == '#'; }))
    return true;
  if (v.starts_with("${") || v.starts_with("{{") || v.starts_with("<") || v.starts_with("[REDACTED") ||
      v.starts_with("[NEUTRALISED") || v.starts_with("%(") || v.starts_with("$"))
    return true;
  static constexpr std::array<std::string_view, 14> kWords{"null",  "none",     "nil",     "true",     "false",
                                                           "empty", "redacted", "hidden",  "masked",   "changeme",
                                                           "unset", "required", "missing", "undefined"};
  const std::string l = lower(v);
  return std::find(kWords.begin(), kWords.end(), l) != kWords.end();
}

bool check_passes(Check check, std::string_view candidate) {
  switch (check) {
    case Check::kNone: return true;
    case Check::kLuhn: {
      std::string digits;
      for (char c : candidate)
        if (c >= '0' && c <= '9') digits.push_back(c);
      if (digits.size() < 13 || digits.size() > 19) return false;
      // Issuer prefixes: Visa 4, Mastercard 51–55 and 2221–2720, Amex 34/37,
      // Diners 36/38/300–305, Discover 6011/64/65, JCB 35, UnionPay 62.
      const int two = (digits[0] - '0') * 10 + (digits[1] - '0');
      const int four = std::stoi(digits.substr(0, 4));
      const bool issuer = digits[0] == '4' || (two >= 51 && two <= 55) || (four >= 2221 && four <= 2720) || two == 34 ||
                          two == 37 || two == 36 || two == 38 || (four >= 3000 && four <= 3059) || four == 6011 ||
                          two == 64 || two == 65 || two == 35 || two == 62;
      return issuer && luhn_valid(digits);
    }
    case Check::kBasicAuth: return is_basic_credential(candidate);
    case Check::kNotPlaceholder: return !is_placeholder(candidate);
  }
  return true;
}

struct Candidate {
  size_t begin;
  size_t end;
  size_t rule;
};

}  // namespace

struct Sanitizer::Impl {
  std::vector<const Rule*> rules;
  std::vector<std::unique_ptr<RE2>> regexes;
  std::unique_ptr<RE2::Set> set;  // the line rules, one pass over clean text
  std::vector<size_t> set_rule;   // set index → rule index
  std::vector<size_t> whole_text_rules;

  void find_all(size_t rule_index, std::string_view text, size_t base, std::vector<Candidate>& out) const;
};

// Every match of one rule in text (which starts at `base` in the input).
void Sanitizer::Impl::find_all(size_t rule_index, std::string_view text, size_t base,
                               std::vector<Candidate>& out) const {
  const Rule& rule = *rules[rule_index];
  const RE2& re = *regexes[rule_index];
  const re2::StringPiece input(text.data(), text.size());
  std::array<re2::StringPiece, 2> groups;
  const int ngroups = rule.group + 1;
  size_t pos = 0;
  while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, groups.data(), ngroups)) {
    const re2::StringPiece whole = groups[0];
    const re2::StringPiece target = groups[static_cast<size_t>(rule.group)];
    const size_t whole_end = static_cast<size_t>(whole.data() - text.data()) + whole.size();
    if (target.data() != nullptr && !target.empty()) {
      const auto b = static_cast<size_t>(target.data() - text.data());
      const char before = b > 0 ? text[b - 1] : ' ';
      // A digit run glued to "-", "_" or "." is an id or a version, not a card.
      const bool glued = rule.check == Check::kLuhn && (before == '-' || before == '_' || before == '.');
      if (!glued && check_passes(rule.check, std::string_view(target.data(), target.size())))
        out.push_back({base + b, base + b + target.size(), rule_index});
    }
    pos = std::max(whole_end, pos + 1);
  }
}

Sanitizer::Sanitizer(const SanitizerOptions& options) : impl_(new Impl) {
  RE2::Options re_opts;
  re_opts.set_log_errors(false);
  re_opts.set_max_mem(64 << 20);
  impl_->set = std::make_unique<RE2::Set>(re_opts, RE2::UNANCHORED);
  for (const Rule& r : rules()) {
    if (!enabled(r.category, options)) continue;
    auto re = std::make_unique<RE2>(r.pattern, re_opts);
    if (!re->ok()) continue;  // a broken rule is a bug; sanitizer_test checks every rule compiles
    const size_t index = impl_->rules.size();
    if (!r.whole_text_trigger.empty()) {
      impl_->whole_text_rules.push_back(index);
    } else {
      if (impl_->set->Add(r.pattern, nullptr) < 0) continue;
      impl_->set_rule.push_back(index);
    }
    impl_->rules.push_back(&r);
    impl_->regexes.push_back(std::move(re));
  }
  impl_->set->Compile();
}

Sanitizer::~Sanitizer() { delete impl_; }

const Sanitizer& Sanitizer::standard() {
  static const Sanitizer instance;
  return instance;
}

std::vector<Finding> Sanitizer::scan(std::string_view text) const {
  std::vector<Candidate> candidates;
  for (size_t i : impl_->whole_text_rules)
    if (text.find(impl_->rules[i]->whole_text_trigger) != std::string_view::npos)
      impl_->find_all(i, text, 0, candidates);

  // Blocks of about 4 KB ending at a newline: the set scans each once, and a
  // rule that matched is re-run on its block only.
  constexpr size_t kBlock = 4096;
  std::vector<int> matched;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + kBlock);
    if (end < text.size()) {
      const size_t nl = text.find('\n', end);
      end = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    const std::string_view block = text.substr(start, end - start);
    matched.clear();
    RE2::Set::ErrorInfo info{};
    const bool any = impl_->set->Match(re2::StringPiece(block.data(), block.size()), &matched, &info);
    if (!any && info.kind != RE2::Set::kNoError) {  // DFA out of memory: every rule, still linear
      for (size_t k = 0; k < impl_->set_rule.size(); ++k) matched.push_back(static_cast<int>(k));
    }
    std::sort(matched.begin(), matched.end());
    for (int idx : matched) impl_->find_all(impl_->set_rule[static_cast<size_t>(idx)], block, start, candidates);
    start = end;
  }

  // Earliest first; at the same start, the higher-priority rule, then the longer.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.rule != b.rule) return a.rule < b.rule;
    return a.end > b.end;
  });
  std::vector<Finding> findings;
  size_t covered = 0;
  for (const auto& c : candidates) {
    if (c.begin < covered) continue;
    const Rule& rule = *impl_->rules[c.rule];
    findings.push_back({std::string(rule.kind), rule.category, c.begin, c.end - c.begin});
    covered = c.end;
  }
  return findings;
}

std::string Sanitizer::sanitize(std::string_view text, std::vector<Finding>* findings) const {
  std::vector<Finding> found = scan(text);
  std::string result;
  if (found.empty()) {
    result.assign(text);
  } else {
    result.reserve(text.size());
    size_t pos = 0;
    for (const auto& f : found) {
      result.append(text.substr(pos, f.offset - pos));
      result.append(marker(f));
      pos = f.offset + f.length;
    }
    result.append(text.substr(pos));
  }
  if (findings) *findings = std::move(found);
  return result;
}

size_t Sanitizer::sanitize(LogEntry& entry) const {
  size_t count = 0;
  std::vector<Finding> f;
  entry.message = sanitize(entry.message, &f);
  count += f.size();
  for (auto& [key, value] : entry.attributes) {
    value = sanitize(value, &f);
    count += f.size();
  }
  return count;
}

std::vector<std::string> Sanitizer::kinds() const {
  std::vector<std::string> out;
  for (const Rule* r : impl_->rules)
    if (std::find(out.begin(), out.end(), r->kind) == out.end()) out.emplace_back(r->kind);
  return out;
}

std::string sanitize_text(std::string_view text) { return Sanitizer::standard().sanitize(text); }

std::string marker(const Finding& f) {
  if (f.category == Category::kPromptInjection) return "[NEUTRALISED:" + f.kind + "]";
  return "[REDACTED:" + f.kind + "]";
}

bool luhn_valid(std::string_view number) {
  int sum = 0;
  int n = 0;
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    const char c = *it;
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (n % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    ++n;
  }
  return n >= 2 && sum % 10 == 0;
}

}  // namespace tinkr::sanitize
