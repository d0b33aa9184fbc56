// The ledger: a durable, hash-chained, append-only log of events on RocksDB.
//
// Append assigns each accepted command a gapless `seq`, a strictly increasing `recorded_at`, the
// next `stream_version` of its stream, an event id, and `prev_hash`/`hash` (AUDIT.md §1).
// Concurrent callers are grouped (group commit): one writer at a time stages the waiting commands
// of all callers, writes them in one RocksDB WriteBatch with sync=true, and only then answers them.
// There is no way to update or delete an event. Each event's hash is also a leaf of the log's
// Merkle tree (AUDIT.md §2), written in the same batch, from which any past root and any proof come
// in O(log n) reads; signed checkpoints of the tree are kept with the events (AUDIT.md §3).
//
// Thread-safe: any number of threads may Append and read concurrently.
#ifndef HATCHERY_LEDGER_H_
#define HATCHERY_LEDGER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hatchery/checkpoint.h"
#include "hatchery/event.h"
#include "hatchery/event_rules.h"
#include "hatchery/merkle.h"
#include "hatchery/note.h"
#include "hatchery/proof.h"
#include "hatchery/sha256.h"
#include "hatchery/status.h"

namespace hatchery {

struct BackupInfo;

namespace ledger {
class NodeCache;
class Store;
struct TreeTail;
class Writer;
}  // namespace ledger

struct LedgerOptions {
  // The domain's validation, invariants and live state (event_rules.h). Null: every well-formed
  // command is accepted, with schema_version 1. Its methods must not call back into the Ledger.
  std::shared_ptr<EventRules> rules;
  // Open without the writer lock and without a writer, e.g. beside a running server: reads see
  // the store as it was when opened; appends answer kUnavailable.
  bool read_only = false;
  // Appends come from this process for a local user (the command line), not from a server for
  // its tokens' actors: a store set server-only refuses to open for them (SetServerOnly).
  bool local_writer = false;
  // Opened by a read replica's follower (docs/operations.md "A read replica"): the one writable
  // open of a store marked a replica, and of an empty one that is to become one. Such a ledger
  // takes events only through AppendRecorded (Append answers kForbidden) until Promote.
  bool replica = false;
};

struct AppendResult {
  std::uint64_t seq = 0;
  std::string event_id;
  std::uint64_t stream_version = 0;
  std::string recorded_at;
  Hash hash{};
  bool duplicate = false;  // command_id seen before with the same content: the first result
};

// {"seq", "event_id", "stream_version", "recorded_at", "hash", "duplicate"}: an append's result as
// PROTOCOL.md and `hatchery append` give it.
boost::json::object ToJson(const AppendResult& result);

// Receives the results of AppendAsync, one per command. Called exactly once: on the ledger's
// writer thread, or on the calling thread when no command reached the writer (all invalid). It
// must be quick, must not throw, and must not call Append, which would wait for the very thread it
// runs on; calling AppendAsync is fine.
using AppendCallback = std::function<void(std::vector<StatusOr<AppendResult>>)>;

enum class AppendMode {
  kEach,         // each command stands alone: some may be recorded, others rejected
  kAllOrNothing  // if any command is rejected, none is recorded (the others answer kAborted)
};

class Ledger {
 public:
  // The deployment name of a store created without one: origin "tongliao.hatchery/main".
  static constexpr std::string_view kDefaultDeployment = "main";

  // Creates an empty store in `dir` (missing or empty) whose checkpoints carry the origin
  // "tongliao.hatchery/<deployment>". Errors: kAlreadyExists, kBadRequest (deployment).
  static Status Create(const std::string& dir, std::string_view deployment = kDefaultDeployment);

  // Opens an existing store for appending and reading; the directory is locked against other
  // writers. The head is rebuilt from the events and checked (docs/format.md); a writable open
  // also checks the tail (no index entry, Merkle entry or checkpoint past the head, the last
  // Merkle run as its events give it) and refuses a store that fails; with `options.rules`, every
  // stored event is applied to them before the first append.
  // Errors: kNotFound, kBadRequest (not a store / unknown version), kUnavailable (locked),
  // kCorruption (the head or the tail does not check out, details.seq: run verify), kForbidden
  // (`options.local_writer` on a store set server-only).
  static StatusOr<std::unique_ptr<Ledger>> Open(const std::string& dir, LedgerOptions options = {});

  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Appends `commands` for `actor` and returns one result per command, in order. Returns only
  // after every recorded event is durable. Per-command errors: kBadRequest (invalid field),
  // kVersionConflict (details.current_version), kIdempotencyConflict, whatever the EventRules
  // answer (kUnknownType, kSchemaViolation, kRuleViolation), kAborted (kAllOrNothing), kUnavailable
  // (the store refused a write earlier and is now read-only, or refused this one).
  std::vector<StatusOr<AppendResult>> Append(const Actor& actor,
                                             std::vector<AppendCommand> commands,
                                             AppendMode mode = AppendMode::kEach);
  // The same without waiting: validates on the calling thread, queues for the writer, returns;
  // `done` receives what Append would have returned.
  void AppendAsync(const Actor& actor, std::vector<AppendCommand> commands, AppendMode mode,
                   AppendCallback done);

