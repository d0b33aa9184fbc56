// The Merkle tree's nodes as the `merkle` column family keeps them (docs/format.md): the entry of
// event `seq` holds the nodes its leaf (seq - 1) completes, by level from 0, 32 bytes each. Node
// (level, index) is therefore at byte 32·level of the entry of seq (index + 1)·2^level, and any
// root or proof of a tree of n leaves reads O(log n) entries, in one MultiGet.
//
// Thread-safe (reads only).
#ifndef HATCHERY_LEDGER_MERKLE_NODES_H_
#define HATCHERY_LEDGER_MERKLE_NODES_H_

#include <cstdint>

#include "hatchery/merkle.h"
#include "ledger/store.h"

namespace hatchery::ledger {

// The seq whose entry holds node `id`.
std::uint64_t EntryOf(merkle::NodeId id);

// Reads nodes of the tree of `tree_size` leaves from `store` (which must outlive the reader).
// Errors: kBadRequest for a node beyond that tree, kCorruption for an entry missing or too short.
merkle::NodeReader StoredNodes(const Store& store, std::uint64_t tree_size);

}  // namespace hatchery::ledger

#endif  // HATCHERY_LEDGER_MERKLE_NODES_H_
