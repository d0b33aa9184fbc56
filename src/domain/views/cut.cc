#include "domain/views/cut.h"

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
  std::vector<Entry> entries;
  for (const auto& [seq, ruleset] : policy_stream.rulesets) {
    const Fact* f = policy_stream.Find(seq);
    if (seq > cut.max_seq || !f) continue;
    auto by = retracted.find(seq);
    entries.push_back(Entry{&ruleset, f->effective, by == retracted.end() ? 0 : by->second});
  }
  *this = Policy(std::move(entries), cut.effective_on);
}

Policy::Policy(std::vector<Entry> entries, std::optional<Date> effective_on)
    : entries_(std::move(entries)), effective_on_(effective_on) {
  for (const Entry& e : entries_) {
    if (e.retracted_by != 0) continue;
    if (effective_on_ && e.activated_on > *effective_on_) continue;
    rulesets_.push_back(e.ruleset);
  }
  std::stable_sort(rulesets_.begin(), rulesets_.end(), [](const Ruleset* a, const Ruleset* b) {
    return a->effective_from < b->effective_from;
  });
}

Policy Policy::Until(std::uint64_t max_seq) const {
  std::vector<Entry> earlier;
  for (Entry e : entries_) {
    if (e.ruleset->seq > max_seq) continue;
    if (e.retracted_by > max_seq) e.retracted_by = 0;
    earlier.push_back(e);
  }
  return Policy(std::move(earlier), effective_on_);
}

Policy Policy::Recorded(std::uint64_t max_seq) const {
  Policy until = Until(max_seq);
  return Policy(std::move(until.entries_), std::nullopt);
}

Policy Policy::With(const Ruleset& ruleset) const {
  std::vector<Entry> entries = entries_;
  entries.push_back(Entry{&ruleset, 0, 0});
  return Policy(std::move(entries), effective_on_);
}

bool Policy::Whole() const { return rulesets_.size() == entries_.size(); }

const Ruleset* Policy::InForce(Date date) const {
  const Ruleset* in_force = nullptr;
  for (const Ruleset* rs : rulesets_) {
    if (rs->effective_from > date) break;
    in_force = rs;
  }
  return in_force;
}

const Ruleset& Policy::ParamsOn(Date date) const {
  static const Ruleset kDefaults;
  const Ruleset* rs = InForce(date);
  return rs ? *rs : kDefaults;
}

Date Policy::ReportDeadline(int year) const {
  const int next = year + 1, mmdd = ParamsOn(YearEnd(year)).report_deadline_mmdd;
  const bool leap = (next % 4 == 0 && next % 100 != 0) || next % 400 == 0;
  return next * 10000 + (mmdd == 229 && !leap ? 228 : mmdd);  // "02-29" in a common year: 02-28
}

}  // namespace hatchery::domain
