// Derivation: what the facts of one carrier mean under the policy, as of a Cut. This is where the
// money rules R1–R6 of TCB-2023-2 §3.1 and the interpretations of POLICY.md live.
//
// Rules work on the facts ordered by (effective_date, seq), not by arrival: an earlier
// evaluation recorded late changes which evaluation is "first". A retraction works on recorded
// time: once it is inside the cut, its target counts as never having happened, and what was
// derived from the target is voided (with disbursed money turned into a claw-back due).
//
// Pure functions of their arguments; thread-safe.
#ifndef HATCHERY_DOMAIN_VIEWS_DERIVE_H_
#define HATCHERY_DOMAIN_VIEWS_DERIVE_H_

#include <optional>
#include <vector>

#include "domain/fold/fact_base.h"
#include "domain/views/cut.h"
#include "domain/views/outcome.h"
#include "domain/views/walk.h"

namespace hatchery::domain {

// The facts of `carrier` that count under `cut` — inside it on both axes, neither retracted nor a
// retraction — ordered by (effective date, seq): what every rule works on.
std::vector<const Fact*> CountingFacts(const StreamFacts& carrier, const Cut& cut);

// The outcome for `carrier`, or nullopt if it is not registered within the cut and no money moved
// on it (one whose registration was retracted after money moved stays, registered_seq 0): the walk
// of its
// counting facts (walk.h), the rows of entitlements that retractions or later facts undid (kept
// voided, with their money), and among its flags every timeline_conflict (timeline.h).
// `declines`: with the outcome's declines (for explain's why-not).
std::optional<CarrierOutcome> DeriveCarrier(const StreamFacts& carrier, const Policy& policy,
                                            const Cut& cut, bool declines = false);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_DERIVE_H_
