// The Reasoner on hand-made bundles: deploy then errors ranks the deploy
// first; errors without a deploy do not invent one; no evidence gives low
// confidence; a dependency that failed first is named.
#include <gtest/gtest.h>

#include "agent/rca/reasoner.h"
#include "agent/rca/renderer.h"

namespace tinkr::rca {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Timestamp kNow = parse_rfc3339("2026-11-23T14:00:00Z").value();

EvidenceBundle empty_bundle() {
  EvidenceBundle b;
  b.service = "checkout";
  b.incident = {kNow - minutes(60), kNow};
  b.baseline = {kNow - minutes(120), kNow - minutes(60)};
  b.collected_at = kNow;
  return b;
}

// Errors start at now-30m with a new "connection refused" pattern.
EvidenceBundle errors_bundle() {
  EvidenceBundle b = empty_bundle();
  Timestamp onset = kNow - minutes(30);
  b.onsets.push_back({"checkout", "target", onset, 0.5, 40, 30, 900});
  PatternEvidence p;
  p.id = "a1";
  p.text = "Connection to <*> refused";
  p.incident_count = 850;
  p.is_new = true;
  p.first_seen = onset + seconds(2);
  p.last_seen = kNow - minutes(1);
  p.examples = {"Connection to redis:6379 refused"};
  b.patterns.push_back(p);
  ErrorClassEvidence c;
  c.error_class = "dependency_down";
  c.confidence = 0.8;
  c.rule = "connection_refused";
  c.matched = "Connection refused";
  c.count = 850;
  c.first_seen = onset + seconds(2);
  c.last_seen = kNow - minutes(1);
  c.evidence = {"Connection to redis:6379 refused"};
  b.error_classes.push_back(c);
  b.baseline_error_lines = 30;
  b.incident_error_lines = 900;
  return b;
}

TEST(RcaReasoner, DeployThenErrorsRanksDeployRegressionFirst) {
  EvidenceBundle b = errors_bundle();
  ChangeEvidence d;
  d.time = kNow - minutes(32);
  d.service = "checkout";
  d.kind = "deploy";
  d.version = "v3.1.0";
  d.source = "events_store";
  d.line = "Deployed version v3.1.0";
  b.changes.push_back(d);

  Analysis a = reason(b);
  ASSERT_FALSE(a.hypotheses.empty());
  const Hypothesis& top = a.hypotheses.front();
  EXPECT_EQ(top.kind, "deploy_regression");
  EXPECT_EQ(top.service, "checkout");
  EXPECT_EQ(top.version, "v3.1.0");
  EXPECT_EQ(top.mechanism, "dependency_down");
  ASSERT_TRUE(top.time.has_value());
  EXPECT_EQ(*top.time, d.time);
  // Its evidence cites the deploy and the new pattern, with their times.
  bool cites_deploy = false, cites_pattern = false;
  for (const auto& e : top.evidence) {
    if (e.time == d.time && e.text.find("v3.1.0") != std::string::npos) cites_deploy = true;
    if (e.text.find("Connection to <*> refused") != std::string::npos && e.time) cites_pattern = true;
  }
  EXPECT_TRUE(cites_deploy);
  EXPECT_TRUE(cites_pattern);
  // The dependency class is ranked too, as the mechanism.
  ASSERT_GE(a.hypotheses.size(), 2u);
  EXPECT_EQ(a.hypotheses[1].classification, "dependency_down");
  EXPECT_NE(a.confidence, ConfidenceLevel::kLow);
  ASSERT_TRUE(a.onset.has_value());
  EXPECT_EQ(*a.onset, kNow - minutes(30));
}

TEST(RcaReasoner, ErrorsWithoutDeployDoNotInventOne) {
  EvidenceBundle b = errors_bundle();
  Analysis a = reason(b);
  ASSERT_FALSE(a.hypotheses.empty());
  for (const auto& h : a.hypotheses) EXPECT_NE(h.kind, "deploy_regression");
  EXPECT_EQ(a.hypotheses.front().classification, "dependency_down");
  auto root = render_root_cause(b, a);
  EXPECT_NE(root.content.find("Classification: dependency_down"), std::string::npos) << root.content;
  EXPECT_NE(root.content.find("No deploy or change was recorded"), std::string::npos) << root.content;
  auto actions = render_actions(b, a);
  EXPECT_EQ(actions.content.find("Roll back"), std::string::npos) << actions.content;
}

TEST(RcaReasoner, DeployAfterTheOnsetIsNotTheCause) {
  EvidenceBundle b = errors_bundle();
  ChangeEvidence d;
  d.time = kNow - minutes(10);  // 20 minutes after the errors began
  d.service = "checkout";
  d.kind = "deploy";
  d.version = "v3.1.1";
  d.source = "events_store";
  b.changes.push_back(d);
  Analysis a = reason(b);
  for (const auto& h : a.hypotheses) EXPECT_NE(h.kind, "deploy_regression");
  auto root = render_root_cause(b, a);
  EXPECT_NE(root.content.find("Not the cause: deploy of checkout v3.1.1"), std::string::npos) << root.content;
}

TEST(RcaReasoner, NoEvidenceMeansLowConfidence) {
  EvidenceBundle b = empty_bundle();
  Analysis a = reason(b);
  EXPECT_TRUE(a.hypotheses.empty());
  EXPECT_FALSE(a.errors_rose);
  EXPECT_EQ(a.confidence, ConfidenceLevel::kLow);
  auto sections = render_report(b, a);
  ASSERT_EQ(sections.size(), 6u);
  EXPECT_EQ(sections[0].title, "Summary");
  EXPECT_EQ(sections[5].title, "Confidence");
  EXPECT_NE(sections[0].content.find("No sign of an incident"), std::string::npos) << sections[0].content;
  EXPECT_NE(sections[2].content.find("Classification: unknown"), std::string::npos);
  EXPECT_EQ(sections[5].content.rfind("Low", 0), 0u) << sections[5].content;
}

TEST(RcaReasoner, GapsLowerTheConfidenceAndAreStated) {
  EvidenceBundle b = errors_bundle();
  Analysis full = reason(b);
  b.gaps.push_back({"metrics latency_p99", "unavailable", "connection refused by the metrics API"});
  b.gaps.push_back({"traces slowest", "unavailable", "connection refused by the traces API"});
  Analysis degraded = reason(b);
  EXPECT_LT(degraded.confidence_score, full.confidence_score);
  auto conf = render_confidence(b, degraded);
  EXPECT_NE(conf.content.find("metrics latency_p99"), std::string::npos) << conf.content;
  EXPECT_NE(conf.content.find("connection refused by the metrics API"), std::string::npos);
}

TEST(RcaReasoner, ADependencyThatFailedFirstIsNamed) {
  EvidenceBundle b = errors_bundle();
  // The callee "inventory" failed four minutes before checkout.
  b.onsets.push_back({"inventory", "callee", kNow - minutes(34), 0, 50, 0, 800});
  b.edges.push_back({"checkout", "inventory", 40, 30});
  Analysis a = reason(b);
  EXPECT_EQ(a.first_failing_service, "inventory");
  bool named = false;
  for (const auto& h : a.hypotheses) {
    if (h.kind == "upstream_fault" && h.service == "inventory") named = true;
  }
  EXPECT_TRUE(named);
}

TEST(RcaReasoner, CalleeWinsATieWithinAMinute) {
  EvidenceBundle b = errors_bundle();
  b.onsets.push_back({"frontend", "caller", kNow - minutes(30) + seconds(1), 0, 50, 0, 800});
  Analysis a = reason(b);
  EXPECT_EQ(a.first_failing_service, "checkout");
}

TEST(RcaReasoner, IsDeterministic) {
  EvidenceBundle b = errors_bundle();
  auto x = render_report(b, reason(b));
  auto y = render_report(b, reason(b));
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(x[i].content, y[i].content);
}

}  // namespace
}  // namespace tinkr::rca
