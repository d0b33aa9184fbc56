// The Ledger's server-only setting (ledger.h "Local writes"): a `meta` entry naming the head when
// the store stopped taking writes from the command line.
#include <string>

#include "hatchery/ledger.h"
#include "ledger/format.h"
#include "ledger/store.h"

namespace hatchery {

using ledger::Cf;

StatusOr<std::optional<std::uint64_t>> Ledger::ServerOnlySince() const {
  return store_->ServerOnlySince();
}

Status Ledger::SetServerOnly(bool server_only) {
  if (read_only()) return Status(Code::kUnavailable, "this ledger is read-only: no settings");
  ASSIGN_OR_RETURN(auto since, store_->ServerOnlySince());
  if (server_only == since.has_value()) return Status::Ok();
  rocksdb::WriteBatch batch;
  if (server_only) {
    batch.Put(store_->Handle(Cf::kMeta), std::string(ledger::kMetaServerOnlySince),
              std::to_string(head().seq));
  } else {
    batch.Delete(store_->Handle(Cf::kMeta), std::string(ledger::kMetaServerOnlySince));
  }
  return store_->Write(&batch);
}

}  // namespace hatchery
