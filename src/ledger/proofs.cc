// The Ledger's Merkle tree (ledger.h): roots and proofs as of any size, proof documents
// (proof.h), and the signed checkpoints kept with the events.
#include "hatchery/ledger.h"
#include "hatchery/proof.h"
#include "ledger/merkle_nodes.h"
#include "ledger/store.h"
#include "ledger/writer.h"

namespace hatchery {

using ledger::Cf;
using ledger::Store;

namespace {

Status BeyondHead(std::uint64_t size, std::uint64_t head) {
  return Status(Code::kBadRequest,
                "tree size " + std::to_string(size) + " is beyond the log, which has " +
                    std::to_string(head) + " events",
                boost::json::object{{"tree_size", static_cast<std::int64_t>(size)},
                                    {"head", static_cast<std::int64_t>(head)}});
}

}  // namespace

merkle::NodeReader Ledger::Nodes(std::uint64_t* head_seq, std::uint64_t tree_size) const {
  auto [head, tail] = writer_ ? writer_->tree_state() : std::pair{opened_head_, opened_tail_};
  *head_seq = head.seq;
  return ledger::StoredNodes(*store_, tree_size, std::move(tail), node_cache_.get());
}

StatusOr<Hash> Ledger::MerkleRoot(std::uint64_t tree_size) const {
  std::uint64_t head_seq = 0;
  auto nodes = Nodes(&head_seq, tree_size);
  if (tree_size > head_seq) return BeyondHead(tree_size, head_seq);
  return merkle::Root(tree_size, nodes);
}

StatusOr<std::vector<Hash>> Ledger::RangeProof(std::uint64_t first_seq, std::uint64_t last_seq,
                                               std::uint64_t tree_size) const {
  std::uint64_t head_seq = 0;
  auto nodes = Nodes(&head_seq, tree_size);
  if (tree_size > head_seq) return BeyondHead(tree_size, head_seq);
  if (first_seq == 0) {
    return Status(Code::kBadRequest, "seqs start at 1", boost::json::object{{"field", "from_seq"}});
  }
  ASSIGN_OR_RETURN(auto ranges, merkle::RangeProofRanges({first_seq - 1, last_seq}, tree_size));
  return merkle::HashRanges(ranges, nodes);
}

StatusOr<std::vector<Hash>> Ledger::InclusionProof(std::uint64_t seq,
                                                   std::uint64_t tree_size) const {
  std::uint64_t head_seq = 0;
  auto nodes = Nodes(&head_seq, tree_size);
  if (tree_size > head_seq) return BeyondHead(tree_size, head_seq);
  if (seq == 0 || seq > tree_size) {
    return Status(Code::kBadRequest,
                  "event " + std::to_string(seq) + " is not in the tree of " +
                      std::to_string(tree_size) + " events",
                  boost::json::object{{"field", "seq"}});
  }
  ASSIGN_OR_RETURN(auto ranges, merkle::InclusionRanges(seq - 1, tree_size));
  return merkle::HashRanges(ranges, nodes);
}

StatusOr<std::vector<Hash>> Ledger::ConsistencyProof(std::uint64_t first,
                                                     std::uint64_t second) const {
  std::uint64_t head_seq = 0;
  auto nodes = Nodes(&head_seq, second);
  if (second > head_seq) return BeyondHead(second, head_seq);
  ASSIGN_OR_RETURN(auto ranges, merkle::ConsistencyRanges(first, second));
  return merkle::HashRanges(ranges, nodes);
}

StatusOr<Checkpoint> Ledger::CheckpointAt(std::uint64_t tree_size) const {
  ASSIGN_OR_RETURN(Hash root, MerkleRoot(tree_size));
  return Checkpoint{origin_, tree_size, root, {}};
}

Status Ledger::AddCheckpoint(std::string_view signed_note, const note::VerifierKey& signer) {
  if (read_only()) {
    return Status(Code::kUnavailable, "this ledger is read-only: checkpoints cannot be kept");
  }
  ASSIGN_OR_RETURN(note::Note parsed, note::Parse(signed_note));
  ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(parsed.text));
  if (checkpoint.origin != origin_) {
    return Status(Code::kBadRequest, "the checkpoint is of \"" + checkpoint.origin +
                                         "\", not of this log (\"" + origin_ + "\")");
  }
  ASSIGN_OR_RETURN(Hash root, MerkleRoot(checkpoint.size));
  if (root != checkpoint.root) {
    return Status(Code::kCorruption, "the checkpoint's root is not this log's root at size " +
                                         std::to_string(checkpoint.size));
  }
  RETURN_IF_ERROR(note::Verify(parsed, signer));
  rocksdb::WriteBatch batch;
  batch.Put(store_->Handle(Cf::kCheckpoints), ledger::CheckpointKey(checkpoint.size, signed_note),
            std::string(signed_note));
  batch.Put(store_->Handle(Cf::kMeta),
            std::string(ledger::kMetaVerifierKeyPrefix) + note::KeyLabel(signer.name, signer.id),
            note::FormatVerifierKey(signer));
  return store_->Write(&batch);
}

StatusOr<std::vector<std::string>> Ledger::Checkpoints() const {
  std::vector<std::string> notes;
  auto it = store_->NewIterator(Cf::kCheckpoints);
  for (it->SeekToFirst(); it->Valid(); it->Next()) notes.push_back(it->value().ToString());
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "cannot read the checkpoints"));
  return notes;
}

StatusOr<InclusionProof> ProveInclusion(const Ledger& ledger, std::uint64_t seq,
                                        std::uint64_t tree_size) {
  InclusionProof p{seq, tree_size, {}, {}, {}};
  ASSIGN_OR_RETURN(p.path, ledger.InclusionProof(seq, tree_size));
  ASSIGN_OR_RETURN(p.root, ledger.MerkleRoot(tree_size));
  ASSIGN_OR_RETURN(Event event, ledger.Get(seq));
  p.event_hash = event.hash;
  return p;
}

StatusOr<ConsistencyProof> ProveConsistency(const Ledger& ledger, std::uint64_t first,
                                            std::uint64_t second) {
  ConsistencyProof p{first, second, {}, {}, {}};
  ASSIGN_OR_RETURN(p.path, ledger.ConsistencyProof(first, second));
  ASSIGN_OR_RETURN(p.first_root, ledger.MerkleRoot(first));
  ASSIGN_OR_RETURN(p.second_root, ledger.MerkleRoot(second));
  return p;
}

}  // namespace hatchery
