#include "analysis/slo.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <boost/json.hpp>

namespace tinkr::slo {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr double kWorkbookWindowHours = 24 * 30;

double sum_in(const MetricSeries& s, Timestamp from, Timestamp to) {
  double total = 0;
  for (const auto& p : s.points)
    if (p.time >= from && p.time < to && std::isfinite(p.value)) total += p.value;
  return total;
}

std::optional<Timestamp> first_point(const MetricSeries& s, Timestamp from, Timestamp to) {
  std::optional<Timestamp> first;
  for (const auto& p : s.points)
    if (p.time >= from && p.time < to && (!first || p.time < *first)) first = p.time;
  return first;
}

// "30d", "90d", "36h", "45m": days when whole days (format_duration would say "4w2d").
std::string span_text(Nanos d) {
  const auto m = std::chrono::floor<minutes>(d);
  if (m.count() > 0 && m % hours(24) == minutes(0)) return fmt::format("{}d", m / hours(24));
  return format_duration(m);
}

double hours_of(Nanos d) { return std::chrono::duration<double, std::ratio<3600>>(d).count(); }

}  // namespace

Result<SloReport> compute_slo(const SloInput& in) {
  if (!(in.target_percent > 0 && in.target_percent < 100))
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("SLO target {} is not a percentage between 0 and 100 (e.g. 99.9)",
                                  in.target_percent));
  if (in.window <= Nanos(0)) return make_error(ErrorCode::kInvalidArgument, "SLO window must be positive (e.g. 30d)");

  SloReport r;
  r.target_percent = in.target_percent;
  r.window = in.window;
  r.range = {in.end - in.window, in.end};
  const double budget = 1.0 - in.target_percent / 100.0;
  const double window_minutes = std::chrono::duration<double, std::ratio<60>>(in.window).count();

  r.requests = sum_in(in.requests, r.range.from, r.range.to);
  r.errors = std::min(sum_in(in.errors, r.range.from, r.range.to), r.requests);
  r.allowed_errors = r.requests * budget;
  r.budget_minutes = window_minutes * budget;

  auto first = first_point(in.requests, r.range.from, r.range.to);
  r.covered = first ? r.range.to - *first : Nanos(0);
  // Buckets are as long as an hour: a first point within one hour of the start is full coverage.
  if (first && *first - r.range.from > hours(1)) {
    r.notes.push_back(fmt::format(
        "the data covers only the last {} of the {} window (backend retention?); figures are over what exists",
        span_text(r.covered), span_text(in.window)));
  } else if (first) {
    r.covered = in.window;
  }

  double remaining_fraction = 1.0;
  if (r.requests <= 0) {
    r.status = "no_traffic";
    r.remaining_minutes = r.budget_minutes;
    r.notes.push_back("no requests in the window: availability is undefined and the error budget is untouched");
  } else {
    const double error_ratio = r.errors / r.requests;
    r.availability_percent = (1.0 - error_ratio) * 100.0;
    r.consumed_minutes = window_minutes * error_ratio;
    r.remaining_minutes = r.budget_minutes - r.consumed_minutes;
    r.consumed_percent = error_ratio / budget * 100.0;
    r.remaining_percent = 100.0 - r.consumed_percent;
    remaining_fraction = 1.0 - error_ratio / budget;
  }

  const double scale = hours_of(in.window) / kWorkbookWindowHours;
  const Nanos windows[] = {minutes(5), minutes(30), hours(1), hours(2), hours(6), hours(24), hours(72)};
  for (const Nanos w : windows) {
    BurnRate b;
    b.window = w;
    const Timestamp from = std::max(r.range.from, in.end - w);
    b.requests = sum_in(in.requests, from, in.end);
    b.errors = std::min(sum_in(in.errors, from, in.end), b.requests);
    b.has_traffic = b.requests > 0;
    if (!b.has_traffic) {
      b.status = "no_traffic";
    } else {
      b.error_ratio = b.errors / b.requests;
      b.burn_rate = b.error_ratio / budget;
      if (b.burn_rate > 0) {
        const double left = std::max(0.0, remaining_fraction);
        b.time_to_exhaustion = std::chrono::duration_cast<Nanos>(
            std::chrono::duration<double, std::nano>(left * static_cast<double>(in.window.count()) / b.burn_rate));
      }
      // A burn rate under 1 leaves budget at the end of the window: never critical, whatever the scaling.
      b.status = b.burn_rate >= std::max(1.0, 6.0 * scale) ? "critical" : b.burn_rate > 1.0 ? "warning" : "ok";
    }
    r.burn_rates.push_back(b);
  }
  auto burn_of = [&](Nanos w) {
    for (const auto& b : r.burn_rates)
      if (b.window == w) return b.burn_rate;
    return 0.0;
  };
  struct Pair {
    const char* severity;
    Nanos long_w, short_w;
    double threshold;
  };
  const Pair pairs[] = {{"page", hours(1), minutes(5), 14.4},
                        {"page", hours(6), minutes(30), 6.0},
                        {"ticket", hours(24), hours(2), 3.0},
                        {"ticket", hours(72), hours(6), 1.0}};
  for (const auto& p : pairs) {
    BurnAlert a;
    a.severity = p.severity;
    a.long_window = p.long_w;
    a.short_window = p.short_w;
    a.threshold = std::max(1.0, p.threshold * scale);  // scaled, but never below 1 (see the status above)
    a.long_burn = burn_of(p.long_w);
    a.short_burn = burn_of(p.short_w);
    a.firing = a.long_burn >= a.threshold && a.short_burn >= a.threshold;
    r.alerts.push_back(a);
  }
  if (scale != 1.0)
    r.notes.push_back(fmt::format(
        "burn-rate alert thresholds scaled by {:.3g} for a {} window (workbook values are for 30d), never below 1×",
        scale, span_text(in.window)));

  if (r.status.empty()) {
    const bool page =
        std::any_of(r.alerts.begin(), r.alerts.end(), [](const auto& a) { return a.firing && a.severity == "page"; });
    const bool ticket = std::any_of(r.alerts.begin(), r.alerts.end(), [](const auto& a) { return a.firing; });
    if (r.remaining_minutes <= 0) r.status = "exhausted";
    else if (page) r.status = "critical";
    else if (ticket || r.consumed_percent >= 75) r.status = "warning";
    else r.status = "ok";
  }
  return r;
}

