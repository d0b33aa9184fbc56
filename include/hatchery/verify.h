// Verification of a store against its own hash chain (AUDIT.md §4; the Merkle and checkpoint
// checks join when checkpoints exist). Trusts nothing but the events' bytes: every record is
// re-rendered and re-hashed, every link and seq checked, the indexes checked against the events.
#ifndef HATCHERY_VERIFY_H_
#define HATCHERY_VERIFY_H_

#include <cstdint>
#include <string>

#include "hatchery/ledger.h"
#include "hatchery/status.h"

namespace hatchery {

struct VerifyReport {
  std::uint64_t events_checked = 0;  // events that passed every check
  LedgerHead head;                   // the last event that passed
  std::uint64_t first_bad_seq = 0;   // 0 when everything checks out
  std::string problem;               // what is wrong at first_bad_seq
  bool ok() const { return first_bad_seq == 0; }
};

// Opens the store in `dir` read-only (beside a running writer is fine) and checks it, stopping at
// the first problem. A non-OK status means the store could not be read at all; findings about its
// content are in the report.
StatusOr<VerifyReport> VerifyStore(const std::string& dir);

}  // namespace hatchery

#endif  // HATCHERY_VERIFY_H_
