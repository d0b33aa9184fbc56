// Walk: one carrier's facts taken one at a time along the effective timeline — (effective_date,
// seq) order, EVENTS.md "One timeline" — applying the policy as they come. The walk's state after
// some facts is the carrier as it stands at that place: what the next fact is judged on (Judge),
// and, at the end, the carrier's outcome (Finish; derive.h puts the pieces together).
//
// Validity and money are both read off this one walk, so they cannot disagree: a payout is valid
// if its entitlement is active at the payout's place and the approvals before it leave room for
// it; the money of an entitlement is every payout naming it, wherever on the timeline it stands.
//
// Thread-compatible value type; `policy` must outlive the walk.
#ifndef HATCHERY_DOMAIN_VIEWS_WALK_H_
#define HATCHERY_DOMAIN_VIEWS_WALK_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/views/cut.h"
#include "domain/views/outcome.h"

namespace hatchery::domain {

// Why a fact is not valid at its place on the timeline: the invariant it breaks (the names of
// invariants.h), what is wrong in words, the recorded facts that make it so, and the values
// involved (e.g. {"entitlement_id": "R2:x1", "outstanding_fen": 0}).
struct Breach {
  std::uint64_t seq = 0;  // the fact judged
  std::string invariant;
  std::string message;
  std::vector<std::uint64_t> facts;
  boost::json::object values;
};

// The money named on one entitlement id by the facts walked so far, whether or not an entitlement
// with that id is derived at that place.
struct Tally {
  std::int64_t approved = 0, disbursed = 0, recovered = 0;
  std::uint64_t first_seq = 0;  // the first approval or claw-back naming it (0: none)
};

class Walk {
 public:
  // `declines`: keep the outcome's declines (CarrierOutcome::declines), which only explain reads.
  Walk(const Policy& policy, std::string carrier_id, bool declines = false);

  // Why `fact`, taken next, would not be valid at this place, or nullopt. Judges the invariants a
  // place on the timeline decides; those that do not depend on it (ids unique across carriers, a
  // fund's size, the stream's carrier) are invariants.h's.
  std::optional<Breach> Judge(const Fact& fact) const;
  // Judges `fact` (keeping its breach, if any) and applies it. Facts must come in timeline order;
  // retractions are not facts of the timeline (the walker leaves them and their targets out).
  void Step(const Fact& fact);
  void Run(const std::vector<const Fact*>& facts);

  bool registered() const { return out_.registered_seq != 0; }
  Kind kind() const { return out_.kind; }
  // As registered, with the amendments taken so far.
  const Profile& profile() const { return out_.profile; }
  // The effective date of the last fact taken (0 before the first): a fact dated on or after it,
  // with a higher seq, stands at the end of the timeline.
  Date last_effective() const { return last_effective_; }
  // The breach of every fact taken that was not valid at its place, in timeline order.
  const std::vector<Breach>& breaches() const { return breaches_; }
  const std::map<std::string, Entitlement>& entitlements() const { return ents_; }
  const std::map<std::string, Tally>& tallies() const { return tallies_; }

  // The carrier's outcome: `ents` (this walk's entitlements, with any that other walks found) each
  // with the money its tally holds, the payouts (void when their entitlement is not active), the
  // flags, and the annual reports missing by `today`.
  CarrierOutcome Finish(std::map<std::string, Entitlement> ents, Date today) &&;

 private:
  void On(const Fact& f, const Registered& r);
  void On(const Fact& f, const ProfileAmended& a);
  void On(const Fact& f, const AccreditationGranted& g);
  void On(const Fact& f, const AccreditationRevoked& r);
  void On(const Fact& f, const EvaluationRecorded& e);
  void On(const Fact& f, const BrandOutputFiled& b);
  void On(const Fact& f, const BrandOutputStarted& s);
  void On(const Fact& f, const BrokerWorkstationOpened& w);
  void On(const Fact& f, const BrokerQualified& b);
  void On(const Fact& f, const BrokerWorkstationClosed& c);
  void On(const Fact& f, const BrokerLeft& l);
  void On(const Fact& f, const TechTransferDealRecorded& d);
  void On(const Fact& f, const FundEstablished& fund);
  void On(const Fact& f, const AgreementSigned& a);
  void On(const Fact& f, const AgreementEnded& e);
  void On(const Fact& f, const InvestorJoined& j);
  void On(const Fact& f, const InvestorLeft& l);
  void On(const Fact& f, const CityFundSupportGranted& g);
  void On(const Fact& f, const AnnualReportSubmitted& r);
  void On(const Fact& f, const PayoutApproved& p);
  void On(const Fact& f, const PayoutDisbursed& d);
  void On(const Fact& f, const ClawbackRecovered& c);
  void On(const Fact&, const EventRetracted&) {}
  void On(const Fact&, const RulesetActivated&) {}
  void On(const Fact&, const LedgerPromoted&) {}

