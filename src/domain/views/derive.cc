#include "domain/views/derive.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "domain/views/timeline.h"

namespace hatchery::domain {
namespace {

constexpr const char* kVoided = "voided";

// The facts of `stream` under `cut`, retractions and the facts in `left_out` left out, ordered by
// (effective date, seq). CountingFacts leaves out the retracted facts; the walk that finds what a
// retraction voided leaves out none.
std::vector<const Fact*> LiveFacts(const StreamFacts& stream, const Cut& cut,
                                   const std::set<std::uint64_t>& left_out) {
  std::vector<const Fact*> live;
  live.reserve(stream.facts.size());
  for (const Fact& f : stream.facts) {
    if (f.seq > cut.max_seq) break;
    if (std::holds_alternative<EventRetracted>(f.body)) continue;
    if (left_out.contains(f.seq)) continue;
    if (cut.effective_on && f.effective > *cut.effective_on) continue;
    live.push_back(&f);
  }
  std::stable_sort(live.begin(), live.end(),
                   [](const Fact* a, const Fact* b) { return a->effective < b->effective; });
  return live;
}

// The entitlement `id` as derived under `cut` (no vanished-entitlement analysis), if any.
std::optional<Entitlement> EntitlementAt(const StreamFacts& carrier, const Policy& policy,
                                         const Cut& cut, const std::string& id) {
  Walk walk(policy, carrier.carrier_id);
  walk.Run(CountingFacts(carrier, cut));
  auto it = walk.entitlements().find(id);
  if (it == walk.entitlements().end()) return std::nullopt;
  return it->second;
}

// `e` as a row kept for its money and history only: voided by event `seq` for `reason`.
Entitlement Vanished(Entitlement e, std::uint64_t seq, Date date, std::string reason) {
  e.status = kVoided;
  e.derived = false;
  e.history.push_back(StatusChange{seq, date, kVoided, std::move(reason)});
  return e;
}

// What the retracted events had created, and the walk of the cut no longer has: voided from the
// retraction on, so that money paid on it becomes a claw-back due.
void AddRetracted(const StreamFacts& carrier, const Policy& policy, const Cut& cut,
                  const std::map<std::uint64_t, std::uint64_t>& retractions,
                  std::map<std::string, Entitlement>* ents) {
  Walk naive(policy, carrier.carrier_id);
  naive.Run(LiveFacts(carrier, cut, {}));
  for (const auto& [id, ghost] : naive.entitlements()) {
    if (ents->contains(id)) continue;
    std::uint64_t by = retractions.begin()->second;
    for (std::uint64_t seq : ghost.seqs) {
      if (auto it = retractions.find(seq); it != retractions.end()) by = it->second;
    }
    const Fact* retraction = carrier.Find(by);
    ents->emplace(id, Vanished(ghost, by, retraction ? retraction->effective : 0,
                               "retracted (event " + std::to_string(by) + ")"));
  }
}

// The row of entitlement `id`, on which money was recorded (first by event `first_seq`) but which
// the cut does not derive: the entitlement as it stood then, voided by the first later event under
// which it is no longer derived (a late-recorded earlier evaluation, a ruleset change); or, if it
// was never derived, a bare voided row, so that the money is still counted once.
Entitlement Undone(const StreamFacts& carrier, const Policy& policy, const Cut& cut,
                   const std::string& id, std::uint64_t first_seq) {
  Cut then = cut;
  then.max_seq = first_seq;
  auto ghost = EntitlementAt(carrier, policy.Until(first_seq), then, id);
  if (!ghost) {
    Entitlement bare;
    bare.id = id;
    bare.carrier_id = carrier.carrier_id;
    bare.rule_id = id.substr(0, id.find(':'));
    const Fact* first = carrier.Find(first_seq);
    bare.triggered_on = first ? first->effective : 0;
    return Vanished(std::move(bare), first_seq, bare.triggered_on,
                    "never derived: money was recorded on an award the facts do not give");
  }
  for (const Fact& f : carrier.facts) {
    if (f.seq <= first_seq) continue;
    if (f.seq > cut.max_seq) break;
    Cut at = cut;
    at.max_seq = f.seq;
    if (!EntitlementAt(carrier, policy.Until(f.seq), at, id)) {
      return Vanished(std::move(*ghost), f.seq, f.effective,
                      "no longer derived after event " + std::to_string(f.seq));
    }
  }
  return Vanished(std::move(*ghost), 0, 0, "no longer derived under a later ruleset");
}

// The kind and profile of a carrier whose registration (its stream's first fact) was retracted.
void KeepIdentity(const StreamFacts& carrier, CarrierOutcome* out) {
  if (carrier.facts.empty()) return;
  if (auto* r = std::get_if<Registered>(&carrier.facts.front().body)) {
    out->kind = r->kind;
    out->profile = *r->profile;
  }
}

Flag ConflictFlag(const StreamFacts& carrier, const Breach& b) {
  const Fact* f = carrier.Find(b.seq);
  std::vector<std::uint64_t> seqs{b.seq};
  for (std::uint64_t s : b.facts) {
    if (s != b.seq) seqs.push_back(s);
  }
  return Flag{carrier.carrier_id, "timeline_conflict", f ? YearOf(f->effective) : 0,
              std::move(seqs), b.invariant + ": " + b.message};
}

}  // namespace

std::vector<const Fact*> CountingFacts(const StreamFacts& carrier, const Cut& cut) {
  std::set<std::uint64_t> retracted;
  for (const auto& [target, by] : RetractionsIn(carrier, cut)) retracted.insert(target);
  return LiveFacts(carrier, cut, retracted);
}

std::optional<CarrierOutcome> DeriveCarrier(const StreamFacts& carrier, const Policy& policy,
                                            const Cut& cut, bool declines) {
  Walk walk(policy, carrier.carrier_id, declines);
  walk.Run(CountingFacts(carrier, cut));
  // A carrier whose registration was retracted after money moved on it stays, unregistered, so
  // that the money is still counted (and its claw-back due shown).
  if (!walk.registered() && walk.tallies().empty()) return std::nullopt;
  std::map<std::string, Entitlement> ents = walk.entitlements();
  if (auto retractions = RetractionsIn(carrier, cut); !retractions.empty()) {
    AddRetracted(carrier, policy, cut, retractions, &ents);
  }
  for (const auto& [id, tally] : walk.tallies()) {
    if (!ents.contains(id)) ents.emplace(id, Undone(carrier, policy, cut, id, tally.first_seq));
  }
  std::vector<Breach> conflicts = TimelineConflicts(carrier, policy, cut, walk);
  CarrierOutcome out = std::move(walk).Finish(std::move(ents), cut.today);
  if (out.registered_seq == 0) KeepIdentity(carrier, &out);
  for (const Breach& b : conflicts) out.flags.push_back(ConflictFlag(carrier, b));
  std::stable_sort(out.flags.begin(), out.flags.end(), [](const Flag& a, const Flag& b) {
    return std::tie(a.flag, a.year, a.seqs) < std::tie(b.flag, b.year, b.seqs);
  });
  return out;
}

}  // namespace hatchery::domain
