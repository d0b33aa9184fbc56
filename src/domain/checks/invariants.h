// The invariants of EVENTS.md, and of the types docs/domain.md adds, checked at append. Those a
// place on the effective timeline decides are judged by the one-timeline rule (timeline.h:
// effective_date_not_in_future, and walk.h: carrier_exists at the event's date, level_not_held,
// level_held, level_held_or_held_before, one_grade_per_year, grade_on_scale, provider_accredited,
// station_exists, station_open, broker_not_at_station, broker_at_station, agreement_in_force,
// investor_not_resident, investor_resident, entitlement_active, payout_within_outstanding,
// payout_approved, payout_not_disbursed, four_eyes, clawback_within_due); the others here:
// ruleset_id_unique, ruleset_effective_from_increases, first_event_of_stream, carrier_exists
// (registered at all), category_fits_kind, category_fits_host, id_unique, station_exists /
// station_open / agreement_in_force (another carrier's workstation or agreement),
// fund_size_covers_social_capital, entitlement_of_stream_carrier, retraction_target_exists,
// retraction_target_not_retraction, not_already_retracted, recovered_within_disbursed (a
// retraction of a payout's approval or disbursement must leave its entitlement's claw-backs covered
// by what stays disbursed).
//
// A broken invariant is answered kRuleViolation with details {"invariant": <name>, "facts":
// [seq, ...] (the recorded events that break it), "would_invalidate": seq (only when the event,
// back-dated, would make that recorded event invalid), and the values involved, by name}.
#ifndef HATCHERY_DOMAIN_CHECKS_INVARIANTS_H_
#define HATCHERY_DOMAIN_CHECKS_INVARIANTS_H_

#include <functional>
#include <string_view>

#include "domain/fold/fact_base.h"
#include "domain/views/walk.h"
#include "hatchery/event.h"

namespace hatchery::domain {

// What an append is judged on: every event applied so far.
struct LiveState {
  const FactBase& facts;
  const Policy& policy;  // every ruleset recorded, no cut
  // The walk of a carrier's counting facts (derive.h CountingFacts, no cut), at their end; null
  // when the carrier has no facts.
  std::function<const Walk*(std::string_view carrier_id)> carrier;
};

// `command` has passed Validate (schema and envelope) and would be recorded at `recorded_at`
// (RFC 3339) by `actor`. Errors: kRuleViolation.
Status CheckInvariants(const AppendCommand& command, const Actor& actor,
                       std::string_view recorded_at, const LiveState& live);

// The kRuleViolation answering `breach`.
Status ViolationOf(const Breach& breach);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_CHECKS_INVARIANTS_H_
