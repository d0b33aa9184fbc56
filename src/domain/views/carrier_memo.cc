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

CarrierMemo::Whole& CarrierMemo::Front(const FactBase& facts, const Cut& cut) {
  const std::uint64_t max_seq = std::min(cut.max_seq, facts.last_seq());
  for (std::size_t i = 0; i < whole_.size(); ++i) {
    const Whole& w = whole_[i];
    if (w.projection && w.max_seq == max_seq && w.effective_on == cut.effective_on &&
        w.today == cut.today) {
      ++hits_;
      std::rotate(whole_.begin(), whole_.begin() + i, whole_.begin() + i + 1);
      return whole_[0];
    }
  }
  ++misses_;
  auto projection = std::make_shared<const Projection>(Project(facts, cut));
  std::rotate(whole_.begin(), whole_.end() - 1, whole_.end());
  whole_[0] = Whole{max_seq, cut.effective_on, cut.today, std::move(projection), {}};
  return whole_[0];
}

std::shared_ptr<const Projection> CarrierMemo::GetAll(const FactBase& facts, const Cut& cut) {
  return Front(facts, cut).projection;
}

StatusOr<std::shared_ptr<const CarrierMemo::ViewRowsOf>> CarrierMemo::AllRows(
    const FactBase& facts, const Cut& cut, std::string_view view) {
  Whole& whole = Front(facts, cut);
  if (auto it = whole.views.find(view); it != whole.views.end()) return it->second;
  auto made = std::make_shared<ViewRowsOf>();
  ViewDigestStream digest;
  RETURN_IF_ERROR(ForEachRow(*whole.projection, view, [&](boost::json::object&& row) {
    digest.Add(row);
    made->rows.push_back(std::move(row));
  }));
  made->digest = digest.Final();
  whole.views.emplace(std::string(view), made);
  return std::shared_ptr<const ViewRowsOf>(std::move(made));
}

}  // namespace hatchery::domain
