// The Ledger's side of read replicas (ledger.h "Read replicas"): a `meta` entry naming the primary,
// events kept as the primary recorded them, and promotion.
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
  RETURN_IF_ERROR(store_->Write(&batch));
  replica_of_ = primary;  // named in the refusal of appends
  return Status::Ok();
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
  auto results = ledger::Await([&](AppendCallback done) {
    writer_->Submit(Actor{}, std::move(prepared), AppendMode::kAllOrNothing, std::move(done));
  });
  for (const auto& result : results) {
    if (!result.ok() && result.status().code() != Code::kAborted) return result.status();
  }
  return Status::Ok();
}

StatusOr<AppendResult> Ledger::Promote(const Actor& actor, AppendCommand decision) {
  if (!replica_) return NotAReplica();
  ASSIGN_OR_RETURN(auto primary, ReplicaOf());
  if (!primary) return Status(Code::kForbidden, "this store is not a replica: nothing to promote");
  std::vector<AppendCommand> commands;
  commands.push_back(std::move(decision));
  StatusOr<AppendResult> recorded =
      std::move(ledger::Await([&](AppendCallback done) {
                  Submit(actor, std::move(commands), AppendMode::kEach, std::move(done));
                }).front());
  if (!recorded.ok()) return recorded;
  rocksdb::WriteBatch batch;
  batch.Delete(store_->Handle(Cf::kMeta), std::string(ledger::kMetaReplicaOf));
  RETURN_IF_ERROR(store_->Write(&batch));
  replica_ = false;
  return recorded;
}

}  // namespace hatchery
