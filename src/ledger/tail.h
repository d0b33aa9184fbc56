// What every writable open checks about a store's tail before it appends (docs/format.md, "The
// tail"): the checks of `verify` that would catch the end of the log removed or rewritten, cheap
// enough to run on every open — the last event chains onto the one before (RecoverHead), the last
// complete Merkle run's stored nodes are those its events give, no Merkle entry or kept checkpoint
// is for events past the head, the newest kept checkpoint's root is the log's at its size, and the
// stream and command indexes hold exactly one entry per event, none past the head. A store that
// fails is not written to: appending would chain new events onto the damage and hide it (a new
// event would take the seq, and the command id, of a removed one).
//
// Thread-safe (reads only).
#ifndef HATCHERY_LEDGER_TAIL_H_
#define HATCHERY_LEDGER_TAIL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "hatchery/status.h"
#include "ledger/merkle_nodes.h"
#include "ledger/store.h"

namespace hatchery::ledger {

// A finding: the first seq concerned and what is wrong.
struct TailProblem {
  std::uint64_t seq = 0;
  std::string what;
};

// What an index column family (kStreams or kCommands) holds: its entries and the highest seq one
// refers to. Errors: the store cannot be read.
struct IndexSummary {
  std::uint64_t entries = 0;
  std::uint64_t max_seq = 0;
};
StatusOr<IndexSummary> SummarizeIndex(const Store& store, Cf cf);

// The problem of an index that refers to events after `head`, or holds another number of entries
// than the log has events, or nullopt. `stray_seq` names the entry of a surplus (0: unknown).
std::optional<TailProblem> IndexProblem(Cf cf, const IndexSummary& summary, std::uint64_t head,
                                        std::uint64_t stray_seq = 0);

// The Merkle checks of the tail of a log whose last event is `head`: no entry for a run past it,
// and the last complete run's stored nodes as its events give them. Errors: the store cannot be
// read; findings are returned.
StatusOr<std::optional<TailProblem>> CheckMerkleTail(const Store& store, std::uint64_t head);

// The newest kept checkpoint's tree size and note, if any. Errors: the store cannot be read.
struct KeptCheckpoint {
  std::uint64_t size = 0;
  std::string note;
};
StatusOr<std::optional<KeptCheckpoint>> NewestCheckpoint(const Store& store);

// All of the above for the log whose last event is `head` and whose tree at the head is `tree`.
// Errors: kCorruption naming the first seq concerned (details.seq), what is wrong and what to do;
// or the store cannot be read.
Status CheckTail(const Store& store, std::uint64_t head, const TreeAtHead& tree);

}  // namespace hatchery::ledger

#endif  // HATCHERY_LEDGER_TAIL_H_
