#include "domain/views/walk.h"

#include <algorithm>
#include <tuple>

#include "domain/fold/sums.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

constexpr const char* kPending = "pending";
constexpr const char* kActive = "active";
constexpr const char* kVoided = "voided";

std::optional<Breach> Broken(const Fact& f, std::string_view invariant, std::string message,
                             std::vector<std::uint64_t> facts, bj::object values) {
  return Breach{f.seq, std::string(invariant), std::move(message), std::move(facts),
                std::move(values)};
}

// "400000.00": fen as yuan to the fen.
std::string YuanText(std::int64_t fen) {
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02d", static_cast<int>(fen % 100));
  return std::to_string(fen / 100) + "." + cents;
}

// "excellent, pass or fail": the grades of `level`'s scale.
std::string ScaleText(const Ruleset& rs, Level level) {
  std::vector<std::string> grades;
  for (Grade g : {Grade::kExcellent, Grade::kGood, Grade::kPass, Grade::kFail}) {
    if (rs.OnScale(level, g)) grades.emplace_back(Name(g));
  }
  std::string text;
  for (std::size_t i = 0; i < grades.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == grades.size() ? " or " : ", ") + grades[i];
  }
  return std::string(Name(level)) + " grades are " + text;
}

// The spell of `broker_ref` at `station` that has not ended, or null (Station or const Station).
template <typename S>
auto* PresentSpell(S& station, const std::string& broker_ref) {
  for (auto& spell : station.brokers) {
    if (spell.broker_ref == broker_ref && spell.tenure.until == 0) return &spell;
  }
  return static_cast<decltype(&station.brokers.front())>(nullptr);
}

void Merge(const Profile& changes, Profile* p) {
  auto take = [](const auto& from, auto* to) {
    if (from) *to = from;
  };
  take(changes.name, &p->name);
  take(changes.category, &p->category);
  take(changes.host_type, &p->host_type);
  take(changes.industry, &p->industry);
  take(changes.county, &p->county);
  take(changes.operator_name, &p->operator_name);
  take(changes.operator_mode, &p->operator_mode);
  take(changes.area_m2, &p->area_m2);
}

}  // namespace

Walk::Walk(const Policy& policy, std::string carrier_id, bool declines)
    : policy_(&policy), keep_declines_(declines) {
  out_.carrier_id = std::move(carrier_id);
}

void Walk::Run(const std::vector<const Fact*>& facts) {
  for (const Fact* f : facts) Step(*f);
}

void Walk::Step(const Fact& f) {
  if (auto breach = Judge(f)) breaches_.push_back(std::move(*breach));
  std::visit([&](const auto& body) { On(f, body); }, f.body);
  last_effective_ = std::max(last_effective_, f.effective);
}

std::optional<Breach> Walk::Judge(const Fact& f) const {
  if (std::holds_alternative<Registered>(f.body) || std::holds_alternative<EventRetracted>(f.body))
    return std::nullopt;
  // EVENTS.md asks of a claw-back only that it be due: money paid to a carrier whose registration
  // was retracted can still be recovered.
  if (!registered() && !std::holds_alternative<ClawbackRecovered>(f.body)) {
    return Broken(f, "carrier_exists",
                  out_.carrier_id + " is not registered on " + FormatDate(f.effective) +
                      " (the date is before its registration)",
                  {},
                  {{"carrier_id", out_.carrier_id}, {"effective_date", FormatDate(f.effective)}});
  }
  return std::visit([&](const auto& body) { return JudgeBody(f, body); }, f.body);
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const AccreditationGranted& g) const {
  auto held = out_.holdings.find(g.level);
  if (held == out_.holdings.end()) return std::nullopt;
  return Broken(f, "level_not_held",
                out_.carrier_id + " already holds level " + std::string(Name(g.level)) + " on " +
                    FormatDate(f.effective) + " (event " + std::to_string(held->second.seq) + ")",
                {held->second.seq},
                {{"carrier_id", out_.carrier_id},
                 {"level", Name(g.level)},
                 {"held_since_seq", held->second.seq}});
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const AccreditationRevoked& r) const {
  if (out_.holdings.contains(r.level)) return std::nullopt;
  return Broken(f, "level_held",
                out_.carrier_id + " does not hold level " + std::string(Name(r.level)) + " on " +
                    FormatDate(f.effective),
                {}, {{"carrier_id", out_.carrier_id}, {"level", Name(r.level)}});
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const EvaluationRecorded& e) const {
  if (!first_grant_.contains(e.level)) {
    return Broken(f, "level_held_or_held_before",
                  out_.carrier_id + " has not held level " + std::string(Name(e.level)) +
                      " on or before " + FormatDate(f.effective),
                  {}, {{"carrier_id", out_.carrier_id}, {"level", Name(e.level)}});
  }
  // The scale of the ruleset in force on the evaluation's date (POLICY.md's before any was).
  const Ruleset* rs = policy_->InForce(f.effective);
  const Ruleset& scales = policy_->ParamsOn(f.effective);
  if (!scales.OnScale(e.level, e.grade)) {
    return Broken(
        f, "grade_on_scale",
        "a " + std::string(Name(e.level)) + " evaluation cannot be graded " +
            std::string(Name(e.grade)) + " (" +
            (rs ? "ruleset " + rs->id : std::string("POLICY.md")) + ": " +
            ScaleText(scales, e.level) + ")",
        {}, {{"carrier_id", out_.carrier_id}, {"level", Name(e.level)}, {"grade", Name(e.grade)}});
  }
  for (const Evaluation& earlier : out_.evaluations) {
    if (earlier.level == e.level && earlier.year == e.year) {
      return Broken(f, "one_grade_per_year",
                    out_.carrier_id + " already has a " + std::string(Name(e.level)) +
                        " grade for " + std::to_string(e.year) + " (event " +
                        std::to_string(earlier.seq) + ")",
                    {earlier.seq},
                    {{"carrier_id", out_.carrier_id},
                     {"level", Name(e.level)},
                     {"year", e.year},
                     {"seq", earlier.seq}});
    }
  }
  return std::nullopt;
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const BrandOutputFiled&) const {
  if (out_.holdings.contains(Level::kNational) || out_.holdings.contains(Level::kRegional))
    return std::nullopt;
  return Broken(f, "provider_accredited",
                out_.carrier_id + " holds no national or regional accreditation on " +
                    FormatDate(f.effective) + " (§3.2: quality carriers only)",
                {}, {{"carrier_id", out_.carrier_id}});
}

