// The Merkle tree of AUDIT.md §2: RFC 6962 §2.1 over the events' hashes, with its inclusion and
// consistency proofs, and their verifiers.
//
// The verifiers (VerifyInclusion, VerifyConsistency) are self-contained: a client checks a proof
// with them and nothing else of Hatchery. Proof generation is independent of where the tree lives:
// it names the ranges of leaves whose hashes a proof consists of, each range is the concatenation
// of a few perfect subtrees (NodeId), and a NodeReader supplies those (from RocksDB, or from memory
// in MemoryTree). A stored tree therefore answers any proof for any past size from O(log n) nodes.
//
// Pure functions and value types; thread-safe.
#ifndef HATCHERY_MERKLE_H_
#define HATCHERY_MERKLE_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hatchery/sha256.h"
#include "hatchery/status.h"

namespace hatchery::merkle {

// SHA-256(0x00 ‖ leaf_input), SHA-256(0x01 ‖ left ‖ right), SHA-256("").
Hash LeafHash(std::string_view leaf_input);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyRoot();

// A perfect subtree: the 2^level leaves [index·2^level, (index+1)·2^level).
struct NodeId {
  int level = 0;
  std::uint64_t index = 0;
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

// The leaves [begin, end) as RFC 6962's recursion cuts them: MTH(D[begin:end]).
struct Range {
  std::uint64_t begin = 0, end = 0;
  friend bool operator==(const Range&, const Range&) = default;
};

// The ranges whose hashes, in this order, are the inclusion proof (audit path) of leaf `index` in
// the tree of `size` leaves (RFC 6962 §2.1.1). Errors: kBadRequest unless index < size.
StatusOr<std::vector<Range>> InclusionRanges(std::uint64_t index, std::uint64_t size);
// The ranges of the consistency proof between the trees of `first` and `second` leaves
// (RFC 6962 §2.1.2); empty when first is 0 or equals second. Errors: kBadRequest unless
// first ≤ second.
StatusOr<std::vector<Range>> ConsistencyRanges(std::uint64_t first, std::uint64_t second);

// The ranges whose hashes, in this order, prove that the leaves [range.begin, range.end) are those
// of the tree of `size` leaves (an export bundle's proof, AUDIT.md §5): RFC 6962's recursion
// from [0, size), every subtree wholly outside the range, left to right. Empty for the whole tree.
// Errors: kBadRequest unless begin < end ≤ size.
StatusOr<std::vector<Range>> RangeProofRanges(Range range, std::uint64_t size);

// The perfect subtrees that make up `range`, left to right (largest first). `range` must be one
// the recursion produces — begin a multiple of the largest power of two not above its length —
// as every range above and [0, size) are.
std::vector<NodeId> NodesOf(Range range);
// MTH of a range from the hashes of NodesOf(range), in order (nodes must not be empty).
Hash CombineNodes(std::span<const Hash> nodes);

// Supplies node hashes: out[i] = the hash of ids[i]. Errors are passed through (kNotFound for a
// node the tree does not have yet, kCorruption for one it cannot read).
using NodeReader = std::function<Status(std::span<const NodeId> ids, std::span<Hash> out)>;
// The hashes of `ranges`, reading every node they need in one call of `read`.
StatusOr<std::vector<Hash>> HashRanges(std::span<const Range> ranges, const NodeReader& read);
// The root of the tree of `size` leaves (EmptyRoot for 0).
StatusOr<Hash> Root(std::uint64_t size, const NodeReader& read);

// RFC 9162 §2.1.3.2: does `proof` show the leaf with `leaf_hash` at `index` in the tree of `size`
// leaves whose root is `root`? Errors: kCorruption saying why not.
Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);
// RFC 9162 §2.1.4.2: does `proof` show that the tree of `first` leaves with `first_root` is a
// prefix of the tree of `second` leaves with `second_root`? For first = second the proof is empty
// and the roots equal; for first = 0 the proof is empty and first_root is EmptyRoot().
// Errors: kCorruption saying why not.
Status VerifyConsistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                         const Hash& second_root, std::span<const Hash> proof);

// Does `proof` (the hashes of RangeProofRanges, in order) show that `leaf_inputs` are the leaves
// [begin, begin + leaf_inputs.size()) of the tree of `size` leaves whose root is `root`? The size
// is not bound by the proof: it must come with the root from a signed checkpoint. Errors:
// kBadRequest (an empty or out-of-bounds range), kCorruption saying why not.
Status VerifyRange(std::uint64_t begin, std::uint64_t size,
                   std::span<const std::string_view> leaf_inputs, std::span<const Hash> proof,
                   const Hash& root);

// The right edge of a growing tree (one perfect subtree per set bit of its size): enough to append
// leaves and compute the current root in O(log n) space.
class Frontier {
 public:
  Frontier() = default;
  // The frontier of the tree of `size` leaves, read from its nodes.
  static StatusOr<Frontier> Load(std::uint64_t size, const NodeReader& read);

  // Appends a leaf. With `completed`, appends to it the hashes (32 bytes each) of the perfect
  // subtrees this leaf completes, by level from 0 (the leaf hash itself) up: 1 + the number of
  // trailing one bits of the leaf's index.
  void Append(const Hash& leaf_hash, std::string* completed = nullptr);

  std::uint64_t size() const { return size_; }
  Hash Root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> nodes_;  // by level; meaningful where bit `level` of size_ is set
};

// A whole tree in memory, for the CLI's test mode and for tests: every perfect subtree's hash.
class MemoryTree {
 public:
  explicit MemoryTree(std::vector<Hash> leaf_hashes);
  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  NodeReader reader() const;

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[l][i]: node (l, i)
};

}  // namespace hatchery::merkle

#endif  // HATCHERY_MERKLE_H_
