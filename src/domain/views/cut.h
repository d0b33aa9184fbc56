// A Cut: which facts count for a projection — recorded time (events up to a seq, "as known
// at") and business time (facts effective on or before a date, "effective on") — and the
// rulesets in force under it.
//
// Value types; thread-compatible.
#ifndef HATCHERY_DOMAIN_VIEWS_CUT_H_
#define HATCHERY_DOMAIN_VIEWS_CUT_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "domain/fold/fact_base.h"

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
  // The parameters that hold on `date`: those of the ruleset in force, or, before any, the
  // defaults (a default-constructed Ruleset: POLICY.md's grade scales, deadlines and targets).
  const Ruleset& ParamsOn(Date date) const;
  // The deadline of the annual report for `year`: (year+1)-MM-DD, the report_deadline of the
  // ruleset in force at the end of `year` (03-31 when none is).
  Date ReportDeadline(int year) const;
  const std::vector<const Ruleset*>& rulesets() const { return rulesets_; }
  // The same cut as it stood once event `max_seq` (≤ the cut's) was recorded: the rulesets
  // recorded by then, less those retracted by then.
  Policy Until(std::uint64_t max_seq) const;
  // The rulesets an append after event `max_seq` was judged under: Until(max_seq) without the
  // cut's business-time bound (an append is judged on everything recorded).
  Policy Recorded(std::uint64_t max_seq) const;
  // This policy with `ruleset` (not yet recorded) activated too.
  Policy With(const Ruleset& ruleset) const;
  // Whether every ruleset recorded within the cut is in force under it and none was retracted:
  // then Recorded(seq) and Until(seq) agree for every seq of the cut.
  bool Whole() const;

 private:
  struct Entry {
    const Ruleset* ruleset;
    Date activated_on;           // the activation event's effective date
    std::uint64_t retracted_by;  // 0: not retracted
  };
  Policy(std::vector<Entry> entries, std::optional<Date> effective_on);
  std::vector<Entry> entries_;  // every ruleset recorded within the cut, by seq
  std::optional<Date> effective_on_;
  std::vector<const Ruleset*> rulesets_;
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_VIEWS_CUT_H_
