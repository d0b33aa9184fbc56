// The replay engine's self-check: the fast path (from a snapshot) and the trust-nothing path (from
// event 1) must give the same state digests at every point. `hatchery replay --check` runs it on
// a live store; tests run it at many random points.
//
// The trust-nothing side folds from event 1 once, through the latest point, and derives each point
// under its cut (a fact base answers every earlier point exactly: domain/fold/fact_base.h); the
// fast side replays each point on its own from the newest usable snapshot at or before it.
//
// Thread-compatible; reads the ledger only.
#ifndef HATCHERY_REPLAY_CHECK_H_
#define HATCHERY_REPLAY_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "replay/replay.h"

namespace hatchery::replay {

struct PointCheck {
  Point point;
  std::uint64_t seq = 0;           // the point on the recorded-time axis
  std::uint64_t snapshot_seq = 0;  // the snapshot the fast path started from (0: event 1)
  bool matches = false;
  std::string difference;  // the first view whose digest differs, when one does
};

// `count` points drawn with `seed`: seqs uniform over 1..head, every other one also cut on the
// business-time axis at the effective date of an earlier event. Empty for an empty log.
StatusOr<std::vector<Point>> RandomPoints(const Ledger& ledger, std::size_t count,
                                          std::uint64_t seed);

// Both paths at each of `points`. Errors: Replay's (a broken chain, a point beyond the log).
StatusOr<std::vector<PointCheck>> CheckPaths(const Ledger& ledger, const std::vector<Point>& points,
                                             const ProgressFn& progress = {});

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_CHECK_H_
