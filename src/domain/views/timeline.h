// The one-timeline rule (EVENTS.md, "One timeline: when an event is valid"). An append is accepted
// only if
//   0. its effective date is not after the day it is recorded (one day's grace for time zones);
//   1. it is valid at its own place on its carrier's effective timeline (walk.h judges a place);
//   2. no recorded event becomes invalid at its place — EventRetracted and a revocation for
//      misconduct exempt, whose purpose is to void what follows.
// The writer applies the rule to each append (JudgeAppend); a store written before the rule may
// hold events that break it, which TimelineConflicts finds again, so that `verify` and the
// compliance view name them (timeline_conflict).
//
// Pure functions; thread-safe.
#ifndef HATCHERY_DOMAIN_VIEWS_TIMELINE_H_
#define HATCHERY_DOMAIN_VIEWS_TIMELINE_H_

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/views/walk.h"

namespace hatchery::domain {

// Rule 0: the breach (effective_date_not_in_future) of a fact dated after the day after it was
// recorded, or nullopt.
std::optional<Breach> JudgeRecordedDay(const Fact& fact);

// Whether `fact` is exempt from rule 2: a retraction, or a revocation for misconduct.
bool VoidsWhatFollows(const Fact& fact);

// Rules 1 and 2 for `candidate`, the next fact of `carrier` (its seq after every recorded one; not
// in the stream), under `policy` (every ruleset recorded). `state` is the walk of the carrier's
// counting facts (derive.h CountingFacts, no cut), at their end. A candidate dated on or after
// every fact walked stands at the end of the timeline and only its own place is judged; one dated
// earlier walks the carrier again with it in place, and every later fact is judged anew.
// Returns the candidate's own breach; or, for the first recorded fact it would make invalid, that
// fact's breach charged to the candidate (values.would_invalidate = the fact's seq); or nullopt.
std::optional<Breach> JudgeAppend(const StreamFacts& carrier, const Policy& policy,
                                  const Walk& state, const Fact& candidate);

// Rule 2 for `ruleset`, not yet recorded, activated by `candidate`: the first recorded fact of any
// carrier it would make invalid (a back-dated effective_from changes what earlier acts earned),
// charged to the candidate; or nullopt. `state` gives each carrier's walk as JudgeAppend's.
std::optional<Breach> JudgeRulesetAppend(
    const FactBase& facts, const Policy& policy,
    const std::function<const Walk*(std::string_view carrier_id)>& state, const Ruleset& ruleset,
    const Fact& candidate);

// The facts of `carrier` under `cut` that rules 0–2 would have refused when they were appended,
// judged on what was recorded before each (and the rulesets recorded by then), in seq order; the
// breach of one that invalidated a recorded fact names it in values.would_invalidate. Facts
// retracted within the cut are corrected and left out; under a business-time cut, only facts
// effective by then. `walk` is the walk of the cut's counting facts (DeriveCarrier's): when every
// fact was recorded in effective order its breaches are the answer and nothing is walked again.
// `policy` is the cut's.
std::vector<Breach> TimelineConflicts(const StreamFacts& carrier, const Policy& policy,
                                      const Cut& cut, const Walk& walk);

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_TIMELINE_H_
