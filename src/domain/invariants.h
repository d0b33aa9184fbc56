// The invariants of EVENTS.md checked at append, against the live state. A broken invariant is
// answered kRuleViolation with details {"invariant": <name>, "facts": {...}} naming what broke it.
//
// Invariant names: ruleset_id_unique, ruleset_effective_from_increases, first_event_of_stream,
// carrier_exists, category_fits_kind, level_not_held, level_held, level_held_or_held_before,
// one_grade_per_year, provider_accredited, id_unique, station_exists,
// fund_size_covers_social_capital, entitlement_of_stream_carrier, entitlement_active,
// payout_within_outstanding, payout_approved, payout_not_disbursed, four_eyes, clawback_within_due,
// retraction_target_exists, retraction_target_not_retraction, not_already_retracted.
#ifndef HATCHERY_DOMAIN_INVARIANTS_H_
#define HATCHERY_DOMAIN_INVARIANTS_H_

#include <functional>
#include <string_view>

#include "domain/derive.h"
#include "domain/fact_base.h"
#include "hatchery/event.h"

namespace hatchery::domain {

// The derived state of a carrier with every fact so far (null if not registered). Only its
// standing (derive.h, ChangesStanding) need be current: the invariants read nothing else.
using OutcomeLookup = std::function<const CarrierOutcome*(std::string_view carrier_id)>;

// `command` has passed Validate (schema and envelope). Errors: kRuleViolation.
Status CheckInvariants(const AppendCommand& command, const Actor& actor, const FactBase& facts,
                       const OutcomeLookup& outcome);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_INVARIANTS_H_
