#include "hatchery/merkle.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace hatchery::merkle {
namespace {

// The largest power of two smaller than n (n ≥ 2): where RFC 6962 splits a tree of n leaves.
std::uint64_t SplitPoint(std::uint64_t n) { return std::bit_floor(n - 1); }

Status Refuted(std::string why) { return Status(Code::kCorruption, std::move(why)); }

}  // namespace

Hash LeafHash(std::string_view leaf_input) {
  std::string buffer;
  buffer.reserve(1 + leaf_input.size());
  buffer.push_back('\0');
  buffer.append(leaf_input);
  return Sha256(buffer);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  char buffer[1 + 2 * sizeof(Hash)];
  buffer[0] = 0x01;
  std::memcpy(buffer + 1, left.data(), left.size());
  std::memcpy(buffer + 1 + left.size(), right.data(), right.size());
  return Sha256(std::string_view(buffer, sizeof buffer));
}

Hash EmptyRoot() { return Sha256(""); }

StatusOr<std::vector<Range>> InclusionRanges(std::uint64_t index, std::uint64_t size) {
  if (index >= size) {
    return Status(Code::kBadRequest, "leaf " + std::to_string(index) + " is not in a tree of " +
                                         std::to_string(size) + " leaves");
  }
  // RFC 6962 PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) (or the mirror): the siblings from the
  // top down, so the proof is their reverse.
  std::vector<Range> siblings;
  std::uint64_t begin = 0, end = size;
  while (end - begin > 1) {
    std::uint64_t k = SplitPoint(end - begin);
    if (index - begin < k) {
      siblings.push_back({begin + k, end});
      end = begin + k;
    } else {
      siblings.push_back({begin, begin + k});
      begin += k;
    }
  }
  std::reverse(siblings.begin(), siblings.end());
  return siblings;
}

namespace {

Status CheckRange(Range range, std::uint64_t size) {
  if (range.begin >= range.end || range.end > size) {
    return Status(Code::kBadRequest, "the leaves [" + std::to_string(range.begin) + ", " +
                                         std::to_string(range.end) +
                                         ") are not a non-empty range of a tree of " +
                                         std::to_string(size) + " leaves");
  }
  return Status::Ok();
}

// RFC 6962's recursion over [lo, hi): the subtrees wholly outside `range`, left to right.
void OutsideRanges(std::uint64_t lo, std::uint64_t hi, Range range, std::vector<Range>* out) {
  if (hi <= range.begin || lo >= range.end) {
    out->push_back({lo, hi});
    return;
  }
  if (range.begin <= lo && hi <= range.end) return;
  std::uint64_t k = SplitPoint(hi - lo);
  OutsideRanges(lo, lo + k, range, out);
  OutsideRanges(lo + k, hi, range, out);
}

// MTH(D[lo:hi]) from the range's leaves and, for what lies outside it, the proof's next hashes.
class RangeRoot {
 public:
  RangeRoot(Range range, std::span<const std::string_view> leaves, std::span<const Hash> proof)
      : range_(range), leaves_(leaves), proof_(proof) {}

  StatusOr<Hash> Of(std::uint64_t lo, std::uint64_t hi) {
    if (hi <= range_.begin || lo >= range_.end) {
      if (next_ == proof_.size()) return Status(Code::kCorruption, "the proof is too short");
      return proof_[next_++];
    }
    if (hi - lo == 1) return LeafHash(leaves_[lo - range_.begin]);
    std::uint64_t k = SplitPoint(hi - lo);
    ASSIGN_OR_RETURN(Hash left, Of(lo, lo + k));
    ASSIGN_OR_RETURN(Hash right, Of(lo + k, hi));
    return NodeHash(left, right);
  }
  bool all_used() const { return next_ == proof_.size(); }

 private:
  Range range_;
  std::span<const std::string_view> leaves_;
  std::span<const Hash> proof_;
  std::size_t next_ = 0;
};

}  // namespace

StatusOr<std::vector<Range>> RangeProofRanges(Range range, std::uint64_t size) {
  RETURN_IF_ERROR(CheckRange(range, size));
  std::vector<Range> out;
  OutsideRanges(0, size, range, &out);
  return out;
}

Status VerifyRange(std::uint64_t begin, std::uint64_t size,
                   std::span<const std::string_view> leaf_inputs, std::span<const Hash> proof,
                   const Hash& root) {
  Range range{begin, begin + leaf_inputs.size()};
  RETURN_IF_ERROR(CheckRange(range, size));
  RangeRoot computed(range, leaf_inputs, proof);
  ASSIGN_OR_RETURN(Hash got, computed.Of(0, size));
  if (!computed.all_used()) return Status(Code::kCorruption, "the proof is too long");
  if (got != root) {
    return Status(Code::kCorruption,
                  "the leaves and the proof give the root " + ToHex(got) + ", not " + ToHex(root));
  }
  return Status::Ok();
}

StatusOr<std::vector<Range>> ConsistencyRanges(std::uint64_t first, std::uint64_t second) {
  if (first > second) {
    return Status(Code::kBadRequest, "no consistency proof from a tree of " +
                                         std::to_string(first) + " leaves to a smaller one of " +
                                         std::to_string(second));
  }
  std::vector<Range> parts;
  if (first == 0 || first == second) return parts;
  // RFC 6962 SUBPROOF(m, D[n], b), unrolled; parts are collected from the top down.
  std::uint64_t begin = 0, end = second, m = first;
  bool whole = true;  // b: the subtree is the whole old tree
  while (true) {
    std::uint64_t n = end - begin;
    if (m == n) {
      if (!whole) parts.push_back({begin, end});
      break;
    }
    std::uint64_t k = SplitPoint(n);
    if (m <= k) {
      parts.push_back({begin + k, end});
      end = begin + k;
    } else {
      parts.push_back({begin, begin + k});
      begin += k;
      m -= k;
      whole = false;
    }
  }
  std::reverse(parts.begin(), parts.end());
  return parts;
}

