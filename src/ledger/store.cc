#include "ledger/store.h"

#include <fcntl.h>
#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <system_error>

namespace hatchery::ledger {
namespace {

namespace fs = std::filesystem;

constexpr Cf kAllCfs[] = {Cf::kMeta,   Cf::kEvents,      Cf::kStreams,  Cf::kCommands,
                          Cf::kMerkle, Cf::kCheckpoints, Cf::kSnapshots};

std::string_view CfName(Cf cf) {
  switch (cf) {
    case Cf::kMeta: return kCfMeta;
    case Cf::kEvents: return kCfEvents;
    case Cf::kStreams: return kCfStreams;
    case Cf::kCommands: return kCfCommands;
    case Cf::kMerkle: return kCfMerkle;
    case Cf::kCheckpoints: return kCfCheckpoints;
    case Cf::kSnapshots: return kCfSnapshots;
  }
  return kCfMeta;
}

// `cache` is the store's one block cache, shared by every column family so that memory has one
// bound however many families there are.
rocksdb::ColumnFamilyOptions CfOptions(Cf cf, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks live in (and are bounded by) the cache too, rather than growing
  // with the number of SST files; level-0 ones and the top-level indexes stay pinned.
  // Partitioned, so that one lookup loads one small partition, not a whole file's filter.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.pin_top_level_index_and_filter = true;
  if (cf == Cf::kCommands || cf == Cf::kStreams) {
    // Point lookups on the append path: a Bloom filter answers "new command id" without I/O,
    // in the SST files and in the memtable, where the recent keys are. The memtable's filter is
    // sized from write_buffer_size (64 MiB): 1/64 of it, 1 MiB, is about 10 bits a key (as in the
    // SST files) for ~80-byte entries even if one memtable filled it alone. It is zeroed whenever a
    // memtable is made (at every open and flush), so a larger one is paid for at every open.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = 1.0 / 64;
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

rocksdb::DBOptions DbOptions() {
  rocksdb::DBOptions options;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  options.paranoid_checks = true;
  options.max_background_jobs = 2;
  // One writer thread writes: the memtable's lock-free concurrent insert path only costs.
  options.allow_concurrent_memtable_write = false;
  options.enable_write_thread_adaptive_yield = false;
  // All memtables together stay under this, so memory is flat however long the log grows.
  options.db_write_buffer_size = kMemtableBudgetBytes;
  return options;
}

// RocksDB meeting a full disk while it opens can abort the process (an assertion of Debian's
// build, in WritableFileWriter) instead of answering an error; so a store is opened for writing
// only with room to write: kMinFreeBytes free on its disk, and a probe file of kRoomProbeBytes
// written and synced there (which also meets a quota or a file-size limit).
Status CheckRoom(const std::string& dir) {
  auto no_room = [&](const std::string& why) {
    return Status(Code::kUnavailable, "no room to write the store at " + dir + ": " + why +
                                          "; free space on its disk, then start again");
  };
  struct statvfs disk {};
  if (::statvfs(dir.c_str(), &disk) == 0) {
    std::uint64_t free = static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize;
    if (free < kMinFreeBytes) {
      return no_room("only " + std::to_string(free >> 20) + " MiB free, " +
                     std::to_string(kMinFreeBytes >> 20) + " MiB needed");
    }
  }
  std::string probe = dir + "/.room-probe";
  ::unlink(probe.c_str());  // one a crash left behind
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return no_room(std::error_code(errno, std::generic_category()).message());
  std::string zeros(kRoomProbeBytes, '\0');
  std::string_view rest = zeros;
  ssize_t n = 0;
  while (!rest.empty() && ((n = ::write(fd, rest.data(), rest.size())) > 0 || errno == EINTR)) {
    if (n > 0) rest.remove_prefix(static_cast<std::size_t>(n));
  }
  bool ok = rest.empty() && ::fsync(fd) == 0;
  std::string why = std::error_code(errno, std::generic_category()).message();
  ::close(fd);
  ::unlink(probe.c_str());
  return ok ? Status::Ok() : no_room(why);
}

bool HasStore(const std::string& dir) {
  std::error_code ec;
  return fs::exists(fs::path(dir) / "CURRENT", ec);
}

}  // namespace

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  std::string message = std::string(context) + ": " + s.ToString();
  if (s.IsCorruption()) return Status(Code::kCorruption, message);
  if (s.IsNoSpace() || s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    return Status(Code::kUnavailable, message);
  }
  return Status(Code::kInternal, message);
}

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode) {
  std::error_code ec;
  if (mode == Mode::kCreate) {
    if (HasStore(dir)) {
      return Status(Code::kAlreadyExists,
                    "a store already exists at " + dir +
                        "; nothing was changed (use it as it is, or name another folder)");
    }
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
      return Status(Code::kAlreadyExists,
                    dir + " is not empty and holds no Hatchery store; choose an empty directory");
    }
    fs::create_directories(dir, ec);  // RocksDB creates the last folder only
  } else if (!HasStore(dir)) {
    return Status(Code::kNotFound,
                  "no store at " + dir + " (create one with: hatchery init --data " + dir + ")");
  }
  if (mode != Mode::kReadOnly) RETURN_IF_ERROR(CheckRoom(dir));

