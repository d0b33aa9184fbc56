// Every constant of the storage format, and the key/value encodings. docs/format.md is the
// contract; change both together, and bump kFormatVersion for any change old stores cannot read.
#ifndef HATCHERY_LEDGER_FORMAT_H_
#define HATCHERY_LEDGER_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hatchery/sha256.h"

namespace hatchery::ledger {

inline constexpr std::string_view kFormatVersion = "3";

// Column families.
inline constexpr std::string_view kCfMeta = "meta";
inline constexpr std::string_view kCfEvents = "events";
inline constexpr std::string_view kCfStreams = "streams";
inline constexpr std::string_view kCfCommands = "commands";
inline constexpr std::string_view kCfMerkle = "merkle";
inline constexpr std::string_view kCfCheckpoints = "checkpoints";
inline constexpr std::string_view kCfSnapshots = "snapshots";

// `meta` keys and the store marker value.
inline constexpr std::string_view kMetaStore = "store";
inline constexpr std::string_view kMetaStoreValue = "hatchery";
inline constexpr std::string_view kMetaFormatVersion = "format_version";
inline constexpr std::string_view kMetaOrigin = "origin";
// `meta` keys "verifier_key/<name>+<key id>": the verifier key of every key that signed a
// stored checkpoint.
inline constexpr std::string_view kMetaVerifierKeyPrefix = "verifier_key/";
// `meta` key present while the store takes writes only through its server (Ledger::
// SetServerOnly): the head when that was set, in decimal ASCII.
inline constexpr std::string_view kMetaServerOnlySince = "server_only_since";
// `meta` key present while the store is a read replica (Ledger::MarkReplicaOf): the address of
// the primary it follows.
inline constexpr std::string_view kMetaReplicaOf = "replica_of";

// Event record tag: body is the canonical JSON of the event with its hash.
inline constexpr char kRecordCanonicalJson = 0x01;

// Separator between stream name and version in `streams` keys.
inline constexpr char kStreamKeySeparator = 0x00;

// Memory budgets of a store (not format constants, but store-wide settings kept with the
// others): all RocksDB memtables together, and the one block cache all column families share.
inline constexpr std::size_t kMemtableBudgetBytes = 64 << 20;
inline constexpr std::size_t kBlockCacheBytes = 64 << 20;
inline constexpr int kBlockCacheShardBits = 4;
// Scans of more events than this read around the block cache (Store::NewIterator): at 0.7–1 KB a
// stored event, such a scan reads most or all of what the cache holds.
inline constexpr std::uint64_t kScanAroundCacheEvents = kBlockCacheBytes / 1024;

// A store is opened for writing only with this much free on its disk, and a probe file of this
// size written and synced in its folder (Store::Open): RocksDB meeting a full disk as it opens
// can abort instead of answering.
inline constexpr std::uint64_t kMinFreeBytes = std::uint64_t{64} << 20;
inline constexpr std::size_t kRoomProbeBytes = 64 << 10;

// Most commands one group commit writes in one WriteBatch.
inline constexpr std::size_t kMaxGroupCommands = 4096;

// 8-byte big-endian encoding of seq and versions.
std::string EncodeFixed64(std::uint64_t v);
std::optional<std::uint64_t> DecodeFixed64(std::string_view bytes);  // exactly 8 bytes

std::string StreamKey(std::string_view stream, std::uint64_t version);
std::string StreamPrefix(std::string_view stream);  // stream ‖ 0x00

// `merkle` key of the run of the events run_end − kMerkleRunEvents + 1 .. run_end (run_end a
// multiple of kMerkleRunEvents).
inline constexpr std::uint64_t kMerkleRunEvents = 64;
inline std::string MerkleRunKey(std::uint64_t run_end) { return EncodeFixed64(run_end); }
// `checkpoints` key of a checkpoint of `tree_size` leaves whose signed note is `note`.
std::string CheckpointKey(std::uint64_t tree_size, std::string_view note);
// `snapshots` key of a snapshot of the fold state after event `seq` (a cache: the one family whose
// entries may be deleted).
inline std::string SnapshotKey(std::uint64_t seq) { return EncodeFixed64(seq); }

// docs/format.md "Content digest": what a command id's entry holds besides its seq — SHA-256 of the
// canonical `data`, a NUL byte, and the canonical JSON of the other client-set envelope fields
// plus the actor. Views, so that verify can take them from a record read in place.
struct DigestFields {
  std::string_view command_id, stream, type, effective_date;
  std::optional<std::uint64_t> expected_version;
  std::optional<std::string_view> document_ref, note;
  std::string_view actor_id, actor_role;
  std::optional<std::string_view> actor_os_user = std::nullopt;
};
Hash ContentDigest(const DigestFields& fields, std::string_view canonical_data);

std::string EncodeCommandValue(std::uint64_t seq, const Hash& digest);
struct CommandEntry {
  std::uint64_t seq;
  Hash digest;
};
std::optional<CommandEntry> DecodeCommandValue(std::string_view bytes);

}  // namespace hatchery::ledger

#endif  // HATCHERY_LEDGER_FORMAT_H_