  std::optional<Breach> JudgeBody(const Fact& f, const AccreditationGranted& g) const;
  std::optional<Breach> JudgeBody(const Fact& f, const AccreditationRevoked& r) const;
  std::optional<Breach> JudgeBody(const Fact& f, const EvaluationRecorded& e) const;
  std::optional<Breach> JudgeBody(const Fact& f, const BrandOutputFiled& b) const;
  std::optional<Breach> JudgeBody(const Fact& f, const BrokerQualified& b) const;
  std::optional<Breach> JudgeBody(const Fact& f, const BrokerWorkstationClosed& c) const;
  std::optional<Breach> JudgeBody(const Fact& f, const BrokerLeft& l) const;
  std::optional<Breach> JudgeBody(const Fact& f, const TechTransferDealRecorded& d) const;
  // station_open: `station_id` was opened at this carrier by `f`'s date and is not closed; one
  // never opened breaks `never_opened` instead.
  std::optional<Breach> StationOpen(const Fact& f, const std::string& station_id,
                                    std::string_view never_opened = "station_open") const;
  // broker_at_station: `broker_ref` works at the open `station_id` on `f`'s date.
  std::optional<Breach> BrokerAt(const Fact& f, const std::string& station_id,
                                 const std::string& broker_ref) const;
  // The station `station_id` opened so far, or null.
  Station* FindStation(const std::string& station_id);
  const Station* FindStation(const std::string& station_id) const;
  std::optional<Breach> JudgeBody(const Fact& f, const AgreementEnded& e) const;
  std::optional<Breach> JudgeBody(const Fact& f, const InvestorJoined& j) const;
  std::optional<Breach> JudgeBody(const Fact& f, const InvestorLeft& l) const;
  std::optional<Breach> JudgeBody(const Fact& f, const PayoutApproved& p) const;
  std::optional<Breach> JudgeBody(const Fact& f, const PayoutDisbursed& d) const;
  std::optional<Breach> JudgeBody(const Fact& f, const ClawbackRecovered& c) const;
  template <typename Body>
  std::optional<Breach> JudgeBody(const Fact&, const Body&) const {
    return std::nullopt;
  }

  void Fire(const Rule& rule, const Ruleset& rs, const Fact& f);
  // Keeps a decline (call only when keep_declines_: the detail costs a string each).
  void Declined(const std::string& rule_id, const Fact& f, std::string reason, std::string detail,
                std::vector<std::uint64_t> facts = {});
  void Void(Entitlement* e, const Fact& f, std::string reason);
  const Rule* RuleOf(const Entitlement& e) const;
  void FlagMissingReports(Date today);
  // Adds the profile's operator and county to their histories where `f` changed them (a
  // restatement is no change).
  void NoteProfile(const Fact& f);
  // Fills out_.pay_speeds; an active award not paid in full within the target is slow_payout.
  void TimePayouts(Date today);

  const Policy* policy_;
  bool keep_declines_;
  CarrierOutcome out_;
  Date last_effective_ = 0;
  std::vector<Breach> breaches_;
  std::map<std::string, Entitlement> ents_;
  std::map<std::string, Tally> tallies_;
  std::map<std::string, const Rule*> rules_;  // entitlement id → its rule
  // Rules that fired (or lapsed) for this carrier: rule id → the grant that fired it.
  std::map<std::string, std::uint64_t> spent_;
  std::map<std::string, Payout> payouts_;
  struct Filing {
    std::string recipient_name;
    Date planned_start = 0;
    Date date = 0;  // its effective date
    std::uint64_t seq = 0;
  };
  std::map<std::string, Filing> filings_;  // by filing id, those before the fact walked
  // Station id → its position in out_.activity.stations.
  std::map<std::string, std::size_t> stations_;
  // Agreement id → its position in out_.activity.agreements.
  std::map<std::string, std::size_t> agreements_;
  // Investor id → the position in out_.activity.residences of its present residence.
  std::map<std::string, std::size_t> resident_;
  std::map<Level, std::uint64_t> first_grant_;  // level → the first grant of it (seq)
  std::map<Level, std::pair<std::uint64_t, Grade>> last_evaluation_;
  std::map<Level, std::pair<std::vector<std::uint64_t>, Date>> revocation_due_;
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_WALK_H_
