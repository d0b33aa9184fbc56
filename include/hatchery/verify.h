// Verification of a store (AUDIT.md §4). Trusts nothing but the events' bytes: every record is
// re-rendered and re-hashed, every link and seq checked, the indexes (both ways) and the command
// digests and the stored Merkle tree checked against the events, each event re-validated (with
// `validate_event`), the root recomputed at every kept checkpoint and each checkpoint's
// signatures checked. A checkpoint signed by a key the auditor holds (`trusted_keys`) is what
// catches a log rewritten wholesale, hashes and all, by someone with the database files.
#ifndef HATCHERY_VERIFY_H_
#define HATCHERY_VERIFY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hatchery/checkpoint.h"
#include "hatchery/ledger.h"
#include "hatchery/note.h"
#include "hatchery/status.h"

namespace hatchery {

struct VerifyOptions {
  // Keys the auditor trusts, from their own records: when given, every kept checkpoint must carry
  // a valid signature by one of them. Without, signatures are checked against the verifier keys
  // the store kept (which shows the store is self-consistent, not who signed).
  std::vector<note::VerifierKey> trusted_keys;
  // Check events 1..to_seq only, and the kept checkpoints of those sizes (0: every event). What
  // lies beyond is not looked at: a store still being appended to checks out to any seq it has.
  std::uint64_t to_seq = 0;
  // The domain's check of one event on its own (its type known, its data within its schema and
  // the envelope's rules), run on every event: the ledger alone knows no schemas. None: skipped.
  std::function<Status(const Event&)> validate_event;
  // Checkpoints a witness cosigned (witness/witness.h ReadCosigned, their cosignatures checked by
  // the caller), by size: the log must have each one's root at its size, and at least its events.
  // A log rewritten, or cut short, since a witness saw it is caught with no trust in its host.
  std::vector<Checkpoint> witnessed;
  // Called after each batch of events checked with (events checked, events to check), for a
  // progress line. None: not called.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct VerifyReport {
  std::uint64_t events_checked = 0;       // events that passed every check
  std::uint64_t checkpoints_checked = 0;  // kept checkpoints whose root and signatures check out
  std::uint64_t witnessed_checked = 0;    // VerifyOptions::witnessed whose root checks out
  LedgerHead head;                        // the last event that passed
  // Who wrote (docs/ledger.md "Who writes"): the store's server-only setting (the head when it
  // was made; nullopt while local writes are allowed), and, of the events that passed, those
  // written locally (whose actor carries an os_user): how many by each OS user, and the last.
  // A local write after the setting is a problem: the setting or the events were changed
  // behind the ledger's back.
  std::optional<std::uint64_t> server_only_since;
  std::map<std::string, std::uint64_t> local_writes;
  std::uint64_t last_local_write = 0;
  // The genesis declares the store's clock simulated: a demo store, whose recorded times are
  // invented (Ledger::simulated_clock).
  bool simulated_clock = false;
  std::uint64_t first_bad_seq = 0;  // 0 when everything checks out
  std::string problem;              // what is wrong at first_bad_seq
  bool ok() const { return first_bad_seq == 0; }
};

// {"ok", "events_checked", "checkpoints_checked", "witnessed_checked", "head_seq", "head_hash",
// "server_only_since" (null: local writes allowed), "local_writes" ({OS user: events}),
// "last_local_write" (0: none)}, "clock": "simulated" for a demo store, and, when not ok,
// {"first_bad_seq", "problem"}: the report as the server's `verify` op gives it.
boost::json::object ToJson(const VerifyReport& report);

// Opens the store in `dir` read-only (beside a running writer is fine) and checks it, stopping at
// the first problem. A non-OK status means the store could not be read at all; findings about its
// content are in the report.
StatusOr<VerifyReport> VerifyStore(const std::string& dir, const VerifyOptions& options = {});

}  // namespace hatchery

#endif  // HATCHERY_VERIFY_H_