  // Reads. Errors: kNotFound, kCorruption (naming the seq).
  StatusOr<Event> Get(std::uint64_t seq) const;
  // Up to `limit` events from `from_seq` on, in seq order.
  StatusOr<std::vector<Event>> Read(std::uint64_t from_seq, std::size_t limit) const;
  // Up to `limit` events of `stream` from `from_version` on, in version order.
  StatusOr<std::vector<Event>> ReadStream(const std::string& stream, std::uint64_t from_version,
                                          std::size_t limit) const;
  // Calls `visit` with every event from `from_seq` through `to_seq` (or the head, if sooner), in
  // seq order, reading a page at a time; stops at the first error `visit` returns.
  Status ForEach(std::uint64_t from_seq, std::uint64_t to_seq,
                 const std::function<Status(const Event&)>& visit) const;
  // The same, but each event as its stored canonical JSON (AUDIT.md §1, with `hash`), as stored and
  // unchecked — a copy for someone who will check it (`verify`, an export's verifier) — with no
  // decoding: as fast as RocksDB reads. `visit` gets (seq, bytes valid during the call).
  Status ForEachRecord(std::uint64_t from_seq, std::uint64_t to_seq,
                       const std::function<Status(std::uint64_t, std::string_view)>& visit) const;
  // The event a command id created. Errors: kNotFound.
  StatusOr<Event> GetByCommandId(const std::string& command_id) const;

  LedgerHead head() const;
  // The last event recorded at or before `micros` (Unix microseconds), 0 if none: a binary search
  // over recorded_at, which increases with seq (O(log n) reads).
  StatusOr<std::uint64_t> LastSeqRecordedBy(std::int64_t micros) const;
  // The origin line of this log's checkpoints.
  const std::string& origin() const { return origin_; }
  // Whether the genesis (event 1) declares the store's clock simulated: a demo store, whose
  // recorded times follow its invented history (AppendCommand::simulated_recorded_us). False
  // before there is a genesis. Read once, then remembered.
  bool simulated_clock() const;
  // The store's directory, as given to Open.
  const std::string& dir() const;

  // The Merkle tree as it was at `tree_size` events (≤ the head). Errors: kBadRequest (a size
  // beyond the head, a seq outside the tree), kCorruption (a stored node is missing).
  StatusOr<Hash> MerkleRoot(std::uint64_t tree_size) const;
  // The inclusion proof of event `seq` (leaf seq - 1) in the tree of `tree_size` events.
  StatusOr<std::vector<Hash>> InclusionProof(std::uint64_t seq, std::uint64_t tree_size) const;
  // The consistency proof from the tree of `first` events to that of `second`.
  StatusOr<std::vector<Hash>> ConsistencyProof(std::uint64_t first, std::uint64_t second) const;
  // The range proof of events first_seq..last_seq in the tree of `tree_size` events
  // (merkle::RangeProofRanges): the hashes of the subtrees left and right of them.
  StatusOr<std::vector<Hash>> RangeProof(std::uint64_t first_seq, std::uint64_t last_seq,
                                         std::uint64_t tree_size) const;
  // The unsigned checkpoint of the tree of `tree_size` events (no extension lines).
  StatusOr<Checkpoint> CheckpointAt(std::uint64_t tree_size) const;

  // Keeps a signed checkpoint of this log and its signer's verifier key, after checking that it is
  // one: this log's origin, a size within the head and that size's root, a valid signature by
  // `signer`. Keeping the same note twice keeps it once. Errors: kBadRequest (not a checkpoint
  // note, another origin, beyond the head), kCorruption (wrong root, a signature by `signer` that
  // does not verify), kNotFound (no signature by `signer`), kUnavailable (read-only).
  Status AddCheckpoint(std::string_view signed_note, const note::VerifierKey& signer);
  // Every kept checkpoint note, by tree size.
  StatusOr<std::vector<std::string>> Checkpoints() const;