Station* Walk::FindStation(const std::string& station_id) {
  auto found = stations_.find(station_id);
  return found == stations_.end() ? nullptr : &out_.activity.stations[found->second];
}
const Station* Walk::FindStation(const std::string& station_id) const {
  return const_cast<Walk*>(this)->FindStation(station_id);
}

std::optional<Breach> Walk::StationOpen(const Fact& f, const std::string& station_id,
                                        std::string_view never_opened) const {
  const Station* station = FindStation(station_id);
  if (station && station->tenure.until == 0) return std::nullopt;
  bj::object values{{"carrier_id", out_.carrier_id}, {"station_id", station_id}};
  if (!station) {
    return Broken(f, never_opened,
                  "no workstation \"" + station_id + "\" opened at " + out_.carrier_id +
                      " on or before " + FormatDate(f.effective),
                  {}, std::move(values));
  }
  values.emplace("closed_seq", station->tenure.until_seq);
  return Broken(f, "station_open",
                "workstation " + station_id + " of " + out_.carrier_id + " closed on " +
                    FormatDate(station->tenure.until) + " (event " +
                    std::to_string(station->tenure.until_seq) + ")",
                {station->tenure.seq, station->tenure.until_seq}, std::move(values));
}

std::optional<Breach> Walk::BrokerAt(const Fact& f, const std::string& station_id,
                                     const std::string& broker_ref) const {
  const Station* station = FindStation(station_id);
  if (station && PresentSpell(*station, broker_ref)) return std::nullopt;
  const BrokerSpell* last = nullptr;  // the broker's last spell there, ended before `f`
  if (station) {
    for (const BrokerSpell& spell : station->brokers) {
      if (spell.broker_ref == broker_ref) last = &spell;
    }
  }
  std::string why = " (never qualified there before)";
  std::vector<std::uint64_t> facts;
  if (last) {
    why = " (" + std::string(last->end == "station_closed" ? "the workstation closed" : "it left") +
          " on " + FormatDate(last->tenure.until) + ", event " +
          std::to_string(last->tenure.until_seq) + ")";
    facts = {last->tenure.until_seq};
  }
  return Broken(
      f, "broker_at_station",
      "broker " + broker_ref + " is not at workstation " + station_id + " of " + out_.carrier_id +
          " on " + FormatDate(f.effective) + why,
      std::move(facts),
      {{"carrier_id", out_.carrier_id}, {"station_id", station_id}, {"broker_ref", broker_ref}});
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const BrokerQualified& b) const {
  // EVENTS.md names a workstation never opened station_exists for a qualification.
  if (auto closed = StationOpen(f, b.station_id, "station_exists")) return closed;
  const Station* station = FindStation(b.station_id);
  const BrokerSpell* present = PresentSpell(*station, b.broker_ref);
  if (!present) return std::nullopt;
  return Broken(f, "broker_not_at_station",
                "broker " + b.broker_ref + " is at workstation " + b.station_id + " since " +
                    FormatDate(present->tenure.since) + " (event " +
                    std::to_string(present->tenure.seq) + ")",
                {present->tenure.seq},
                {{"carrier_id", out_.carrier_id},
                 {"station_id", b.station_id},
                 {"broker_ref", b.broker_ref}});
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const BrokerWorkstationClosed& c) const {
  return StationOpen(f, c.station_id);
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const BrokerLeft& l) const {
  if (auto closed = StationOpen(f, l.station_id)) return closed;
  return BrokerAt(f, l.station_id, l.broker_ref);
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const TechTransferDealRecorded& d) const {
  if (auto closed = StationOpen(f, d.station_id)) return closed;
  if (d.parties->broker_ref.empty()) return std::nullopt;
  return BrokerAt(f, d.station_id, d.parties->broker_ref);
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const AgreementEnded& e) const {
  auto found = agreements_.find(e.agreement_id);
  if (found == agreements_.end()) {
    return Broken(f, "agreement_in_force",
                  "no agreement \"" + e.agreement_id + "\" signed by " + out_.carrier_id +
                      " on or before " + FormatDate(f.effective),
                  {}, {{"carrier_id", out_.carrier_id}, {"agreement_id", e.agreement_id}});
  }
  const Tenure& t = out_.activity.agreements[found->second].tenure;
  if (t.until == 0) return std::nullopt;
  return Broken(f, "agreement_in_force",
                "agreement " + e.agreement_id + " of " + out_.carrier_id + " already ended on " +
                    FormatDate(t.until) + " (event " + std::to_string(t.until_seq) + ")",
                {t.seq, t.until_seq},
                {{"carrier_id", out_.carrier_id},
                 {"agreement_id", e.agreement_id},
                 {"ended_seq", t.until_seq}});
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const InvestorJoined& j) const {
  auto found = resident_.find(j.investor_id);
  if (found == resident_.end()) return std::nullopt;
  const Tenure& t = out_.activity.residences[found->second].tenure;
  return Broken(f, "investor_not_resident",
                j.investor_id + " is resident at " + out_.carrier_id + " since " +
                    FormatDate(t.since) + " (event " + std::to_string(t.seq) + ")",
                {t.seq},
                {{"carrier_id", out_.carrier_id},
                 {"investor_id", j.investor_id},
                 {"resident_since_seq", t.seq}});
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const InvestorLeft& l) const {
  if (resident_.contains(l.investor_id)) return std::nullopt;
  const Residence* last = nullptr;  // its last residence here, ended before `f`
  for (const Residence& r : out_.activity.residences) {
    if (r.investor_id == l.investor_id) last = &r;
  }
  return Broken(
      f, "investor_resident",
      l.investor_id + " is not resident at " + out_.carrier_id + " on " + FormatDate(f.effective) +
          (last ? " (it left on " + FormatDate(last->tenure.until) + ", event " +
                      std::to_string(last->tenure.until_seq) + ")"
                : std::string(" (nor before)")),
      last ? std::vector<std::uint64_t>{last->tenure.until_seq} : std::vector<std::uint64_t>{},
      {{"carrier_id", out_.carrier_id}, {"investor_id", l.investor_id}});
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const PayoutApproved& p) const {
  auto e = ents_.find(p.entitlement_id);
  if (e == ents_.end() || e->second.status != kActive) {
    std::string status = e == ents_.end() ? "not derived" : e->second.status;
    return Broken(
        f, "entitlement_active",
        "entitlement " + p.entitlement_id + " is " + status + " on " + FormatDate(f.effective),
        e == ents_.end() ? std::vector<std::uint64_t>{} : e->second.seqs,
        {{"entitlement_id", p.entitlement_id},
         {"status", e == ents_.end() ? bj::value(nullptr) : bj::value(status)}});
  }
  auto tally = tallies_.find(p.entitlement_id);
  std::int64_t approved = tally == tallies_.end() ? 0 : tally->second.approved;
  std::int64_t room = std::max<std::int64_t>(0, e->second.amount_fen - approved);
  if (p.amount_fen <= room) return std::nullopt;
  std::vector<std::uint64_t> facts = e->second.seqs;
  for (const auto& [id, other] : payouts_) {
    if (other.entitlement_id == p.entitlement_id) facts.push_back(other.approved_seq);
  }
  std::sort(facts.begin(), facts.end());
  return Broken(f, "payout_within_outstanding",
                "amount_fen " + std::to_string(p.amount_fen) + " exceeds the " +
                    std::to_string(room) + " outstanding on " + p.entitlement_id + " on " +
                    FormatDate(f.effective),
                std::move(facts),
                {{"entitlement_id", p.entitlement_id},
                 {"amount_fen", p.amount_fen},
                 {"outstanding_fen", room},
                 {"approved_fen", approved}});
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const PayoutDisbursed& d) const {
  auto found = payouts_.find(d.payout_id);
  if (found == payouts_.end()) {
    return Broken(f, "payout_approved",
                  "no approved payout \"" + d.payout_id + "\" at " + out_.carrier_id + " on " +
                      FormatDate(f.effective),
                  {}, {{"carrier_id", out_.carrier_id}, {"payout_id", d.payout_id}});
  }
  const Payout& p = found->second;
  auto e = ents_.find(p.entitlement_id);
  bool award_active = e != ents_.end() && e->second.status == kActive;
  if (p.disbursed_seq != 0 || !award_active) {
    std::string status = p.disbursed_seq != 0 ? "disbursed" : "void";
    std::vector<std::uint64_t> facts{p.approved_seq};
    if (p.disbursed_seq != 0) facts.push_back(p.disbursed_seq);
    return Broken(
        f, "payout_not_disbursed",
        "payout " + p.payout_id + " is " + status +
            (p.disbursed_seq != 0 ? " (event " + std::to_string(p.disbursed_seq) + ")"
                                  : " (its entitlement " + p.entitlement_id + " is not active on " +
                                        FormatDate(f.effective) + ")"),
        std::move(facts),
        {{"payout_id", p.payout_id}, {"status", status}, {"entitlement_id", p.entitlement_id}});
  }
  if (p.approved_by.SharesNameWith(d.disbursed_by)) {
    bj::object details{{"payout_id", p.payout_id},
                       {"approved_by", p.approved_by.actor_id},
                       {"approved_seq", p.approved_seq}};
    if (!p.approved_by.os_user.empty()) details["approved_by_os_user"] = p.approved_by.os_user;
    return Broken(f, "four_eyes",
                  "payout " + p.payout_id + " was approved by " + p.approved_by.Describe() +
                      ", who may not also disburse it as " + d.disbursed_by.Describe() +
                      " (经办与审核分离)",
                  {p.approved_seq}, std::move(details));
  }
  return std::nullopt;
}

