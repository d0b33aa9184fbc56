// Group commit. Callers queue their requests; the caller at the front of the queue becomes the
// leader, takes every waiting request (up to kMaxGroupCommands commands), stages them through the
// Sequencer, writes one WriteBatch with sync=true, commits or discards the staged state, and wakes
// the callers it served. Only the leader touches the Sequencer, so there is a single writer
// without a dedicated thread, and a lone caller pays one synced write and no thread hand-off.
//
// Thread-safe. After a failed write the Writer is read-only: every later request answers
// kUnavailable (a RocksDB write error leaves the database refusing writes until it is reopened).
#ifndef HATCHERY_LEDGER_WRITER_H_
#define HATCHERY_LEDGER_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "hatchery/ledger.h"
#include "ledger/sequencer.h"
#include "ledger/store.h"

namespace hatchery::ledger {

// The answer for a command that was valid but not recorded because command `rejected_index` of
// its all-or-nothing batch was rejected.
Status AbortedBecause(std::size_t rejected_index);

class Writer {
 public:
  // `store` must outlive the Writer.
  Writer(Store* store, Sequencer sequencer);

  // Stages and durably writes `commands` (all prepared for `actor`); one result per command.
  std::vector<StatusOr<AppendResult>> Submit(const Actor& actor,
                                             const std::vector<PreparedCommand>& commands,
                                             AppendMode mode);

  LedgerHead head() const;
  bool read_only() const { return read_only_.load(std::memory_order_acquire); }

 private:
  struct Request {
    const Actor* actor;
    const std::vector<PreparedCommand>* commands;
    AppendMode mode;
    std::vector<StatusOr<AppendResult>> results;
    std::vector<bool> staged;  // results that exist only if the group's write succeeds
    bool done = false;
    std::condition_variable cv;
  };

  void Lead(const std::vector<Request*>& group);
  void StageRequest(Request* request, rocksdb::WriteBatch* batch);

  Store* store_;
  std::atomic<bool> read_only_{false};

  std::mutex mu_;
  std::deque<Request*> queue_;  // guarded by mu_; the front one leads

  mutable std::mutex head_mu_;
  LedgerHead head_;  // guarded by head_mu_: the last durable event

  Sequencer sequencer_;  // touched only by the current leader
};

}  // namespace hatchery::ledger

#endif  // HATCHERY_LEDGER_WRITER_H_
