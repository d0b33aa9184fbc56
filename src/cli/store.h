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
#include "hatchery/note.h"

namespace hatchery::cli {

// Prints `status` to stderr, with what to do where its message cannot say (a server's answer does
// not know how its client was started), and returns 2 (the command could not run).
int Fail(const Status& status);

// A store opened read-only (no lock: may run beside a writer).
StatusOr<std::unique_ptr<Ledger>> OpenReadOnly(const std::string& dir);

// A store opened for appending, with the policy domain checking every command.
struct WritableStore {
  std::shared_ptr<domain::PolicyRules> rules;
  std::unique_ptr<Ledger> ledger;
};
// Who the store is opened for (docs/ledger.md "Who writes").
enum class Writer {
  kLocal,    // appends for the user running this process: a local write, which a store set
             // server-only refuses (kForbidden)
  kServer,   // appends for the server's clients, each as its token's actor
  kUpkeep,   // appends nothing: keeps snapshots or checkpoints of the folded state
  kPromote,  // records a read replica's promotion (Ledger::Promote): the one local write a
             // replica takes
};
StatusOr<WritableStore> OpenForAppend(const std::string& dir, Writer writer);

// The actor a local write records: `id` as claimed, beside the operating-system account that runs
// this process (the real uid's name; "uid-<n>" if it has none that is a valid OS user name).
Actor LocalActor(const std::string& id);

// The store's signing key is kept beside its directory, outside it: "<dir>.key" (mode 0600) and its
// verifier key "<dir>.pub" — so that whoever copies or replaces the store's files does not get
// the key with them. The path prefix of both, for the store at `dir`.
std::string StoreKeyPrefix(const std::string& dir);
// Creates the store's key, named `origin` (its checkpoints' origin line), unless there is one;
// says where it is on stdout. Errors: the key cannot be written.
Status CreateStoreKey(const std::string& dir, const std::string& origin);
// The store's key, if it has one. Errors: a key file that does not read (or is readable by others).
StatusOr<std::optional<note::SigningKey>> StoreKey(const std::string& dir);

// After appending: keeps a snapshot of the live fact base when one is due (replay/snapshot.h),
// and, when the store has a key, signs and keeps a checkpoint of the head if the newest kept one
// is of fewer events (AUDIT.md §3). Both are reported on stderr if they fail: the appends stand.
void FinishWrites(WritableStore& store);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_STORE_H_
