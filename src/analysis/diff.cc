#include "analysis/diff.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <boost/json.hpp>

namespace tinkr::diff {
namespace {

std::string series_key(const MetricSeries& s) {
  std::string labels;
  for (const auto& [k, v] : s.labels) {
    if (k == "service" || k == "__name__") continue;
    labels += (labels.empty() ? "" : ",") + k + "=" + v;
  }
  return labels.empty() ? s.name : s.name + "{" + labels + "}";
}

std::optional<double> summarise(const MetricSeries& s, stats::Aggregation agg) {
  std::vector<double> v;
  for (const auto& p : s.points)
    if (std::isfinite(p.value)) v.push_back(p.value);
  if (v.empty()) return std::nullopt;
  if (agg == stats::Aggregation::kMean) return stats::mean(v);
  if (agg == stats::Aggregation::kMax) return *std::max_element(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  return sum;
}

const std::string& key_of(const anomaly::TemplateCount& t) { return t.id.empty() ? t.text : t.id; }

}  // namespace

DiffWindows diff_windows(Timestamp now, Nanos baseline_offset, Nanos compare_length) {
  DiffWindows w;
  w.compare = {now - compare_length, now};
  w.baseline = {w.compare.from - baseline_offset, w.compare.to - baseline_offset};
  return w;
}

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::kUp: return "up";
    case Direction::kDown: return "down";
    case Direction::kFlat: return "flat";
  }
  return "flat";
}

MetricChange compare_values(std::string name, std::string unit, std::optional<double> baseline,
                            std::optional<double> compare, double flat_percent) {
  MetricChange c;
  c.name = std::move(name);
  c.unit = std::move(unit);
  c.baseline = baseline;
  c.compare = compare;
  const double b = baseline.value_or(0), v = compare.value_or(0);
  c.absolute_change = v - b;
  if (b != 0) c.percent_change = (v - b) / std::fabs(b) * 100.0;
  if (c.percent_change) {
    c.direction = std::fabs(*c.percent_change) < flat_percent ? Direction::kFlat
                  : *c.percent_change > 0                     ? Direction::kUp
                                                              : Direction::kDown;
  } else {
    c.direction = v > 0 ? Direction::kUp : v < 0 ? Direction::kDown : Direction::kFlat;
  }
  return c;
}

std::vector<MetricChange> diff_metrics(const std::vector<MetricSeries>& baseline,
                                       const std::vector<MetricSeries>& compare, stats::Aggregation agg) {
  std::map<std::string, std::pair<std::optional<double>, std::optional<double>>> rows;
  std::map<std::string, std::string> units;
  for (const auto& s : baseline) {
    rows[series_key(s)].first = summarise(s, agg);
    units[series_key(s)] = s.unit;
  }
  for (const auto& s : compare) {
    rows[series_key(s)].second = summarise(s, agg);
    units[series_key(s)] = s.unit;
  }
  std::vector<MetricChange> out;
  for (const auto& [key, vals] : rows) out.push_back(compare_values(key, units[key], vals.first, vals.second));
  return out;
}

char mark_symbol(PatternMark m) {
  switch (m) {
    case PatternMark::kIncreased: return '+';
    case PatternMark::kDecreased: return '-';
    case PatternMark::kUnchanged: return '~';
  }
  return '~';
}

std::vector<PatternChange> diff_patterns(const std::vector<anomaly::TemplateCount>& baseline,
                                         const std::vector<anomaly::TemplateCount>& compare, Nanos baseline_length,
                                         Nanos compare_length, const PatternDiffOptions& opt) {
  std::map<std::string, PatternChange> rows;
  for (const auto& t : baseline) {
    auto& r = rows[key_of(t)];
    r.id = t.id;
    r.text = t.text;
    r.level = t.level;
    r.baseline += t.count;
  }
  for (const auto& t : compare) {
    auto& r = rows[key_of(t)];
    r.id = t.id;
    r.text = t.text;
    r.level = std::max(r.level, t.level);
    r.compare += t.count;
  }
  const double scale = baseline_length.count() > 0 && compare_length.count() > 0
                           ? static_cast<double>(compare_length.count()) / static_cast<double>(baseline_length.count())
                           : 1.0;
  std::vector<PatternChange> out;
  for (auto& [key, r] : rows) {
    const double expected = r.baseline * scale;  // the baseline count over a compare-length window
    const double noise = std::max(opt.min_delta, 3.0 * std::sqrt(std::max(expected, 1.0)));
    r.is_new = r.baseline == 0 && r.compare > 0;
    r.is_gone = r.compare == 0 && r.baseline > 0;
    if (r.is_new || (r.compare >= expected * opt.min_ratio && r.compare - expected >= noise))
      r.mark = PatternMark::kIncreased;
    else if (r.is_gone || (r.compare * opt.min_ratio <= expected && expected - r.compare >= noise))
      r.mark = PatternMark::kDecreased;
    else r.mark = PatternMark::kUnchanged;
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const PatternChange& a, const PatternChange& b) {
    const auto rank = [](const PatternChange& p) {
      return std::make_tuple(static_cast<int>(p.mark), p.mark == PatternMark::kDecreased ? -p.baseline : -p.compare);
    };
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return (a.id.empty() ? a.text : a.id) < (b.id.empty() ? b.text : b.id);
  });
  return out;
}

