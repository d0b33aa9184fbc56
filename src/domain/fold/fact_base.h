// FactBase: every recorded event as a typed fact, grouped by carrier stream, plus the rulesets of
// the policy stream. It is the fold's whole state: folding is decoding an event and appending its
// fact (cheap), and every projection is derived from the facts under a Cut (derive.h), so one
// fact base answers "as of any seq" and "effective on any date" alike.
//
// Thread-compatible: one writer; const methods may run concurrently with each other.
#ifndef HATCHERY_DOMAIN_FOLD_FACT_BASE_H_
#define HATCHERY_DOMAIN_FOLD_FACT_BASE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/fold/facts.h"
#include "domain/fold/ruleset.h"
#include "domain/fold/schema_registry.h"
#include "hatchery/event.h"

namespace hatchery::domain {

// The facts of one stream, in seq order.
struct StreamFacts {
  std::string carrier_id;  // "" for the policy stream
  std::vector<Fact> facts;
  std::map<std::uint64_t, Ruleset> rulesets;  // policy stream only: by activation seq

  // The fact with `seq`, or null.
  const Fact* Find(std::uint64_t seq) const;
};

// What folding one event adds to a fact base: its fact, its stream, and for a ruleset activation
// the ruleset. Made by FactBase::Prepare without touching the fact base, so on any thread.
struct FoldItem {
  std::string carrier_id;  // "" for the policy stream
  Fact fact;
  std::unique_ptr<Ruleset> ruleset;
};

class FactBase {
 public:
  explicit FactBase(const SchemaRegistry& schemas = SchemaRegistry::Default());

  // Folds `event`, which must be the event after last_seq(): Add(Prepare(event)). Errors
  // (nothing is folded): Prepare's and Add's.
  Status Apply(const Event& event);
  // The fold item of `event`; its data is upcast to its type's newest schema version first.
  // Thread-safe (reads only the schema registry). Errors: kCorruption for data that does not
  // decode, naming the seq.
  StatusOr<FoldItem> Prepare(const Event& event) const;
  StatusOr<FoldItem> Prepare(const EventView& event) const;
  // Folds a prepared event, which must be the event after last_seq(). Errors (nothing is
  // folded): kCorruption for an event out of order.
  Status Add(FoldItem item);
  // Folds a stored record read in place with `tape` (ScanStoredEvent, no DOM): Add(Prepare(…)).
  // Its hash is not checked (the replay does that). Errors: kCorruption for a record that is not
  // an event in canonical form; Prepare's and Add's.
  Status ApplyRecord(std::string_view record, json::Tape* tape);
  // The fact base as a cereal portable binary archive, and back (fact_archive.cc): what a
  // snapshot (replay/snapshot.h) holds. Load errors: kCorruption.
  std::string Save() const;
  static StatusOr<std::unique_ptr<FactBase>> Load(
      std::string_view bytes, const SchemaRegistry& schemas = SchemaRegistry::Default());

  // Forgets the facts of every event after `seq` (withdrawn before they became durable).
  void WithdrawAfter(std::uint64_t seq);

  std::uint64_t last_seq() const { return first_seq_ + bucket_of_.size() - 1; }
  // The latest effective date among events 1..seq (0 if none): a projection's "today".
  Date LatestEffective(std::uint64_t seq) const;

  const StreamFacts& policy() const { return streams_[0]; }
  const StreamFacts* Carrier(std::string_view carrier_id) const;
  // Every carrier stream, by carrier id.
  const std::map<std::string, std::uint32_t, std::less<>>& carrier_index() const { return index_; }
  const StreamFacts& stream(std::uint32_t i) const { return streams_[i]; }
  // The streams that hold events (carriers' and the policy stream).
  std::size_t StreamsWithEvents() const;

  // The carrier stream holding `kind`'s id (kinds: "payout", "filing", "station", "fund"), if any.
  std::optional<std::string_view> OwnerOf(std::string_view kind, std::string_view id) const;

 private:
  std::uint32_t StreamFor(std::string_view carrier_id);
  void IndexIds(const Fact& fact, std::uint32_t stream, bool add);
  // Rebuilds every index from streams_ and first_seq_ (after Load). Errors: kCorruption.
  Status Reindex();

  const SchemaRegistry* schemas_;
  std::vector<StreamFacts> streams_;                         // [0] is the policy stream
  std::map<std::string, std::uint32_t, std::less<>> index_;  // ordered, for projections
  // Carrier id → stream, by open addressing: a power-of-two table of (hash, stream) slots, stream
  // 0 marking an empty slot. One probe is one cache line, where a node-based map chases three
  // pointers; folding a million events looks a carrier up a million times.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t stream = 0;
  };
  std::optional<std::uint32_t> FindStream(std::string_view carrier_id) const;
  void IndexStream(std::uint32_t stream);  // streams_[stream] must be new to the table
  std::vector<Slot> slots_;
  std::size_t indexed_ = 0;
  std::uint64_t first_seq_ = 1;
  std::vector<std::uint32_t> bucket_of_;                // stream of event first_seq_ + i
  std::vector<Date> latest_effective_;                  // running maximum, per event
  std::unordered_map<std::string, std::uint32_t> ids_;  // "<kind>:<id>" → stream
};

}  // namespace hatchery::domain

#endif  // HATCHERY_DOMAIN_FOLD_FACT_BASE_H_
