// What one carrier's facts mean under the policy: its profile, accreditation timeline and
// evaluations, its entitlements with their money and status history, its payouts and its
// compliance flags (EVENTS.md "Derived"). Produced by DeriveCarrier (derive.h).
//
// Value types.
#ifndef HATCHERY_DOMAIN_VIEWS_OUTCOME_H_
#define HATCHERY_DOMAIN_VIEWS_OUTCOME_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/fold/facts.h"

namespace hatchery::domain {

// One step of an entitlement's life: the event that changed it and what it became.
struct StatusChange {
  std::uint64_t seq = 0;
  Date date = 0;
  std::string status;  // pending | active | voided
  std::string reason;  // e.g. "AccreditationGranted", "revoked for misconduct", "retracted"
};

struct Entitlement {
  std::string id;  // "<rule_id>:<carrier_id>"
  // The clause's text is its rule's (Ruleset::FindRule), not repeated in every entitlement.
  std::string carrier_id, rule_id, ruleset_id, clause, upgrade_of;
  std::uint64_t ruleset_seq = 0;
  Date triggered_on = 0;
  std::int64_t amount_fen = 0;
  std::string status;               // pending | active | voided
  std::vector<std::uint64_t> seqs;  // the events that justify it
  // Every payout and claw-back naming the entitlement within the cut, wherever it stands on the
  // timeline: each is counted in exactly one row (EVENTS.md, "The books always balance").
  std::int64_t approved_fen = 0, disbursed_fen = 0, recovered_fen = 0;
  std::vector<StatusChange> history;
  // False for a row kept only to carry money or history: an award whose trigger was retracted, or
  // that a later fact no longer derives. Such a row is voided and never counts as created.
  bool derived = true;

