// Folding stored event records on every core, trusting none of them. The caller hands over the
// records in seq order (Add); worker threads check and prepare each batch — the record read in
// place (ScanStoredEvent), its hash recomputed from its bytes, its fact decoded
// (FactBase::Prepare) — and a folding thread takes the batches in order, checks each event's seq
// and its link to the event before, and adds its fact to the fact base.
//
// Thread safety: Add and Finish from one thread; the fact base belongs to the folding thread until
// Finish returns.
#ifndef HATCHERY_REPLAY_RECORD_FOLD_H_
#define HATCHERY_REPLAY_RECORD_FOLD_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/fact_base.h"
#include "hatchery/ledger.h"

namespace hatchery::replay {

class RecordFold {
 public:
  // Folds into `*facts` (which must outlive this) the events after `start`, whose hash the first
  // one's prev_hash must be.
  RecordFold(domain::FactBase* facts, const LedgerHead& start);
  // Stops the threads; what was not folded is dropped.
  ~RecordFold();
  RecordFold(const RecordFold&) = delete;
  RecordFold& operator=(const RecordFold&) = delete;

  // Hands over the next record (copied). Blocks while kMaxBatches batches wait. Returns the first
  // problem found so far, so that a caller can stop reading early (the same as Finish's).
  Status Add(std::string_view record);
  // Waits until every record handed over is folded. Errors: kCorruption naming the first event
  // that is unreadable, out of order, edited, not linked to the one before, or does not fold.
  Status Finish();

  // After Finish: the last event folded (`start` if none), and when it was recorded.
  const LedgerHead& head() const { return head_; }
  const std::string& recorded_at() const { return recorded_at_; }

  static constexpr std::size_t kBatchRecords = 1024;
  static constexpr std::size_t kMaxBatches = 8;

 private:
  struct Batch;
  struct Checked;

  void Submit();
  void Work();
  void Fold();
  Status FoldBatch(Batch& batch);

  domain::FactBase* facts_;
  LedgerHead head_;
  std::string recorded_at_;

  std::unique_ptr<Batch> filling_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> batches_;  // in order: being checked, checked, or folding
  bool done_ = false;                           // no more batches
  bool stop_ = false;                           // a problem was found: drop the rest
  Status status_ = Status::Ok();
  std::vector<std::thread> threads_;
};

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_RECORD_FOLD_H_
