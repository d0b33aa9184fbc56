// How the command line opens a store: with the policy domain plugged in for writing, and folded
// into a fact base for queries. Errors are printed; callers just return the exit code.
#ifndef HATCHERY_CLI_STORE_H_
#define HATCHERY_CLI_STORE_H_

#include <memory>
#include <optional>
#include <string>

#include "domain/fact_base.h"
#include "domain/policy_rules.h"
#include "hatchery/ledger.h"

namespace hatchery::cli {

// Prints `status` to stderr and returns 2 (the command could not run).
int Fail(const Status& status);

// A store opened for appending, with the policy domain checking every command.
struct WritableStore {
  std::shared_ptr<domain::PolicyRules> rules;
  std::unique_ptr<Ledger> ledger;
};
StatusOr<WritableStore> OpenForAppend(const std::string& dir);

// Every event of `ledger` up to `max_seq` (all if nullopt), folded into a fact base.
StatusOr<std::unique_ptr<domain::FactBase>> FoldFacts(const Ledger& ledger,
                                                      std::optional<std::uint64_t> max_seq);
// The same for the store in `dir`, opened read-only, so it works beside a running writer.
StatusOr<std::unique_ptr<domain::FactBase>> LoadFacts(const std::string& dir,
                                                      std::optional<std::uint64_t> max_seq);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_STORE_H_
