// Folding on a second thread: the caller reads and checks events (the chain, the hashes) and
// hands them over in batches; a worker thread folds them into a fact base in order, so the two
// halves of a rebuild run on two cores. At most a few batches wait, so memory stays bounded and a
// fast reader waits for a slow fold.
//
// Thread safety: Add and Finish from one thread; the fact base belongs to the worker until
// Finish returns.
#ifndef HATCHERY_REPLAY_BACKGROUND_FOLD_H_
#define HATCHERY_REPLAY_BACKGROUND_FOLD_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/fact_base.h"

namespace hatchery::replay {

class BackgroundFold {
 public:
  // The events handed over are folded into `*facts`, which must outlive this.
  explicit BackgroundFold(domain::FactBase* facts);
  // Waits for the worker (what Finish does, its result dropped).
  ~BackgroundFold();
  BackgroundFold(const BackgroundFold&) = delete;
  BackgroundFold& operator=(const BackgroundFold&) = delete;

  // Hands over the next events, in order; blocks while kMaxWaiting batches wait. After a fold
  // error the rest is dropped.
  void Add(std::vector<Event> batch);
  // Waits until every batch is folded. Errors: the first FactBase::Apply error, its message
  // prefixed with the seq of the event that did not fold.
  Status Finish();

  static constexpr std::size_t kMaxWaiting = 4;

 private:
  void Run();

  domain::FactBase* facts_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::vector<Event>> waiting_;
  bool done_ = false;  // no more batches
  Status status_ = Status::Ok();
  std::thread worker_;
};

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_BACKGROUND_FOLD_H_
