// The Merkle tree (AUDIT.md §2) against a naive recursive reference written straight from
// RFC 6962 §2.1, against published known-answer vectors, and against itself (every proof it
// makes verifies; every mangled proof does not).
#include "hatchery/merkle.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <random>

namespace hatchery::merkle {
namespace {

namespace bj = boost::json;
using Leaves = std::vector<Hash>;

// --- The reference: RFC 6962 §2.1, recursion for recursion. ---------------------------------

std::uint64_t K(std::uint64_t n) {  // the largest power of two smaller than n
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash Mth(const Leaves& d, std::uint64_t b, std::uint64_t e) {
  std::uint64_t n = e - b;
  if (n == 0) return EmptyRoot();
  if (n == 1) return d[b];
  std::uint64_t k = K(n);
  return NodeHash(Mth(d, b, b + k), Mth(d, b + k, e));
}

Leaves Path(std::uint64_t m, const Leaves& d, std::uint64_t b, std::uint64_t e) {
  std::uint64_t n = e - b;
  if (n == 1) return {};
  std::uint64_t k = K(n);
  Leaves out;
  if (m < k) {
    out = Path(m, d, b, b + k);
    out.push_back(Mth(d, b + k, e));
  } else {
    out = Path(m - k, d, b + k, e);
    out.push_back(Mth(d, b, b + k));
  }
  return out;
}

Leaves SubProof(std::uint64_t m, const Leaves& d, std::uint64_t b, std::uint64_t e, bool whole) {
  std::uint64_t n = e - b;
  if (m == n) return whole ? Leaves{} : Leaves{Mth(d, b, e)};
  std::uint64_t k = K(n);
  Leaves out;
  if (m <= k) {
    out = SubProof(m, d, b, b + k, whole);
    out.push_back(Mth(d, b + k, e));
  } else {
    out = SubProof(m - k, d, b + k, e, false);
    out.push_back(Mth(d, b, b + k));
  }
  return out;
}

// The hashes of the subtrees wholly outside [rb, re), left to right (an export's range proof).
Leaves Outside(std::uint64_t rb, std::uint64_t re, const Leaves& d, std::uint64_t b,
               std::uint64_t e) {
  if (e <= rb || b >= re) return {Mth(d, b, e)};
  if (rb <= b && e <= re) return {};
  std::uint64_t k = K(e - b);
  Leaves out = Outside(rb, re, d, b, b + k);
  for (const Hash& h : Outside(rb, re, d, b + k, e)) out.push_back(h);
  return out;
}

// --- Helpers. ---------------------------------------------------------------------------------

Leaves MakeLeaves(std::size_t n) {
  Leaves leaves;
  for (std::size_t i = 0; i < n; ++i) leaves.push_back(LeafHash("leaf " + std::to_string(i)));
  return leaves;
}

Leaves Proof(const MemoryTree& tree, const StatusOr<std::vector<Range>>& ranges) {
  REQUIRE(ranges.ok());
  auto hashes = HashRanges(*ranges, tree.reader());
  REQUIRE(hashes.ok());
  return *hashes;
}

Hash H(const bj::value& hex) {
  auto h = HashFromHex(hex.as_string());
  REQUIRE(h);
  return *h;
}

bj::object LoadJson(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bj::parse(text).as_object();
}

// --- Known answers. ---------------------------------------------------------------------------

TEST_CASE("merkle: RFC 6962 known-answer roots and proofs", "[merkle]") {
  Leaves leaves;
  std::ifstream in(HATCHERY_TEST_VECTORS_DIR "/rfc6962-leaves.txt");
  for (std::string line; std::getline(in, line);) leaves.push_back(LeafHash(*BytesFromHex(line)));
  REQUIRE(leaves.size() == 8);
  bj::object v = LoadJson(HATCHERY_TEST_VECTORS_DIR "/rfc6962.json");
  MemoryTree tree(leaves);
  for (const auto& [size, root] : v.at("roots").as_object()) {
    std::uint64_t n = std::stoull(std::string(size));
    auto got = Root(n, MemoryTree(Leaves(leaves.begin(), leaves.begin() + n)).reader());
    REQUIRE(got.ok());
    CHECK(ToHex(*got) == root.as_string().c_str());
  }
  for (const auto& c : v.at("inclusion").as_array()) {
    auto index = c.at("index").as_int64(), size = c.at("size").as_int64();
    Leaves want;
    for (const auto& h : c.at("path").as_array()) want.push_back(H(h));
    CHECK(Proof(tree, InclusionRanges(index, size)) == want);
    CHECK(VerifyInclusion(index, size, leaves[index], want, *Root(size, tree.reader())).ok());
  }
  for (const auto& c : v.at("consistency").as_array()) {
    auto first = c.at("first").as_int64(), second = c.at("second").as_int64();
    Leaves want;
    for (const auto& h : c.at("proof").as_array()) want.push_back(H(h));
    MemoryTree prefix(Leaves(leaves.begin(), leaves.begin() + second));
    CHECK(Proof(prefix, ConsistencyRanges(first, second)) == want);
    auto first_root = Root(first, prefix.reader()), second_root = Root(second, prefix.reader());
    CHECK(VerifyConsistency(first, second, *first_root, *second_root, want).ok());
  }
}

TEST_CASE("merkle: the contract's vectors over the five event hashes", "[merkle][vectors]") {
  Leaves leaves;
  std::ifstream in(HATCHERY_SHARED_VECTORS_DIR "/events.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto hash = HashFromHex(bj::parse(line).at("hash").as_string());
    REQUIRE(hash);
    leaves.push_back(LeafHash(AsBytes(*hash)));  // leaf input: the 32 raw bytes of the hash
  }
  REQUIRE(leaves.size() == 5);
  bj::object v = LoadJson(HATCHERY_SHARED_VECTORS_DIR "/merkle.json");
  MemoryTree tree(leaves);
  for (const auto& [size, root] : v.at("roots").as_object()) {
    auto got = Root(std::stoull(std::string(size)), tree.reader());
    REQUIRE(got.ok());
    CHECK(ToHex(*got) == root.as_string().c_str());
  }
  const auto& inc = v.at("inclusion").as_object();
  Leaves path;
  for (const auto& h : inc.at("path").as_array()) path.push_back(H(h));
  std::uint64_t seq = inc.at("seq").as_int64(), size = inc.at("tree_size").as_int64();
  CHECK(Proof(tree, InclusionRanges(seq - 1, size)) == path);
  const auto& con = v.at("consistency").as_object();
  Leaves proof;
  for (const auto& h : con.at("proof").as_array()) proof.push_back(H(h));
  CHECK(Proof(tree, ConsistencyRanges(con.at("first").as_int64(), con.at("second").as_int64())) ==
        proof);
}

// --- Against the reference. ---------------------------------------------------------------------

TEST_CASE("merkle: every root and proof of every tree up to 70 leaves equals the reference's",
          "[merkle]") {
  Leaves all = MakeLeaves(70);
  for (std::uint64_t n = 0; n <= all.size(); ++n) {
    Leaves d(all.begin(), all.begin() + n);
    MemoryTree tree(d);
    auto root = Root(n, tree.reader());
    REQUIRE(root.ok());
    REQUIRE(*root == Mth(d, 0, n));
    for (std::uint64_t m = 0; m < n; ++m) {
      INFO("inclusion of " << m << " in " << n);
      Leaves proof = Proof(tree, InclusionRanges(m, n));
      REQUIRE(proof == Path(m, d, 0, n));
      REQUIRE(VerifyInclusion(m, n, d[m], proof, *root).ok());
    }
    for (std::uint64_t m = 1; m <= n; ++m) {
      INFO("consistency " << m << " -> " << n);
      Leaves proof = Proof(tree, ConsistencyRanges(m, n));
      REQUIRE(proof == SubProof(m, d, 0, n, true));
      REQUIRE(VerifyConsistency(m, n, Mth(d, 0, m), *root, proof).ok());
    }
  }
}

TEST_CASE("merkle: every range proof of every tree up to 40 leaves equals the reference's",
          "[merkle]") {
  std::vector<std::string> inputs;
  for (int i = 0; i < 40; ++i) inputs.push_back("leaf " + std::to_string(i));
  Leaves all = MakeLeaves(inputs.size());  // LeafHash of each input
  MemoryTree whole(all);
  for (std::uint64_t n = 1; n <= all.size(); ++n) {
    Leaves d(all.begin(), all.begin() + n);
    Hash root = Mth(d, 0, n);
    for (std::uint64_t b = 0; b < n; ++b) {
      for (std::uint64_t e = b + 1; e <= n; ++e) {
        INFO("leaves [" << b << ", " << e << ") of " << n);
        Leaves proof = Proof(whole, RangeProofRanges({b, e}, n));
        REQUIRE(proof == Outside(b, e, d, 0, n));
        std::vector<std::string_view> range(inputs.begin() + b, inputs.begin() + e);
        REQUIRE(VerifyRange(b, n, range, proof, root).ok());
      }
    }
  }
}

TEST_CASE("merkle: mangled range proofs and ranges are refused", "[merkle]") {
  std::vector<std::string> inputs;
  for (int i = 0; i < 23; ++i) inputs.push_back("leaf " + std::to_string(i));
  Leaves d = MakeLeaves(inputs.size());
  MemoryTree tree(d);
  Hash root = Mth(d, 0, d.size());
  std::vector<std::string_view> range(inputs.begin() + 5, inputs.begin() + 17);
  Leaves proof = Proof(tree, RangeProofRanges({5, 17}, d.size()));
  REQUIRE(VerifyRange(5, d.size(), range, proof, root).ok());
  CHECK_FALSE(VerifyRange(4, d.size(), range, proof, root).ok());  // shifted
  // (The size is not what the proof binds: the signed checkpoint states it with the root.)
  CHECK(VerifyRange(5, 16, range, proof, root).code() == Code::kBadRequest);  // past the tree
  auto changed = range;
  std::string other = "leaf 99";
  changed[3] = other;
  CHECK_FALSE(VerifyRange(5, d.size(), changed, proof, root).ok());  // a leaf changed
  changed[3] = range[4];
  changed[4] = range[3];
  CHECK_FALSE(VerifyRange(5, d.size(), changed, proof, root).ok());  // two leaves swapped
  auto shorter = std::vector<std::string_view>(range.begin(), range.end() - 1);
  CHECK_FALSE(VerifyRange(5, d.size(), shorter, proof, root).ok());  // a leaf removed
  Leaves longer = proof;
  longer.push_back(root);
  CHECK(VerifyRange(5, d.size(), range, longer, root).code() == Code::kCorruption);
  Leaves truncated(proof.begin(), proof.end() - 1);
  CHECK(VerifyRange(5, d.size(), range, truncated, root).code() == Code::kCorruption);
  Leaves flipped = proof;
  flipped[0][0] ^= 1;
  CHECK_FALSE(VerifyRange(5, d.size(), range, flipped, root).ok());
  CHECK(RangeProofRanges({5, 5}, 23).status().code() == Code::kBadRequest);
  CHECK(RangeProofRanges({5, 24}, 23).status().code() == Code::kBadRequest);
  CHECK(RangeProofRanges({0, 23}, 23)->empty());
}

TEST_CASE("merkle: random sizes up to 100,000 leaves agree with the reference", "[merkle]") {
  std::mt19937_64 random(6962);
  Leaves all = MakeLeaves(100'000);
  MemoryTree whole(all);
  for (int trial = 0; trial < 60; ++trial) {
    std::uint64_t n = 1 + random() % all.size();
    Leaves d(all.begin(), all.begin() + n);
    std::uint64_t m = random() % n, first = 1 + random() % n;
    INFO("n " << n << " m " << m << " first " << first);
    // Proofs for an older size come from the nodes of the larger tree, as a stored log serves them.
    Leaves inclusion = Proof(whole, InclusionRanges(m, n));
    CHECK(inclusion == Path(m, d, 0, n));
    Leaves consistency = Proof(whole, ConsistencyRanges(first, n));
    CHECK(consistency == SubProof(first, d, 0, n, true));
    Hash root = Mth(d, 0, n);
    CHECK(*Root(n, whole.reader()) == root);
    CHECK(VerifyInclusion(m, n, d[m], inclusion, root).ok());
    CHECK(VerifyConsistency(first, n, Mth(d, 0, first), root, consistency).ok());
  }
}

TEST_CASE("merkle: the frontier appends, roots and reloads like the whole tree", "[merkle]") {
  Leaves all = MakeLeaves(1100);
  MemoryTree whole(all);
  Frontier frontier;
  for (std::uint64_t i = 0; i < all.size(); ++i) {
    std::string completed;
    frontier.Append(all[i], &completed);
    // The nodes completed by leaf i: level l, index ((i + 1) >> l) - 1, for l = 0 .. trailing ones.
    int levels = std::countr_one(i) + 1;
    REQUIRE(completed.size() == 32u * levels);
    for (int l = 0; l < levels; ++l) {
      NodeId id{l, ((i + 1) >> l) - 1};
      Hash want;
      REQUIRE(whole.reader()(std::span<const NodeId>(&id, 1), std::span<Hash>(&want, 1)).ok());
      REQUIRE(completed.substr(32 * l, 32) == std::string(AsBytes(want)));
    }
    REQUIRE(frontier.Root() == Mth(all, 0, i + 1));
  }
  for (std::uint64_t n : {0, 1, 2, 3, 7, 8, 9, 255, 256, 1000}) {
    auto loaded = Frontier::Load(n, whole.reader());
    REQUIRE(loaded.ok());
    CHECK(loaded->Root() == Mth(all, 0, n));
    loaded->Append(all[n]);
    CHECK(loaded->Root() == Mth(all, 0, n + 1));
  }
}

// --- The verifiers refuse what they must. -------------------------------------------------------

TEST_CASE("merkle: mangled inclusion proofs are refused", "[merkle]") {
  Leaves d = MakeLeaves(37);
  MemoryTree tree(d);
  for (std::uint64_t n = 2; n <= d.size(); ++n) {
    Hash root = Mth(d, 0, n);
    for (std::uint64_t m = 0; m < n; ++m) {
      INFO("inclusion of " << m << " in " << n);
      Leaves proof = Path(m, d, 0, n);
      Leaves flipped = proof;
      flipped.back()[7] ^= 1;
      CHECK_FALSE(VerifyInclusion(m, n, d[m], flipped, root).ok());
      CHECK_FALSE(VerifyInclusion(m, n, d[m], Leaves(proof.begin(), proof.end() - 1), root).ok());
      Leaves longer = proof;
      longer.push_back(d[0]);
      CHECK_FALSE(VerifyInclusion(m, n, d[m], longer, root).ok());
      CHECK_FALSE(VerifyInclusion(m, n, d[(m + 1) % n], proof, root).ok());
      CHECK_FALSE(VerifyInclusion((m + 1) % n, n, d[m], proof, root).ok());
    }
    CHECK_FALSE(VerifyInclusion(n, n, d[0], {}, root).ok());
  }
}

TEST_CASE("merkle: mangled consistency proofs are refused", "[merkle]") {
  Leaves d = MakeLeaves(37);
  for (std::uint64_t n = 2; n <= d.size(); ++n) {
    Hash root = Mth(d, 0, n);
    for (std::uint64_t m = 1; m < n; ++m) {
      INFO("consistency " << m << " -> " << n);
      Hash first_root = Mth(d, 0, m);
      Leaves proof = SubProof(m, d, 0, n, true);
      Leaves flipped = proof;
      flipped.front()[3] ^= 0x80;
      CHECK_FALSE(VerifyConsistency(m, n, first_root, root, flipped).ok());
      CHECK_FALSE(
          VerifyConsistency(m, n, first_root, root, Leaves(proof.begin(), proof.end() - 1)).ok());
      Leaves longer = proof;
      longer.push_back(d[0]);
      CHECK_FALSE(VerifyConsistency(m, n, first_root, root, longer).ok());
      CHECK_FALSE(VerifyConsistency(m, n, Mth(d, 0, m + 1), root, proof).ok());
      CHECK_FALSE(VerifyConsistency(m, n, first_root, Mth(d, 0, n - 1), proof).ok());
      CHECK_FALSE(VerifyConsistency(n, m, root, first_root, proof).ok());
    }
  }
  // The degenerate cases: equal sizes and the empty tree.
  CHECK(VerifyConsistency(4, 4, Mth(d, 0, 4), Mth(d, 0, 4), {}).ok());
  CHECK_FALSE(VerifyConsistency(4, 4, Mth(d, 0, 4), Mth(d, 0, 5), {}).ok());
  CHECK_FALSE(VerifyConsistency(4, 4, Mth(d, 0, 4), Mth(d, 0, 4), Leaves{d[0]}).ok());
  CHECK(VerifyConsistency(0, 8, EmptyRoot(), Mth(d, 0, 8), {}).ok());
  CHECK_FALSE(VerifyConsistency(0, 8, d[0], Mth(d, 0, 8), {}).ok());
  CHECK_FALSE(InclusionRanges(8, 8).ok());
  CHECK_FALSE(ConsistencyRanges(5, 3).ok());
}

}  // namespace
}  // namespace hatchery::merkle