  rocksdb::DBOptions db_options = DbOptions();
  std::vector<std::string> existing;
  if (mode == Mode::kCreate) {
    db_options.create_if_missing = true;
    db_options.error_if_exists = true;
    db_options.create_missing_column_families = true;
    existing.emplace_back(rocksdb::kDefaultColumnFamilyName);
  } else {
    RETURN_IF_ERROR(FromRocks(rocksdb::DB::ListColumnFamilies(db_options, dir, &existing),
                              "cannot read the store at " + dir));
  }
  for (Cf cf : kAllCfs) {
    if (mode != Mode::kCreate &&
        std::find(existing.begin(), existing.end(), CfName(cf)) == existing.end()) {
      return Status(Code::kBadRequest, dir +
                                           " is a RocksDB database but not a Hatchery store "
                                           "(no column family \"" +
                                           std::string(CfName(cf)) + "\")");
    }
  }
  // Ours first, in Cf order, then whatever else exists (RocksDB requires opening all of them).
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(kBlockCacheBytes, kBlockCacheShardBits);
  for (Cf cf : kAllCfs) descriptors.emplace_back(std::string(CfName(cf)), CfOptions(cf, cache));
  for (const std::string& name : existing) {
    bool ours = std::any_of(std::begin(kAllCfs), std::end(kAllCfs),
                            [&](Cf cf) { return CfName(cf) == name; });
    if (!ours) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }

  std::unique_ptr<Store> store(new Store());
  store->dir_ = dir;
  store->writable_ = mode != Mode::kReadOnly;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      mode == Mode::kReadOnly
          ? rocksdb::DB::OpenForReadOnly(db_options, dir, descriptors, &store->handles_, &db)
          : rocksdb::DB::Open(db_options, dir, descriptors, &store->handles_, &db);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status(Code::kUnavailable, "the store at " + dir + " is in use by another process (" +
                                            s.ToString() + "); stop it or use a read-only command");
    }
    return FromRocks(s, "cannot open the store at " + dir);
  }
  store->db_.reset(db);

  if (mode == Mode::kCreate) {
    rocksdb::WriteBatch batch;
    batch.Put(store->Handle(Cf::kMeta), std::string(kMetaStore), std::string(kMetaStoreValue));
    batch.Put(store->Handle(Cf::kMeta), std::string(kMetaFormatVersion),
              std::string(kFormatVersion));
    RETURN_IF_ERROR(store->Write(&batch));
  }
  RETURN_IF_ERROR(store->CheckMeta());
  return store;
}

Store::~Store() {
  // Everything is already durable in the WAL; flushing it into tables on a clean close spares the
  // next open (and every read-only open beside a writer) from replaying the whole WAL into
  // memtables. A failed flush loses nothing: the WAL is still there.
  if (db_ && writable_) {
    rocksdb::FlushOptions wait;
    wait.wait = true;
    std::vector<rocksdb::ColumnFamilyHandle*> families(handles_.begin(), handles_.end());
    db_->Flush(wait, families).PermitUncheckedError();
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (db_) db_->DestroyColumnFamilyHandle(handle);
  }
  if (db_) db_->Close().PermitUncheckedError();
}

Status Store::CheckMeta() const {
  ASSIGN_OR_RETURN(auto marker, Get(Cf::kMeta, kMetaStore));
  if (!marker || *marker != kMetaStoreValue) {
    return Status(Code::kBadRequest, dir_ + " is not a Hatchery store (no store marker)");
  }
  ASSIGN_OR_RETURN(auto version, Get(Cf::kMeta, kMetaFormatVersion));
  if (!version || *version != kFormatVersion) {
    return Status(Code::kBadRequest,
                  "the store at " + dir_ + " has format version " + version.value_or("(none)") +
                      "; this hatchery reads format version " + std::string(kFormatVersion) +
                      " only (use the hatchery release that wrote it)");
  }
  return Status::Ok();
}

StatusOr<std::optional<std::string>> Store::Get(Cf cf, std::string_view key) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), Handle(cf), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocks(s, "read failed"));
  return std::optional<std::string>(std::move(value));
}

