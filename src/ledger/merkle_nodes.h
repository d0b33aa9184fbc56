// The Merkle tree's nodes as the `merkle` column family keeps them (docs/format.md).
//
// Appending leaf i (event seq = i + 1) completes 1 + (trailing one bits of i) perfect subtrees,
// levels 0 up; node (level l, index k) is completed by the event of seq (k + 1)·2^l, as its l-th.
// The nodes completed by the events of each aligned run of kMerkleRunEvents seqs are kept in one
// entry, written with the run's last event and never rewritten. The nodes of the unfinished run at
// the head (the "tail") are not stored: they follow from its at most 63 events, so the writer
// keeps them in memory and publishes them with the head, and an open rebuilds them. An append thus
// costs one key per 64 events, and the node a proof needs is found by key, without a seek: one
// MultiGet of O(log n) entries per proof.
//
// Thread-safe (reads only; the writes are the sequencer's).
#ifndef HATCHERY_LEDGER_MERKLE_NODES_H_
#define HATCHERY_LEDGER_MERKLE_NODES_H_

#include <rocksdb/write_batch.h>

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hatchery/merkle.h"
#include "ledger/store.h"

namespace hatchery::ledger {

// The seq whose append completes node `id`.
std::uint64_t CompletingSeq(merkle::NodeId id);

// Bytes of the nodes completed by the events of seqs 1..seq: 32·(2·seq − popcount(seq)).
std::uint64_t NodeBytesThrough(std::uint64_t seq);

// The nodes completed by the events since the last full run, as the sequencer accumulates them.
struct TreeTail {
  std::uint64_t first_seq = 1;  // the run's first event (the next one if it has none yet)
  std::string nodes;            // what its events completed, in order
};

// Adds to `batch` the entry of every run `tail` completes (the events through `last_seq` were
// staged into it), leaving it holding the unfinished run.
void PutMerkleEntries(const Store& store, std::uint64_t last_seq, TreeTail* tail,
                      rocksdb::WriteBatch* batch);

// The tree at `head`, rebuilt from the stored runs and the events of the unfinished run.
struct TreeAtHead {
  merkle::Frontier frontier;
  TreeTail tail;
};
// Errors: kCorruption (a run entry or an event missing or unreadable).
StatusOr<TreeAtHead> RebuildTree(const Store& store, std::uint64_t head);

// Nodes read before, kept because every proof needs the upper levels again: only nodes of level
// kCachedLevel and up (2^-kCachedLevel of all the nodes, at most kMaxCachedNodes). Nodes never
// change once written, so the cache needs no invalidation.
class NodeCache {
 public:
  static constexpr int kCachedLevel = 8;
  static constexpr std::size_t kMaxCachedNodes = 1 << 20;  // 32 MiB of hashes

  bool Find(merkle::NodeId id, Hash* hash) const;
  void Add(merkle::NodeId id, const Hash& hash);

 private:
  static std::uint64_t Key(merkle::NodeId id) {
    return static_cast<std::uint64_t>(id.level) << 58 | id.index;
  }
  mutable std::shared_mutex mu_;
  std::unordered_map<std::uint64_t, Hash> nodes_;  // guarded by mu_
};

// Reads nodes of the tree of `tree_size` leaves from `store` (which must outlive the reader),
// through `cache` (may be null); nodes of the unfinished run come from `tail` (null if the tree
// ends at a run's end), which must be at least as recent as `tree_size`.
// Errors: kBadRequest for a node beyond that tree, kCorruption for an entry missing or malformed.
merkle::NodeReader StoredNodes(const Store& store, std::uint64_t tree_size,
                               std::shared_ptr<const TreeTail> tail, NodeCache* cache = nullptr);

}  // namespace hatchery::ledger

#endif  // HATCHERY_LEDGER_MERKLE_NODES_H_
