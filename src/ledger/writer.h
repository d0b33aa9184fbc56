// Group commit on the ledger's one writer thread. Callers queue requests (from any thread, never
// blocking on I/O); the writer thread takes every waiting request (up to kMaxGroupCommands
// commands), stages them through the Sequencer in queue order, writes one WriteBatch with
// sync=true, commits or discards the staged state, and only then completes each request by
// calling its callback. Only the writer thread touches the Sequencer: it owns the live state.
//
// Thread-safe. After a failed write the Writer is read-only: every later request answers
// kUnavailable (a RocksDB write error leaves the database refusing writes until it is reopened).
#ifndef HATCHERY_LEDGER_WRITER_H_
#define HATCHERY_LEDGER_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "hatchery/ledger.h"
#include "ledger/sequencer.h"
#include "ledger/store.h"

namespace hatchery::ledger {

// The answer for a command that was valid but not recorded because command `rejected_index` of
// its all-or-nothing batch was rejected.
Status AbortedBecause(std::size_t rejected_index);

// Calls `submit` with a callback and returns the results it is given, once it is given them: the
// blocking form of an asynchronous submission (Ledger::Append, AppendRecorded, Promote).
std::vector<StatusOr<AppendResult>> Await(const std::function<void(AppendCallback)>& submit);

class Writer {
 public:
  // Starts the writer thread. `store` must outlive the Writer.
  Writer(Store* store, Sequencer sequencer);
  // Completes every queued request, then stops the thread.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues `commands` (all prepared for `actor`). `done` is called exactly once, on the writer
  // thread, with one result per command, after every recorded event is durable; see
  // AppendCallback in ledger.h for what it may do.
  void Submit(Actor actor, std::vector<PreparedCommand> commands, AppendMode mode,
              AppendCallback done);

  LedgerHead head() const;
  // The head and the Merkle tree's unfinished run at it, published together.
  std::pair<LedgerHead, std::shared_ptr<const TreeTail>> tree_state() const;
  bool read_only() const { return read_only_.load(std::memory_order_acquire); }

 private:
  struct Request {
    Actor actor;
    std::vector<PreparedCommand> commands;
    AppendMode mode;
    AppendCallback done;
    std::vector<StatusOr<AppendResult>> results;
    std::vector<bool> staged;  // results that exist only if the group's write succeeds
  };
  using Group = std::vector<std::unique_ptr<Request>>;

  void Run();
  void WriteGroup(const Group& group);  // stage, write durably, fill the results
  void StageRequest(Request* request, rocksdb::WriteBatch* batch);

  Store* store_;
  std::atomic<bool> read_only_{false};

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Request>> queue_;  // guarded by mu_
  bool stopping_ = false;                       // guarded by mu_
  std::atomic<int> queued_{0};                  // queue_.size(), readable without mu_

  mutable std::mutex head_mu_;
  LedgerHead head_;                       // guarded by head_mu_: the last durable event
  std::shared_ptr<const TreeTail> tail_;  // guarded by head_mu_: the tree's unfinished run at it

  Sequencer sequencer_;  // touched only by the writer thread
  std::thread thread_;   // last: started after everything it uses exists
};

}  // namespace hatchery::ledger

#endif  // HATCHERY_LEDGER_WRITER_H_