std::optional<Breach> Walk::JudgeBody(const Fact& f, const ClawbackRecovered& c) const {
  auto e = ents_.find(c.entitlement_id);
  auto tally = tallies_.find(c.entitlement_id);
  bool active = e != ents_.end() && e->second.status == kActive;
  std::int64_t due = 0;
  if (!active && tally != tallies_.end()) {
    due = std::max<std::int64_t>(0, tally->second.disbursed - tally->second.recovered);
  }
  if (c.amount_fen <= due) return std::nullopt;
  return Broken(
      f, "clawback_within_due",
      "amount_fen " + std::to_string(c.amount_fen) + " exceeds the claw-back due " +
          std::to_string(due) + " on " + c.entitlement_id + " on " + FormatDate(f.effective),
      e == ents_.end() ? std::vector<std::uint64_t>{} : e->second.seqs,
      {{"entitlement_id", c.entitlement_id}, {"amount_fen", c.amount_fen}, {"due_fen", due}});
}

CarrierOutcome Walk::Finish(std::map<std::string, Entitlement> ents, Date today) && {
  for (auto& [id, e] : ents) {
    auto tally = tallies_.find(id);
    if (tally == tallies_.end()) continue;
    e.approved_fen = tally->second.approved;
    e.disbursed_fen = tally->second.disbursed;
    e.recovered_fen = tally->second.recovered;
  }
  for (auto& [id, p] : payouts_) {
    // An approved payout can no longer be disbursed once its entitlement is not active.
    auto e = ents.find(p.entitlement_id);
    if (p.status == "approved" && (e == ents.end() || e->second.status != kActive)) {
      p.status = "void";
    }
    out_.payouts.push_back(std::move(p));
  }
  for (auto& [id, e] : ents) out_.entitlements.push_back(std::move(e));
  for (const auto& [level, due] : revocation_due_) {
    if (!out_.holdings.contains(level)) continue;
    out_.flags.push_back(
        Flag{out_.carrier_id, "revocation_due", YearOf(due.second), due.first,
             "failed two evaluations in a row at level " + std::string(Name(level))});
  }
  FlagMissingReports(today);
  TimePayouts(today);
  std::stable_sort(out_.flags.begin(), out_.flags.end(), [](const Flag& a, const Flag& b) {
    return std::tie(a.flag, a.year, a.seqs) < std::tie(b.flag, b.year, b.seqs);
  });
  return std::move(out_);
}

