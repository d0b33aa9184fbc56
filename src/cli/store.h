// How the command line opens a store: with the policy domain plugged in for writing, and folded
// into a fact base for queries. Errors are printed; callers just return the exit code.
#ifndef HATCHERY_CLI_STORE_H_
#define HATCHERY_CLI_STORE_H_

#include <memory>
#include <optional>
#include <string>

#include "domain/checks/policy_rules.h"
#include "domain/fold/fact_base.h"
#include "hatchery/ledger.h"

namespace hatchery::cli {

// Prints `status` to stderr and returns 2 (the command could not run).
int Fail(const Status& status);

// A store opened read-only (no lock: may run beside a writer).
StatusOr<std::unique_ptr<Ledger>> OpenReadOnly(const std::string& dir);

// A store opened for appending, with the policy domain checking every command.
struct WritableStore {
  std::shared_ptr<domain::PolicyRules> rules;
  std::unique_ptr<Ledger> ledger;
};
StatusOr<WritableStore> OpenForAppend(const std::string& dir);

// After appending: keeps a snapshot of the live fact base when one is due (replay/snapshot.h).
// A snapshot is a cache, so a failure is only reported on stderr.
void KeepSnapshotIfDue(WritableStore& store);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_STORE_H_
