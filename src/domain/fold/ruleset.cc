#include "domain/fold/ruleset.h"

#include <cstdio>
#include <cstdlib>

#include "domain/fold/embedded_schemas.h"
#include "domain/fold/json_fields.h"
#include "hatchery/json.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

Status Invalid(const std::string& pointer) {
  return Status(Code::kSchemaViolation, "PolicyRulesetActivated: " + pointer + " is not valid",
                bj::object{{"field", pointer}});
}

StatusOr<Rule> ParseRule(const bj::object& o, std::size_t index) {
  std::string at = "/data/rules/" + std::to_string(index);
  const bj::object& trigger = ObjectField(o, "trigger");
  Rule rule{TextField(o, "rule_id"),
            TextField(o, "clause"),
            TextField(o, "clause_text"),
            IntegerField(o, "amount_fen"),
            Kind{},
            Level{},
            {},
            std::nullopt,
            Grade::kExcellent,
            TextField(o, "upgrade_of")};
  auto kind = ParseKind(TextField(trigger, "kind"));
  auto level = ParseLevel(TextField(trigger, "level"));
  if (!kind || !level) return Invalid(at + "/trigger");
  rule.kind = *kind;
  rule.level = *level;
  for (const bj::value& m : ArrayField(trigger, "modes")) {
    auto mode = m.is_string() ? ParseMode(m.as_string()) : std::nullopt;
    if (!mode) return Invalid(at + "/trigger/modes");
    rule.modes.insert(*mode);
  }
  if (const bj::value* first = trigger.if_contains("first_evaluation")) {
    auto eval_level = ParseLevel(TextField(first->as_object(), "level"));
    auto grade = ParseGrade(TextField(first->as_object(), "grade"));
    if (!eval_level || !grade) return Invalid(at + "/trigger/first_evaluation");
    rule.first_evaluation_level = *eval_level;
    rule.first_evaluation_grade = *grade;
  }
  return rule;
}

StatusOr<Indicator> ParseIndicator(const bj::object& o, const std::string& at) {
  const bj::object& sources = ObjectField(o, "source");
  Indicator ind{TextField(o, "id"),
                TextField(o, "name"),
                Indicator::Shape::kMetric,
                0,
                0,
                IntegerField(o, "target"),
                IntegerField(o, "weight"),
                TextField(o, "dimension"),
                {TextField(sources, "indicator"), TextField(sources, "weight"),
                 TextField(sources, "target")}};
  auto measure = [&](const bj::value& name, std::string_view field) -> StatusOr<std::size_t> {
    auto index = name.is_string() ? MeasureIndex(name.as_string()) : std::nullopt;
    if (!index) return Invalid(at + "/" + std::string(field));
    return *index;
  };
  if (const bj::value* ratio = o.if_contains("ratio")) {
    ind.shape = Indicator::Shape::kRatio;
    ASSIGN_OR_RETURN(ind.a, measure(ratio->as_array().at(0), "ratio/0"));
    ASSIGN_OR_RETURN(ind.b, measure(ratio->as_array().at(1), "ratio/1"));
  } else if (const bj::value* per_area = o.if_contains("per_1000_m2")) {
    ind.shape = Indicator::Shape::kPer1000M2;
    ASSIGN_OR_RETURN(ind.a, measure(*per_area, "per_1000_m2"));
  } else {
    ASSIGN_OR_RETURN(ind.a, measure(o.at("metric"), "metric"));
  }
  return ind;
}

}  // namespace

const Rule* Ruleset::FindRule(std::string_view rule_id) const {
  for (const Rule& r : rules) {
    if (r.id == rule_id) return &r;
  }
  return nullptr;
}

std::map<Level, std::set<Grade>> Ruleset::DefaultGradeScales() {
  return {{Level::kRegional, {Grade::kExcellent, Grade::kPass, Grade::kFail}}};
}

bool Ruleset::OnScale(Level level, Grade grade) const {
  auto scale = grade_scales.find(level);
  return scale == grade_scales.end() || scale->second.contains(grade);
}

std::string_view Name(Upgrade v) {
  switch (v) {
    case Upgrade::kFull: return "full";
    case Upgrade::kDifference: return "difference";
    case Upgrade::kHighestOnly: return "highest_only";
  }
  return "";
}

