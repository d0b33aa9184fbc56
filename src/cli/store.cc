#include "cli/store.h"

#include <iostream>

#include "replay/snapshot.h"

namespace hatchery::cli {

int Fail(const Status& status) {
  std::cerr << "hatchery: " << status.ToString() << "\n";
  return 2;
}

StatusOr<std::unique_ptr<Ledger>> OpenReadOnly(const std::string& dir) {
  LedgerOptions options;
  options.read_only = true;
  return Ledger::Open(dir, options);
}

StatusOr<WritableStore> OpenForAppend(const std::string& dir) {
  WritableStore store{std::make_shared<domain::PolicyRules>(), nullptr};
  ASSIGN_OR_RETURN(store.ledger, Ledger::Open(dir, LedgerOptions{store.rules}));
  RETURN_IF_ERROR(store.rules->health());
  return store;
}

void KeepSnapshotIfDue(WritableStore& store) {
  auto taken = replay::SnapshotIfDue(*store.ledger, store.rules->facts());
  if (!taken.ok()) {
    std::cerr << "hatchery: note: no snapshot kept (" << taken.status().ToString()
              << "); replays start further back\n";
  }
}

}  // namespace hatchery::cli