std::vector<NodeId> NodesOf(Range range) {
  std::vector<NodeId> nodes;
  std::uint64_t at = range.begin;
  for (int level = 63; level >= 0; --level) {
    std::uint64_t width = std::uint64_t{1} << level;
    if ((range.end - range.begin) & width) {
      nodes.push_back({level, at >> level});
      at += width;
    }
  }
  return nodes;
}

Hash CombineNodes(std::span<const Hash> nodes) {
  Hash acc = nodes.back();
  for (std::size_t i = nodes.size() - 1; i-- > 0;) acc = NodeHash(nodes[i], acc);
  return acc;
}

StatusOr<std::vector<Hash>> HashRanges(std::span<const Range> ranges, const NodeReader& read) {
  std::vector<NodeId> ids;
  std::vector<std::size_t> ends;  // ids of ranges[i] end at ends[i]
  for (const Range& r : ranges) {
    auto nodes = NodesOf(r);
    ids.insert(ids.end(), nodes.begin(), nodes.end());
    ends.push_back(ids.size());
  }
  std::vector<Hash> hashes(ids.size());
  RETURN_IF_ERROR(read(ids, hashes));
  std::vector<Hash> out;
  out.reserve(ranges.size());
  std::size_t at = 0;
  for (std::size_t end : ends) {
    out.push_back(CombineNodes(std::span<const Hash>(hashes).subspan(at, end - at)));
    at = end;
  }
  return out;
}

StatusOr<Hash> Root(std::uint64_t size, const NodeReader& read) {
  if (size == 0) return EmptyRoot();
  Range whole{0, size};
  ASSIGN_OR_RETURN(auto hashes, HashRanges(std::span<const Range>(&whole, 1), read));
  return hashes[0];
}

Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  if (index >= size) {
    return Refuted("leaf " + std::to_string(index) + " cannot be in a tree of " +
                   std::to_string(size) + " leaves");
  }
  std::uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return Refuted("the inclusion proof is longer than the tree is deep");
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Refuted("the inclusion proof is shorter than the tree is deep");
  if (r != root) return Refuted("the inclusion proof leads to another root (" + ToHex(r) + ")");
  return Status::Ok();
}

Status VerifyConsistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                         const Hash& second_root, std::span<const Hash> proof) {
  if (first > second) return Refuted("the first tree is larger than the second");
  if (first == 0 || first == second) {
    if (!proof.empty()) return Refuted("a consistency proof between these sizes is empty");
    if (first == 0 && first_root != EmptyRoot()) return Refuted("the empty tree has another root");
    if (first == second && first_root != second_root) {
      return Refuted("two trees of the same size have different roots");
    }
    return Status::Ok();
  }
  if (proof.empty()) return Refuted("the consistency proof is empty");
  std::vector<Hash> path;
  if (std::has_single_bit(first)) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = first - 1, sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Refuted("the consistency proof is too long");
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Refuted("the consistency proof is too short");
  if (fr != first_root) return Refuted("the consistency proof leads to another first root");
  if (sr != second_root) return Refuted("the consistency proof leads to another second root");
  return Status::Ok();
}

StatusOr<Frontier> Frontier::Load(std::uint64_t size, const NodeReader& read) {
  std::vector<NodeId> ids;
  for (int level = 0; level < 64; ++level) {
    if ((size >> level) & 1) ids.push_back({level, (size >> level) - 1});
  }
  std::vector<Hash> hashes(ids.size());
  RETURN_IF_ERROR(read(ids, hashes));
  Frontier f;
  f.size_ = size;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    f.nodes_.resize(ids[i].level + 1);
    f.nodes_[ids[i].level] = hashes[i];
  }
  return f;
}

void Frontier::Append(const Hash& leaf_hash, std::string* completed) {
  Hash h = leaf_hash;
  std::size_t level = 0;
  if (completed) completed->append(AsBytes(h));
  while ((size_ >> level) & 1) {
    h = NodeHash(nodes_[level], h);
    ++level;
    if (completed) completed->append(AsBytes(h));
  }
  if (nodes_.size() <= level) nodes_.resize(level + 1);
  nodes_[level] = h;
  ++size_;
}

Hash Frontier::Root() const {
  if (size_ == 0) return EmptyRoot();
  int level = std::countr_zero(size_);
  Hash acc = nodes_[level];
  for (++level; level < 64; ++level) {
    if ((size_ >> level) & 1) acc = NodeHash(nodes_[level], acc);
  }
  return acc;
}

MemoryTree::MemoryTree(std::vector<Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return;
  levels_.push_back(std::move(leaf_hashes));
  while (levels_.back().size() > 1) {
    const auto& below = levels_.back();
    std::vector<Hash> above;
    for (std::size_t i = 0; i + 1 < below.size(); i += 2) {
      above.push_back(NodeHash(below[i], below[i + 1]));
    }
    levels_.push_back(std::move(above));
  }
}

NodeReader MemoryTree::reader() const {
  return [this](std::span<const NodeId> ids, std::span<Hash> out) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto level = static_cast<std::size_t>(ids[i].level);
      if (level >= levels_.size() || ids[i].index >= levels_[level].size()) {
        return Status(Code::kNotFound, "the tree has no node at level " + std::to_string(level) +
                                           " index " + std::to_string(ids[i].index));
      }
      out[i] = levels_[level][ids[i].index];
    }
    return Status::Ok();
  };
}

}  // namespace hatchery::merkle
