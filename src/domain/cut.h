// A Cut: which facts count for a projection — recorded time (events up to a seq, "as known
// at") and business time (facts effective on or before a date, "effective on") — and the
// rulesets in force under it.
//
// Value types; thread-compatible.
#ifndef HATCHERY_DOMAIN_CUT_H_
#define HATCHERY_DOMAIN_CUT_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "domain/fact_base.h"

namespace hatchery::domain {

// Which facts count: recorded time (events 1..max_seq) and business time (effective on or before
// effective_on). `today` is the date deadlines are judged on: effective_on when given, else the
// latest effective date among the events in the cut.
struct Cut {
  std::uint64_t max_seq = std::numeric_limits<std::uint64_t>::max();
  std::optional<Date> effective_on;
  Date today = 0;
};

// Builds the cut of `facts` with `max_seq` and `effective_on`, today filled in.
Cut MakeCut(const FactBase& facts, std::optional<std::uint64_t> max_seq,
            std::optional<Date> effective_on);

// The retractions of `stream` inside `cut`: seq of each retracted event → seq of its retraction.
std::map<std::uint64_t, std::uint64_t> RetractionsIn(const StreamFacts& stream, const Cut& cut);

// The rulesets in force under a cut, ordered by (effective_from, seq).
class Policy {
 public:
  Policy(const StreamFacts& policy_stream, const Cut& cut);
  // The ruleset in force on `date`: the last one whose effective_from is on or before it.
  const Ruleset* InForce(Date date) const;
  const std::vector<const Ruleset*>& rulesets() const { return rulesets_; }
  // Only the rulesets recorded by `max_seq` (an earlier cut on the recorded-time axis).
  Policy Until(std::uint64_t max_seq) const;

 private:
  Policy() = default;
  std::vector<const Ruleset*> rulesets_;
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_CUT_H_
