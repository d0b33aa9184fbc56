#include "ledger/merkle_nodes.h"

#include <algorithm>
#include <cstring>

namespace hatchery::ledger {

std::uint64_t EntryOf(merkle::NodeId id) { return (id.index + 1) << id.level; }

merkle::NodeReader StoredNodes(const Store& store, std::uint64_t tree_size) {
  return [&store, tree_size](std::span<const merkle::NodeId> ids, std::span<Hash> out) -> Status {
    std::vector<std::uint64_t> seqs;
    seqs.reserve(ids.size());
    for (const merkle::NodeId& id : ids) {
      std::uint64_t seq = EntryOf(id);
      if (seq > tree_size || id.level >= 64) {
        return Status(Code::kBadRequest, "the tree has " + std::to_string(tree_size) +
                                             " leaves; node (" + std::to_string(id.level) + ", " +
                                             std::to_string(id.index) + ") is beyond it");
      }
      seqs.push_back(seq);
    }
    std::vector<std::uint64_t> unique = seqs;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    std::vector<std::string> keys;
    keys.reserve(unique.size());
    for (std::uint64_t seq : unique) keys.push_back(MerkleKey(seq));
    ASSIGN_OR_RETURN(auto values, store.MultiGet(Cf::kMerkle, keys));
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::size_t k = std::lower_bound(unique.begin(), unique.end(), seqs[i]) - unique.begin();
      const auto& value = values[k];
      std::size_t at = 32 * static_cast<std::size_t>(ids[i].level);
      if (!value || value->size() < at + 32) {
        return Status(Code::kCorruption, "the Merkle entry of event " + std::to_string(seqs[i]) +
                                             " is missing or short (run `hatchery verify`)");
      }
      std::memcpy(out[i].data(), value->data() + at, 32);
    }
    return Status::Ok();
  };
}

}  // namespace hatchery::ledger