void Walk::On(const Fact& f, const Registered& r) {
  out_.kind = r.kind;
  out_.profile = *r.profile;
  out_.registered_on = f.effective;
  out_.registered_seq = f.seq;
  NoteProfile(f);
}

void Walk::On(const Fact& f, const ProfileAmended& a) {
  Merge(*a.changes, &out_.profile);
  NoteProfile(f);
}

void Walk::NoteProfile(const Fact& f) {
  if (!registered()) return;  // a history starts at the registration
  const Profile& p = out_.profile;
  auto& operators = out_.activity.operators;
  if (p.operator_name && p.operator_mode &&
      (operators.empty() || operators.back().name != *p.operator_name ||
       operators.back().mode != *p.operator_mode)) {
    operators.push_back(OperatorSpell{f.effective, f.seq, *p.operator_name, *p.operator_mode});
  }
  auto& counties = out_.activity.counties;
  if (p.county && (counties.empty() || counties.back().county != *p.county)) {
    counties.push_back(CountySpell{f.effective, f.seq, *p.county});
  }
}

void Walk::On(const Fact& f, const AccreditationGranted& g) {
  out_.holdings[g.level] = Holding{g.level, g.mode, g.tier, f.effective, f.seq};
  first_grant_.emplace(g.level, f.seq);
  std::string detail(Name(g.mode));
  if (g.tier != Tier::kUntiered) detail += ", " + std::string(Name(g.tier));
  out_.timeline.push_back(TimelineEntry{f.seq, f.effective, "granted", g.level, detail});
  if (!registered()) return;
  const Ruleset* rs = policy_->InForce(f.effective);
  if (!rs) {  // before any ruleset: history, no entitlement
    if (!keep_declines_ || policy_->rulesets().empty()) return;
    const Ruleset& first = *policy_->rulesets().front();
    for (const Rule& rule : first.rules) {
      if (rule.kind != out_.kind || rule.level != g.level || !rule.modes.contains(g.mode)) continue;
      Declined(rule.id, f, "pre_policy",
               "granted on " + FormatDate(f.effective) + ", before ruleset " + first.id +
                   " took effect on " + FormatDate(first.effective_from) +
                   ": only an accreditation on or after it is new (POLICY.md \"Newly\"); it "
                   "stays history");
    }
    return;
  }
  for (const Rule& rule : rs->rules) {
    if (rule.kind != out_.kind || rule.level != g.level) continue;
    if (!rule.modes.contains(g.mode)) {
      if (!keep_declines_) continue;
      std::string modes;
      for (Mode m : rule.modes) modes += (modes.empty() ? "" : " or ") + std::string(Name(m));
      Declined(rule.id, f, "mode_not_eligible",
               "a " + std::string(Name(g.mode)) + " " + std::string(Name(g.level)) +
                   " accreditation; rule " + rule.id + " of " + rs->id + " is for one " + modes);
      continue;
    }
    if (g.level == Level::kNational && !rs->national_tiers.contains(g.tier)) {
      if (keep_declines_)
        Declined(rule.id, f, "tier_not_eligible",
                 "a national accreditation of tier " + std::string(Name(g.tier)) +
                     ", which ruleset " + rs->id + " does not count as national for rule " +
                     rule.id);
      continue;
    }
    Fire(rule, *rs, f);
  }
}

