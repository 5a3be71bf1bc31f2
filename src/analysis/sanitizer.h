// The sanitizer: redacts secrets and personal data and neutralises
// prompt-injection phrases in text before it reaches an LLM prompt or an MCP
// client.
//
// Each redaction names its kind: "[REDACTED:aws_access_key]",
// "[REDACTED:email]", "[NEUTRALISED:prompt_injection]". Context rules redact
// only the secret ("password=[REDACTED:password]"). Candidates that fail a
// check are left alone (card numbers need a valid Luhn sum and issuer prefix;
// Basic credentials must decode to "user:password"; placeholders such as
// "***" or "<token>" are not secrets).
//
// Matching is linear time (RE2): all rules are compiled into one RE2::Set, so
// clean text is scanned once; only the rules that matched are run again to
// find where. A Sanitizer is immutable after construction and safe to share
// between threads; standard() is built once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace tinkr::sanitize {

enum class Category { kSecret, kPersonalData, kPromptInjection };

struct SanitizerOptions {
  bool secrets = true;
  bool personal_data = true;  // emails, card numbers
  bool prompt_injection = true;
};

// One redaction: what kind, and where it was in the input.
struct Finding {
  std::string kind;  // "aws_access_key", "email", "prompt_injection", …
  Category category = Category::kSecret;
  size_t offset = 0;
  size_t length = 0;
};

class Sanitizer {
 public:
  explicit Sanitizer(const SanitizerOptions& options = {});
  ~Sanitizer();
  Sanitizer(const Sanitizer&) = delete;
  Sanitizer& operator=(const Sanitizer&) = delete;

  // The shared instance with every rule on.
  static const Sanitizer& standard();

  // The text with every finding replaced by its marker; findings (optional)
  // receives them in input order.
  std::string sanitize(std::string_view text, std::vector<Finding>* findings = nullptr) const;
  // The findings alone.
  std::vector<Finding> scan(std::string_view text) const;
  // Sanitizes the message and every attribute value in place; returns the
  // number of redactions.
  size_t sanitize(LogEntry& entry) const;

  // The kinds this sanitizer knows, in priority order.
  std::vector<std::string> kinds() const;

 private:
  struct Impl;
  Impl* impl_;
};

// Sanitizer::standard().sanitize(text).
std::string sanitize_text(std::string_view text);

// The marker that replaces a finding: "[REDACTED:<kind>]" or, for prompt
// injection, "[NEUTRALISED:prompt_injection]".
std::string marker(const Finding& finding);

// True when the digits of `number` (spaces and dashes ignored) pass the Luhn check.
bool luhn_valid(std::string_view number);

}  // namespace tinkr::sanitize
