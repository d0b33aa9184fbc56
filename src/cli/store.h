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

// An instant on the recorded-time axis: RFC 3339 UTC as events record it
// (2026-01-10T08:00:00.000000Z) or to the second (2026-01-10T08:00:00Z); Unix microseconds.
std::optional<std::int64_t> ParseInstant(const std::string& text);

// A store opened for appending, with the policy domain checking every command.
struct WritableStore {
  std::shared_ptr<domain::PolicyRules> rules;
  std::unique_ptr<Ledger> ledger;
};
StatusOr<WritableStore> OpenForAppend(const std::string& dir);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_STORE_H_