void Walk::Declined(const std::string& rule_id, const Fact& f, std::string reason,
                    std::string detail, std::vector<std::uint64_t> facts) {
  out_.declines.push_back(
      Decline{rule_id, f.seq, f.effective, std::move(reason), std::move(detail), std::move(facts)});
}

void Walk::On(const Fact& f, const AccreditationRevoked& r) {
  out_.holdings.erase(r.level);
  revocation_due_.erase(r.level);
  out_.timeline.push_back(
      TimelineEntry{f.seq, f.effective, "revoked", r.level, std::string(Name(r.reason))});
  out_.activity.revocations.emplace_back(f.effective, r.reason);
  const Ruleset* rs = policy_->InForce(f.effective);
  if (!rs || !rs->void_on_revocation.contains(r.reason)) return;
  for (auto& [id, e] : ents_) {
    if (e.status != kVoided) Void(&e, f, "revoked (" + std::string(Name(r.reason)) + ")");
  }
}

void Walk::On(const Fact& f, const EvaluationRecorded& e) {
  out_.evaluations.push_back(Evaluation{f.seq, f.effective, e.level, e.year, e.grade});
  // R5/R6: the first evaluation at the rule's level after the approval decides.
  for (auto it = ents_.begin(); it != ents_.end();) {
    Entitlement& ent = it->second;
    const Rule* rule = RuleOf(ent);
    if (ent.status == kPending && rule && rule->first_evaluation_level == e.level) {
      if (e.grade == rule->first_evaluation_grade) {
        ent.seqs.push_back(f.seq);
        ent.status = kActive;
        ent.history.push_back(StatusChange{
            f.seq, f.effective, kActive,
            "first evaluation after the approval graded " + std::string(Name(e.grade))});
      } else {
        if (keep_declines_)
          Declined(rule->id, f, "first_evaluation_not_excellent",
                   "the first " + std::string(Name(e.level)) +
                       " evaluation after the approval (event " + std::to_string(ent.seqs.front()) +
                       "), of " + std::to_string(e.year) + ", graded " +
                       std::string(Name(e.grade)) + ", not " +
                       std::string(Name(rule->first_evaluation_grade)) + ": rule " + rule->id +
                       " never fires for this carrier (POLICY.md)",
                   {ent.seqs.front()});
        it = ents_.erase(it);  // the rule never fires for this carrier (it stays spent)
        continue;
      }
    }
    ++it;
  }
  auto& [last_seq, last_grade] = last_evaluation_[e.level];
  if (e.grade == Grade::kFail && last_seq != 0 && last_grade == Grade::kFail &&
      !revocation_due_.contains(e.level)) {
    revocation_due_[e.level] = {{last_seq, f.seq}, f.effective};
  }
  last_evaluation_[e.level] = {f.seq, e.grade};
}

void Walk::On(const Fact& f, const BrandOutputFiled& b) {
  filings_[b.filing_id] = Filing{b.recipient_name, b.planned_start, f.effective, f.seq};
  out_.activity.filings.emplace_back(f.effective, b.filing_id);
}

// §3.2: brand output and management service to another entity are filed with the city S&T bureau
// in advance (事先备案). A start is covered by the filing it names — made before it, for the same
// recipient — or, naming none, by the provider's latest earlier filing for that recipient (on the
// timeline); and it should begin as planned: not before the filing's planned_start, nor more than
// the ruleset's brand_output_late_days after it.
void Walk::On(const Fact& f, const BrandOutputStarted& s) {
  // A start before the carrier's registration (or after one retracted) is a timeline conflict of
  // its own (carrier_exists), not a provider's lapse: no brand-output flag.
  if (!registered()) return;
  const Filing* filing = nullptr;
  std::string why_not = "no filing for " + s.recipient_name + " before it";
  std::string filing_id;
  if (s.filing_id) {
    auto it = filings_.find(*s.filing_id);
    if (it == filings_.end()) {
      why_not = "it names filing " + *s.filing_id + ", which was not made before it";
    } else if (it->second.recipient_name != s.recipient_name) {
      why_not = "it names filing " + *s.filing_id + ", made for " + it->second.recipient_name +
                ", not for " + s.recipient_name;
    } else {
      filing = &it->second;
      filing_id = it->first;
    }
  } else {
    for (const auto& [id, candidate] : filings_) {
      if (candidate.recipient_name == s.recipient_name &&
          (!filing ||
           std::tie(candidate.date, candidate.seq) > std::tie(filing->date, filing->seq))) {
        filing = &candidate;
        filing_id = id;
      }
    }
  }
  if (!filing) {
    out_.activity.unfiled_starts.push_back(f.effective);
    out_.flags.push_back(Flag{out_.carrier_id,
                              "unfiled_brand_output",
                              YearOf(f.effective),
                              {f.seq},
                              "brand output to " + s.recipient_name +
                                  " started without an earlier filing (§3.2): " + why_not});
    return;
  }
  const int late_days = policy_->ParamsOn(f.effective).brand_output_late_days;
  const std::int64_t off = DaysBetween(filing->planned_start, f.effective);
  if (off >= 0 && off <= late_days) return;
  out_.flags.push_back(Flag{
      out_.carrier_id,
      "brand_output_off_schedule",
      YearOf(f.effective),
      {filing->seq, f.seq},
      "brand output to " + s.recipient_name + " started on " + FormatDate(f.effective) + ", " +
          (off < 0 ? std::to_string(-off) + " days before" : std::to_string(off) + " days after") +
          " the planned start " + FormatDate(filing->planned_start) + " of filing " + filing_id +
          (off < 0 ? "" : " (more than " + std::to_string(late_days) + ")")});
}

