#include "domain/fold/fact_base.h"

#include <algorithm>

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

// A carrier records a dozen or so acts over the years: room for the first ones up front saves
// regrowing from one.
constexpr std::size_t kFactsPerStreamHint = 8;

// The ids a fact introduces that must be unique across carriers.
std::optional<std::pair<std::string_view, const std::string*>> IdOf(const Fact& fact) {
  if (auto* p = std::get_if<PayoutApproved>(&fact.body)) return std::pair{"payout", &p->payout_id};
  if (auto* f = std::get_if<BrandOutputFiled>(&fact.body)) {
    return std::pair{"filing", &f->filing_id};
  }
  if (auto* s = std::get_if<BrokerWorkstationOpened>(&fact.body)) {
    return std::pair{"station", &s->station_id};
  }
  if (auto* f = std::get_if<FundEstablished>(&fact.body)) return std::pair{"fund", &f->fund_id};
  if (auto* a = std::get_if<AgreementSigned>(&fact.body)) {
    return std::pair{"agreement", &a->agreement_id};
  }
  if (auto* d = std::get_if<TechTransferDealRecorded>(&fact.body)) {
    return std::pair{"deal", &d->deal_id};
  }
  if (auto* g = std::get_if<CityFundSupportGranted>(&fact.body)) {
    return std::pair{"support", &g->support_id};
  }
  return std::nullopt;
}

Status Corrupt(std::uint64_t seq, const std::string& why) {
  return Status(Code::kCorruption, "event " + std::to_string(seq) + ": " + why,
                bj::object{{"seq", seq}});
}

std::string IdKey(std::string_view kind, std::string_view id) {
  std::string key(kind);
  key.push_back(':');
  key.append(id);
  return key;
}

}  // namespace

const Fact* StreamFacts::Find(std::uint64_t seq) const {
  auto it = std::lower_bound(facts.begin(), facts.end(), seq,
                             [](const Fact& f, std::uint64_t s) { return f.seq < s; });
  return it != facts.end() && it->seq == seq ? &*it : nullptr;
}

FactBase::FactBase(const SchemaRegistry& schemas) : schemas_(&schemas), streams_(1) {}

std::optional<std::uint32_t> FactBase::FindStream(std::string_view carrier_id) const {
  if (slots_.empty()) return std::nullopt;
  std::uint64_t hash = std::hash<std::string_view>()(carrier_id);
  for (std::size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
    const Slot& slot = slots_[i];
    if (slot.stream == 0) return std::nullopt;
    if (slot.hash == hash && streams_[slot.stream].carrier_id == carrier_id) return slot.stream;
  }
}

void FactBase::IndexStream(std::uint32_t stream) {
  if ((indexed_ + 1) * 2 > slots_.size()) {  // at most half full
    std::vector<Slot> old =
        std::exchange(slots_, std::vector<Slot>(std::max<std::size_t>(64, slots_.size() * 2)));
    indexed_ = 0;
    for (const Slot& slot : old) {
      if (slot.stream != 0) IndexStream(slot.stream);
    }
  }
  std::uint64_t hash = std::hash<std::string_view>()(streams_[stream].carrier_id);
  std::size_t i = hash & (slots_.size() - 1);
  while (slots_[i].stream != 0) i = (i + 1) & (slots_.size() - 1);
  slots_[i] = Slot{hash, stream};
  ++indexed_;
}

std::uint32_t FactBase::StreamFor(std::string_view carrier_id) {
  if (auto found = FindStream(carrier_id)) return *found;
  auto i = static_cast<std::uint32_t>(streams_.size());
  streams_.push_back(StreamFacts{std::string(carrier_id), {}, {}});
  streams_.back().facts.reserve(kFactsPerStreamHint);
  index_.emplace(std::string(carrier_id), i);
  IndexStream(i);
  return i;
}

void FactBase::IndexIds(const Fact& fact, std::uint32_t stream, bool add) {
  auto id = IdOf(fact);
  if (!id) return;
  if (add) {
    ids_.emplace(IdKey(id->first, *id->second), stream);
  } else if (auto it = ids_.find(IdKey(id->first, *id->second));
             it != ids_.end() && it->second == stream) {
    ids_.erase(it);
  }
}

Status FactBase::Apply(const Event& event) {
  ASSIGN_OR_RETURN(FoldItem item, Prepare(event));
  return Add(std::move(item));
}

StatusOr<FoldItem> FactBase::Prepare(const Event& event) const {
  // Data recorded under an older schema version is read through the upcasters; the stored event
  // (and its hash) stay as recorded.
  std::optional<Event> upcast;
  if (event.schema_version != schemas_->NewestVersion(event.type)) {
    auto data = schemas_->Upcast(event.type, event.schema_version, event.data);
    if (!data.ok()) return Corrupt(event.seq, data.status().message());
    upcast.emplace(event);
    upcast->data = std::move(data).value();
  }
  const Event& current = upcast ? *upcast : event;
  auto fact = DecodeFact(current);
  if (!fact.ok()) return Corrupt(event.seq, fact.status().message());
  FoldItem item{std::string(CarrierOfStream(event.stream)), std::move(fact).value(), nullptr};
  if (item.carrier_id.empty() && std::holds_alternative<RulesetActivated>(item.fact.body)) {
    auto ruleset = ParseRuleset(current.data, event.seq);
    if (!ruleset.ok()) return Corrupt(event.seq, ruleset.status().message());
    item.ruleset = std::make_unique<Ruleset>(std::move(ruleset).value());
  }
  return item;
}

