#include "domain/cut.h"

#include <algorithm>
#include <map>

namespace hatchery::domain {

std::map<std::uint64_t, std::uint64_t> RetractionsIn(const StreamFacts& stream, const Cut& cut) {
  std::map<std::uint64_t, std::uint64_t> out;
  for (const Fact& f : stream.facts) {
    if (f.seq > cut.max_seq) break;
    if (auto* r = std::get_if<EventRetracted>(&f.body)) out.emplace(r->retracted_seq, f.seq);
  }
  return out;
}

Cut MakeCut(const FactBase& facts, std::optional<std::uint64_t> max_seq,
            std::optional<Date> effective_on) {
  Cut cut;
  if (max_seq) cut.max_seq = *max_seq;
  cut.effective_on = effective_on;
  cut.today =
      effective_on ? *effective_on : facts.LatestEffective(std::min(cut.max_seq, facts.last_seq()));
  return cut;
}

Policy::Policy(const StreamFacts& policy_stream, const Cut& cut) {
  auto retracted = RetractionsIn(policy_stream, cut);
  for (const auto& [seq, ruleset] : policy_stream.rulesets) {
    const Fact* f = policy_stream.Find(seq);
    if (seq > cut.max_seq || retracted.contains(seq) || !f) continue;
    if (cut.effective_on && f->effective > *cut.effective_on) continue;
    rulesets_.push_back(&ruleset);
  }
  std::stable_sort(rulesets_.begin(), rulesets_.end(), [](const Ruleset* a, const Ruleset* b) {
    return a->effective_from < b->effective_from;
  });
}

Policy Policy::Until(std::uint64_t max_seq) const {
  Policy earlier = *this;
  std::erase_if(earlier.rulesets_, [&](const Ruleset* rs) { return rs->seq > max_seq; });
  return earlier;
}

const Ruleset* Policy::InForce(Date date) const {
  const Ruleset* in_force = nullptr;
  for (const Ruleset* rs : rulesets_) {
    if (rs->effective_from > date) break;
    in_force = rs;
  }
  return in_force;
}

}  // namespace hatchery::domain