void Walk::On(const Fact& f, const BrokerWorkstationOpened& w) {
  if (stations_.contains(w.station_id)) return;  // opened once (id_unique)
  stations_.emplace(w.station_id, out_.activity.stations.size());
  out_.activity.stations.push_back(Station{
      w.station_id, w.name, Tenure{f.effective, f.seq, 0, 0}, StationClosure::kOther, {}, {}});
}
void Walk::On(const Fact& f, const BrokerQualified& b) {
  Station* station = FindStation(b.station_id);
  if (!station || station->tenure.until != 0 || PresentSpell(*station, b.broker_ref)) return;
  station->brokers.push_back(BrokerSpell{b.broker_ref, Tenure{f.effective, f.seq, 0, 0}, ""});
}
void Walk::On(const Fact& f, const BrokerWorkstationClosed& c) {
  Station* station = FindStation(c.station_id);
  if (!station || station->tenure.until != 0) return;
  station->tenure.until = f.effective;
  station->tenure.until_seq = f.seq;
  station->closure = c.reason;
  for (BrokerSpell& spell : station->brokers) {  // its brokers leave with it
    if (spell.tenure.until != 0) continue;
    spell.tenure.until = f.effective;
    spell.tenure.until_seq = f.seq;
    spell.end = "station_closed";
  }
}
void Walk::On(const Fact& f, const BrokerLeft& l) {
  Station* station = FindStation(l.station_id);
  if (!station) return;
  BrokerSpell* spell = PresentSpell(*station, l.broker_ref);
  if (!spell) return;
  spell->tenure.until = f.effective;
  spell->tenure.until_seq = f.seq;
  spell->end = Name(l.reason);
}
void Walk::On(const Fact& f, const TechTransferDealRecorded& d) {
  // A deal counts for the station it names while that is open (station_open), and for the carrier.
  Station* station = FindStation(d.station_id);
  if (!station || station->tenure.until != 0) return;
  station->deals.push_back(
      DealRecord{d.deal_id, d.parties, d.kind, d.amount_fen, f.effective, f.seq});
}
void Walk::On(const Fact& f, const FundEstablished& fund) {
  out_.activity.funds.push_back(Fund{fund.fund_id, fund.fund_type, fund.size_fen,
                                     fund.social_capital_fen, f.effective, f.seq});
}
void Walk::On(const Fact& f, const AgreementSigned& a) {
  agreements_.emplace(a.agreement_id, out_.activity.agreements.size());
  out_.activity.agreements.push_back(Agreement{a.agreement_id, a.partner_name, a.partner_kind,
                                               a.credit_line_fen, Tenure{f.effective, f.seq, 0, 0},
                                               AgreementEnd::kOther});
}
void Walk::On(const Fact& f, const AgreementEnded& e) {
  auto found = agreements_.find(e.agreement_id);
  if (found == agreements_.end()) return;  // nothing to end
  Agreement& a = out_.activity.agreements[found->second];
  if (a.tenure.until != 0) return;  // already ended
  a.tenure.until = f.effective;
  a.tenure.until_seq = f.seq;
  a.end_reason = e.reason;
}
void Walk::On(const Fact& f, const InvestorJoined& j) {
  if (resident_.contains(j.investor_id)) return;  // already resident
  resident_.emplace(j.investor_id, out_.activity.residences.size());
  out_.activity.residences.push_back(
      Residence{j.investor_id, j.name, j.investor_type, Tenure{f.effective, f.seq, 0, 0}});
}
void Walk::On(const Fact& f, const InvestorLeft& l) {
  auto found = resident_.find(l.investor_id);
  if (found == resident_.end()) return;  // not resident
  Tenure& t = out_.activity.residences[found->second].tenure;
  t.until = f.effective;
  t.until_seq = f.seq;
  resident_.erase(found);
}
void Walk::On(const Fact& f, const CityFundSupportGranted& g) {
  out_.activity.city_support.push_back(CitySupport{g.support_id, g.recipient_name, g.city_fund,
                                                   g.recipient_kind, g.amount_fen, f.effective,
                                                   f.seq});
}
void Walk::On(const Fact& f, const AnnualReportSubmitted& r) {
  auto& slot = out_.activity.reports[r.year];
  if (f.seq > slot.first) slot = {f.seq, r.metrics};                    // a later report supersedes
  out_.activity.first_reports.try_emplace(r.year, f.effective, f.seq);  // effective order
}