StatusOr<bj::object> ShippedRulesetData(std::string_view file_name) {
  for (const EmbeddedFile& file : PolicyFiles()) {
    if (file.name != file_name) continue;
    auto parsed = json::ParseStrict(file.text);
    if (parsed.ok() && parsed->is_object()) return parsed->as_object();
  }
  return Status(Code::kNotFound, "no shipped ruleset \"" + std::string(file_name) + "\"",
                bj::object{{"file", file_name}});
}

bj::object DefaultRulesetData() {
  auto data = ShippedRulesetData("tcb-2023-2.json");
  if (data.ok()) return std::move(data).value();
  std::fprintf(stderr, "the built-in ruleset tcb-2023-2.json is missing or not a JSON object\n");
  std::abort();
}

AppendCommand RulesetCommand(bj::object data) {
  AppendCommand c;
  c.command_id = "ruleset/" + TextField(data, "ruleset_id");
  c.stream = "policy";
  c.type = "PolicyRulesetActivated";
  c.effective_date = TextField(data, "effective_from");
  if (std::string ref = TextField(ObjectField(data, "source"), "document_ref"); !ref.empty()) {
    c.document_ref = ref;
  }
  c.data = std::move(data);
  return c;
}

StatusOr<Ruleset> ParseRuleset(const bj::object& data, std::uint64_t seq) {
  Ruleset rs;
  rs.seq = seq;
  rs.id = TextField(data, "ruleset_id");
  rs.title = TextField(data, "title");
  auto from = ParseDate(TextField(data, "effective_from"));
  if (!from) return Invalid("/data/effective_from");
  rs.effective_from = *from;
  const bj::array& rules = ArrayField(data, "rules");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    ASSIGN_OR_RETURN(Rule rule, ParseRule(rules[i].as_object(), i));
    rs.rules.push_back(std::move(rule));
  }
  const bj::object& params = ObjectField(data, "params");
  std::string upgrade = TextField(params, "upgrade");
  rs.upgrade = upgrade == "difference"     ? Upgrade::kDifference
               : upgrade == "highest_only" ? Upgrade::kHighestOnly
                                           : Upgrade::kFull;
  for (const bj::value& r : ArrayField(params, "void_on_revocation")) {
    auto reason = ParseRevocationReason(r.as_string());
    if (!reason) return Invalid("/data/params/void_on_revocation");
    rs.void_on_revocation.insert(*reason);
  }
  if (params.contains("national_tiers")) {
    for (const bj::value& t : ArrayField(params, "national_tiers")) {
      auto tier = ParseTier(t.as_string());
      if (!tier) return Invalid("/data/params/national_tiers");
      rs.national_tiers.insert(*tier);
    }
  } else {
    rs.national_tiers = {Tier::kUntiered, Tier::kStandard, Tier::kExcellence};
  }
  if (const bj::value* days = params.if_contains("brand_output_late_days")) {
    rs.brand_output_late_days = static_cast<int>(days->to_number<std::int64_t>());
  }
  if (const bj::value* days = params.if_contains("payout_target_days")) {
    rs.payout_target_days = static_cast<int>(days->to_number<std::int64_t>());
  }
  if (const bj::value* scales = params.if_contains("grade_scales")) {
    rs.grade_scales.clear();
    for (const auto& [level_name, grades] : scales->as_object()) {
      auto level = ParseLevel(level_name);
      if (!level) return Invalid("/data/params/grade_scales");
      for (const bj::value& g : grades.as_array()) {
        auto grade = ParseGrade(g.as_string());
        if (!grade) return Invalid("/data/params/grade_scales");
        rs.grade_scales[*level].insert(*grade);
      }
    }
  }
  if (std::string deadline = TextField(params, "report_deadline"); !deadline.empty()) {
    auto as_date = ParseDate("2000-" + deadline);  // a leap year, so 02-29 is accepted
    if (!as_date) return Invalid("/data/params/report_deadline");
    rs.report_deadline_mmdd = *as_date % 10000;
  }
  for (const auto& [class_id, value] : ObjectField(data, "assessment")) {
    AssessmentModel& c = rs.classes[std::string(class_id)];
    c.name = TextField(value.as_object(), "name");
    c.source = TextField(value.as_object(), "source");
    const bj::array& indicators = ArrayField(value.as_object(), "indicators");
    for (std::size_t i = 0; i < indicators.size(); ++i) {
      ASSIGN_OR_RETURN(Indicator ind, ParseIndicator(indicators[i].as_object(),
                                                     "/data/assessment/" + std::string(class_id) +
                                                         "/indicators/" + std::to_string(i)));
      c.indicators.push_back(std::move(ind));
    }
  }
  return rs;
}

}  // namespace hatchery::domain
