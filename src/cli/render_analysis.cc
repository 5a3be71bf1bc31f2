#include "cli/render_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "cli/table.h"
#include "cli/terminal.h"
#include "core/json.h"
#include "core/time.h"

namespace tinkr::cli {
namespace {

namespace json = boost::json;

constexpr const char* kNoData = "—";

std::optional<double> number_field(const json::value& v, std::string_view key) {
  const json::value* f = find_field(v, key);
  if (!f || !f->is_number()) return std::nullopt;
  return f->to_number<double>();
}

const json::array& array_of(const json::value& v, std::string_view key) {
  static const json::array kEmpty;
  const json::value* f = find_field(v, key);
  return f && f->is_array() ? f->as_array() : kEmpty;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += " | ";
      while (i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) ++i;
    } else {
      out += (c == '\r' || c == '\t') ? ' ' : c;
    }
  }
  return out;
}

// "+54%", "-4%", "+2.3%", "+29250%".
std::string percent_text(double p) {
  const double a = std::fabs(p);
  std::string digits = a >= 10 ? fmt::format("{:.0f}", a) : fmt::format("{:.1f}", a);
  if (digits == "0.0" || digits == "0") return "0%";
  return (p < 0 ? "-" : "+") + digits + "%";
}

// Metrics where going up is bad news.
bool up_is_bad(std::string_view name) {
  for (std::string_view bad : {"error", "latency", "p99", "p95", "p90", "p50", "duration", "cpu", "memory", "fail"}) {
    if (name.find(bad) != std::string_view::npos) return true;
  }
  return false;
}

// The windows as a person says them: "3h–2h ago" and "1h–now", relative to the compare window's end.
std::pair<std::string, std::string> window_labels(const json::value& answer) {
  auto instant = [&](std::string_view window, std::string_view edge) -> std::optional<Timestamp> {
    const json::value* w = find_field(answer, window);
    if (!w) return std::nullopt;
    auto t = parse_rfc3339(get_string(*w, edge));
    if (!t) return std::nullopt;
    return *t;
  };
  auto end = instant("compare", "to");
  auto bf = instant("baseline", "from"), bt = instant("baseline", "to"), cf = instant("compare", "from");
  if (!end || !bf || !bt || !cf) return {"?", "?"};
  auto ago = [&](Timestamp t) {
    const auto d = std::chrono::round<std::chrono::minutes>(*end - t);
    return d.count() <= 0 ? std::string("now") : format_duration(d);
  };
  std::string baseline = ago(*bf) + "–" + ago(*bt) + (ago(*bt) == "now" ? "" : " ago");
  std::string compare = ago(*cf) + "–now";
  return {baseline, compare};
}

std::string count_text(double v) { return group_thousands(v); }

}  // namespace

std::string group_thousands(double value) {
  if (std::isnan(value)) return kNoData;
  const long long n = std::llround(std::fabs(value));
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (value < 0 && n != 0 ? "-" : "") + out;
}

std::string human_span(double seconds) {
  if (!(seconds > 0)) return "now";
  if (seconds < 60) return fmt::format("{:.0f}s", std::max(1.0, std::round(seconds)));
  const double minutes = seconds / 60;
  if (minutes < 90) return fmt::format("{:.0f}m", std::round(minutes));
  const double hours = minutes / 60;
  if (hours < 48) return fmt::format("{:.0f}h", std::round(hours));
  const double days = hours / 24;
  if (days < 1000) return fmt::format("{:.0f}d", std::round(days));
  return fmt::format("{:.0f}y", std::round(days / 365));
}

// ---- diff -----------------------------------------------------------------------------------