void Walk::On(const Fact& f, const PayoutApproved& p) {
  payouts_[p.payout_id] = Payout{.payout_id = p.payout_id,
                                 .carrier_id = out_.carrier_id,
                                 .entitlement_id = p.entitlement_id,
                                 .amount_fen = p.amount_fen,
                                 .approved_seq = f.seq,
                                 .approved_on = f.effective,
                                 .approved_by = p.approved_by,
                                 .disbursed_by = {},
                                 .voucher_no = {},
                                 .status = "approved"};
  Tally& tally = tallies_[p.entitlement_id];
  tally.approved = CheckedAdd(tally.approved, p.amount_fen, "approved_fen");
  if (tally.first_seq == 0) tally.first_seq = f.seq;
}

void Walk::On(const Fact& f, const PayoutDisbursed& d) {
  auto payout = payouts_.find(d.payout_id);
  if (payout == payouts_.end() || payout->second.disbursed_seq != 0) return;  // nothing to pay
  Payout& p = payout->second;
  p.disbursed_seq = f.seq;
  p.disbursed_on = f.effective;
  p.disbursed_by = d.disbursed_by;
  p.voucher_no = d.voucher_no;
  p.status = "disbursed";
  Tally& paid = tallies_[p.entitlement_id];
  paid.disbursed = CheckedAdd(paid.disbursed, p.amount_fen, "disbursed_fen");
  auto e = ents_.find(p.entitlement_id);
  if (e != ents_.end() && e->second.status == kVoided) {
    out_.flags.push_back(
        Flag{out_.carrier_id,
             "disbursed_on_voided",
             YearOf(f.effective),
             {p.approved_seq, f.seq},
             "payout " + p.payout_id + " disbursed on voided entitlement " + p.entitlement_id});
  }
}

void Walk::On(const Fact& f, const ClawbackRecovered& c) {
  out_.activity.recoveries.emplace_back(f.effective, c.amount_fen);
  Tally& tally = tallies_[c.entitlement_id];
  tally.recovered = CheckedAdd(tally.recovered, c.amount_fen, "recovered_fen");
  if (tally.first_seq == 0) tally.first_seq = f.seq;
}

// Creates the entitlement of `rule` (once per carrier, ever), applying the upgrade parameter.
void Walk::Fire(const Rule& rule, const Ruleset& rs, const Fact& f) {
  if (auto [spent, fresh] = spent_.emplace(rule.id, f.seq); !fresh) {
    bool held = ents_.contains(rule.id + ":" + out_.carrier_id);
    if (keep_declines_)
      Declined(
          rule.id, f, "one_time",
          "rule " + rule.id + " was already " +
              (held ? "fired" : "used up (it fired and lapsed, or a higher award covered it)") +
              " for this carrier by event " + std::to_string(spent->second) +
              ": one award per rule and carrier, ever (POLICY.md \"One-time\")",
          {spent->second});
    return;
  }
  std::int64_t amount = rule.amount_fen;
  if (rs.upgrade != Upgrade::kFull) {
    // A higher award already held covers this lower one.
    for (const auto& [id, e] : ents_) {
      if (e.upgrade_of == rule.id && e.status != kVoided) {
        if (keep_declines_)
          Declined(rule.id, f, "covered_by_higher",
                   "the higher award " + id + " (event " + std::to_string(e.seqs.front()) +
                       ") covers it (upgrade: " + std::string(Name(rs.upgrade)) + ")",
                   {e.seqs.front()});
        return;
      }
    }
    auto lower =
        rule.upgrade_of.empty() ? ents_.end() : ents_.find(rule.upgrade_of + ":" + out_.carrier_id);
    if (lower != ents_.end() && lower->second.status != kVoided) {
      Entitlement& low = lower->second;
      // A pending lower award is superseded in both modes; highest_only also supersedes an
      // active one on which nothing was approved yet.
      auto tally = tallies_.find(low.id);
      bool unpaid =
          low.status == kPending || tally == tallies_.end() || tally->second.approved == 0;
      if (low.status == kPending || (rs.upgrade == Upgrade::kHighestOnly && unpaid)) {
        Void(&low, f,
             "superseded by " + rule.id + " (upgrade: " + std::string(Name(rs.upgrade)) + ")");
      } else {
        amount = std::max<std::int64_t>(0, amount - low.amount_fen);
      }
    }
  }
  Entitlement e;
  e.id = rule.id + ":" + out_.carrier_id;
  e.carrier_id = out_.carrier_id;
  e.rule_id = rule.id;
  e.ruleset_id = rs.id;
  e.ruleset_seq = rs.seq;
  e.clause = rule.clause;
  e.upgrade_of = rule.upgrade_of;
  e.triggered_on = f.effective;
  e.amount_fen = amount;
  e.status = rule.first_evaluation_level ? kPending : kActive;
  e.seqs = {f.seq};
  e.history.push_back(StatusChange{f.seq, f.effective, e.status, "AccreditationGranted"});
  rules_.emplace(e.id, &rule);
  ents_.emplace(e.id, std::move(e));
}

