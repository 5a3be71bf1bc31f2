#include "analysis/patterns/template_json.h"

#include <boost/json.hpp>

#include "core/time.h"

namespace tinkr::analysis {

boost::json::value to_json(const LogTemplate& t) {
  boost::json::object o;
  o["id"] = t.id;
  o["template"] = t.text;
  o["count"] = t.count;
  if (t.first_seen) o["first_seen"] = format_rfc3339(*t.first_seen);
  if (t.last_seen) o["last_seen"] = format_rfc3339(*t.last_seen);
  boost::json::array ex;
  for (const auto& e : t.examples) ex.emplace_back(e);
  o["examples"] = std::move(ex);
  boost::json::object levels;
  for (size_t i = 0; i < kLevelCount; ++i)
    if (t.level_counts[i] > 0) levels[level_name(static_cast<Level>(i))] = t.level_counts[i];
  o["levels"] = std::move(levels);
  return o;
}

boost::json::value to_json(const LineAssignment& a, const std::vector<LogTemplate>& templates) {
  boost::json::object o;
  o["line"] = a.line_number;
  const LogTemplate* t = a.template_index < templates.size() ? &templates[a.template_index] : nullptr;
  o["template_id"] = t ? t->id : "";
  o["template"] = t ? t->text : "";
  if (!a.header_matched) o["header_matched"] = false;
  return o;
}

boost::json::value to_json(const WindowTemplate& t) {
  boost::json::value v = to_json(t.tmpl);
  auto& o = v.as_object();
  o["baseline_count"] = t.baseline_count;
  o["current_count"] = t.current_count;
  o["new"] = t.is_new();
  return v;
}

}  // namespace tinkr::analysis
