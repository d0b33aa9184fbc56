// A reference model of the append rules and the money of EVENTS.md ("One timeline: when an event
// is valid", "Derived") and POLICY.md (R1–R6 of TCB-2023-2 with its default params), written from
// the contract alone: it shares no code with src/domain. It is deliberately naive — every
// decision rebuilds the carrier's whole effective timeline from the recorded facts — because the
// histories it judges are short and clarity is the point.
//
// Dates are "YYYY-MM-DD" strings, which compare in date order.
#ifndef HATCHERY_TESTS_TIMELINE_MODEL_H_
#define HATCHERY_TESTS_TIMELINE_MODEL_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace hatchery::testing::model {

// The ruleset TCB-2023-2 is in force from this date ("newly" accredited, POLICY.md).
inline constexpr const char* kRulesetEffectiveFrom = "2023-03-27";

// One event, as the model reads it: the envelope fields and the data fields the rules look at.
// Fields a type does not have stay empty.
struct Fact {
  std::uint64_t seq = 0;       // set when recorded
  std::string stream;          // "carrier/<id>"
  std::string type;            // EVENTS.md type name
  std::string effective_date;  // YYYY-MM-DD
  std::string actor;           // actor id
  std::string os_user;         // actor.os_user of a local write ("" for a server's)

  std::string kind;         // CarrierRegistered
  std::string level, mode;  // AccreditationGranted / -Revoked / EvaluationRecorded
  std::string reason;       // AccreditationRevoked, CooperationAgreementEnded
  std::string grade;        // EvaluationRecorded
  int year = 0;             // EvaluationRecorded, AnnualReportSubmitted
  // payout_id (PayoutApproved/-Disbursed), filing_id, agreement_id (CooperationAgreement*),
  // investor_id (ResidentInvestor*), support_id (CityFundSupportGranted), fund_id (FundEstablished)
  std::string id;
  std::string entitlement_id;  // PayoutApproved, ClawbackRecovered
  // PayoutApproved, ClawbackRecovered, CityFundSupportGranted; size_fen (FundEstablished);
  // credit_line_fen (CooperationAgreementSigned, 0 when it names none)
  std::int64_t amount_fen = 0;
  std::uint64_t retracted_seq = 0;  // EventRetracted
  std::string recipient;            // BrandOutputFiled / -Started: the recipient's name
  std::string planned_start;        // BrandOutputFiled (YYYY-MM-DD); a start's filing is `id`
  // partner.kind (CooperationAgreementSigned: bank / guarantor / investment_institution),
  // investor_type (ResidentInvestorJoined), city_fund (CityFundSupportGranted), fund_type
  // (FundEstablished)
  std::string finance_kind;
  std::int64_t social_capital_fen = 0;  // FundEstablished
  // Brokers' work (§2.4): the workstation every broker event names (BrokerWorkstationOpened's is
  // also its `id`; TechTransferDealRecorded's `id` is its deal_id and `amount_fen` its amount),
  // the broker of BrokerQualified / BrokerLeft (and of a deal that names one), a closure's or a
  // leave's `reason`, where a broker moved to (BrokerLeft, optional) and a deal's contract kind.
  std::string station_id;
  std::string broker_ref;
  std::string to_station_id;
  std::string contract_kind;

  // The carrier of a "carrier/<id>" stream ("" otherwise).
  std::string carrier() const;
};

// One line describing `fact`, e.g. "#7 carrier/c1 2024-05-01 PayoutApproved p1 R1:c1 5000 by x".
std::ostream& operator<<(std::ostream& os, const Fact& fact);

// The model's answer to an append.
struct Verdict {
  bool accepted = true;
  // When refused: the names of the invariants broken — by the new event at its place (case 1)
  // and by each recorded event it would newly invalidate (case 2). The store names one of them.
  std::set<std::string> broken;
  std::uint64_t would_invalidate = 0;  // case 2 alone: the first such event on the timeline
};
std::ostream& operator<<(std::ostream& os, const Verdict& verdict);

