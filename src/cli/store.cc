#include "cli/store.h"

#include <iostream>

namespace hatchery::cli {

int Fail(const Status& status) {
  std::cerr << "hatchery: " << status.ToString() << "\n";
  return 2;
}

StatusOr<WritableStore> OpenForAppend(const std::string& dir) {
  WritableStore store{std::make_shared<domain::PolicyRules>(), nullptr};
  ASSIGN_OR_RETURN(store.ledger, Ledger::Open(dir, LedgerOptions{store.rules}));
  RETURN_IF_ERROR(store.rules->health());
  return store;
}

}  // namespace hatchery::cli