void Walk::Void(Entitlement* e, const Fact& f, std::string reason) {
  e->status = kVoided;
  e->history.push_back(StatusChange{f.seq, f.effective, kVoided, std::move(reason)});
}

const Rule* Walk::RuleOf(const Entitlement& e) const {
  auto it = rules_.find(e.id);
  return it == rules_.end() ? nullptr : it->second;
}

namespace {

// The first (date, seq) at which `steps` — (date, seq, amount), sorted — add up to `amount`, and
// the sum of them all.
struct Reached {
  Date on = 0;  // 0: never
  std::uint64_t seq = 0;
  std::int64_t sum = 0;
};
Reached FirstReaching(std::vector<std::tuple<Date, std::uint64_t, std::int64_t>> steps,
                      std::int64_t amount) {
  std::sort(steps.begin(), steps.end());
  Reached r;
  for (const auto& [on, seq, step] : steps) {
    r.sum = CheckedAdd(r.sum, step, "payouts_fen");
    if (r.on == 0 && r.sum >= amount) {
      r.on = on;
      r.seq = seq;
    }
  }
  return r;
}

}  // namespace

// §4.2 从快从优兑现: every award that became owed — the day it (last) became active: its trigger,
// or for R5/R6 the excellent evaluation — is timed to its approval and payment in full. An active
// award is to be paid in full within the ruleset's payout_target_days of becoming owed: flagged
// when it took longer, or when it is still not paid in full past the target on `today`.
void Walk::TimePayouts(Date today) {
  for (const Entitlement& e : out_.entitlements) {
    if (!e.derived || e.amount_fen <= 0) continue;
    Date owed_on = 0;
    for (const StatusChange& change : e.history) {
      if (change.status == kActive) owed_on = change.date;
    }
    if (owed_on == 0) continue;  // never owed
    std::vector<std::tuple<Date, std::uint64_t, std::int64_t>> approvals, disbursements;
    for (const Payout& p : out_.payouts) {
      if (p.entitlement_id != e.id) continue;
      approvals.emplace_back(p.approved_on, p.approved_seq, p.amount_fen);
      if (p.disbursed_seq != 0) {
        disbursements.emplace_back(p.disbursed_on, p.disbursed_seq, p.amount_fen);
      }
    }
    const Reached approved = FirstReaching(std::move(approvals), e.amount_fen);
    const Reached paid = FirstReaching(std::move(disbursements), e.amount_fen);
    out_.pay_speeds.push_back(PaySpeed{owed_on, approved.on, paid.on});
    if (e.status != kActive) continue;
    const int target = policy_->ParamsOn(owed_on).payout_target_days;
    const std::int64_t days = DaysBetween(owed_on, paid.on != 0 ? paid.on : today);
    if (days <= target) continue;
    std::vector<std::uint64_t> seqs = e.seqs;
    if (paid.on != 0) seqs.push_back(paid.seq);
    const std::string target_text = " (target " + std::to_string(target) + " days, §4.2)";
    out_.flags.push_back(Flag{
        out_.carrier_id, "slow_payout", YearOf(owed_on), std::move(seqs),
        paid.on != 0
            ? e.id + " was paid in full on " + FormatDate(paid.on) + ", " + std::to_string(days) +
                  " days after it was owed on " + FormatDate(owed_on) + target_text
            : e.id + " is not paid in full " + std::to_string(days) +
                  " days after it was owed on " + FormatDate(owed_on) + ": " + YuanText(paid.sum) +
                  " of " + YuanText(e.amount_fen) + " yuan disbursed" + target_text});
  }
}

// A report for year Y is due by (Y+1)-MM-DD (the report_deadline of the ruleset in force at the
// end of Y) from every carrier registered before the end of Y: missing while there is none after
// the deadline, late for good once the first one came after it.
void Walk::FlagMissingReports(Date today) {
  if (!registered()) return;
  for (int year = YearOf(out_.registered_on);; ++year) {
    const Ruleset* rs = policy_->InForce(YearEnd(year));
    Date deadline = policy_->ReportDeadline(year);
    auto first = out_.activity.first_reports.find(year);
    if (today <= deadline && first == out_.activity.first_reports.end()) break;
    // The duty to report comes with the policy: no ruleset in force that year, no report due.
    if (!rs) continue;
    if (first == out_.activity.first_reports.end()) {
      out_.flags.push_back(
          Flag{out_.carrier_id,
               "missing_annual_report",
               year,
               {},
               "no annual report for " + std::to_string(year) + " by " + FormatDate(deadline)});
    } else if (auto [date, seq] = first->second; date > deadline) {
      const std::int64_t late = DaysBetween(deadline, date);
      out_.flags.push_back(Flag{out_.carrier_id,
                                "late_annual_report",
                                year,
                                {seq},
                                "the annual report for " + std::to_string(year) + " came on " +
                                    FormatDate(date) + ", " + std::to_string(late) +
                                    (late == 1 ? " day" : " days") + " after its deadline " +
                                    FormatDate(deadline)});
    }
  }
}

}  // namespace hatchery::domain