// One row of the entitlements view, as the model derives it at the full cut.
struct EntitlementRow {
  std::string entitlement_id;
  std::string status;  // pending | active | voided
  // True if the entitlement is derived at the end of the timeline. A row that is not (money on an
  // entitlement that is no longer derived, or a retracted grant's award) is "voided" and its
  // amount_fen is not known to the model (0).
  bool derived = false;
  std::int64_t amount_fen = 0, approved_fen = 0, disbursed_fen = 0, recovered_fen = 0;
};

// An annual-report flag of one carrier (EVENTS.md "Derived"): "missing_annual_report" or
// "late_annual_report", the report's year and, for a late one, the days after the deadline.
struct ReportFlag {
  std::string flag;
  int year = 0;
  long days_late = 0;
  auto operator<=>(const ReportFlag&) const = default;
};

// A slow payout (issue 24, §4.2): an active award not paid in full within 90 days of becoming owed.
struct SlowPayout {
  std::string entitlement_id;
  long days = 0;  // to the payment in full, or to `today` while not paid in full
  bool paid_in_full = false;
  auto operator<=>(const SlowPayout&) const = default;
};

// How fast an award that became owed reached its money (§4.2, issue 24): the day it last became
// active, and the days its approvals, and its disbursements, first added up to its amount ("" if
// they have not).
struct PaySpeed {
  std::string entitlement_id, owed_on, approved_in_full_on, paid_in_full_on;
  long approval_days = 0, payment_days = 0;  // from owed_on to each ("" : 0)
};

// A brand-output flag of one carrier (§3.2, issue 24): "unfiled_brand_output" (days 0) or
// "brand_output_off_schedule" with the days from the filing's planned start (negative: before).
struct BrandFlag {
  std::string flag;
  long days = 0;
  auto operator<=>(const BrandFlag&) const = default;
};

struct AwardTimes;  // timeline_model.cc

// The recorded history of one store, as far as the model knows it (the store's other events —
// the ruleset activation — are the default ruleset and nothing else).
class Model {
 public:
  // `next_seq`: the seq the store gives its next event.
  explicit Model(std::uint64_t next_seq) : next_seq_(next_seq) {}

  // Whether `proposed` (its seq is ignored: it would be next_seq()) may be appended now.
  Verdict Decide(const Fact& proposed) const;
  // Records `fact` as the store recorded it (fact.seq ≥ next_seq()), without judging it.
  void Record(const Fact& fact);

  std::uint64_t next_seq() const { return next_seq_; }
  const std::vector<Fact>& facts() const { return facts_; }
  // Whether a recorded EventRetracted names `seq`.
  bool IsRetracted(std::uint64_t seq) const;

