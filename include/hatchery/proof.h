// Merkle proofs as documents (AUDIT.md §2): what the ledger hands out, what `hatchery proof`
// prints and the API's `proof` op answers (the ledger makes them: ProveInclusion and
// ProveConsistency in ledger.h), and what an auditor checks offline. The JSON forms:
//
//   {"kind": "inclusion", "seq", "tree_size", "event_hash", "leaf_hash", "path": [hex], "root"}
//   {"kind": "consistency", "first", "second", "first_root", "second_root", "path": [hex]}
//
// Hashes are lowercase hex; `path` is in RFC 6962 order. Checking a proof needs only this header,
// merkle.h and sha256.h. Value types and pure functions; thread-safe.
#ifndef HATCHERY_PROOF_H_
#define HATCHERY_PROOF_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <variant>
#include <vector>

#include "hatchery/sha256.h"
#include "hatchery/status.h"

namespace hatchery {

struct InclusionProof {
  std::uint64_t seq = 0, tree_size = 0;  // event `seq` is leaf seq - 1
  Hash event_hash{};
  std::vector<Hash> path;
  Hash root{};
};

struct ConsistencyProof {
  std::uint64_t first = 0, second = 0;
  Hash first_root{}, second_root{};
  std::vector<Hash> path;
};

using Proof = std::variant<InclusionProof, ConsistencyProof>;

boost::json::object ToJson(const Proof& proof);
// Errors: kBadRequest naming the field.
StatusOr<Proof> ParseProof(const boost::json::value& json);

// The proof's own arithmetic: the path leads from the leaf (or the first root) to the root(s) it
// states. That the roots are the log's is shown by a signed checkpoint of the same size.
// Errors: kCorruption saying why not.
Status CheckProof(const Proof& proof);

}  // namespace hatchery

#endif  // HATCHERY_PROOF_H_
