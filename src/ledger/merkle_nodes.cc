#include "ledger/merkle_nodes.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <mutex>

namespace hatchery::ledger {
namespace {

std::uint64_t RunEnd(std::uint64_t seq) {
  return (seq + kMerkleRunEvents - 1) / kMerkleRunEvents * kMerkleRunEvents;
}

Status Corrupt(std::uint64_t seq, const std::string& what) {
  return Status(Code::kCorruption, "the Merkle entry holding the nodes of event " +
                                       std::to_string(seq) + " is " + what +
                                       " (run `hatchery verify`)");
}

// Copies node `level` of event `seq` out of `nodes`, which holds the nodes of the events from
// `first_seq` on.
Status Extract(std::string_view nodes, std::uint64_t first_seq, std::uint64_t seq, int level,
               Hash* out) {
  std::uint64_t at = NodeBytesThrough(seq - 1) - NodeBytesThrough(first_seq - 1) +
                     32 * static_cast<std::uint64_t>(level);
  if (seq < first_seq || nodes.size() < at + 32) return Corrupt(seq, "missing or too short");
  std::memcpy(out->data(), nodes.data() + at, 32);
  return Status::Ok();
}

}  // namespace

std::uint64_t CompletingSeq(merkle::NodeId id) { return (id.index + 1) << id.level; }

std::uint64_t NodeBytesThrough(std::uint64_t seq) {
  // Leaf i completes 1 + trailing_ones(i) nodes, and the trailing ones of 0..x-1 add up to
  // x − popcount(x).
  return 32 * (2 * seq - static_cast<std::uint64_t>(std::popcount(seq)));
}

void PutMerkleEntries(const Store& store, std::uint64_t last_seq, TreeTail* tail,
                      rocksdb::WriteBatch* batch) {
  while (tail->first_seq + kMerkleRunEvents - 1 <= last_seq) {
    std::uint64_t end = tail->first_seq + kMerkleRunEvents - 1;
    std::size_t bytes = NodeBytesThrough(end) - NodeBytesThrough(tail->first_seq - 1);
    batch->Put(store.Handle(Cf::kMerkle), MerkleRunKey(end), tail->nodes.substr(0, bytes));
    tail->nodes.erase(0, bytes);
    tail->first_seq = end + 1;
  }
}

StatusOr<TreeAtHead> RebuildTree(const Store& store, std::uint64_t head) {
  std::uint64_t runs_end = head / kMerkleRunEvents * kMerkleRunEvents;
  TreeAtHead tree;
  ASSIGN_OR_RETURN(tree.frontier,
                   merkle::Frontier::Load(runs_end, StoredNodes(store, runs_end, nullptr)));
  tree.tail.first_seq = runs_end + 1;
  for (std::uint64_t seq = runs_end + 1; seq <= head; ++seq) {
    ASSIGN_OR_RETURN(Event event, store.GetEvent(seq));
    tree.frontier.Append(merkle::LeafHash(AsBytes(event.hash)), &tree.tail.nodes);
  }
  return tree;
}

bool NodeCache::Find(merkle::NodeId id, Hash* hash) const {
  std::shared_lock lock(mu_);
  auto it = nodes_.find(Key(id));
  if (it == nodes_.end()) return false;
  *hash = it->second;
  return true;
}

void NodeCache::Add(merkle::NodeId id, const Hash& hash) {
  std::unique_lock lock(mu_);
  if (nodes_.size() < kMaxCachedNodes) nodes_.emplace(Key(id), hash);
}

merkle::NodeReader StoredNodes(const Store& store, std::uint64_t tree_size,
                               std::shared_ptr<const TreeTail> tail, NodeCache* cache) {
  return [&store, tree_size, tail = std::move(tail), cache](std::span<const merkle::NodeId> ids,
                                                            std::span<Hash> out) -> Status {
    std::map<std::uint64_t, std::vector<std::size_t>> by_run;  // run end → ids it holds
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::uint64_t seq = CompletingSeq(ids[i]);
      if (ids[i].level >= 58 || seq == 0 || seq > tree_size) {
        return Status(Code::kBadRequest, "the tree has " + std::to_string(tree_size) +
                                             " leaves; node (" + std::to_string(ids[i].level) +
                                             ", " + std::to_string(ids[i].index) +
                                             ") is beyond it");
      }
      if (cache && ids[i].level >= NodeCache::kCachedLevel && cache->Find(ids[i], &out[i]))
        continue;
      by_run[RunEnd(seq)].push_back(i);
    }
    std::vector<std::string> keys;
    keys.reserve(by_run.size());
    for (const auto& [end, unused] : by_run) keys.push_back(MerkleRunKey(end));
    ASSIGN_OR_RETURN(auto values, store.MultiGet(Cf::kMerkle, keys));
    std::size_t k = 0;
    for (const auto& [end, members] : by_run) {
      std::optional<std::string>& run = values[k++];
      std::uint64_t first = end - kMerkleRunEvents + 1;
      std::string_view nodes;
      if (run) {
        nodes = *run;
      } else {  // the unfinished run: in the tail, unless it was finished meanwhile
        if (tail && tail->first_seq == first) {
          nodes = tail->nodes;
        } else {
          ASSIGN_OR_RETURN(run, store.Get(Cf::kMerkle, keys[k - 1]));
          if (!run) return Corrupt(CompletingSeq(ids[members[0]]), "missing");
          nodes = *run;
        }
      }
      for (std::size_t i : members) {
        RETURN_IF_ERROR(Extract(nodes, first, CompletingSeq(ids[i]), ids[i].level, &out[i]));
        if (cache && ids[i].level >= NodeCache::kCachedLevel) cache->Add(ids[i], out[i]);
      }
    }
    return Status::Ok();
  };
}

}  // namespace hatchery::ledger