  // Snapshots of the fold state (replay/snapshot.h): opaque bytes after event `seq`, kept in their
  // own column family as a cache — deleting them changes no answer. Put and Delete need a
  // writable ledger (kUnavailable otherwise) and a seq within the head (kBadRequest).
  Status PutSnapshot(std::uint64_t seq, std::string_view bytes);
  Status DeleteSnapshot(std::uint64_t seq);
  // The seqs of the kept snapshots, ascending.
  StatusOr<std::vector<std::uint64_t>> SnapshotSeqs() const;
  // Errors: kNotFound.
  StatusOr<std::string> GetSnapshot(std::uint64_t seq) const;

  // True when opened read-only, or once a write has failed: appends then answer kUnavailable
  // until the store is reopened.
  bool read_only() const;

  // Local writes (docs/ledger.md "Who writes"). A store set server-only takes events only from a
  // ledger opened without `local_writer` — its server — so that every act is recorded for an
  // authenticated token. The setting is the head when it was made (every later event must be a
  // server's: verify checks it), or nullopt while local writes are allowed.
  StatusOr<std::optional<std::uint64_t>> ServerOnlySince() const;
  // Sets (keeping an earlier setting's seq) or clears the setting. Errors: kUnavailable
  // (read-only).
  Status SetServerOnly(bool server_only);

  // Read replicas (docs/operations.md "A read replica"). A store marked a replica records the
  // address of the primary it follows, and only a ledger opened with `LedgerOptions::replica`
  // writes to it. ReplicaOf: that address, or nullopt for a primary's store.
  StatusOr<std::optional<std::string>> ReplicaOf() const;
  // Marks the store a replica of `primary` (opened with `replica`; kForbidden otherwise). Before
  // any other thread uses the ledger.
  Status MarkReplicaOf(const std::string& primary);
  // Keeps `events`, recorded by the primary, as they are — all of them or none: each must extend
  // the log exactly (the next seq, prev_hash the head's hash, a hash that is its content's, the
  // next stream version, a later recorded_at, a new command id) and, where `roots` names its seq,
  // leave the log with that Merkle root (a signed checkpoint's of that size). Returns once they
  // are durable. Errors: kCorruption (one does not extend the log, or a root differs: details.seq;
  // nothing was kept), kBadRequest (a malformed envelope), kForbidden (not opened with `replica`),
  // kUnavailable.
  Status AppendRecorded(std::vector<Event> events, const std::map<std::uint64_t, Hash>& roots = {});
  // Turns a replica into a primary: records `decision` for `actor` as any append (the rules
  // check it), then removes the replica mark; from then on this ledger appends. Errors: as
  // Append, kForbidden (not opened with `replica`, or a store not marked a replica).
  StatusOr<AppendResult> Promote(const Actor& actor, AppendCommand decision);

 private:
  Ledger(std::unique_ptr<ledger::Store> store, std::shared_ptr<EventRules> rules,
         std::unique_ptr<ledger::Writer> writer, LedgerHead opened_head, std::string origin,
         std::shared_ptr<const ledger::TreeTail> opened_tail);
  // AppendAsync without the replica's refusal.
  void Submit(const Actor& actor, std::vector<AppendCommand> commands, AppendMode mode,
              AppendCallback done);
  // A reader of the tree's nodes as of now; *head_seq receives the head it covers.
  merkle::NodeReader Nodes(std::uint64_t* head_seq, std::uint64_t tree_size) const;
  // Reads the store's files (backup.h).
  friend StatusOr<BackupInfo> CreateBackup(Ledger& ledger, const std::string& backup_dir,
                                           std::uint32_t keep);

  std::unique_ptr<ledger::Store> store_;
  std::shared_ptr<EventRules> rules_;       // may be null
  std::unique_ptr<ledger::Writer> writer_;  // null when opened read-only
  LedgerHead opened_head_;                  // the head at open (what a read-only ledger sees)
  std::shared_ptr<const ledger::TreeTail> opened_tail_;  // the tree's unfinished run at open
  std::string origin_;
  mutable std::atomic<int> simulated_clock_{-1};   // -1 not read yet, 0 real, 1 simulated
  std::unique_ptr<ledger::NodeCache> node_cache_;  // upper Merkle nodes, read-through
  std::atomic<bool> replica_{false};  // opened with LedgerOptions::replica, not yet promoted
  std::string replica_of_;            // the primary it follows (set before other threads use it)
};

// Proof documents (proof.h) from the ledger's stored tree. Errors: as Ledger::InclusionProof /
// ConsistencyProof, and reading the event.
StatusOr<InclusionProof> ProveInclusion(const Ledger& ledger, std::uint64_t seq,
                                        std::uint64_t tree_size);
StatusOr<ConsistencyProof> ProveConsistency(const Ledger& ledger, std::uint64_t first,
                                            std::uint64_t second);

}  // namespace hatchery

#endif  // HATCHERY_LEDGER_H_