StatusOr<FoldItem> FactBase::Prepare(const EventView& event) const {
  // Upcasting and rulesets work on a DOM; both are rare (old records, the policy stream).
  if (event.schema_version != schemas_->NewestVersion(event.type) ||
      event.type == TypeName(RulesetActivated{})) {
    return Prepare(ToEvent(event));
  }
  auto fact = DecodeFact(event);
  if (!fact.ok()) return Corrupt(event.seq, fact.status().message());
  return FoldItem{std::string(CarrierOfStream(event.stream)), std::move(fact).value(), nullptr};
}

Status FactBase::ApplyRecord(std::string_view record, json::Tape* tape) {
  auto view = ScanStoredEvent(record, tape);
  if (!view.ok()) {
    return Status(Code::kCorruption, "a stored record is not an event: " + view.status().message());
  }
  ASSIGN_OR_RETURN(FoldItem item, Prepare(*view));
  return Add(std::move(item));
}

Status FactBase::Add(FoldItem item) {
  const std::uint64_t seq = item.fact.seq;
  if (bucket_of_.empty() && seq > 0) first_seq_ = seq;
  if (seq != last_seq() + 1)
    return Corrupt(seq, "folded after event " + std::to_string(last_seq()));
  std::uint32_t stream = item.carrier_id.empty() ? 0 : StreamFor(item.carrier_id);
  if (stream == 0 && item.ruleset) streams_[0].rulesets.emplace(seq, std::move(*item.ruleset));
  IndexIds(item.fact, stream, true);
  Date latest = latest_effective_.empty() ? 0 : latest_effective_.back();
  latest_effective_.push_back(std::max(latest, item.fact.effective));
  bucket_of_.push_back(stream);
  streams_[stream].facts.push_back(std::move(item.fact));
  return Status::Ok();
}

Status FactBase::Reindex() {
  auto corrupt = [](const std::string& why) {
    return Status(Code::kCorruption, "the fact base is inconsistent: " + why);
  };
  if (streams_.empty() || !streams_[0].carrier_id.empty()) return corrupt("no policy stream");
  std::size_t n = 0;
  for (const StreamFacts& s : streams_) n += s.facts.size();
  constexpr std::uint32_t kUnset = UINT32_MAX;
  bucket_of_.assign(n, kUnset);
  latest_effective_.assign(n, 0);
  index_.clear();
  slots_.clear();
  indexed_ = 0;
  ids_.clear();
  for (std::uint32_t i = 0; i < streams_.size(); ++i) {
    const StreamFacts& s = streams_[i];
    if (i > 0 && (s.carrier_id.empty() || FindStream(s.carrier_id)))
      return corrupt("carrier stream \"" + s.carrier_id + "\" is unnamed or twice");
    if (i > 0) {
      IndexStream(i);
      index_.emplace(s.carrier_id, i);
    }
    for (std::size_t j = 0; j < s.facts.size(); ++j) {
      const Fact& f = s.facts[j];
      if ((j > 0 && f.seq <= s.facts[j - 1].seq) || f.seq < first_seq_ || f.seq - first_seq_ >= n ||
          bucket_of_[f.seq - first_seq_] != kUnset)
        return corrupt("event " + std::to_string(f.seq) + " is out of range or twice");
      bucket_of_[f.seq - first_seq_] = i;
      latest_effective_[f.seq - first_seq_] = f.effective;
    }
  }
  // The ids and the running maximum in seq order, exactly as Apply built them.
  std::vector<std::size_t> next(streams_.size(), 0);
  for (std::size_t k = 0; k < n; ++k) {
    std::uint32_t s = bucket_of_[k];
    IndexIds(streams_[s].facts[next[s]++], s, true);
    if (k > 0) latest_effective_[k] = std::max(latest_effective_[k], latest_effective_[k - 1]);
  }
  return Status::Ok();
}

void FactBase::WithdrawAfter(std::uint64_t seq) {
  while (!bucket_of_.empty() && last_seq() > seq) {
    StreamFacts& s = streams_[bucket_of_.back()];
    IndexIds(s.facts.back(), bucket_of_.back(), false);
    s.rulesets.erase(s.facts.back().seq);
    s.facts.pop_back();
    bucket_of_.pop_back();
    latest_effective_.pop_back();
  }
}

Date FactBase::LatestEffective(std::uint64_t seq) const {
  if (latest_effective_.empty() || seq < first_seq_) return 0;
  std::uint64_t i = std::min<std::uint64_t>(seq - first_seq_, latest_effective_.size() - 1);
  return latest_effective_[i];
}

std::size_t FactBase::StreamsWithEvents() const {
  return static_cast<std::size_t>(std::count_if(
      streams_.begin(), streams_.end(), [](const StreamFacts& s) { return !s.facts.empty(); }));
}

const StreamFacts* FactBase::Carrier(std::string_view carrier_id) const {
  auto found = FindStream(carrier_id);
  return found ? &streams_[*found] : nullptr;
}

std::optional<std::string_view> FactBase::OwnerOf(std::string_view kind,
                                                  std::string_view id) const {
  auto it = ids_.find(IdKey(kind, id));
  if (it == ids_.end()) return std::nullopt;
  return streams_[it->second].carrier_id;
}

}  // namespace hatchery::domain