  // The entitlement rows of `carrier_id` with every recorded event (the full cut), by id.
  std::vector<EntitlementRow> Entitlements(const std::string& carrier_id) const;
  // The levels `carrier_id` holds at the end of its timeline.
  std::set<std::string> LevelsHeld(const std::string& carrier_id) const;
  // The workstations of `carrier_id` open at the end of its timeline, each with the brokers at it.
  std::map<std::string, std::set<std::string>> OpenStations(const std::string& carrier_id) const;
  // Why rule `rule_id` gave `carrier_id` nothing for each grant at its level, in timeline order
  // (POLICY.md's interpretations): "pre_policy" (before the ruleset, a grant otherwise eligible),
  // "mode_not_eligible" (filed where only accredited counts), "one_time" (the rule already fired
  // or lapsed), and "first_evaluation_not_excellent" (R5/R6: the first regional evaluation after
  // the approval, taken while the award is pending). Empty when nothing was declined. With
  // `after_award`, only those after the grant that fired the rule (what an explanation of the award
  // lists).
  std::vector<std::string> Declines(const std::string& carrier_id, const std::string& rule_id,
                                    bool after_award = false) const;
  // The annual-report flags of `carrier_id` with every recorded event, on the day `today` (only
  // facts effective on or before it are known): a report for year Y is due by (Y+1)-03-31 from a
  // carrier registered by the end of Y once the ruleset is in force at the end of Y; missing while
  // none has come after the deadline, late (with the days) once the first came after it.
  std::vector<ReportFlag> ReportFlags(const std::string& carrier_id,
                                      const std::string& today) const;
  // The slow payouts of `carrier_id` on the day `today` (facts effective on or before it): each
  // award active at the end of that timeline, owed since it became active (its grant, or for R5/R6
  // the excellent evaluation), whose disbursements (in date order) reached its amount more than 90
  // days after, or had not by `today` when that is more than 90 days after.
  std::vector<SlowPayout> SlowPayouts(const std::string& carrier_id,
                                      const std::string& today) const;
  // The pay speed of every award of `carrier_id` that became owed, on the day `today` (facts
  // effective on or before it), by id.
  std::vector<PaySpeed> PaySpeeds(const std::string& carrier_id, const std::string& today) const;
  // The brand-output flags of `carrier_id` on the day `today` (only for starts after the carrier's
  // registration on the timeline): a start is covered by the filing it
  // names if that was filed before it (on the timeline) for the same recipient, or, naming none,
  // by the latest earlier filing for its recipient on the timeline — else unfiled; a covered start
  // before the filing's planned start or more than 180 days after it is off schedule.
  std::vector<BrandFlag> BrandFlags(const std::string& carrier_id, const std::string& today) const;
  // The carrier's kind as registered ("" when its registration is retracted or missing).
  std::string KindOf(const std::string& carrier_id) const;
  // The registration date of `carrier_id` ("" when its registration is retracted or missing).
  std::string RegisteredOn(const std::string& carrier_id) const;
  // The finance-link measures (docs/domain.md "Finance links", §3.3) of `carrier_id` for `year`
  // with every recorded event, each of them (0 when nothing counts). Counted in the year of the
  // event's effective date: funds_established, funds_seed / _angel / _venture, funds_size_fen,
  // funds_social_capital_fen, agreements_signed, agreements_ended, investors_joined,
  // investors_left, city_fund_supports, city_fund_support_fen — an end of an agreement not in
  // force, a join of an investor already resident and a leave of one not resident change nothing
  // and count nowhere. On 31 December of the year, on the timeline: agreements_bank,
  // agreements_guarantor, agreements_investment (in force, by partner kind), credit_line_fen (of
  // those in force) and investors_resident.
  std::map<std::string, std::int64_t> FinanceMeasures(const std::string& carrier_id,
                                                      int year) const;
  // The brokers'-work measures (docs/domain.md "Brokers' work", §2.4) of `carrier_id` for
  // `year` with every recorded event, each of them (0 when nothing counts). Counted in the year of
  // the event's effective date: workstations_opened, workstations_closed (of an open one),
  // brokers_qualified, brokers_left (every end of a broker's spell: a BrokerLeft, and each broker
  // at a workstation when it closes) — acts the place rules (station_exists, station_open,
  // broker_not_at_station, broker_at_station) refuse change nothing and count nowhere — and deals
  // and deal_fen (each a workstation's figure: those at a workstation open at the deal's place,
  // whether or not the broker they name is at it). On 31 December of the year, on the timeline:
  // workstations_total (open) and brokers_total (at an open workstation, each workstation's
  // brokers counted).
  std::map<std::string, std::int64_t> BrokerMeasures(const std::string& carrier_id, int year) const;

 private:
  // Each award the carrier's timeline up to `today` derives, with its times (timeline_model.cc).
  std::map<std::string, AwardTimes> Times(const std::string& carrier_id,
                                          const std::string& today) const;

  std::vector<Fact> facts_;  // in seq order
  std::uint64_t next_seq_;
};

}  // namespace hatchery::testing::model

#endif  // HATCHERY_TESTS_TIMELINE_MODEL_H_
