// The Ledger's snapshot cache (ledger.h, replay/snapshot.h): opaque fold states kept in a
// column family of their own.
#include "hatchery/ledger.h"
#include "ledger/store.h"
#include "ledger/writer.h"

namespace hatchery {

using ledger::Cf;
using ledger::Store;

Status Ledger::PutSnapshot(std::uint64_t seq, std::string_view bytes) {
  if (read_only()) return Status(Code::kUnavailable, "this ledger is read-only: no snapshots");
  if (seq > head().seq) {
    return Status(Code::kBadRequest, "a snapshot after event " + std::to_string(seq) +
                                         " is beyond the head " + std::to_string(head().seq));
  }
  rocksdb::WriteBatch batch;
  batch.Put(store_->Handle(Cf::kSnapshots), ledger::SnapshotKey(seq),
            rocksdb::Slice(bytes.data(), bytes.size()));
  return store_->Write(&batch);
}

Status Ledger::DeleteSnapshot(std::uint64_t seq) {
  if (read_only()) return Status(Code::kUnavailable, "this ledger is read-only: no snapshots");
  rocksdb::WriteBatch batch;
  batch.Delete(store_->Handle(Cf::kSnapshots), ledger::SnapshotKey(seq));
  return store_->Write(&batch);
}

StatusOr<std::vector<std::uint64_t>> Ledger::SnapshotSeqs() const {
  std::vector<std::uint64_t> seqs;
  auto it = store_->NewIterator(Cf::kSnapshots);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto seq = ledger::DecodeFixed64(it->key().ToStringView());
    if (!seq) return Status(Code::kCorruption, "a snapshot key is not a seq");
    seqs.push_back(*seq);
  }
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "cannot list the snapshots"));
  return seqs;
}

StatusOr<std::string> Ledger::GetSnapshot(std::uint64_t seq) const {
  ASSIGN_OR_RETURN(auto bytes, store_->Get(Cf::kSnapshots, ledger::SnapshotKey(seq)));
  if (!bytes) return Status(Code::kNotFound, "no snapshot after event " + std::to_string(seq));
  return std::move(*bytes);
}

}  // namespace hatchery
