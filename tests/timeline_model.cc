#include "timeline_model.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace hatchery::testing::model {

namespace {

// "YYYY-MM-DD" as days since 1970-01-01.
long DaysOf(const std::string& date) {
  const int y = std::stoi(date.substr(0, 4));
  const unsigned m = std::stoul(date.substr(5, 2)), d = std::stoul(date.substr(8, 2));
  return std::chrono::sys_days(std::chrono::year(y) / m / d).time_since_epoch().count();
}

// ---------------------------------------------------------------------------------------------
// The money rules of TCB-2023-2 §3.1 with the default params (upgrade "full": every rule applies
// in full; every national tier counts), POLICY.md "Money rules".

struct Rule {
  const char* id;
  const char* kind;       // carrier kind
  const char* level;      // accreditation level that triggers it
  bool filed_counts;      // "accredited or filed" (R3–R6) vs "accredited" only (R1, R2)
  bool needs_evaluation;  // R5/R6: the first regional evaluation after the approval decides
  std::int64_t amount_fen;
};

constexpr Rule kRules[] = {
    {"R1", "incubator", "national", false, false, 100000000},
    {"R2", "incubator", "regional", false, false, 50000000},
    {"R3", "maker_space", "national", true, false, 30000000},
    {"R4", "star_space", "national", true, false, 30000000},
    {"R5", "maker_space", "regional", true, true, 20000000},
    {"R6", "star_space", "regional", true, true, 10000000},
};

// The rule a grant triggers, if any. "Newly" means on or after the ruleset's effective_from:
// earlier accreditations are history and create no entitlement. City level earns nothing.
const Rule* RuleTriggeredBy(const std::string& kind, const Fact& grant) {
  if (grant.effective_date < kRulesetEffectiveFrom) return nullptr;
  for (const Rule& rule : kRules) {
    if (kind == rule.kind && grant.level == rule.level &&
        (grant.mode == "accredited" || rule.filed_counts)) {
      return &rule;
    }
  }
  return nullptr;
}

std::string EntitlementId(const Rule& rule, const std::string& carrier_id) {
  return std::string(rule.id) + ":" + carrier_id;
}

// The carrier an entitlement id "<rule>:<carrier>" names.
std::string CarrierOfEntitlement(const std::string& entitlement_id) {
  auto colon = entitlement_id.find(':');
  return colon == std::string::npos ? "" : entitlement_id.substr(colon + 1);
}

// ---------------------------------------------------------------------------------------------
// The state of one carrier at a place on its effective timeline: what the facts before that
// place make of it.

struct Award {
  std::int64_t amount_fen = 0;
  std::string status;  // pending | active | voided
};

struct PayoutState {
  std::string entitlement_id;
  std::int64_t amount_fen = 0;
  bool disbursed = false;
};

struct CarrierState {
  std::string carrier_id;
  bool registered = false;
  std::string kind;
  std::set<std::string> held;                    // levels held
  std::set<std::string> ever_granted;            // levels granted at some earlier place
  std::set<std::pair<std::string, int>> graded;  // (level, year) of earlier evaluations
  std::set<std::string> spent_rules;             // "one-time": rules that fired (lapsed ones too)
  std::map<std::string, Award> awards;           // derived entitlements, by id
  std::map<std::string, PayoutState> payouts;    // approved payouts, by payout id
  std::map<std::string, std::int64_t> approved, disbursed, recovered;  // by entitlement id
  // Each payout of the carrier as the whole timeline has it, wherever its events stand: what a
  // disbursement breaks is named from it when its approval is not before it (and four-eyes is
  // about people, not dates). Set before the fold, never changed by it.
  struct PayoutAnywhere {
    std::set<std::string> approver;  // every name the approval was recorded under
    std::string entitlement_id;
    int disbursements = 0;
  };
  std::map<std::string, PayoutAnywhere> payouts_anywhere;
  // Finance links (§3.3): the carrier's agreements signed so far, by agreement id, and the
  // investors resident now.
  struct Agreement {
    std::string partner_kind;
    std::int64_t credit_line_fen = 0;
    bool in_force = false;
  };
  std::map<std::string, Agreement> agreements;
  std::set<std::string> residents;
  // Brokers' work (§2.4): the workstations opened at the carrier so far, by station id — open
  // from the day each opens until the day it closes — and the brokers at each now (a closed one
  // has none).
  struct Station {
    bool open = true;
    std::set<std::string> brokers;
  };
  std::map<std::string, Station> stations;

  bool StationOpen(const std::string& station_id) const {
    auto it = stations.find(station_id);
    return it != stations.end() && it->second.open;
  }
  bool BrokerAt(const std::string& station_id, const std::string& broker_ref) const {
    auto it = stations.find(station_id);
    return it != stations.end() && it->second.open && it->second.brokers.count(broker_ref) > 0;
  }

  bool InForce(const std::string& agreement_id) const {
    auto it = agreements.find(agreement_id);
    return it != agreements.end() && it->second.in_force;
  }