std::string render_diff(const json::value& answer, const RenderStyle& style, size_t max_patterns) {
  const std::string service(get_string(answer, "service"));
  auto [baseline_label, compare_label] = window_labels(answer);
  std::string out = paint("Diff for " + service, Color::kBold, style.color) + "\n";
  out += "  Baseline: " + baseline_label + "    Compare: " + compare_label + "\n";

  const json::array& metrics = array_of(answer, "metrics");
  const json::array& patterns = array_of(answer, "patterns");
  if (metrics.empty() && patterns.empty()) {
    out += "\nNo metrics and no log lines for " + service + " in either window.\n";
  }
  if (!metrics.empty()) {
    Table table({"METRIC", "BASELINE", "COMPARE", "CHANGE", ""});
    table.set_align(1, Table::Align::kRight);
    table.set_align(2, Table::Align::kRight);
    table.set_align(3, Table::Align::kRight);
    for (const auto& m : metrics) {
      const std::string name(get_string(m, "name"));
      const std::string unit(get_string(m, "unit"));
      auto base = number_field(m, "baseline");
      auto cmp = number_field(m, "compare");
      auto pct = number_field(m, "change_percent");
      const std::string direction(get_string(m, "direction"));
      auto value = [&](const std::optional<double>& v) { return v ? format_value(*v, unit) : std::string(kNoData); };
      std::string change, arrow;
      if (!base && !cmp) {
        change = "no data";
      } else if (!cmp) {
        change = "no data now";
      } else if (pct) {
        change = percent_text(*pct);
      } else if (cmp && *cmp != 0) {
        change = "new";  // nothing in the baseline to compare with
      } else {
        change = "0%";
      }
      if (base || cmp) {
        if (direction == "up") arrow = "▲";
        else if (direction == "down") arrow = "▼";
        else arrow = "─ flat";
      }
      if (direction == "up" || direction == "down") {
        const bool bad = (direction == "up") == up_is_bad(name);
        const bool neutral = !up_is_bad(name) && direction == "up";
        Color c = neutral ? Color::kCyan : bad ? Color::kRed : Color::kGreen;
        arrow = paint(arrow, c, style.color);
        change = paint(change, c, style.color);
      } else if (!arrow.empty()) {
        arrow = paint(arrow, Color::kGray, style.color);
      }
      table.add_row({name, value(base), value(cmp), change, arrow});
    }
    out += "\n" + table.render("", style.width);
  }

  if (!patterns.empty()) {
    out += "\n" + paint("LOG PATTERNS", Color::kBold, style.color) + "  (+ new or up, - gone or down, ~ unchanged)\n";
    size_t shown = 0, changed_hidden = 0, unchanged_hidden = 0;
    std::vector<std::pair<std::string, const json::value*>> rows;
    size_t count_width = 0;
    for (const auto& p : patterns) {
      const std::string mark(get_string(p, "mark"));
      if (shown >= max_patterns) {
        (mark == "~" ? unchanged_hidden : changed_hidden)++;
        continue;
      }
      ++shown;
      std::string counts =
          "[" + count_text(get_double(p, "baseline_count")) + " → " + count_text(get_double(p, "compare_count")) + "]";
      count_width = std::max(count_width, display_width(counts));
      rows.emplace_back(std::move(counts), &p);
    }
    for (const auto& [counts, p] : rows) {
      const std::string mark(get_string(*p, "mark"));
      Color c = mark == "+" ? Color::kRed : mark == "-" ? Color::kGreen : Color::kGray;
      Level level = parse_level(get_string(*p, "level"));
      std::string level_text = pad_right(level == Level::kUnknown ? "" : paint_level(level, style), 5);
      std::string text = one_line(get_string(*p, "text"));
      const std::string tag = get_bool(*p, "new") ? "  (new)" : get_bool(*p, "gone") ? "  (gone)" : "";
      std::string prefix =
          "  " + paint(mark, c, style.color) + " " + pad_right(counts, count_width) + "  " + level_text + "  ";
      const size_t used = display_width(prefix) + display_width(tag);
      if (style.width > used + 10) text = truncate_to_width(text, style.width - used);
      out += prefix + text + paint(tag, Color::kGray, style.color) + "\n";
    }
    if (changed_hidden + unchanged_hidden > 0) {
      out += paint(fmt::format("  … {} more ({} changed, {} unchanged); --json lists them all",
                               changed_hidden + unchanged_hidden, changed_hidden, unchanged_hidden),
                   Color::kGray, style.color) +
             "\n";
    }
  }

  const json::array& unavailable = array_of(answer, "unavailable");
  if (!unavailable.empty()) {
    out += "\nNot available from the backend:\n";
    for (const auto& u : unavailable) {
      out += "  " + std::string(get_string(u, "signal")) + ": " + one_line(get_string(u, "message")) + "\n";
    }
  }
  std::string notes;
  for (const auto& n : array_of(answer, "notes")) {
    if (n.is_string()) notes += "Note: " + std::string(n.as_string()) + "\n";
  }
  if (!notes.empty()) out += "\n" + notes;
  return out;
}

// ---- slo ------------------------------------------------------------------------------------