Result<DiffReport> compute_diff(ObservabilityBackend& backend, const DiffQuery& q,
                                const anomaly::TemplateCounter& count_templates) {
  if (q.compare_length <= Nanos(0) || q.baseline_offset <= Nanos(0))
    return make_error(ErrorCode::kInvalidArgument,
                      "diff windows must be positive durations (e.g. --baseline 2h --compare 1h)");
  DiffReport r;
  r.service = q.service;
  r.windows = diff_windows(q.now == Timestamp{} ? now() : q.now, q.baseline_offset, q.compare_length);
  bool any = false;

  auto volume = [&](const TimeRange& range) {
    LogVolumeQuery lq;
    lq.service = q.service;
    lq.range = range;
    lq.bucket = range.length();
    return backend.log_volume(lq);
  };
  auto vb = volume(r.windows.baseline);
  auto vc = vb.ok() ? volume(r.windows.compare) : vb;
  if (vb.ok() && vc.ok()) {
    any = true;
    auto split = [](const std::vector<MetricSeries>& series) {
      MetricSeries errors, all;
      errors.name = "error_count";
      all.name = "log_count";
      for (const auto& s : series) {
        auto it = s.labels.find("level");
        const bool error = it != s.labels.end() && parse_level(it->second) >= Level::kError;
        all.points.insert(all.points.end(), s.points.begin(), s.points.end());
        if (error) errors.points.insert(errors.points.end(), s.points.begin(), s.points.end());
      }
      return std::vector<MetricSeries>{errors, all};
    };
    for (auto& c : diff_metrics(split(*vb), split(*vc), stats::Aggregation::kSum)) {
      // No ERROR lines at all is zero errors, not missing data.
      if (!c.baseline) c = compare_values(c.name, c.unit, 0.0, c.compare);
      if (!c.compare) c = compare_values(c.name, c.unit, c.baseline, 0.0);
      r.metrics.push_back(std::move(c));
    }
  } else {
    r.unavailable.push_back({"log_volume", vb.ok() ? vc.error() : vb.error()});
  }

  for (const auto& alias : q.metrics) {
    auto fetch = [&](const TimeRange& range) {
      MetricQuery mq;
      mq.service = q.service;
      mq.metric = alias;
      mq.range = range;
      return backend.get_metrics(mq);
    };
    auto mb = fetch(r.windows.baseline);
    auto mc = mb.ok() ? fetch(r.windows.compare) : mb;
    if (!mb.ok() || !mc.ok()) {
      r.unavailable.push_back({alias, mb.ok() ? mc.error() : mb.error()});
      continue;
    }
    any = true;
    auto named = [&](std::vector<MetricSeries> v) {
      for (auto& s : v) s.name = alias;
      return v;
    };
    for (auto& c : diff_metrics(named(*mb), named(*mc), stats::Aggregation::kMean)) r.metrics.push_back(std::move(c));
  }

  if (count_templates) {
    auto pb = count_templates(q.service, r.windows.baseline);
    auto pc = pb.ok() ? count_templates(q.service, r.windows.compare) : pb;
    if (pb.ok() && pc.ok()) {
      any = true;
      r.patterns = diff_patterns(*pb, *pc, r.windows.baseline.length(), r.windows.compare.length());
    } else {
      r.unavailable.push_back({"patterns", pb.ok() ? pc.error() : pb.error()});
    }
  }
  if (!any) {
    const auto& u = r.unavailable.front();
    return make_error(u.error.code,
                      "nothing could be fetched for the diff; first failure (" + u.signal + "): " + u.error.message);
  }
  return r;
}

boost::json::value to_json(const DiffReport& r) {
  namespace json = boost::json;
  auto opt = [](const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); };
  json::object o;
  o["service"] = r.service;
  o["baseline"] = {{"from", format_rfc3339(r.windows.baseline.from)}, {"to", format_rfc3339(r.windows.baseline.to)}};
  o["compare"] = {{"from", format_rfc3339(r.windows.compare.from)}, {"to", format_rfc3339(r.windows.compare.to)}};
  json::array metrics;
  for (const auto& m : r.metrics) {
    json::object j;
    j["name"] = m.name;
    j["unit"] = m.unit;
    j["baseline"] = opt(m.baseline);
    j["compare"] = opt(m.compare);
    j["change"] = m.absolute_change;
    j["change_percent"] = opt(m.percent_change);
    j["direction"] = direction_name(m.direction);
    metrics.push_back(std::move(j));
  }
  o["metrics"] = std::move(metrics);
  json::array patterns;
  for (const auto& p : r.patterns) {
    json::object j;
    j["mark"] = std::string(1, mark_symbol(p.mark));
    j["id"] = p.id;
    j["text"] = p.text;
    j["level"] = level_name(p.level);
    j["baseline_count"] = p.baseline;
    j["compare_count"] = p.compare;
    j["new"] = p.is_new;
    j["gone"] = p.is_gone;
    patterns.push_back(std::move(j));
  }
  o["patterns"] = std::move(patterns);
  json::array unavailable;
  for (const auto& u : r.unavailable)
    unavailable.push_back(
        {{"signal", u.signal}, {"error", std::string(error_code_name(u.error.code))}, {"message", u.error.message}});
  o["unavailable"] = std::move(unavailable);
  return o;
}

}  // namespace tinkr::diff
