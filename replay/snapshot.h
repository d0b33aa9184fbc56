// Snapshots: the replay engine's fold state (the fact base, domain/fold/fact_base.h) after some
// event, kept in the ledger's `snapshots` column family so that a replay can start there instead of
// at event 1 (the fast path, replay.h). Each records the seq it covers, that event's hash (so the
// replay checks the chain from the snapshot on) and every view's state at that seq.
//
// A snapshot is a cache, trusted for nothing: one that does not decode, whose checksum or event
// hash does not match, is skipped; `hatchery replay --check` compares the fast path with the
// trust-nothing path; deleting every snapshot changes no answer. docs/format.md has the bytes.
//
// Functions are thread-compatible (they read or write the ledger only).
#ifndef HATCHERY_REPLAY_SNAPSHOT_H_
#define HATCHERY_REPLAY_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/fold/fact_base.h"
#include "domain/views/projections.h"
#include "hatchery/ledger.h"

namespace hatchery::replay {

// A snapshot is due once this many events follow the newest one; this many are kept.
inline constexpr std::uint64_t kSnapshotEvery = 100'000;
inline constexpr std::size_t kSnapshotsKept = 4;

struct SnapshotHeader {
  std::uint64_t seq = 0;
  Hash event_hash{};                     // of event `seq`
  std::vector<domain::ViewState> views;  // the state after event `seq`, no business-time cut
};

struct Snapshot {
  SnapshotHeader header;
  std::unique_ptr<domain::FactBase> facts;
};

std::string EncodeSnapshot(const SnapshotHeader& header, const domain::FactBase& facts);
// Errors: kCorruption (not a snapshot, an unknown version, a checksum that does not match).
StatusOr<Snapshot> DecodeSnapshot(std::string_view bytes);

// Keeps a snapshot of `facts`, which must hold every event through the ledger's head, and deletes
// all but the newest kSnapshotsKept. Errors: kBadRequest (facts not at the head), the ledger's
// (kUnavailable when read-only).
StatusOr<SnapshotHeader> TakeSnapshot(Ledger& ledger, const domain::FactBase& facts);
// TakeSnapshot when at least `every` events follow the newest snapshot; nullopt when not due.
StatusOr<std::optional<SnapshotHeader>> SnapshotIfDue(Ledger& ledger, const domain::FactBase& facts,
                                                      std::uint64_t every = kSnapshotEvery);

// The newest usable snapshot after an event ≤ `seq`, or nullopt if there is none. Every snapshot
// passed over as unusable is named in *skipped with the reason.
StatusOr<std::optional<Snapshot>> NewestSnapshotAtOrBefore(const Ledger& ledger, std::uint64_t seq,
                                                           std::vector<std::string>* skipped);

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_SNAPSHOT_H_
