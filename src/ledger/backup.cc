#include "hatchery/backup.h"

#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>

#include "hatchery/checkpoint.h"
#include "hatchery/json.h"
#include "hatchery/time.h"
#include "hatchery/verify.h"
#include "ledger/store.h"

namespace hatchery {
namespace {

namespace bj = boost::json;

// The record a backup keeps of itself (its BackupEngine metadata): {"head_seq", "head_hash",
// "root", "checkpoint"}, hashes in hex, the checkpoint's note or null.
std::string EncodeMetadata(const LedgerHead& head, const Hash& root,
                           const std::string& checkpoint) {
  return bj::serialize(
      bj::object{{"head_seq", head.seq},
                 {"head_hash", ToHex(head.hash)},
                 {"root", ToHex(root)},
                 {"checkpoint", checkpoint.empty() ? bj::value(nullptr) : bj::value(checkpoint)}});
}

// The newest kept checkpoint of at most `size` events, or "".
StatusOr<std::string> NewestCheckpointWithin(const Ledger& ledger, std::uint64_t size) {
  ASSIGN_OR_RETURN(auto kept, ledger.Checkpoints());
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    auto checkpoint = CheckpointOfNote(*it);
    if (checkpoint.ok() && checkpoint->size <= size) return *it;
  }
  return std::string();
}

StatusOr<BackupInfo> Decode(const rocksdb::BackupInfo& info) {
  BackupInfo out{info.backup_id, info.timestamp, info.size, info.number_files, {}, {}, {}};
  auto bad = [&] {
    return Status(Code::kCorruption,
                  "backup " + std::to_string(info.backup_id) + " does not say which head it holds");
  };
  auto parsed = json::ParseStrict(info.app_metadata);
  if (!parsed.ok() || !parsed->is_object()) return bad();
  const bj::object& o = parsed->as_object();
  const bj::value* seq = o.if_contains("head_seq");
  const bj::value* hash = o.if_contains("head_hash");
  const bj::value* root = o.if_contains("root");
  const bj::value* checkpoint = o.if_contains("checkpoint");
  if (checkpoint && checkpoint->is_string()) out.checkpoint = checkpoint->as_string();
  if (!seq || !seq->is_int64() || seq->as_int64() < 0 || !hash || !hash->is_string() || !root ||
      !root->is_string()) {
    return bad();
  }
  auto head_hash = HashFromHex(hash->as_string());
  auto root_hash = HashFromHex(root->as_string());
  if (!head_hash || !root_hash) return bad();
  out.head = LedgerHead{static_cast<std::uint64_t>(seq->as_int64()), *head_hash};
  out.root = *root_hash;
  return out;
}

// The BackupEngine of `backup_dir`. Errors: RocksDB's, naming the directory.
StatusOr<std::unique_ptr<rocksdb::BackupEngine>> OpenEngine(const std::string& backup_dir) {
  rocksdb::BackupEngine* engine = nullptr;
  rocksdb::IOStatus opened = rocksdb::BackupEngine::Open(
      rocksdb::Env::Default(), rocksdb::BackupEngineOptions(backup_dir), &engine);
  RETURN_IF_ERROR(ledger::FromRocks(opened, "cannot open the backups in " + backup_dir));
  return std::unique_ptr<rocksdb::BackupEngine>(engine);
}

StatusOr<BackupInfo> Find(const rocksdb::BackupEngine& engine, std::uint32_t id) {
  std::vector<rocksdb::BackupInfo> infos;
  engine.GetBackupInfo(&infos);
  for (auto it = infos.rbegin(); it != infos.rend(); ++it) {
    if (id == 0 || it->backup_id == id) return Decode(*it);
  }
  return Status(Code::kNotFound, id == 0 ? std::string("there is no backup")
                                         : "there is no backup " + std::to_string(id));
}

}  // namespace

bj::object ToJson(const BackupInfo& info) {
  return bj::object{
      {"backup_id", info.id},
      {"created", FormatTimestamp(info.created * 1'000'000).substr(0, 19) + "Z"},
      {"bytes", info.bytes},
      {"files", info.files},
      {"head_seq", info.head.seq},
      {"head_hash", ToHex(info.head.hash)},
      {"root", ToHex(info.root)},
      {"checkpoint", info.checkpoint.empty() ? bj::value(nullptr) : bj::value(info.checkpoint)}};
}

