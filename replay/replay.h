// The replay engine (DESIGN.md "as-of"): every projection rebuilt as of a point on both time
// axes — recorded time (events 1..seq, or those recorded by an instant) and business time (facts
// effective on or before a date).
//
// Two paths give the same answer. The trust-nothing path folds from event 1; the fast path starts
// from the newest usable snapshot at or before the point (snapshot.h) and folds forward. Both
// re-render and re-hash every event they fold and check the chain as they go (the fast path from
// the snapshot's event hash on). A replay also compares the state the kept signed checkpoints
// carry (checkpoint.h extension lines) with the state it rebuilt at their sizes.
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

#include "domain/fold/fact_base.h"
#include "domain/views/projections.h"
#include "hatchery/ledger.h"
#include "replay/record_pipeline.h"
#include "replay/snapshot.h"

namespace hatchery::replay {

struct Point {
  std::optional<std::uint64_t> seq;            // as known after this event ...
  std::optional<std::int64_t> recorded_by_us;  // ... or after the last recorded by this instant
  std::optional<domain::Date> effective_on;    // facts effective on or before this date
};

// A kept signed checkpoint at or before the point, and whether the state it carries is the state
// rebuilt at its size.
struct CheckpointState {
  std::uint64_t size = 0;
  bool matches = false;
  // False when the checkpoint's state was derived by another version of the derivation
  // (domain::kDerivation): only its log is checked, and `difference` says so (matches stays true:
  // nothing disagrees).
  bool compared = true;
  std::string difference;  // the first state line that differs, when it does not
};

enum class Path {
  kFromStart,     // trust nothing but the events: fold from event 1
  kFromSnapshot,  // start from the newest usable snapshot at or before the point
};

// A fact base folded through some seq, and where it started.
struct Folded {
  std::unique_ptr<domain::FactBase> facts;
  std::uint64_t snapshot_seq = 0;    // the snapshot it started from (0: event 1)
  std::vector<std::string> skipped;  // snapshots passed over, with the reason
  std::string recorded_at;           // of the last event ("" when none)
};

struct Result {
  std::uint64_t seq = 0;  // the last event folded: the point on the recorded-time axis
  std::optional<domain::Date> effective_on;
  std::vector<domain::ViewState> views;  // in domain::kViews order
  std::vector<CheckpointState> checkpoints;
  double seconds = 0;  // reading, checking and folding the events, and projecting
  Folded folded;
  domain::Projection projection;
};

// The seq a point names on the recorded-time axis (the head if it names none). Errors:
// kBadRequest for a seq beyond the log.
StatusOr<std::uint64_t> PointSeq(const Ledger& ledger, const Point& point);

// The chain checks of a trust-nothing fold, without the fold: whether `record` (checked on the
// record pipeline) is readable and the next event of `chain` (chain.h: the next seq, its content
// hashing to its hash, chained onto the one before, recorded after it, its stream's next
// version); if so it becomes the chain's head. Errors: kCorruption naming the event and pointing
// to `verify`.
Status CheckLink(const CheckedRecord& record, EventChain* chain);

// Called every few thousand events with the number folded so far and the total to fold.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Every event through `to` (≤ the head) folded along `path`, each checked against its hash and
// the one before. Errors: kCorruption naming the seq whose hash or link does not check out.
StatusOr<Folded> Fold(const Ledger& ledger, std::uint64_t to, Path path,
                      const ProgressFn& progress = {});

// Fold to the point, then every view under its cut. Errors: Fold's; kBadRequest for a point
// beyond the log.
StatusOr<Result> Replay(const Ledger& ledger, const Point& point, Path path,
                        const ProgressFn& progress = {});

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_REPLAY_H_