  // What may still be approved: amount − approved on an active award (never below 0: approvals
  // beyond the amount exist only in stores written before the one-timeline rule, each flagged as a
  // timeline_conflict), else 0.
  std::int64_t outstanding_fen() const {
    return status == "active" && amount_fen > approved_fen ? amount_fen - approved_fen : 0;
  }
  // Money disbursed on an award that is no longer active — voided, or pending again because the
  // evaluation that made it active was retracted — less what was recovered (EVENTS.md "One
  // timeline"); 0 while active.
  std::int64_t clawback_due_fen() const {
    return status != "active" && disbursed_fen > recovered_fen ? disbursed_fen - recovered_fen : 0;
  }
};

// Why a rule gave a carrier no award for a fact that could have triggered one, or why a pending
// award lapsed (POLICY.md's interpretations): what `explain` says of money that is not owed.
struct Decline {
  std::string rule_id;
  std::uint64_t seq = 0;  // the grant declined, or the evaluation that made the award lapse
  Date date = 0;
  // pre_policy | mode_not_eligible | tier_not_eligible | one_time | covered_by_higher |
  // first_evaluation_not_excellent
  std::string reason;
  std::string detail;                // in words, naming the facts
  std::vector<std::uint64_t> facts;  // the other events the detail names
};

struct Payout {
  std::string payout_id, carrier_id, entitlement_id;
  std::int64_t amount_fen = 0;
  std::uint64_t approved_seq = 0;
  Date approved_on = 0;
  Recorder approved_by;
  std::uint64_t disbursed_seq = 0;  // 0: not disbursed
  Date disbursed_on = 0;
  Recorder disbursed_by;
  std::string voucher_no;
  std::string status;  // approved | disbursed | void (its entitlement was voided first)
};

// How fast one award that became owed (active) reached its money (§4.2 从快从优兑现): the day it
// last became owed, and the days its approvals, then its disbursements, first added up to its
// amount (in effective order).
struct PaySpeed {
  Date owed_on = 0;
  Date approved_in_full_on = 0;  // 0: not yet
  Date paid_in_full_on = 0;      // 0: not yet
};

struct Flag {
  std::string carrier_id;
  // unfiled_brand_output | brand_output_off_schedule | disbursed_on_voided |
  // missing_annual_report | late_annual_report | revocation_due | slow_payout | timeline_conflict
  std::string flag;
  // missing/late_annual_report: the report's year; slow_payout: the year the award became owed;
  // otherwise the event's year
  int year = 0;
  std::vector<std::uint64_t> seqs;
  std::string detail;
};

struct Holding {
  Level level = Level::kNational;
  Mode mode = Mode::kAccredited;
  Tier tier = Tier::kUntiered;
  Date since = 0;
  std::uint64_t seq = 0;
};

struct TimelineEntry {  // accreditation timeline
  std::uint64_t seq = 0;
  Date date = 0;
  std::string action;  // granted | revoked
  Level level = Level::kNational;
  std::string detail;  // mode (and tier) or revocation reason
};

struct Evaluation {
  std::uint64_t seq = 0;
  Date date = 0;
  Level level = Level::kNational;
  int year = 0;
  Grade grade = Grade::kPass;
};

// Who ran a carrier from a day on (§2.1 市场化运营): its operator as registered, then each change
// an amendment made.
struct OperatorSpell {
  Date since = 0;
  std::uint64_t seq = 0;   // the registration or amendment
  std::string name, mode;  // mode: self | market_team | professional_institution
};

// Where a carrier was from a day on (§4.3 属地管理): its county as registered, then each move.
struct CountySpell {
  Date since = 0;
  std::uint64_t seq = 0;  // the registration or amendment
  std::string county;     // a slug of counties.h
};

// The last of `spells` (each with a `since`, in timeline order) in force on `date`; null when the
// first is later.
template <typename Spell>
const Spell* SpellOn(const std::vector<Spell>& spells, Date date) {
  const Spell* on = nullptr;
  for (const Spell& spell : spells) {
    if (spell.since > date) break;
    on = &spell;
  }
  return on;
}

// A tie that holds from one day until another: a cooperation agreement, an investor's residence.
struct Tenure {
  Date since = 0;
  std::uint64_t seq = 0;  // the event that began it
  Date until = 0;         // the day it ended (no longer holding); 0: it holds
  std::uint64_t until_seq = 0;
  bool HoldsOn(Date date) const { return since <= date && (until == 0 || date < until); }
};

// §3.3 投融资: the carrier's funds, cooperation agreements, resident investment institutions, and
// the city seed and angel funds' support to the firms it hosts.
struct Fund {
  std::string fund_id;
  FundType type = FundType::kSeed;
  std::int64_t size_fen = 0, social_capital_fen = 0;
  Date date = 0;
  std::uint64_t seq = 0;
};
struct Agreement {
  std::string agreement_id, partner;
  PartnerKind partner_kind = PartnerKind::kBank;
  std::int64_t credit_line_fen = 0;
  Tenure tenure;
  AgreementEnd end_reason = AgreementEnd::kOther;  // once ended
};
struct Residence {
  std::string investor_id, name;
  FundType investor_type = FundType::kSeed;
  Tenure tenure;
};
struct CitySupport {
  std::string support_id, recipient;
  CityFund city_fund = CityFund::kSeed;
  Supported recipient_kind = Supported::kProject;
  std::int64_t amount_fen = 0;
  Date date = 0;
  std::uint64_t seq = 0;
};

// §2.4 技术经纪: a broker workstation, the qualified brokers who worked at it and the technology
// contracts brokered through it.
struct BrokerSpell {
  std::string broker_ref;
  Tenure tenure;    // until: the day it left, or the day its station closed
  std::string end;  // left | moved | station_closed ("" while at the station)
};
struct DealRecord {
  std::string deal_id;
  std::shared_ptr<const Deal> parties;
  ContractKind kind = ContractKind::kTransfer;
  std::int64_t amount_fen = 0;
  Date date = 0;
  std::uint64_t seq = 0;
};
struct Station {
  std::string station_id, name;
  Tenure tenure;
  StationClosure closure = StationClosure::kOther;  // once closed
  std::vector<BrokerSpell> brokers;                 // by the day each came
  std::vector<DealRecord> deals;                    // by date
};

// Everything of one carrier the yearly indicators read, besides money.
struct Activity {
  std::vector<OperatorSpell> operators;               // in timeline order
  std::vector<CountySpell> counties;                  // in timeline order
  std::vector<std::pair<Date, std::string>> filings;  // (date, filing_id)
  std::vector<Date> unfiled_starts;
  std::vector<Station> stations;          // by the day opened
  std::vector<Fund> funds;                // in timeline order, as the next three
  std::vector<Agreement> agreements;      // by the day signed
  std::vector<Residence> residences;      // by the day joined; an investor may come back
  std::vector<CitySupport> city_support;  // by date
  std::vector<std::pair<Date, std::int64_t>> recoveries;  // (date, amount_fen) clawed back
  std::vector<std::pair<Date, RevocationReason>> revocations;
  // year → (seq, metrics) of the year's latest report
  std::map<int, std::pair<std::uint64_t, std::shared_ptr<const ReportMetrics>>> reports;
  // year → (date, seq) of the year's first report in effective order: when the duty was met
  std::map<int, std::pair<Date, std::uint64_t>> first_reports;
};

// The classes of the classified assessment (§3.2): incubators by comprehensive / specialised,
// maker spaces and 星创天地 by built by society / by a university.
enum class AssessmentClass : std::uint8_t {
  kIncubatorComprehensive,
  kIncubatorSpecialized,
  kSpaceSocial,
  kSpaceUniversity
};
// "incubator_comprehensive", "incubator_specialized", "space_social", "space_university": the
// keys of a ruleset's assessment model.
std::string_view Name(AssessmentClass c);

struct CarrierOutcome {
  std::string carrier_id;
  Kind kind = Kind::kIncubator;
  Profile profile;  // as registered, with every amendment applied
  Date registered_on = 0;
  std::uint64_t registered_seq = 0;
  std::map<Level, Holding> holdings;  // levels held at the end of the cut
  std::vector<TimelineEntry> timeline;
  std::vector<Evaluation> evaluations;
  Activity activity;
  std::vector<Entitlement> entitlements;  // by id
  std::vector<Payout> payouts;            // by payout id
  std::vector<Flag> flags;
  std::vector<PaySpeed> pay_speeds;  // of every award that became owed, in entitlement id order
  std::vector<Decline> declines;     // in timeline order; only when asked for (DeriveCarrier)

  AssessmentClass assessment_class() const;
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_OUTCOME_H_
