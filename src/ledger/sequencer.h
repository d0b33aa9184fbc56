// The sequencer turns commands into events: it owns the ledger's committed state (head, last
// recorded_at, stream versions, the Merkle tree's right edge) and the tentative state of the group
// commit being built on top of it. Stage() applies one command to the tentative state and adds its
// keys to the WriteBatch; Seal() adds the group's Merkle entries; Commit() makes the tentative
// state the committed one once that batch is durable; Discard() drops it when the write failed;
// Rollback() undoes the commands staged since a Mark (all-or-nothing).
//
// Thread-compatible: only the Writer's thread calls it.
#ifndef HATCHERY_LEDGER_SEQUENCER_H_
#define HATCHERY_LEDGER_SEQUENCER_H_

#include <rocksdb/write_batch.h>

#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "hatchery/ledger.h"
#include "hatchery/merkle.h"
#include "ledger/merkle_nodes.h"
#include "ledger/store.h"

namespace hatchery::ledger {

// A command made ready on the caller's thread: validated, `data` rendered canonically, and the
// content digest of docs/format.md computed, so the writer thread's serial work stays small.
struct PreparedCommand {
  AppendCommand command;
  std::int64_t schema_version = 1;
  std::string canonical_data;
  Hash digest{};
  // Set for an event recorded elsewhere (a read replica's copy of its primary's event): what the
  // ledger would otherwise assign (seq, stream_version, recorded_at, event_id, actor, the hashes),
  // checked and kept as it is. Its `data` is empty: `command.data` holds it.
  std::optional<Event> recorded;
  // For a recorded event: the Merkle root the log must have through it (a signed checkpoint's).
  std::optional<Hash> root_after;
};
// `actor` must already be valid (ValidateActor): it is checked once per request, not per command.
// `rules` (may be null) validates the type and data.
StatusOr<PreparedCommand> Prepare(AppendCommand command, const Actor& actor,
                                  const EventRules* rules);
// The same for an event recorded elsewhere, kept with everything it was recorded with: its
// envelope and actor validated, its data rendered, its digest computed. Errors: kBadRequest.
StatusOr<PreparedCommand> PrepareRecorded(Event event);

class Sequencer {
 public:
  // `store` and `rules` (may be null) must outlive the Sequencer. `head` and `last_recorded_us`
  // describe the last event, `tree` is the Merkle tree through it; `rules` has applied every event
  // through it. `simulated_clock`: the store's genesis declares its clock simulated, so commands
  // may set their recorded time (AppendCommand::simulated_recorded_us); otherwise they may not.
  Sequencer(const Store* store, LedgerHead head, std::int64_t last_recorded_us,
            merkle::Frontier tree, TreeTail tree_tail, EventRules* rules, bool simulated_clock);

  struct Mark {
    LedgerHead head;
    std::int64_t last_recorded_us = 0;
    merkle::Frontier tree;
    std::size_t nodes_size = 0;
    std::size_t undo_size = 0;
  };
  Mark mark() const {
    return {staged_head_, staged_last_us_, staged_tree_, staged_tail_.nodes.size(), undo_.size()};
  }
  void Rollback(const Mark& mark);

  // Stages `command`, adding its keys to `batch` (a duplicate adds nothing). Errors: see
  // Ledger::Append; a rejected command leaves the tentative state as it was. A recorded event
  // (PreparedCommand::recorded) is staged only if it extends the log exactly — the next seq and
  // stream version, a later recorded_at, a new command id, prev_hash the head's hash, and a hash
  // that is its content's — and is otherwise refused with kCorruption saying which does not hold
  // (details.seq), as is one after which the log's root is not its `root_after`; the rules apply
  // it without checking it (the primary did).
  StatusOr<AppendResult> Stage(const PreparedCommand& command, const Actor& actor,
                               rocksdb::WriteBatch* batch);

  // Adds the Merkle entries of every event staged since the last Commit or Discard to `batch`;
  // called once, just before the group's batch is written.
  void Seal(rocksdb::WriteBatch* batch);
  void Commit();
  void Discard();

  // The committed head (what readers may see), and the Merkle tree's unfinished run at it.
  LedgerHead committed_head() const { return head_; }
  const TreeTail& committed_tail() const { return tail_; }
  LedgerHead staged_head() const { return staged_head_; }

 private:
  // The recorded time of `c`: now, or its simulated time in a demo store. Errors: kForbidden (a
  // simulated time for a store whose clock is real), kRuleViolation (a clock declared by an event
  // other than the genesis).
  StatusOr<std::int64_t> Clock(const AppendCommand& c);

  StatusOr<AppendResult> StageRecorded(const PreparedCommand& command, rocksdb::WriteBatch* batch);
  // Renders event `e` (every field but data and hash set) with `command`'s data, hashes it (the
  // hash must be `*expected` if given: kCorruption otherwise, nothing staged), and stages it
  // at `micros`.
  StatusOr<AppendResult> Record(Event e, const PreparedCommand& command, std::int64_t micros,
                                const Hash* expected, rocksdb::WriteBatch* batch);
  StatusOr<std::optional<AppendResult>> FindDuplicate(const PreparedCommand& command);
  StatusOr<std::uint64_t> CurrentVersion(const std::string& stream);
  std::string NewEventId(std::int64_t micros);

  struct StagedCommand {
    Hash digest;
    AppendResult result;
  };
  // One undo step: a stream version or command id first staged in this group.
  struct Undo {
    bool is_stream;
    std::string key;
    std::optional<std::uint64_t> previous_version;  // streams only
  };

  const Store* store_;
  EventRules* rules_;
  bool simulated_clock_;  // what the genesis declares, once one is staged (head seq >= 1)
  std::mt19937_64 random_;

  // Committed: as durable in the store.
  LedgerHead head_;
  std::int64_t last_us_;
  merkle::Frontier tree_;
  TreeTail tail_;
  std::unordered_map<std::string, std::uint64_t> stream_versions_;  // a cache of the index

  // Tentative: the group being built.
  LedgerHead staged_head_;
  std::int64_t staged_last_us_;
  merkle::Frontier staged_tree_;
  TreeTail staged_tail_;
  std::unordered_map<std::string, std::uint64_t> staged_versions_;
  std::unordered_map<std::string, StagedCommand> staged_commands_;
  std::vector<Undo> undo_;
};

}  // namespace hatchery::ledger

#endif  // HATCHERY_LEDGER_SEQUENCER_H_