Result<SloReport> compute_slo(ObservabilityBackend& backend, const SloQuery& q) {
  const Timestamp end = q.end == Timestamp{} ? now() : q.end;
  const Timestamp fine_from =
      std::max<Timestamp>(end - q.window, Timestamp(std::chrono::floor<hours>(end - hours(72))));
  SloInput in;
  in.target_percent = q.target_percent;
  in.window = q.window;
  in.end = end;
  auto absorb = [&](const std::vector<MetricSeries>& series) {
    for (const auto& s : series) {
      auto it = s.labels.find("level");
      const bool error = it != s.labels.end() && parse_level(it->second) >= Level::kError;
      in.requests.points.insert(in.requests.points.end(), s.points.begin(), s.points.end());
      if (error) in.errors.points.insert(in.errors.points.end(), s.points.begin(), s.points.end());
    }
  };
  LogVolumeQuery lq;
  lq.service = q.service;
  if (fine_from > end - q.window) {
    lq.range = {end - q.window, fine_from};
    lq.bucket = hours(1);
    auto coarse = backend.log_volume(lq);
    if (!coarse.ok()) return coarse.error();
    absorb(*coarse);
  }
  lq.range = {fine_from, end};
  lq.bucket = minutes(5);
  auto fine = backend.log_volume(lq);
  if (!fine.ok()) return fine.error();
  absorb(*fine);
  auto report = compute_slo(in);
  if (report.ok())
    report->notes.push_back("requests are log lines of every level and errors are ERROR and CRITICAL lines");
  return report;
}

boost::json::value to_json(const SloReport& r) {
  namespace json = boost::json;
  auto seconds = [](Nanos d) { return std::chrono::duration<double>(d).count(); };
  json::object o;
  o["target_percent"] = r.target_percent;
  o["window"] = span_text(r.window);
  o["from"] = format_rfc3339(r.range.from);
  o["to"] = format_rfc3339(r.range.to);
  o["requests"] = r.requests;
  o["errors"] = r.errors;
  o["availability_percent"] = r.availability_percent ? json::value(*r.availability_percent) : json::value(nullptr);
  json::object budget;
  budget["allowed_errors"] = r.allowed_errors;
  budget["total_minutes"] = r.budget_minutes;
  budget["consumed_minutes"] = r.consumed_minutes;
  budget["remaining_minutes"] = r.remaining_minutes;
  budget["consumed_percent"] = r.consumed_percent;
  budget["remaining_percent"] = r.remaining_percent;
  o["error_budget"] = std::move(budget);
  json::array burns;
  for (const auto& b : r.burn_rates) {
    json::object j;
    j["window"] = format_duration(b.window);
    j["requests"] = b.requests;
    j["errors"] = b.errors;
    j["error_ratio"] = b.error_ratio;
    j["burn_rate"] = b.burn_rate;
    j["time_to_exhaustion_s"] =
        b.time_to_exhaustion ? json::value(seconds(*b.time_to_exhaustion)) : json::value(nullptr);
    j["status"] = b.status;
    burns.push_back(std::move(j));
  }
  o["burn_rates"] = std::move(burns);
  json::array alerts;
  for (const auto& a : r.alerts) {
    json::object j;
    j["severity"] = a.severity;
    j["long_window"] = format_duration(a.long_window);
    j["short_window"] = format_duration(a.short_window);
    j["threshold"] = a.threshold;
    j["long_burn_rate"] = a.long_burn;
    j["short_burn_rate"] = a.short_burn;
    j["firing"] = a.firing;
    alerts.push_back(std::move(j));
  }
  o["alerts"] = std::move(alerts);
  o["covered"] = span_text(r.covered);
  o["status"] = r.status;
  json::array notes;
  for (const auto& n : r.notes) notes.push_back(json::value(n));
  o["notes"] = std::move(notes);
  return o;
}

}  // namespace tinkr::slo
