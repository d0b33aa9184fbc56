// The Ledger's side of read replicas (ledger.h "Read replicas"): a `meta` entry naming the primary,
// events kept as the primary recorded them, and promotion.
#include <future>
#include <string>

#include "hatchery/ledger.h"
#include "ledger/format.h"
#include "ledger/sequencer.h"
#include "ledger/store.h"
#include "ledger/writer.h"

namespace hatchery {

using ledger::Cf;

namespace {

Status NotAReplica() {
  return Status(Code::kForbidden, "this ledger was not opened as a replica's");
}

}  // namespace

StatusOr<std::optional<std::string>> Ledger::ReplicaOf() const {
  return store_->Get(Cf::kMeta, ledger::kMetaReplicaOf);
}

Status Ledger::MarkReplicaOf(const std::string& primary) {
  if (!replica_) return NotAReplica();
  if (read_only()) return Status(Code::kUnavailable, "this ledger is read-only: no settings");
  rocksdb::WriteBatch batch;
  batch.Put(store_->Handle(Cf::kMeta), std::string(ledger::kMetaReplicaOf), primary);
  return store_->Write(&batch);
}

Status Ledger::AppendRecorded(std::vector<Event> events,
                              const std::map<std::uint64_t, Hash>& roots) {
  if (!replica_) return NotAReplica();
  if (!writer_) return Status(Code::kUnavailable, "this ledger was opened read-only");
  std::vector<ledger::PreparedCommand> prepared;
  prepared.reserve(events.size());
  for (Event& event : events) {
    const std::uint64_t seq = event.seq;
    auto p = ledger::PrepareRecorded(std::move(event));
    if (!p.ok()) {
      return Status(p.status().code(), "event " + std::to_string(seq) + ": " + p.status().message(),
                    p.status().details());
    }
    if (auto root = roots.find(seq); root != roots.end()) p->root_after = root->second;
    prepared.push_back(std::move(p).value());
  }
  if (prepared.empty()) return Status::Ok();
  std::promise<std::vector<StatusOr<AppendResult>>> answered;
  auto results = answered.get_future();
  writer_->Submit(
      Actor{}, std::move(prepared), AppendMode::kAllOrNothing,
      [&answered](std::vector<StatusOr<AppendResult>> r) { answered.set_value(std::move(r)); });
  for (const auto& result : results.get()) {
    if (!result.ok() && result.status().code() != Code::kAborted) return result.status();
  }
  return Status::Ok();
}

StatusOr<AppendResult> Ledger::Promote(const Actor& actor, AppendCommand decision) {
  if (!replica_) return NotAReplica();
  ASSIGN_OR_RETURN(auto primary, ReplicaOf());
  if (!primary) return Status(Code::kForbidden, "this store is not a replica: nothing to promote");
  std::promise<std::vector<StatusOr<AppendResult>>> answered;
  auto results = answered.get_future();
  std::vector<AppendCommand> commands;
  commands.push_back(std::move(decision));
  Submit(actor, std::move(commands), AppendMode::kEach,
         [&answered](std::vector<StatusOr<AppendResult>> r) { answered.set_value(std::move(r)); });
  StatusOr<AppendResult> recorded = std::move(results.get().front());
  if (!recorded.ok()) return recorded;
  rocksdb::WriteBatch batch;
  batch.Delete(store_->Handle(Cf::kMeta), std::string(ledger::kMetaReplicaOf));
  RETURN_IF_ERROR(store_->Write(&batch));
  replica_ = false;
  return recorded;
}

}  // namespace hatchery
