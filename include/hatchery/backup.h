// Backups of a store (docs/operations.md "Backups"): RocksDB's BackupEngine in a directory of its
// own — incremental (a file already backed up is not copied again), each file checksummed, taken
// from the live files (consistent while the writer goes on) — with each backup recording the head
// it holds, the Merkle root at that size and the newest signed checkpoint within it, so that a
// restore is checked against what the backup said it was, not only against itself.
#ifndef HATCHERY_BACKUP_H_
#define HATCHERY_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hatchery/ledger.h"
#include "hatchery/sha256.h"
#include "hatchery/status.h"
#include "hatchery/verify.h"

namespace hatchery {

struct BackupInfo {
  std::uint32_t id = 0;
  std::int64_t created = 0;  // Unix seconds
  std::uint64_t bytes = 0;   // of its files, shared ones included
  std::uint32_t files = 0;
  LedgerHead head;  // the last event it holds
  Hash root{};      // the Merkle root of the log of head.seq events
  // The newest signed checkpoint the store kept of at most head.seq events (its note), or empty.
  std::string checkpoint;
};

// {"backup_id", "created" (RFC 3339), "bytes", "files", "head_seq", "head_hash", "root",
// "checkpoint" (the note, or null)}.
boost::json::object ToJson(const BackupInfo& info);

// Backs up the store of `ledger` (writable: the backup reads its live files while it holds the
// writer lock) into `backup_dir` (created if missing), then keeps only the newest `keep` backups
// (0: all). Errors: kUnavailable (a read-only ledger), kInternal (RocksDB's, naming the directory).
StatusOr<BackupInfo> CreateBackup(Ledger& ledger, const std::string& backup_dir,
                                  std::uint32_t keep = 0);

// The backups in `backup_dir`, oldest first. Errors: kNotFound (no backup directory), kCorruption
// (a backup's record of its head is unreadable).
StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);

// Restores backup `id` (0: the newest) into `data_dir` (missing or empty), then checks it: every
// file's checksum as it is copied, the whole store (VerifyStore with `verify`), the root of the
// log at the backup's head size against the root the backup recorded, and the recorded
// checkpoint's root against the log's at its size. A store that fails is removed again.
// Errors: kAlreadyExists (data_dir not empty), kNotFound (no such backup), kCorruption (what
// failed).
StatusOr<BackupInfo> RestoreBackup(const std::string& backup_dir, std::uint32_t id,
                                   const std::string& data_dir, const VerifyOptions& verify = {});

// Checks backup `id` (0: the newest) without keeping a copy: re-reads every file against its
// checksum, then restores it into a temporary directory (removed after) and checks it as
// RestoreBackup does. Errors: as RestoreBackup, kCorruption naming a damaged file.
StatusOr<BackupInfo> VerifyBackup(const std::string& backup_dir, std::uint32_t id,
                                  const VerifyOptions& verify = {});

}  // namespace hatchery

#endif  // HATCHERY_BACKUP_H_
