#include "analysis/sanitizer_rules.h"

namespace tinkr::sanitize {
namespace {

constexpr Category S = Category::kSecret;
constexpr Category P = Category::kPersonalData;
constexpr Category I = Category::kPromptInjection;

// Formats: AWS key ids (AKIA long-term, ASIA temporary and the other unique-id
// prefixes), GCP API keys (AIza + 35), GitHub (ghp_/gho_/ghu_/ghs_/ghr_ + 36+,
// github_pat_ 22 + "_" + 59), Slack (xoxb-/xoxp-/xoxa-/… and hooks.slack.com),
// Stripe (sk_/rk_ live and test), Anthropic (sk-ant-<kind>NN-…), OpenAI (sk-,
// sk-proj-, sk-svcacct-, sk-admin-), Datadog (32-hex API and 40-hex application
// keys, recognised in context), JWT (three base64url parts, the first two
// being JSON objects: "eyJ").
constexpr Rule kRules[] = {
    {"private_key", S,
     R"(-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z))",
     0, Check::kNone, "PRIVATE KEY"},
    {"aws_access_key", S, R"(\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b)", 0,
     Check::kNone},
    {"aws_secret_key", S,
     R"((?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key|aws_?secret)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|\z))",
     1, Check::kNone},
    {"gcp_api_key", S, R"(\bAIza[0-9A-Za-z_\-]{35})", 0, Check::kNone},
    {"github_token", S, R"(\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b)", 0, Check::kNone},
    {"github_token", S, R"(\bgh[pousr]_[A-Za-z0-9]{36,251}\b)", 0, Check::kNone},
    {"slack_webhook", S, R"(https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+\-]{20,})", 0,
     Check::kNone},
    {"slack_token", S, R"(\bxox[abposre]-[A-Za-z0-9\-]{10,})", 0, Check::kNone},
    {"stripe_key", S, R"(\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,})", 0, Check::kNone},
    {"anthropic_key", S, R"(\bsk-ant-[a-z]+[0-9]*-[A-Za-z0-9_\-]{20,})", 0, Check::kNone},
    {"openai_key", S, R"(\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})", 0, Check::kNone},
    {"datadog_key", S,
     R"((?i)\b(?:dd|datadog)[_\-]?(?:api|app|application)[_\-]?key["']?\s*[:=]\s*["']?([a-f0-9]{40}|[a-f0-9]{32})\b)",
     1, Check::kNone},
    {"jwt", S, R"(\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})", 0, Check::kNone},
    {"bearer_token", S, R"((?i)\bbearer\s+([A-Za-z0-9._~+/\-]{16,}=*))", 1, Check::kNone},
    {"basic_auth", S, R"((?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2}))", 1, Check::kBasicAuth},
    {"url_password", S, R"(\b[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@"'<>]+:([^\s/@"'<>]+)@)", 1,
     Check::kNotPlaceholder},
    {"password", S,
     R"((?i)(?:\b|_)(?:password|passwd|pwd|db_?pass(?:word)?)["']?\s*[:=]\s*["']?([^\s"'&;,{}()<>]{2,}))", 1,
     Check::kNotPlaceholder},
    {"secret", S,
     R"((?i)(?:\b|_)(?:secret|client_?secret|secret_?key|api_?key|apikey|api_?secret|access_?token|auth_?token|refresh_?token|private_?key)["']?\s*[:=]\s*["']?([^\s"'&;,{}()<>]{2,}))",
     1, Check::kNotPlaceholder},
    {"email", P, R"(\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}\b)", 0, Check::kNone},
    {"card_number", P, R"(\b[2-6][0-9](?:[ \-]?[0-9]){11,17}\b)", 0, Check::kLuhn},
    {"prompt_injection", I,
     R"((?i)\b(?:ignore|disregard|forget|override|skip)\s+(?:(?:all|any|the|your|my|these|those|of|every)\s+)*(?:previous|prior|above|earlier|preceding|former|system|original)\s+(?:instructions?|prompts?|directions?|rules|guidelines|messages?|context|commands?)\b)",
     0, Check::kNone},
    {"prompt_injection", I, R"((?i)\byou\s+are\s+now\b)", 0, Check::kNone},
    {"prompt_injection", I, R"((?i)\bsystem\s+prompt\b)", 0, Check::kNone},
    {"prompt_injection", I, R"((?i)\bnew\s+instructions?\s*:)", 0, Check::kNone},
    {"prompt_injection", I,
     R"((?i)\b(?:pretend\s+(?:to\s+be|you\s+are)|developer\s+mode|jailbreak\w*|do\s+anything\s+now)\b)", 0,
     Check::kNone},
    {"prompt_injection", I, R"((?i)<\|(?:im_start|im_end|system|endoftext)\|>|\[/?INST\]|</?(?:system|assistant)>)", 0,
     Check::kNone},
};

}  // namespace

std::span<const Rule> rules() { return kRules; }

}  // namespace tinkr::sanitize