StatusOr<Event> Store::GetEvent(std::uint64_t seq) const {
  ASSIGN_OR_RETURN(auto record, Get(Cf::kEvents, EncodeFixed64(seq)));
  if (!record) return Status(Code::kNotFound, "no event at seq " + std::to_string(seq));
  return DecodeStoredEvent(seq, *record);
}

StatusOr<std::uint64_t> Store::LastSeq() const {
  auto it = NewIterator(Cf::kEvents);
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocks(it->status(), "cannot read the last event"));
  if (!it->Valid()) return std::uint64_t{0};
  auto seq = DecodeFixed64(std::string_view(it->key().data(), it->key().size()));
  if (!seq) return Status(Code::kCorruption, "the last key of \"events\" is not an 8-byte seq");
  return *seq;
}

StatusOr<std::uint32_t> Store::Backup(rocksdb::BackupEngine* engine, const std::string& metadata) {
  if (!writable_) return Status(Code::kUnavailable, "a store opened read-only is not backed up");
  rocksdb::CreateBackupOptions options;
  options.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  RETURN_IF_ERROR(FromRocks(engine->CreateNewBackupWithMetadata(options, db_.get(), metadata, &id),
                            "cannot back up the store at " + dir_));
  return std::uint32_t{id};
}

StatusOr<std::optional<std::uint64_t>> Store::ServerOnlySince() const {
  ASSIGN_OR_RETURN(auto value, Get(Cf::kMeta, kMetaServerOnlySince));
  if (!value) return std::optional<std::uint64_t>();
  std::uint64_t seq = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), seq);
  if (error != std::errc() || end != value->data() + value->size() || value->empty()) {
    return Status(Code::kCorruption, "the store's \"" + std::string(kMetaServerOnlySince) +
                                         "\" setting is not a seq: \"" + *value + "\"");
  }
  return std::optional<std::uint64_t>(seq);
}

StatusOr<std::uint64_t> Store::StreamVersion(std::string_view stream) const {
  std::string prefix = StreamPrefix(stream);
  auto it = NewIterator(Cf::kStreams);
  it->SeekForPrev(prefix + std::string(8, '\xff'));
  RETURN_IF_ERROR(FromRocks(it->status(), "cannot read the stream index"));
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::uint64_t{0};
  auto version = DecodeFixed64(
      std::string_view(it->key().data() + prefix.size(), it->key().size() - prefix.size()));
  if (!version)
    return Status(Code::kCorruption, "malformed stream index key for " + std::string(stream));
  return *version;
}

StatusOr<std::optional<CommandEntry>> Store::GetCommand(std::string_view command_id) const {
  ASSIGN_OR_RETURN(auto value, Get(Cf::kCommands, command_id));
  if (!value) return std::optional<CommandEntry>();
  auto entry = DecodeCommandValue(*value);
  if (!entry) return Status(Code::kCorruption, "malformed command index entry");
  return std::optional<CommandEntry>(*entry);
}

StatusOr<std::vector<std::optional<std::string>>> Store::MultiGet(
    Cf cf, const std::vector<std::string>& keys) const {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), Handle(cf), keys.size(), slices.data(), values.data(),
                statuses.data());
  std::vector<std::optional<std::string>> out(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocks(statuses[i], "read failed"));
    out[i] = values[i].ToString();
  }
  return out;
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(Cf cf, bool fill_cache) const {
  rocksdb::ReadOptions options;
  options.fill_cache = fill_cache;
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, Handle(cf)));
}

Status Store::Write(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(db_->Write(options, batch), "write to " + dir_ + " failed");
}

std::string_view RecordBody(std::string_view record) {
  return record.empty() ? record : record.substr(1);
}

StatusOr<Event> DecodeEventRecord(std::string_view record) {
  if (record.empty() || record[0] != kRecordCanonicalJson) {
    return Status(Code::kCorruption, "unknown record tag");
  }
  auto event = ParseEvent(RecordBody(record));
  if (!event.ok())
    return Status(Code::kCorruption, "unreadable record: " + event.status().message());
  return event;
}

StatusOr<std::string_view> StoredBody(std::uint64_t seq, std::string_view record) {
  if (record.empty() || record[0] != kRecordCanonicalJson) {
    return Status(Code::kCorruption, "event at seq " + std::to_string(seq) +
                                         ": unknown record tag (run `hatchery verify` to locate "
                                         "the damage)");
  }
  return RecordBody(record);
}

StatusOr<Event> DecodeStoredEvent(std::uint64_t seq, std::string_view record) {
  auto event = DecodeEventRecord(record);
  if (!event.ok()) {
    return Status(Code::kCorruption, "event at seq " + std::to_string(seq) + ": " +
                                         event.status().message() +
                                         " (run `hatchery verify` to locate the damage)");
  }
  return event;
}

}  // namespace hatchery::ledger
