#include "domain/views/timeline.h"

#include <algorithm>
#include <deque>
#include <set>

#include "domain/views/derive.h"

namespace hatchery::domain {
namespace {

bool OnTimeline(const Fact* a, const Fact* b) {
  return a->effective != b->effective ? a->effective < b->effective : a->seq < b->seq;
}

// `facts` (in seq order) with `next` in its place on the timeline.
std::vector<const Fact*> Timeline(std::vector<const Fact*> facts, const Fact& next) {
  std::stable_sort(facts.begin(), facts.end(), OnTimeline);
  facts.insert(std::upper_bound(facts.begin(), facts.end(), &next, OnTimeline), &next);
  return facts;
}

const Breach* BreachOf(const Walk& walk, std::uint64_t seq) {
  for (const Breach& b : walk.breaches()) {
    if (b.seq == seq) return &b;
  }
  return nullptr;
}

// Rule 2: the first fact `after` (the walk with `added`) finds invalid that `before` (the walk
// without it) did not, charged to `added`.
std::optional<Breach> FirstInvalidated(const Walk& before, const Walk& after, const Fact& added) {
  std::set<std::uint64_t> already;
  for (const Breach& b : before.breaches()) already.insert(b.seq);
  for (const Breach& b : after.breaches()) {
    if (b.seq == added.seq || already.contains(b.seq)) continue;
    Breach charged = b;
    charged.seq = added.seq;
    charged.message = "dated " + FormatDate(added.effective) + ", this would make recorded event " +
                      std::to_string(b.seq) + " invalid at its place: " + b.message;
    charged.values["would_invalidate"] = b.seq;
    if (std::find(charged.facts.begin(), charged.facts.end(), b.seq) == charged.facts.end())
      charged.facts.push_back(b.seq);
    return charged;
  }
  return std::nullopt;
}

// Whether judging each fact of `carrier` under `cut` at the end of what was recorded before it is
// the same as judging it in the walk of the whole cut: no retraction, every fact dated on or after
// the facts recorded before it, and every ruleset recorded before the facts it governs.
bool RecordedInOrder(const StreamFacts& carrier, const Policy& policy, const Cut& cut) {
  if (!policy.Whole()) return false;
  Date latest = 0;
  for (const Fact& f : carrier.facts) {
    if (f.seq > cut.max_seq) break;
    if (std::holds_alternative<EventRetracted>(f.body) || f.effective < latest) return false;
    latest = f.effective;
  }
  for (const Ruleset* rs : policy.rulesets()) {
    for (const Fact& f : carrier.facts) {
      if (f.seq > rs->seq || f.seq > cut.max_seq) break;
      if (f.effective >= rs->effective_from) return false;
    }
  }
  return true;
}

// The slow path of TimelineConflicts: every fact judged on the walk of what was recorded before
// it, walked again whenever the fact is back-dated, something was retracted, or a ruleset was
// recorded; walks once more only then.
std::vector<Breach> ReplayAppends(const StreamFacts& carrier, const Policy& policy,
                                  const Cut& cut) {
  std::vector<Breach> conflicts;
  std::vector<const Fact*> history;  // recorded so far, seq order, retracted ones left out
  std::deque<Policy> policies;       // deque: a walk keeps a pointer to its policy
  std::optional<Walk> end;           // the walk of `history`, when current
  for (const Fact& f : carrier.facts) {
    if (f.seq > cut.max_seq) break;
    if (auto* r = std::get_if<EventRetracted>(&f.body)) {
      std::erase_if(history, [&](const Fact* h) { return h->seq == r->retracted_seq; });
      end.reset();
      continue;
    }
    Policy now = policy.Recorded(f.seq);
    if (policies.empty() || now.rulesets() != policies.back().rulesets()) {
      policies.push_back(std::move(now));
      end.reset();
    }
    std::optional<Breach> breach = JudgeRecordedDay(f);
    if (end && f.effective >= end->last_effective()) {
      auto own = end->Judge(f);
      if (!breach) breach = std::move(own);
      end->Step(f);
    } else {
      if (!end) {
        std::vector<const Fact*> before = history;
        std::stable_sort(before.begin(), before.end(), OnTimeline);
        end.emplace(policies.back(), carrier.carrier_id);
        end->Run(before);
      }
      Walk after(policies.back(), carrier.carrier_id);
      after.Run(Timeline(history, f));
      if (!breach) {
        if (const Breach* own = BreachOf(after, f.seq)) breach = *own;
      }
      if (!breach && !VoidsWhatFollows(f)) breach = FirstInvalidated(*end, after, f);
      end = std::move(after);
    }
    history.push_back(&f);
    if (breach) conflicts.push_back(std::move(*breach));
  }
  return conflicts;
}

}  // namespace

std::optional<Breach> JudgeRecordedDay(const Fact& fact) {
  if (fact.effective <= NextDay(fact.recorded)) return std::nullopt;
  return Breach{
      fact.seq,
      "effective_date_not_in_future",
      "effective_date " + FormatDate(fact.effective) + " is after the day it is recorded (" +
          FormatDate(fact.recorded) +
          ", one day's grace): an act is recorded once it has happened; a planned date is "
          "data, never an effective date",
      {},
      {{"effective_date", FormatDate(fact.effective)}, {"recorded_on", FormatDate(fact.recorded)}}};
}

bool VoidsWhatFollows(const Fact& fact) {
  if (std::holds_alternative<EventRetracted>(fact.body)) return true;
  auto* r = std::get_if<AccreditationRevoked>(&fact.body);
  return r && r->reason == RevocationReason::kMisconduct;
}

std::optional<Breach> JudgeAppend(const StreamFacts& carrier, const Policy& policy,
                                  const Walk& state, const Fact& candidate) {
  if (candidate.effective >= state.last_effective()) return state.Judge(candidate);
  Walk after(policy, carrier.carrier_id);
  after.Run(Timeline(CountingFacts(carrier, Cut{}), candidate));
  if (const Breach* own = BreachOf(after, candidate.seq)) return *own;
  if (VoidsWhatFollows(candidate)) return std::nullopt;
  return FirstInvalidated(state, after, candidate);
}

std::optional<Breach> JudgeRulesetAppend(
    const FactBase& facts, const Policy& policy,
    const std::function<const Walk*(std::string_view carrier_id)>& state, const Ruleset& ruleset,
    const Fact& candidate) {
  Policy with = policy.With(ruleset);
  for (const auto& [id, index] : facts.carrier_index()) {
    const StreamFacts& carrier = facts.stream(index);
    std::vector<const Fact*> counting = CountingFacts(carrier, Cut{});
    // Only a carrier with facts the new ruleset governs can change.
    if (counting.empty() || counting.back()->effective < ruleset.effective_from) continue;
    const Walk* before = state(id);
    Walk after(with, id);
    after.Run(counting);
    if (auto breach = FirstInvalidated(*before, after, candidate)) return breach;
  }
  return std::nullopt;
}

std::vector<Breach> TimelineConflicts(const StreamFacts& carrier, const Policy& policy,
                                      const Cut& cut, const Walk& walk) {
  std::vector<Breach> conflicts;
  if (RecordedInOrder(carrier, policy, cut)) {
    auto breach = walk.breaches().begin();
    for (const Fact& f : carrier.facts) {
      if (f.seq > cut.max_seq) break;
      if (cut.effective_on && f.effective > *cut.effective_on) continue;
      while (breach != walk.breaches().end() && breach->seq < f.seq) ++breach;
      if (auto day = JudgeRecordedDay(f)) {
        conflicts.push_back(std::move(*day));
      } else if (breach != walk.breaches().end() && breach->seq == f.seq) {
        conflicts.push_back(*breach);
      }
    }
    return conflicts;
  }
  auto retracted = RetractionsIn(carrier, cut);
  for (Breach& b : ReplayAppends(carrier, policy, cut)) {
    const Fact* f = carrier.Find(b.seq);
    if (retracted.contains(b.seq) || (cut.effective_on && f->effective > *cut.effective_on))
      continue;
    conflicts.push_back(std::move(b));
  }
  return conflicts;
}

}  // namespace hatchery::domain
