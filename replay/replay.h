// The replay engine's trust-nothing path (DESIGN.md "as-of"): every projection rebuilt as of a
// point on both time axes — recorded time (events 1..seq, or those recorded by an instant) and
// business time (facts effective on or before a date) — by folding from event 1, re-rendering and
// re-hashing every event and checking the chain as it goes. Its answer depends on nothing but the
// events' bytes; it also compares the state the kept signed checkpoints carry (checkpoint.h
// extension lines) with the state it rebuilt at their sizes.
//
// Thread-compatible; reads the ledger only.
#ifndef HATCHERY_REPLAY_REPLAY_H_
#define HATCHERY_REPLAY_REPLAY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/fact_base.h"
#include "domain/projections.h"
#include "hatchery/ledger.h"

namespace hatchery::replay {

struct Point {
  std::optional<std::uint64_t> seq;            // as known after this event ...
  std::optional<std::int64_t> recorded_by_us;  // ... or after the last recorded by this instant
  std::optional<domain::Date> effective_on;    // facts effective on or before this date
};

struct ViewState {
  std::string view;
  std::size_t rows = 0;
  Hash digest{};
};

// A kept signed checkpoint at or before the point, and whether the state it carries is the state
// rebuilt at its size.
struct CheckpointState {
  std::uint64_t size = 0;
  bool matches = false;
  std::string difference;  // the first state line that differs, when it does not
};

struct Result {
  std::uint64_t seq = 0;    // the last event folded: the point on the recorded-time axis
  std::string recorded_at;  // its recorded_at ("" when no event)
  std::optional<domain::Date> effective_on;
  std::vector<ViewState> views;  // in domain::kViews order
  std::vector<CheckpointState> checkpoints;
  double seconds = 0;  // reading, checking and folding the events, and projecting
  std::unique_ptr<domain::FactBase> facts;
  domain::Projection projection;
};

// The seq a point names on the recorded-time axis (the head if it names none). Errors:
// kBadRequest for a seq beyond the log.
StatusOr<std::uint64_t> PointSeq(const Ledger& ledger, const Point& point);

// Every event of `ledger` up to `max_seq` (all if nullopt) folded into a fact base, trusting the
// ledger's reads (no hash or link checks): what the command line's queries and checkpoints use.
StatusOr<std::unique_ptr<domain::FactBase>> FoldFacts(const Ledger& ledger,
                                                      std::optional<std::uint64_t> max_seq);

// Called every few thousand events with the number folded so far and the total to fold.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Errors: kCorruption naming the seq whose hash or link does not check out; kBadRequest for a
// point beyond the log.
StatusOr<Result> ReplayFromStart(const Ledger& ledger, const Point& point,
                                 const ProgressFn& progress = {});

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_REPLAY_H_
