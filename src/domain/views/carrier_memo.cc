#include "domain/views/carrier_memo.h"

#include <algorithm>

namespace hatchery::domain {
namespace {

// The seq of the last fact of `stream` at or before `max_seq`; 0 when there is none.
std::uint64_t LastSeqWithin(const StreamFacts& stream, std::uint64_t max_seq) {
  auto after = std::upper_bound(stream.facts.begin(), stream.facts.end(), max_seq,
                                [](std::uint64_t s, const Fact& f) { return s < f.seq; });
  return after == stream.facts.begin() ? 0 : std::prev(after)->seq;
}

}  // namespace

std::shared_ptr<const Projection> CarrierMemo::Get(const FactBase& facts, const Cut& cut,
                                                   std::string_view carrier_id) {
  const StreamFacts* stream = facts.Carrier(carrier_id);
  if (!stream) return std::make_shared<const Projection>(ProjectCarrier(facts, cut, carrier_id));
  Inputs inputs{LastSeqWithin(*stream, cut.max_seq), LastSeqWithin(facts.policy(), cut.max_seq),
                cut.effective_on, cut.today};
  std::string key(carrier_id);
  key += '\0';
  if (cut.effective_on) key += std::to_string(*cut.effective_on);
  auto found = entries_.find(key);
  if (found != entries_.end() && found->second.inputs == inputs) {
    ++hits_;
    return found->second.projection;
  }
  ++misses_;
  auto projection = std::make_shared<const Projection>(ProjectCarrier(facts, cut, carrier_id));
  if (found != entries_.end()) {
    found->second = Entry{inputs, projection};
  } else {
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.emplace(std::move(key), Entry{inputs, projection});
  }
  return projection;
}

}  // namespace hatchery::domain