  bool IsActive(const std::string& entitlement_id) const {
    auto it = awards.find(entitlement_id);
    return it != awards.end() && it->second.status == "active";
  }
};

// "A revocation for misconduct voids every entitlement of the carrier not yet voided (pending
// ones too)"; void_on_revocation is ["misconduct"].
void VoidAll(CarrierState& s) {
  for (auto& [id, award] : s.awards) award.status = "voided";
}

// R5/R6: "pending until the FIRST regional EvaluationRecorded after the grant on the timeline;
// excellent → active, anything else → the rule lapses (no entitlement; never fires again)".
// A voided award stays voided.
void DecidePendingAwards(CarrierState& s, const std::string& grade) {
  for (auto it = s.awards.begin(); it != s.awards.end();) {
    if (it->second.status != "pending") {
      ++it;
    } else if (grade == "excellent") {
      it->second.status = "active";
      ++it;
    } else {
      it = s.awards.erase(it);  // lapsed: its rule stays spent
    }
  }
}

void ApplyGrant(CarrierState& s, const Fact& f) {
  s.held.insert(f.level);
  s.ever_granted.insert(f.level);
  const Rule* rule = s.registered ? RuleTriggeredBy(s.kind, f) : nullptr;
  // "One-time": each rule fires at most once per carrier ever.
  if (rule == nullptr || s.spent_rules.count(rule->id) > 0) return;
  s.spent_rules.insert(rule->id);
  s.awards[EntitlementId(*rule, s.carrier_id)] = {rule->amount_fen,
                                                  rule->needs_evaluation ? "pending" : "active"};
}

// What fact `f` changes, folded in timeline order. Applied whether or not `f` is valid at its
// place (an event invalidated by a retraction stays recorded and is still folded); each effect
// is total (revoking a level not held changes no holding, disbursing an unknown payout no money).
void Apply(CarrierState& s, const Fact& f) {
  if (f.type == "CarrierRegistered") {
    s.registered = true;
    s.kind = f.kind;
  } else if (f.type == "AccreditationGranted") {
    ApplyGrant(s, f);
  } else if (f.type == "AccreditationRevoked") {
    s.held.erase(f.level);
    if (f.reason == "misconduct") VoidAll(s);
  } else if (f.type == "EvaluationRecorded") {
    s.graded.insert({f.level, f.year});
    if (f.level == "regional") DecidePendingAwards(s, f.grade);
  } else if (f.type == "PayoutApproved") {
    s.payouts[f.id] = {f.entitlement_id, f.amount_fen, false};
    s.approved[f.entitlement_id] += f.amount_fen;
  } else if (f.type == "PayoutDisbursed") {
    auto it = s.payouts.find(f.id);
    if (it != s.payouts.end() && !it->second.disbursed) {
      it->second.disbursed = true;
      s.disbursed[it->second.entitlement_id] += it->second.amount_fen;
    }
  } else if (f.type == "ClawbackRecovered") {
    s.recovered[f.entitlement_id] += f.amount_fen;
  } else if (f.type == "CooperationAgreementSigned") {
    // In force from the day it is signed (an agreement id is signed once: id_unique).
    s.agreements[f.id] = {f.finance_kind, f.amount_fen, true};
  } else if (f.type == "CooperationAgreementEnded") {
    // "that day it no longer is"; the end of one not in force changes nothing.
    auto it = s.agreements.find(f.id);
    if (it != s.agreements.end()) it->second.in_force = false;
  } else if (f.type == "ResidentInvestorJoined") {
    s.residents.insert(f.id);  // one already resident: nothing changes
  } else if (f.type == "ResidentInvestorLeft") {
    s.residents.erase(f.id);  // one not resident: nothing changes
  } else if (f.type == "BrokerWorkstationOpened") {
    // Opened once (id_unique): a second open of the same id changes nothing.
    s.stations.try_emplace(f.station_id);
  } else if (f.type == "BrokerQualified") {
    // "acts those rules refuse change nothing": a qualification at a workstation that is not
    // open here, or of a broker already at it.
    if (s.StationOpen(f.station_id)) s.stations[f.station_id].brokers.insert(f.broker_ref);
  } else if (f.type == "BrokerWorkstationClosed") {
    // "its brokers leave with it"; the closure of one not open changes nothing.
    if (s.StationOpen(f.station_id)) {
      CarrierState::Station& station = s.stations[f.station_id];
      station.open = false;
      station.brokers.clear();
    }
  } else if (f.type == "BrokerLeft") {
    if (s.BrokerAt(f.station_id, f.broker_ref)) {
      s.stations[f.station_id].brokers.erase(f.broker_ref);
    }
  }
  // BrandOutputFiled, AnnualReportSubmitted, FundEstablished, CityFundSupportGranted,
  // TechTransferDealRecorded: no effect on what the rules read.
}

std::int64_t Get(const std::map<std::string, std::int64_t>& sums, const std::string& key) {
  auto it = sums.find(key);
  return it == sums.end() ? 0 : it->second;
}

// ---------------------------------------------------------------------------------------------
// "Valid at its place": the invariants of the EVENTS.md table judged against the state built
// from the facts before the event on the timeline. Returns the names of those broken.

void CheckPayoutApproved(const CarrierState& s, const Fact& f, std::set<std::string>& broken) {
  if (CarrierOfEntitlement(f.entitlement_id) != s.carrier_id) {
    broken.insert("entitlement_of_stream_carrier");
  }
  auto award = s.awards.find(f.entitlement_id);
  // "a payout needs its entitlement active on the payout's date"
  if (award == s.awards.end() || award->second.status != "active") {
    broken.insert("entitlement_active");
  }
  // "and the sum of approvals up to that date within the award" ("amount ≤ outstanding"; an
  // entitlement that is not active has nothing outstanding, EVENTS.md "Derived").
  if (award == s.awards.end() || award->second.status != "active" ||
      Get(s.approved, f.entitlement_id) + f.amount_fen > award->second.amount_fen) {
    broken.insert("payout_within_outstanding");
  }
}

void CheckPayoutDisbursed(const CarrierState& s, const Fact& f, std::set<std::string>& broken) {
  // "actor ≠ the approving actor" (four-eyes, 经办与审核分离), of every name each was recorded
  // under: the actor and, for a local write, the OS user that ran it (docs/domain.md).
  auto anywhere = s.payouts_anywhere.find(f.id);
  if (anywhere != s.payouts_anywhere.end() &&
      (anywhere->second.approver.count(f.actor) != 0 ||
       (!f.os_user.empty() && anywhere->second.approver.count(f.os_user) != 0))) {
    broken.insert("four_eyes");
  }
  auto payout = s.payouts.find(f.id);
  // "payout approved": an approval of this carrier before it on the timeline
  if (payout == s.payouts.end()) {
    broken.insert("payout_approved");
    // An approval later on the timeline of a payout disbursed by another event, or whose
    // entitlement is not active here: "not yet disbursed" is broken as well.
    if (anywhere != s.payouts_anywhere.end() &&
        (anywhere->second.disbursements > 1 || !s.IsActive(anywhere->second.entitlement_id))) {
      broken.insert("payout_not_disbursed");
    }
    return;
  }
  // "and not yet disbursed"; "an approved but not yet disbursed payout on an entitlement that
  // becomes voided can no longer be disbursed" (nor one whose award is pending)
  if (payout->second.disbursed || !s.IsActive(payout->second.entitlement_id)) {
    broken.insert("payout_not_disbursed");
  }
}

// "≤ claw-back due": disbursed − recovered so far, on an entitlement that is not active here.
void CheckClawback(const CarrierState& s, const Fact& f, std::set<std::string>& broken) {
  std::int64_t due = s.IsActive(f.entitlement_id)
                         ? 0
                         : Get(s.disbursed, f.entitlement_id) - Get(s.recovered, f.entitlement_id);
  if (f.amount_fen > due) broken.insert("clawback_within_due");
}

std::set<std::string> BrokenAtPlace(const CarrierState& s, const Fact& f) {
  std::set<std::string> broken;
  if (f.type == "CarrierRegistered") return broken;
  // "carrier exists": the registration stands before the event on the timeline. EVENTS.md names
  // no such invariant for ClawbackRecovered ("≤ claw-back due" alone): money paid to a carrier
  // whose registration was retracted can still be recovered.
  if (!s.registered && f.type != "ClawbackRecovered") broken.insert("carrier_exists");
  if (f.type == "AccreditationGranted") {
    if (s.held.count(f.level) > 0) broken.insert("level_not_held");
  } else if (f.type == "AccreditationRevoked") {
    if (s.held.count(f.level) == 0) broken.insert("level_held");
  } else if (f.type == "EvaluationRecorded") {
    if (s.ever_granted.count(f.level) == 0) broken.insert("level_held_or_held_before");
    if (s.graded.count({f.level, f.year}) > 0) broken.insert("one_grade_per_year");
    // POLICY.md: Inner Mongolia's regional scale is 优秀/合格/不合格 — no "good".
    if (f.level == "regional" && f.grade == "good") broken.insert("grade_on_scale");
  } else if (f.type == "BrandOutputFiled") {
    if (s.held.count("national") == 0 && s.held.count("regional") == 0) {
      broken.insert("provider_accredited");
    }
  } else if (f.type == "PayoutApproved") {
    CheckPayoutApproved(s, f, broken);
  } else if (f.type == "PayoutDisbursed") {
    CheckPayoutDisbursed(s, f, broken);
  } else if (f.type == "ClawbackRecovered") {
    CheckClawback(s, f, broken);
  } else if (f.type == "CooperationAgreementEnded") {
    // "signed by this carrier on or before the date and has not ended before it"
    if (!s.InForce(f.id)) broken.insert("agreement_in_force");
  } else if (f.type == "ResidentInvestorJoined") {
    if (s.residents.count(f.id) > 0) broken.insert("investor_not_resident");
  } else if (f.type == "ResidentInvestorLeft") {
    if (s.residents.count(f.id) == 0) broken.insert("investor_resident");
  } else if (f.type == "BrokerQualified") {
    // "station_exists": opened at this carrier by the date (not another carrier's); "station_open":
    // opened by the date and not closed — a workstation never opened here breaks both.
    if (s.stations.count(f.station_id) == 0) broken.insert("station_exists");
    if (!s.StationOpen(f.station_id)) {
      broken.insert("station_open");
    } else if (s.BrokerAt(f.station_id, f.broker_ref)) {
      broken.insert("broker_not_at_station");  // one who left may come back
    }
  } else if (f.type == "BrokerWorkstationClosed") {
    if (!s.StationOpen(f.station_id)) broken.insert("station_open");  // no second closure
  } else if (f.type == "BrokerLeft" || f.type == "TechTransferDealRecorded") {
    if (!s.StationOpen(f.station_id)) broken.insert("station_open");
    // "broker_at_station" (a deal: when it names a broker): no one is at a workstation that is
    // not open.
    if ((f.type == "BrokerLeft" || !f.broker_ref.empty()) &&
        !s.BrokerAt(f.station_id, f.broker_ref)) {
      broken.insert("broker_at_station");
    }
  } else if (f.type == "FundEstablished") {
    // "size ≥ social capital ≥ 0" (of the event's own data: the same wherever it stands)
    if (f.amount_fen < f.social_capital_fen || f.social_capital_fen < 0) {
      broken.insert("fund_size_covers_social_capital");
    }
  }
  return broken;
}

// ---------------------------------------------------------------------------------------------
// The effective timeline.

std::set<std::uint64_t> RetractedSeqs(const std::vector<Fact>& facts) {
  std::set<std::uint64_t> out;
  for (const Fact& f : facts) {
    if (f.type == "EventRetracted") out.insert(f.retracted_seq);
  }
  return out;
}

// "facts ordered by effective_date, then seq; retracted events left out". A retraction counts
// as soon as it is recorded, at every date; retractions themselves act in recorded time and have
// no place on the timeline.
std::vector<const Fact*> Timeline(const std::vector<Fact>& facts, const std::string& carrier_id) {
  std::set<std::uint64_t> retracted = RetractedSeqs(facts);
  std::vector<const Fact*> out;
  for (const Fact& f : facts) {
    if (f.carrier() == carrier_id && f.type != "EventRetracted" && retracted.count(f.seq) == 0) {
      out.push_back(&f);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Fact* a, const Fact* b) {
    return std::pair(a->effective_date, a->seq) < std::pair(b->effective_date, b->seq);
  });
  return out;
}

// The state after folding every fact of `timeline`.
CarrierState Fold(const std::vector<const Fact*>& timeline, const std::string& carrier_id) {
  CarrierState s;
  s.carrier_id = carrier_id;
  for (const Fact* f : timeline) Apply(s, *f);
  return s;
}

// Each fact of the carrier's timeline with the invariants it breaks at its place, in timeline
// order.
using Judgement = std::vector<std::pair<const Fact*, std::set<std::string>>>;
// Walks `carrier_id`'s timeline up to 31 December of `year`: `in_year` sees each fact dated in
// the year together with the state just before it; returns the state on 31 December (every fact
// dated on or before it folded).
CarrierState WalkYear(const std::vector<Fact>& facts, const std::string& carrier_id, int year,
                      const std::function<void(const CarrierState&, const Fact&)>& in_year) {
  const std::string first = std::to_string(year) + "-01-01", last = std::to_string(year) + "-12-31";
  CarrierState s;
  s.carrier_id = carrier_id;
  for (const Fact* f : Timeline(facts, carrier_id)) {
    if (f->effective_date > last) break;  // the timeline is in date order
    if (f->effective_date >= first) in_year(s, *f);
    Apply(s, *f);
  }
  return s;
}

Judgement JudgeTimeline(const std::vector<Fact>& facts, const std::string& carrier_id) {
  Judgement out;
  CarrierState s;
  s.carrier_id = carrier_id;
  const std::vector<const Fact*> timeline = Timeline(facts, carrier_id);
  for (const Fact* f : timeline) {
    if (f->type == "PayoutApproved") {
      s.payouts_anywhere[f->id].approver = {f->actor};
      if (!f->os_user.empty()) s.payouts_anywhere[f->id].approver.insert(f->os_user);
      s.payouts_anywhere[f->id].entitlement_id = f->entitlement_id;
    } else if (f->type == "PayoutDisbursed") {
      ++s.payouts_anywhere[f->id].disbursements;
    }
  }
  for (const Fact* f : timeline) {
    out.emplace_back(f, BrokenAtPlace(s, *f));
    Apply(s, *f);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rules judged in recorded order, not on the timeline.

// PayoutApproved, BrandOutputFiled, CooperationAgreementSigned, CityFundSupportGranted,
// FundEstablished, BrokerWorkstationOpened (station_id) and TechTransferDealRecorded (deal_id):
// "id_unique" — the id is used by no earlier recorded event of the same type,
// anywhere (by any carrier), retracted or not.
void CheckIdUnique(const std::vector<Fact>& recorded, const Fact& f,
                   std::set<std::string>& broken) {
  for (const Fact& earlier : recorded) {
    if (earlier.type == f.type && earlier.id == f.id) broken.insert("id_unique");
  }
}

// EventRetracted: "target exists, is not itself a retraction, not already retracted"; the
// target is an event of the retraction's own stream.
void CheckRetraction(const std::vector<Fact>& recorded, const Fact& f,
                     std::set<std::string>& broken) {
  auto target = std::find_if(recorded.begin(), recorded.end(),
                             [&](const Fact& e) { return e.seq == f.retracted_seq; });
  if (target == recorded.end() || target->stream != f.stream) {
    broken.insert("retraction_target_exists");
    return;
  }
  if (target->type == "EventRetracted") broken.insert("retraction_target_not_retraction");
  if (RetractedSeqs(recorded).count(f.retracted_seq) > 0) broken.insert("not_already_retracted");
  // "recovered_within_disbursed": with the target gone, every entitlement of the stream keeps
  // Σ recovered ≤ Σ disbursed (a payout counts as disbursed when its approval and its
  // disbursement both stand).
  std::set<std::uint64_t> gone = RetractedSeqs(recorded);
  gone.insert(f.retracted_seq);
  std::map<std::string, std::int64_t> balance;  // entitlement → disbursed − recovered
  for (const Fact& a : recorded) {
    if (a.stream != f.stream || gone.count(a.seq) > 0) continue;
    if (a.type == "ClawbackRecovered") balance[a.entitlement_id] -= a.amount_fen;
    if (a.type != "PayoutApproved") continue;
    bool paid = std::any_of(recorded.begin(), recorded.end(), [&](const Fact& d) {
      return d.stream == f.stream && d.type == "PayoutDisbursed" && d.id == a.id &&
             gone.count(d.seq) == 0;
    });
    if (paid) balance[a.entitlement_id] += a.amount_fen;
  }
  for (const auto& [entitlement, left] : balance) {
    if (left < 0) broken.insert("recovered_within_disbursed");
  }
}

std::set<std::string> BrokenInRecordedOrder(const std::vector<Fact>& recorded, const Fact& f) {
  std::set<std::string> broken;
  if (f.type == "PayoutApproved" || f.type == "BrandOutputFiled" ||
      f.type == "CooperationAgreementSigned" || f.type == "CityFundSupportGranted" ||
      f.type == "FundEstablished" || f.type == "BrokerWorkstationOpened" ||
      f.type == "TechTransferDealRecorded") {
    CheckIdUnique(recorded, f, broken);
  } else if (f.type == "EventRetracted") {
    CheckRetraction(recorded, f, broken);
  }
  return broken;
}

Verdict Refuse(std::set<std::string> broken) { return Verdict{false, std::move(broken), 0}; }

// Exempt from case 2: "EventRetracted and a revocation for misconduct, whose purpose is to void
// what follows".
bool ExemptFromCase2(const Fact& f) {
  return f.type == "EventRetracted" ||
         (f.type == "AccreditationRevoked" && f.reason == "misconduct");
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string Fact::carrier() const {
  constexpr std::string_view kPrefix = "carrier/";
  return stream.rfind(kPrefix, 0) == 0 ? stream.substr(kPrefix.size()) : "";
}

std::ostream& operator<<(std::ostream& os, const Fact& f) {
  if (f.seq == 0) {
    os << "#- ";  // not recorded
  } else {
    os << "#" << f.seq << " ";
  }
  os << f.stream << " " << f.effective_date << " " << f.type;
  if (!f.kind.empty()) os << " " << f.kind;
  if (!f.level.empty()) os << " " << f.level;
  if (!f.mode.empty()) os << " " << f.mode;
  if (!f.reason.empty()) os << " " << f.reason;
  if (f.year != 0) os << " year=" << f.year;
  if (!f.grade.empty()) os << " " << f.grade;
  if (!f.id.empty()) os << " id=" << f.id;
  if (!f.entitlement_id.empty()) os << " " << f.entitlement_id;
  if (f.amount_fen != 0) os << " amount=" << f.amount_fen;
  if (f.retracted_seq != 0) os << " retracts #" << f.retracted_seq;
  if (!f.recipient.empty()) os << " to " << f.recipient;
  if (!f.planned_start.empty()) os << " planned " << f.planned_start;
  if (!f.finance_kind.empty()) os << " " << f.finance_kind;
  if (f.social_capital_fen != 0) os << " social=" << f.social_capital_fen;
  if (!f.station_id.empty() && f.station_id != f.id) os << " at " << f.station_id;
  if (!f.broker_ref.empty()) os << " broker " << f.broker_ref;
  if (!f.to_station_id.empty()) os << " to " << f.to_station_id;
  if (!f.contract_kind.empty()) os << " " << f.contract_kind;
  os << " by " << f.actor;
  if (!f.os_user.empty()) os << " (OS user " << f.os_user << ")";
  return os;
}

std::ostream& operator<<(std::ostream& os, const Verdict& v) {
  if (v.accepted) return os << "accept";
  os << "refuse {";
  const char* sep = "";
  for (const auto& name : v.broken) os << std::exchange(sep, ", ") << name;
  os << "}";
  if (v.would_invalidate != 0) os << " would_invalidate #" << v.would_invalidate;
  return os;
}

bool Model::IsRetracted(std::uint64_t seq) const { return RetractedSeqs(facts_).count(seq) > 0; }

void Model::Record(const Fact& fact) {
  facts_.push_back(fact);
  next_seq_ = fact.seq + 1;
}

Verdict Model::Decide(const Fact& proposed) const {
  Fact f = proposed;
  f.seq = next_seq_;
  const std::string carrier_id = f.carrier();

  // CarrierRegistered: "first event of its stream" (the generated histories always register a
  // carrier first; the model only guards the assumption).
  if (f.type == "CarrierRegistered") {
    for (const Fact& e : facts_) {
      if (e.stream == f.stream) return Refuse({"first_event_of_stream"});
    }
    return Verdict{};
  }

  std::set<std::string> broken = BrokenInRecordedOrder(facts_, f);
  // A retraction is judged statically; it has no place on the timeline and is exempt from 2.
  if (f.type == "EventRetracted") return broken.empty() ? Verdict{} : Refuse(std::move(broken));

  // 1. "the new event is valid at its own place on that timeline", the history with it added.
  std::vector<Fact> with_new = facts_;
  with_new.push_back(f);
  const Judgement after = JudgeTimeline(with_new, carrier_id);
  for (const auto& [fact, fact_broken] : after) {
    if (fact->seq == f.seq) broken.insert(fact_broken.begin(), fact_broken.end());
  }

  // 2. "no event already recorded becomes invalid at its place": those valid before the append
  // and not after it (would_invalidate: the first on the timeline).
  Verdict verdict{broken.empty(), std::move(broken), 0};
  if (ExemptFromCase2(f)) return verdict;
  std::set<std::uint64_t> valid_before;
  for (const auto& [fact, fact_broken] : JudgeTimeline(facts_, carrier_id)) {
    if (fact_broken.empty()) valid_before.insert(fact->seq);
  }
  for (const auto& [fact, fact_broken] : after) {
    if (fact->seq != f.seq && valid_before.count(fact->seq) > 0 && !fact_broken.empty()) {
      // When both 1 and 2 fail, or several events would break, the store names one of them:
      // every invariant that breaks is in the set.
      verdict.broken.insert(fact_broken.begin(), fact_broken.end());
      if (verdict.accepted) verdict.would_invalidate = fact->seq;
      verdict.accepted = false;
    }
  }
  return verdict;
}

std::set<std::string> Model::LevelsHeld(const std::string& carrier_id) const {
  return Fold(Timeline(facts_, carrier_id), carrier_id).held;
}

std::map<std::string, std::set<std::string>> Model::OpenStations(
    const std::string& carrier_id) const {
  std::map<std::string, std::set<std::string>> open;
  for (const auto& [id, station] : Fold(Timeline(facts_, carrier_id), carrier_id).stations) {
    if (station.open) open[id] = station.brokers;
  }
  return open;
}

std::vector<EntitlementRow> Model::Entitlements(const std::string& carrier_id) const {
  const std::set<std::uint64_t> retracted = RetractedSeqs(facts_);
  const CarrierState end = Fold(Timeline(facts_, carrier_id), carrier_id);
  std::map<std::string, EntitlementRow> rows;
  auto row = [&](const std::string& id) -> EntitlementRow& {
    EntitlementRow& r = rows[id];
    r.entitlement_id = id;
    if (r.status.empty()) r.status = "voided";  // not derived unless set below
    return r;
  };

  // Entitlements derived at the end of the timeline.
  for (const auto& [id, award] : end.awards) {
    EntitlementRow& r = row(id);
    r.status = award.status;
    r.derived = true;
    r.amount_fen = award.amount_fen;
  }

  // Money at the cut: sums over all payouts and claw-backs naming the entitlement, regardless of
  // their place on the timeline; a retracted event counts as never having happened.
  std::map<std::string, const Fact*> approvals;  // by payout id
  std::set<std::string> disbursed_payouts;
  for (const Fact& f : facts_) {
    if (f.carrier() != carrier_id || retracted.count(f.seq) > 0) continue;
    if (f.type == "PayoutApproved") {
      approvals[f.id] = &f;
      row(f.entitlement_id).approved_fen += f.amount_fen;
    } else if (f.type == "PayoutDisbursed") {
      disbursed_payouts.insert(f.id);
    } else if (f.type == "ClawbackRecovered") {
      row(f.entitlement_id).recovered_fen += f.amount_fen;
    }
  }
  for (const std::string& payout_id : disbursed_payouts) {
    auto it = approvals.find(payout_id);
    if (it != approvals.end())
      row(it->second->entitlement_id).disbursed_fen += it->second->amount_fen;
  }

  // "An entitlement whose grant was retracted also has a voided row even without money": the
  // award a retracted grant would trigger for the carrier's kind.
  for (const Fact& f : facts_) {
    if (f.carrier() != carrier_id || f.type != "AccreditationGranted" ||
        retracted.count(f.seq) == 0 || !end.registered) {
      continue;
    }
    if (const Rule* rule = RuleTriggeredBy(end.kind, f)) row(EntitlementId(*rule, carrier_id));
  }

  std::vector<EntitlementRow> out;
  for (auto& [id, r] : rows) out.push_back(std::move(r));
  return out;
}

std::vector<ReportFlag> Model::ReportFlags(const std::string& carrier_id,
                                           const std::string& today) const {
  std::string registered;
  std::map<int, std::string> first_report;  // year → the earliest date a report for it came
  for (const Fact* f : Timeline(facts_, carrier_id)) {
    if (f->effective_date > today) continue;
    if (f->type == "CarrierRegistered" && registered.empty()) registered = f->effective_date;
    if (f->type == "AnnualReportSubmitted") {
      auto [it, added] = first_report.emplace(f->year, f->effective_date);
      if (!added) it->second = std::min(it->second, f->effective_date);
    }
  }
  std::vector<ReportFlag> flags;
  if (registered.empty()) return flags;
  // The ruleset is in force at the end of every year from 2023 on (from 2023-03-27).
  for (int year = std::max(std::stoi(registered.substr(0, 4)), 2023);; ++year) {
    const std::string deadline = std::to_string(year + 1) + "-03-31";
    if (today <= deadline) break;
    auto report = first_report.find(year);
    if (report == first_report.end()) {
      flags.push_back({"missing_annual_report", year, 0});
    } else if (report->second > deadline) {
      flags.push_back({"late_annual_report", year, DaysOf(report->second) - DaysOf(deadline)});
    }
  }
  return flags;
}

// One award's way to its money on the timeline of a carrier up to a day.
struct AwardTimes {
  std::string status;
  std::int64_t amount_fen = 0;
  std::string owed_on;  // the day it last became active ("" if never)
  std::vector<std::pair<std::string, std::int64_t>> approved, paid;  // (date, fen)
};

namespace {

// The first date at which `steps` (in date order) add up to `amount` ("" if they never do).
std::string FirstFull(std::vector<std::pair<std::string, std::int64_t>> steps,
                      std::int64_t amount) {
  std::sort(steps.begin(), steps.end());
  std::int64_t sum = 0;
  for (const auto& [date, fen] : steps) {
    sum += fen;
    if (sum >= amount) return date;
  }
  return "";
}

}  // namespace

std::map<std::string, AwardTimes> Model::Times(const std::string& carrier_id,
                                               const std::string& today) const {
  CarrierState s;
  s.carrier_id = carrier_id;
  std::map<std::string, AwardTimes> times;
  for (const Fact* f : Timeline(facts_, carrier_id)) {
    if (f->effective_date > today) continue;
    std::map<std::string, std::string> before;
    for (const auto& [id, award] : s.awards) before[id] = award.status;
    if (f->type == "PayoutDisbursed") {
      auto it = s.payouts.find(f->id);
      if (it != s.payouts.end() && !it->second.disbursed) {
        times[it->second.entitlement_id].paid.emplace_back(f->effective_date,
                                                           it->second.amount_fen);
      }
    }
    if (f->type == "PayoutApproved") {
      times[f->entitlement_id].approved.emplace_back(f->effective_date, f->amount_fen);
    }
    Apply(s, *f);
    for (const auto& [id, award] : s.awards) {
      if (award.status == "active" && before[id] != "active") times[id].owed_on = f->effective_date;
    }
  }
  std::map<std::string, AwardTimes> awards;  // those the timeline derives
  for (const auto& [id, award] : s.awards) {
    AwardTimes& t = awards[id];
    t = times[id];
    t.status = award.status;
    t.amount_fen = award.amount_fen;
  }
  return awards;
}

std::vector<SlowPayout> Model::SlowPayouts(const std::string& carrier_id,
                                           const std::string& today) const {
  std::vector<SlowPayout> slow;
  for (const auto& [id, award] : Times(carrier_id, today)) {
    if (award.status != "active" || award.amount_fen <= 0) continue;
    const std::string full = FirstFull(award.paid, award.amount_fen);
    const long took = DaysOf(full.empty() ? today : full) - DaysOf(award.owed_on);
    if (took > 90) slow.push_back({id, took, !full.empty()});
  }
  return slow;
}

std::vector<PaySpeed> Model::PaySpeeds(const std::string& carrier_id,
                                       const std::string& today) const {
  std::vector<PaySpeed> speeds;
  for (const auto& [id, award] : Times(carrier_id, today)) {
    if (award.owed_on.empty() || award.amount_fen <= 0) continue;
    PaySpeed speed{id, award.owed_on, FirstFull(award.approved, award.amount_fen),
                   FirstFull(award.paid, award.amount_fen)};
    auto days = [&](const std::string& to) {
      return to.empty() ? 0 : DaysOf(to) - DaysOf(award.owed_on);
    };
    speed.approval_days = days(speed.approved_in_full_on);
    speed.payment_days = days(speed.paid_in_full_on);
    speeds.push_back(std::move(speed));
  }
  return speeds;
}

std::vector<BrandFlag> Model::BrandFlags(const std::string& carrier_id,
                                         const std::string& today) const {
  std::vector<const Fact*> filed;  // the filings before the fact at hand
  std::vector<BrandFlag> flags;
  bool registered = false;  // a start before the registration is no provider's lapse
  for (const Fact* f : Timeline(facts_, carrier_id)) {
    if (f->effective_date > today) continue;
    registered = registered || f->type == "CarrierRegistered";
    if (f->type == "BrandOutputFiled") filed.push_back(f);
    if (f->type != "BrandOutputStarted" || !registered) continue;
    const Fact* cover = nullptr;
    for (const Fact* filing : filed) {
      const bool named = f->id.empty() || filing->id == f->id;
      if (named && filing->recipient == f->recipient) cover = filing;  // the latest on the timeline
    }
    if (!cover) {
      flags.push_back({"unfiled_brand_output", 0});
      continue;
    }
    const long off = DaysOf(f->effective_date) - DaysOf(cover->planned_start);
    if (off < 0 || off > 180) flags.push_back({"brand_output_off_schedule", off});
  }
  return flags;
}

std::string Model::KindOf(const std::string& carrier_id) const {
  for (const Fact* f : Timeline(facts_, carrier_id)) {
    if (f->type == "CarrierRegistered") return f->kind;
  }
  return "";
}

std::string Model::RegisteredOn(const std::string& carrier_id) const {
  for (const Fact* f : Timeline(facts_, carrier_id)) {
    if (f->type == "CarrierRegistered") return f->effective_date;
  }
  return "";
}

std::map<std::string, std::int64_t> Model::FinanceMeasures(const std::string& carrier_id,
                                                           int year) const {
  std::map<std::string, std::int64_t> m;
  for (const char* name :
       {"funds_established", "funds_seed", "funds_angel", "funds_venture", "funds_size_fen",
        "funds_social_capital_fen", "agreements_signed", "agreements_ended", "investors_joined",
        "investors_left", "city_fund_supports", "city_fund_support_fen", "agreements_bank",
        "agreements_guarantor", "agreements_investment", "credit_line_fen", "investors_resident"}) {
    m[name] = 0;
  }
  const CarrierState s =
      WalkYear(facts_, carrier_id, year, [&](const CarrierState& s, const Fact& f) {
        if (f.type == "FundEstablished") {
          ++m["funds_established"];
          ++m["funds_" + f.finance_kind];
          m["funds_size_fen"] += f.amount_fen;
          m["funds_social_capital_fen"] += f.social_capital_fen;
        } else if (f.type == "CooperationAgreementSigned") {
          ++m["agreements_signed"];
        } else if (f.type == "CooperationAgreementEnded") {
          if (s.InForce(f.id)) ++m["agreements_ended"];
        } else if (f.type == "ResidentInvestorJoined") {
          if (s.residents.count(f.id) == 0) ++m["investors_joined"];
        } else if (f.type == "ResidentInvestorLeft") {
          if (s.residents.count(f.id) > 0) ++m["investors_left"];
        } else if (f.type == "CityFundSupportGranted") {
          ++m["city_fund_supports"];
          m["city_fund_support_fen"] += f.amount_fen;
        }
      });
  for (const auto& [id, agreement] : s.agreements) {
    if (!agreement.in_force) continue;
    if (agreement.partner_kind == "bank") ++m["agreements_bank"];
    if (agreement.partner_kind == "guarantor") ++m["agreements_guarantor"];
    if (agreement.partner_kind == "investment_institution") ++m["agreements_investment"];
    m["credit_line_fen"] += agreement.credit_line_fen;
  }
  m["investors_resident"] = static_cast<std::int64_t>(s.residents.size());
  return m;
}

std::map<std::string, std::int64_t> Model::BrokerMeasures(const std::string& carrier_id,
                                                          int year) const {
  std::map<std::string, std::int64_t> m;
  for (const char* name :
       {"workstations_opened", "workstations_closed", "brokers_qualified", "brokers_left", "deals",
        "deal_fen", "workstations_total", "brokers_total"}) {
    m[name] = 0;
  }
  const CarrierState s =
      WalkYear(facts_, carrier_id, year, [&](const CarrierState& s, const Fact& f) {
        if (f.type == "BrokerWorkstationOpened") {
          if (s.stations.count(f.station_id) == 0) ++m["workstations_opened"];
        } else if (f.type == "BrokerQualified") {
          if (s.StationOpen(f.station_id) && !s.BrokerAt(f.station_id, f.broker_ref)) {
            ++m["brokers_qualified"];
          }
        } else if (f.type == "BrokerWorkstationClosed") {
          if (s.StationOpen(f.station_id)) {
            ++m["workstations_closed"];
            m["brokers_left"] +=
                static_cast<std::int64_t>(s.stations.at(f.station_id).brokers.size());
          }
        } else if (f.type == "BrokerLeft") {
          if (s.BrokerAt(f.station_id, f.broker_ref)) ++m["brokers_left"];
        } else if (f.type == "TechTransferDealRecorded") {
          // "the contracts signed in the year and their amount", each a workstation's own figure:
          // one at a workstation not open here (a retraction took its opening) is no workstation's
          // and counts nowhere; the broker it names is only who brokered it (one no longer at the
          // workstation, a retraction having taken the qualification, leaves it the workstation's).
          if (s.StationOpen(f.station_id)) {
            ++m["deals"];
            m["deal_fen"] += f.amount_fen;
          }
        }
      });
  for (const auto& [id, station] : s.stations) {
    if (!station.open) continue;
    ++m["workstations_total"];
    m["brokers_total"] += static_cast<std::int64_t>(station.brokers.size());
  }
  return m;
}

std::vector<std::string> Model::Declines(const std::string& carrier_id, const std::string& rule_id,
                                         bool after_award) const {
  const Rule* rule = nullptr;
  for (const Rule& r : kRules) {
    if (rule_id == r.id) rule = &r;
  }
  std::vector<std::string> reasons;
  const std::string kind = KindOf(carrier_id);
  if (rule == nullptr || kind != rule->kind) return reasons;
  bool fired = false, pending = false;
  for (const Fact* f : Timeline(facts_, carrier_id)) {
    if (f->type == "AccreditationGranted" && f->level == rule->level) {
      const bool mode_counts = f->mode == "accredited" || rule->filed_counts;
      if (f->effective_date < kRulesetEffectiveFrom) {
        if (mode_counts) reasons.push_back("pre_policy");
      } else if (!mode_counts) {
        reasons.push_back("mode_not_eligible");
      } else if (fired) {
        reasons.push_back("one_time");
      } else {
        fired = true;
        pending = rule->needs_evaluation;
        if (after_award) reasons.clear();
      }
    } else if (f->type == "AccreditationRevoked" && f->reason == "misconduct") {
      pending = false;  // voided: no evaluation decides it any more
    } else if (f->type == "EvaluationRecorded" && pending && f->level == "regional") {
      pending = false;
      if (f->grade != "excellent") reasons.push_back("first_evaluation_not_excellent");
    }
  }
  return reasons;
}

}  // namespace hatchery::testing::model