std::string render_slo(const json::value& answer, const RenderStyle& style) {
  const std::string service(get_string(answer, "service"));
  const double target = get_double(answer, "target_percent");
  const std::string window(get_string(answer, "window"));
  const std::string status(get_string(answer, "status"));
  const std::string source(get_string(answer, "source"));
  std::string out = paint("SLO Report — " + service, Color::kBold, style.color) + "\n";
  out += fmt::format("Target: {}%   Window: {}   Source: {}\n", format_value(target, ""), window,
                     source == "metrics"      ? "metrics (request_rate, error_rate)"
                     : source == "log_volume" ? "log volume (all lines / ERROR lines)"
                     : source.empty()         ? "?"
                                              : source);
  out += "\n";

  auto label = [](std::string_view l) { return "  " + pad_right(std::string(l) + ":", 18); };
  const json::value* budget = find_field(answer, "error_budget");
  static const json::value kNull;
  const json::value& b = budget ? *budget : kNull;

  auto availability = number_field(answer, "availability_percent");
  if (!availability) {
    out += label("Availability") + kNoData + "  (no requests in the window)\n";
  } else {
    const bool met = *availability >= target;
    out += label("Availability") + fmt::format("{:.3f}%", *availability).substr(0) + "   " +
           paint(met ? "✓ meets the target" : "✗ below the target", met ? Color::kGreen : Color::kRed, style.color) +
           "\n";
  }
  const double total_min = get_double(b, "total_minutes");
  const double consumed_min = get_double(b, "consumed_minutes");
  const double remaining_min = get_double(b, "remaining_minutes");
  const double consumed_pct = get_double(b, "consumed_percent");
  auto minutes_text = [](double m) {
    const double a = std::fabs(m);
    if (a >= 120) return human_span(a * 60) + (m < 0 ? " over" : "");
    return fmt::format("{:.{}f} min", m, a >= 10 ? 1 : 2);
  };
  out += label("Error budget") + fmt::format("{} total ({} failed requests allowed)\n", minutes_text(total_min),
                                             group_thousands(get_double(b, "allowed_errors")));
  {
    const size_t cells = 20;
    const double used = std::clamp(consumed_pct, 0.0, 100.0);
    const size_t filled = static_cast<size_t>(std::lround(used / 100.0 * cells));
    std::string bar;
    for (size_t i = 0; i < cells; ++i) bar += i < filled ? "█" : "░";
    Color c = consumed_pct >= 100 ? Color::kRed : consumed_pct >= 50 ? Color::kYellow : Color::kGreen;
    std::string verdict;
    if (status == "exhausted")
      verdict = minutes_text(consumed_min) + " used — " + paint("EXHAUSTED", Color::kRed, style.color);
    else if (status == "no_traffic") verdict = "untouched (no traffic)";
    else verdict = minutes_text(consumed_min) + " used, " + minutes_text(remaining_min) + " left";
    out += label("Budget consumed") + paint(bar, c, style.color) + " " +
           fmt::format("{}%", consumed_pct >= 100 ? fmt::format("{:.0f}", consumed_pct)
                                                  : fmt::format("{:.1f}", consumed_pct)) +
           "   " + verdict + "\n";
  }

  // Burn rates for the windows that fit in the SLO window.
  const auto slo_window = parse_duration(window);
  Table burns({"WINDOW", "BURN RATE", "STATUS", "BUDGET GONE IN"});
  burns.set_align(1, Table::Align::kRight);
  for (const auto& br : array_of(answer, "burn_rates")) {
    const std::string w(get_string(br, "window"));
    if (auto d = parse_duration(w); d && slo_window && *d > *slo_window) continue;
    const std::string st(get_string(br, "status"));
    std::string rate = st == "no_traffic" ? std::string(kNoData) : fmt::format("{:.1f}×", get_double(br, "burn_rate"));
    Color c = st == "critical"  ? Color::kRed
              : st == "warning" ? Color::kYellow
              : st == "ok"      ? Color::kGreen
                                : Color::kGray;
    std::string st_text = st == "no_traffic" ? "no traffic" : st;
    std::transform(st_text.begin(), st_text.end(), st_text.begin(),
                   [](char ch) { return static_cast<char>(std::toupper(ch)); });
    std::string gone;
    auto tte = number_field(br, "time_to_exhaustion_s");
    if (st == "no_traffic") gone = "";
    else if (!tte) gone = "never at this rate";
    else if (*tte <= 0) gone = "already exhausted";
    else gone = "~" + human_span(*tte);
    burns.add_row({w, rate, paint(st_text, c, style.color), gone});
  }
  if (burns.rows() > 0) out += "\n" + burns.render("  ", style.width);

  out += "\n" + label("Errors in window") + group_thousands(get_double(answer, "errors")) + "\n";
  out += label("Total requests") + group_thousands(get_double(answer, "requests")) + "\n";
  std::string firing;
  for (const auto& a : array_of(answer, "alerts")) {
    if (!get_bool(a, "firing")) continue;
    firing += (firing.empty() ? "" : ", ") + std::string(get_string(a, "severity")) + " (" +
              std::string(get_string(a, "long_window")) + " & " + std::string(get_string(a, "short_window")) + ")";
  }
  out +=
      label("Alerts firing") + (firing.empty() ? std::string("none") : paint(firing, Color::kRed, style.color)) + "\n";
  const std::string covered(get_string(answer, "covered"));
  if (!covered.empty() && covered != window && availability) {
    out +=
        label("Data covers") + paint("only the last " + covered + " of " + window, Color::kYellow, style.color) + "\n";
  }
  std::string notes;
  for (const auto& n : array_of(answer, "notes")) {
    if (n.is_string()) notes += "Note: " + std::string(n.as_string()) + "\n";
  }
  if (source == "log_volume") {
    const std::string why(get_string(answer, "source_note"));
    if (!why.empty()) notes += "Source: " + why + "\n";
  }
  if (!notes.empty()) out += "\n" + notes;
  return out;
}

}  // namespace tinkr::cli