StatusOr<BackupInfo> CreateBackup(Ledger& ledger, const std::string& backup_dir,
                                  std::uint32_t keep) {
  if (ledger.read_only()) {
    return Status(Code::kUnavailable, "a store opened read-only is not backed up");
  }
  // The head before the backup: the backup holds at least these events (appends may go on).
  const LedgerHead head = ledger.head();
  ASSIGN_OR_RETURN(Hash root, ledger.MerkleRoot(head.seq));
  ASSIGN_OR_RETURN(std::string checkpoint, NewestCheckpointWithin(ledger, head.seq));
  ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
  ASSIGN_OR_RETURN(std::uint32_t id,
                   ledger.store_->Backup(engine.get(), EncodeMetadata(head, root, checkpoint)));
  if (keep != 0) {
    RETURN_IF_ERROR(ledger::FromRocks(engine->PurgeOldBackups(keep),
                                      "cannot delete old backups in " + backup_dir));
  }
  return Find(*engine, id);
}

StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) {
  if (!std::filesystem::is_directory(backup_dir)) {
    return Status(Code::kNotFound, "no backups in " + backup_dir);
  }
  ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const auto& info : infos) {
    ASSIGN_OR_RETURN(BackupInfo decoded, Decode(info));
    out.push_back(decoded);
  }
  return out;
}

StatusOr<BackupInfo> RestoreBackup(const std::string& backup_dir, std::uint32_t id,
                                   const std::string& data_dir, const VerifyOptions& verify) {
  namespace fs = std::filesystem;
  if (fs::exists(data_dir) && !fs::is_empty(data_dir)) {
    return Status(Code::kAlreadyExists,
                  data_dir + " is not empty: a backup is restored into a new directory");
  }
  if (!fs::is_directory(backup_dir)) return Status(Code::kNotFound, "no backups in " + backup_dir);
  ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
  ASSIGN_OR_RETURN(BackupInfo info, Find(*engine, id));
  auto fail = [&](const std::string& what) {
    engine.reset();  // its copying threads may still be writing into data_dir: joined here
    std::error_code ignored;
    fs::remove_all(data_dir, ignored);
    return Status(Code::kCorruption, "the restore of backup " + std::to_string(info.id) + " from " +
                                         backup_dir + " failed, and " + data_dir +
                                         " was removed: " + what);
  };
  rocksdb::IOStatus restored = engine->RestoreDBFromBackup(info.id, data_dir, data_dir);
  if (!restored.ok()) return fail(restored.ToString());
  auto verified = VerifyStore(data_dir, verify);
  if (!verified.ok()) return fail(verified.status().message());
  if (!verified->ok()) {
    return fail("verify: FAILED at seq " + std::to_string(verified->first_bad_seq) + ": " +
                verified->problem);
  }
  LedgerOptions read_only;
  read_only.read_only = true;
  auto ledger = Ledger::Open(data_dir, read_only);
  if (!ledger.ok()) return fail(ledger.status().message());
  // The roots the backup recorded: its own at its head, its signed checkpoint's at that size.
  std::vector<std::pair<std::uint64_t, Hash>> recorded{{info.head.seq, info.root}};
  if (!info.checkpoint.empty()) {
    auto checkpoint = CheckpointOfNote(info.checkpoint);
    if (!checkpoint.ok()) return fail("its checkpoint: " + checkpoint.status().message());
    recorded.emplace_back(checkpoint->size, checkpoint->root);
  }
  for (const auto& [size, expected] : recorded) {
    auto root = (*ledger)->MerkleRoot(size);
    if (!root.ok()) return fail(root.status().message());
    if (*root != expected) {
      return fail("the log's root at " + std::to_string(size) + " events is " + ToHex(*root) +
                  ", not the " + ToHex(expected) + " the backup recorded");
    }
  }
  return info;
}

StatusOr<BackupInfo> VerifyBackup(const std::string& backup_dir, std::uint32_t id,
                                  const VerifyOptions& verify) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(backup_dir)) return Status(Code::kNotFound, "no backups in " + backup_dir);
  ASSIGN_OR_RETURN(BackupInfo info, [&]() -> StatusOr<BackupInfo> {
    ASSIGN_OR_RETURN(auto engine, OpenEngine(backup_dir));
    ASSIGN_OR_RETURN(BackupInfo found, Find(*engine, id));
    rocksdb::IOStatus checked = engine->VerifyBackup(found.id, /*verify_with_checksum=*/true);
    if (!checked.ok()) {
      return Status(Code::kCorruption, "backup " + std::to_string(found.id) + " in " + backup_dir +
                                           " does not check out: " + checked.ToString());
    }
    return found;
  }());
  std::string scratch = (fs::temp_directory_path() / "hatchery-verify-XXXXXX").string();
  if (::mkdtemp(scratch.data()) == nullptr) {
    return Status(Code::kInternal, "cannot make a temporary directory to check the backup in");
  }
  auto restored = RestoreBackup(backup_dir, info.id, scratch, verify);
  std::error_code ignored;
  fs::remove_all(scratch, ignored);
  return restored;
}

}  // namespace hatchery
