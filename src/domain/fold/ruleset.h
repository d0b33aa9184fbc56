// A ruleset: the money rules of TCB-2023-2 §3.1 as data (trigger, amount, clause), the
// interpretation parameters of POLICY.md, and the classified assessment model (§3.2, §4.3).
// Parsed from the data of a PolicyRulesetActivated event; see schemas/policy/tcb-2023-2.json.
//
// Value types; functions are pure and thread-safe.
#ifndef HATCHERY_DOMAIN_FOLD_RULESET_H_
#define HATCHERY_DOMAIN_FOLD_RULESET_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/fold/facts.h"
#include "domain/fold/measures.h"
#include "hatchery/event.h"

namespace hatchery::domain {

// How a national award relates to the regional award it upgrades (POLICY.md, "Upgrade").
enum class Upgrade { kFull, kDifference, kHighestOnly };

struct Rule {
  std::string id;  // "R1"
  std::string clause, clause_text;
  std::int64_t amount_fen = 0;
  Kind kind = Kind::kIncubator;
  Level level = Level::kNational;
  std::set<Mode> modes;
  // R5/R6: the award waits for the first evaluation at this level after the approval, and fires
  // only if it has this grade.
  std::optional<Level> first_evaluation_level;
  Grade first_evaluation_grade = Grade::kExcellent;
  std::string upgrade_of;  // the lower rule this one upgrades ("" if none)
};

// Where an indicator, its weight and its target come from (PolicyRulesetActivated v2): a clause of
// the policy, a published evaluation system, or "local choice" stated as such; "" when the
// ruleset does not say (every v1 ruleset).
struct IndicatorSources {
  std::string indicator, weight, target;
};

// One indicator of a class: value = metric, or 100 × a / b (a percentage), or 1000 × a / area_m2;
// score contribution = weight × min(value / target, 1).
struct Indicator {
  enum class Shape { kMetric, kRatio, kPer1000M2 };
  std::string id, name;
  Shape shape = Shape::kMetric;
  std::size_t a = 0, b = 0;  // measures.h indices of the metrics read; b only for kRatio
  std::int64_t target = 1;
  std::int64_t weight = 0;
  // The national evaluation's dimension it belongs to ("service_capacity",
  // "incubation_performance", "sustainability"; "" if not said), and its sources.
  std::string dimension;
  IndicatorSources sources;
};

struct AssessmentModel {
  std::string name;
  std::string source;  // what the class's indicators and their split follow ("" if not said)
  std::vector<Indicator> indicators;
};

struct Ruleset {
  std::uint64_t seq = 0;  // of its PolicyRulesetActivated event
  std::string id, title;
  Date effective_from = 0;
  std::vector<Rule> rules;
  Upgrade upgrade = Upgrade::kFull;
  std::set<RevocationReason> void_on_revocation;
  std::set<Tier> national_tiers;
  int report_deadline_mmdd = 331;  // the report for year Y is due on (Y+1)-MM-DD
  // A brand output started more than this many days after its filing's planned_start is off
  // schedule (as is one started before it).
  int brand_output_late_days = 180;
  // An active award not paid in full within this many days of becoming owed is slow (§4.2).
  int payout_target_days = 90;
  // The grades an evaluation at a level may have; a level not here takes every grade. Without the
  // param: POLICY.md's (the regional scale 优秀/合格/不合格 has no good).
  std::map<Level, std::set<Grade>> grade_scales = DefaultGradeScales();

  // Whether an evaluation at `level` may be graded `grade`.
  bool OnScale(Level level, Grade grade) const;
  static std::map<Level, std::set<Grade>> DefaultGradeScales();
  std::map<std::string, AssessmentModel, std::less<>>
      classes;  // by class id, e.g. "incubator_comprehensive"

  const Rule* FindRule(std::string_view rule_id) const;
};

// `data` must have passed the PolicyRulesetActivated schema. Errors: kSchemaViolation naming the
// field for what the schema cannot express (an impossible date).
StatusOr<Ruleset> ParseRuleset(const boost::json::object& data, std::uint64_t seq);

std::string_view Name(Upgrade v);

// A ruleset Hatchery ships, by its file name in schemas/policy/ ("tcb-2023-2-2025.json"), as
// PolicyRulesetActivated data. Errors: kNotFound naming the file.
StatusOr<boost::json::object> ShippedRulesetData(std::string_view file_name);

// The ruleset of a new store's genesis (schemas/policy/tcb-2023-2.json), as
// PolicyRulesetActivated data.
boost::json::object DefaultRulesetData();

// The command that activates ruleset `data` on the policy stream: command_id
// "ruleset/<ruleset_id>", effective on its effective_from, document_ref from data.source.
AppendCommand RulesetCommand(boost::json::object data);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_FOLD_RULESET_H_
