// The RocksDB adapter: the one place that knows RocksDB. Opens a store (checking that it is one,
// of a known format version), maps rocksdb::Status to Status, and offers typed reads of the
// column families of docs/format.md and the one write the ledger does.
//
// Thread-safe (RocksDB is). Nothing here updates or deletes an existing key, except in `snapshots`,
// which is a cache.
#ifndef HATCHERY_LEDGER_STORE_H_
#define HATCHERY_LEDGER_STORE_H_

#include <rocksdb/db.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hatchery/event.h"
#include "hatchery/status.h"
#include "ledger/format.h"

namespace hatchery::ledger {

enum class Cf { kMeta, kEvents, kStreams, kCommands, kMerkle, kCheckpoints, kSnapshots };

class Store {
 public:
  enum class Mode {
    kCreate,     // a new store in an empty or missing directory; refuses anything else
    kReadWrite,  // an existing store, locked against other writers
    kReadOnly,   // an existing store, no lock (may run beside a writer)
  };

  // Errors: kNotFound (no store there), kBadRequest (not a Hatchery store, or an unknown format
  // version), kUnavailable (locked by another process), kAlreadyExists (kCreate on an existing
  // store or a non-empty directory), kCorruption.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& dir() const { return dir_; }

  // The raw value stored under `key` in `cf`; nullopt when absent.
  StatusOr<std::optional<std::string>> Get(Cf cf, std::string_view key) const;

  // The event at `seq`. Errors: kNotFound, kCorruption (naming the seq) if it cannot be decoded.
  StatusOr<Event> GetEvent(std::uint64_t seq) const;
  // The seq of the last event, 0 for an empty store.
  StatusOr<std::uint64_t> LastSeq() const;
  // The head when the store was set to take writes only through its server; nullopt if it takes
  // local writes too. Errors: kCorruption (a value that is not a seq).
  StatusOr<std::optional<std::uint64_t>> ServerOnlySince() const;
  // The current version of `stream` (0 if it has no events).
  StatusOr<std::uint64_t> StreamVersion(std::string_view stream) const;
  StatusOr<std::optional<CommandEntry>> GetCommand(std::string_view command_id) const;

  // The values under `keys` (nullopt where absent), read together.
  StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      Cf cf, const std::vector<std::string>& keys) const;

  // An iterator over `cf`; it must not outlive this Store. `fill_cache` false for a scan that
  // reads more than the block cache holds, once: its blocks would only push out the ones worth
  // keeping, and the cache's memory would grow to its budget for nothing.
  std::unique_ptr<rocksdb::Iterator> NewIterator(Cf cf, bool fill_cache = true) const;

  // Writes `batch` with sync=true: when this returns OK, the batch is durable.
  // Errors: kUnavailable (disk full, I/O error), kInternal.
  Status Write(rocksdb::WriteBatch* batch);

  rocksdb::ColumnFamilyHandle* Handle(Cf cf) const { return handles_[static_cast<int>(cf)]; }

  // Adds a backup of the live files (flushed first) to `engine`, with `metadata`; returns its id.
  // Errors: kUnavailable (opened read-only), RocksDB's.
  StatusOr<std::uint32_t> Backup(rocksdb::BackupEngine* engine, const std::string& metadata);

 private:
  Store() = default;
  Status CheckMeta() const;

  std::string dir_;
  bool writable_ = false;  // opened for writing: flushed on close
  std::unique_ptr<rocksdb::DB> db_;
  // Indexed by Cf; the default family last. Owned: destroyed before db_.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// Record codec of docs/format.md. Decode errors are kCorruption.
StatusOr<Event> DecodeEventRecord(std::string_view record);
// The same for the record stored at `seq`, for reads: the error names the seq and says how to
// locate the damage.
StatusOr<Event> DecodeStoredEvent(std::uint64_t seq, std::string_view record);
std::string_view RecordBody(std::string_view record);  // the JSON, after the tag
// The canonical JSON of the record stored at `seq`, unparsed. Errors: kCorruption (unknown tag).
StatusOr<std::string_view> StoredBody(std::uint64_t seq, std::string_view record);

// rocksdb::Status → Status, with `context` saying what was being done.
Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace hatchery::ledger

#endif  // HATCHERY_LEDGER_STORE_H_
