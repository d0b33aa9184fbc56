// A read replica's follower (docs/operations.md "A read replica"): keeps a copy of a primary's log
// by tailing its `subscribe`, trusting nothing it is sent. Every event is kept only if it extends
// the copy exactly — its hash its content's, its prev_hash the head's hash, the next seq
// (Ledger::AppendRecorded). Every signed checkpoint the primary keeps is taken (asked for before
// subscribing, then every poll), its signature checked against the primary's key given here; the
// events up to its size are kept only if they give the log its root, and it is then kept beside
// them (Ledger::AddCheckpoint): received events are held back (up to 20,000) until they reach a
// known checkpoint, so that a backlog is never kept unchecked. A checkpoint signed after the copy
// passed its size is checked against the copy when it comes. On (re)connecting, the primary must
// have the copy's head event with the same hash. What does not extend the copy is a fork: the
// follower refuses it, logs it at critical and stops, the copy left as it was. A lost connection is
// retried, from the copy's own head, with a growing pause. The follower acknowledges what it kept
// (`ack`), so the primary's `stats` show its lag too.
//
// Thread safety: Run on one thread; Stop and Describe from any.
#ifndef HATCHERY_REPLICA_FOLLOWER_H_
#define HATCHERY_REPLICA_FOLLOWER_H_

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/connection.h"
#include "hatchery/ledger.h"
#include "hatchery/note.h"

namespace hatchery::replica {

struct FollowOptions {
  client::ConnectOptions primary;  // a token whose role may subscribe (auditor, exporter, admin)
  note::VerifierKey primary_key;   // the key the primary signs its checkpoints with
  // How often the primary's checkpoints are asked for (which also shows a silent primary is
  // alive), and how long an answer may take before the connection is given up.
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds answer_timeout{10'000};
  std::size_t max_batch = 1000;  // events kept in one write, at most
  // Called after events were kept (e.g. to wake a replica server's subscriptions).
  std::function<void()> on_kept;
};

class Follower {
 public:
  // Opens the replica's store in `dir` for following (LedgerOptions::replica), first creating it,
  // with the primary's origin, when `dir` is missing or empty (a connection is made to learn it),
  // and marks it a replica of the primary. Errors: Ledger::Open's and Create's, kForbidden (a
  // primary's store), the connection's.
  static StatusOr<std::unique_ptr<Ledger>> OpenReplica(const std::string& dir,
                                                       const FollowOptions& options);

  // `ledger` (from OpenReplica) must outlive the follower.
  Follower(Ledger& ledger, FollowOptions options);
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Follows until Stop (OK) or a fork (kCorruption, saying what does not extend the copy).
  Status Run();
  // Any thread: Run returns within a poll interval.
  void Stop();
  // Any thread: {"primary", "connected", "head_seq", "primary_seq", "lag_events", "lag_ms",
  // "checkpoints_checked", "checked_through", "reconnects", "last_error"}. primary_seq is the
  // primary's head as last told (at least this head); lag_ms (integer milliseconds: the protocol's
  // numbers are integers) is 0 while the copy has
  // everything the primary was last known to have, else the time since it last had.
  boost::json::object Describe() const;

 private:
  // One connection: hello, the head check, subscribe, then keeps events until the connection
  // fails (its status), Stop (OK) or a fork (kCorruption).
  Status FollowOnce();
  // Whether `batch` is to wait for more events: a known checkpoint lies just beyond it.
  bool Hold(const std::vector<Event>& batch) const;
  // Keeps a batch of received events; then acknowledges them and checks the checkpoints due.
  Status Keep(client::Connection& connection, std::vector<Event>& batch);
  // The answer to a `checkpoints` poll: each checkpoint checked now or once the copy reaches it.
  Status TakeCheckpoints(const boost::json::object& result);
  Status CheckPendingCheckpoints();
  void SetStatus(const std::function<void()>& update);

  Ledger& ledger_;
  FollowOptions options_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;  // wakes the pause between connections

  // Run's thread only: checkpoints received, their signatures checked, not yet kept, by size.
  struct Pending {
    std::uint64_t size;
    Hash root;
    std::string note;
  };
  std::vector<Pending> pending_checkpoints_;
  std::uint64_t asked_through_ = 0;  // checkpoints of at most this size were received

  mutable std::mutex status_mu_;  // guards what Describe reports
  bool connected_ = false;
  std::uint64_t primary_seq_ = 0;
  std::chrono::steady_clock::time_point caught_up_at_ = std::chrono::steady_clock::now();
  std::uint64_t checkpoints_checked_ = 0;
  std::uint64_t checked_through_ = 0;
  std::uint64_t reconnects_ = 0;
  std::string last_error_;
};

}  // namespace hatchery::replica

#endif  // HATCHERY_REPLICA_FOLLOWER_H_
