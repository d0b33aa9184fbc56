// Checking stored event records on every core, trusting none of them, and handing them on in
// order. The caller hands over records — each the stored canonical JSON of one event, as the
// ledger keeps it and as an export's events.jsonl holds it — in order (Add). A worker per core
// takes a batch at a time and, for each record, reads it in place (ScanStoredEvent; a record whose
// bytes are not canonical is parsed instead, to say what is wrong with it), recomputes its hash
// from its bytes, and decodes its fact (FactBase::Prepare). One consuming thread then hands the
// findings, record by record in the order handed over, to the consumer, which links them (seq,
// prev_hash, ...) and folds them; the first error the consumer returns stops the pipeline.
//
// `hatchery replay` and every as-of fold (replay.h) and `hatchery verify-export`
// (export/verify.h) run on it.
//
// Thread safety: Add and Finish from one thread; the consumer runs on the consuming thread, one
// record at a time.
#ifndef HATCHERY_REPLAY_RECORD_PIPELINE_H_
#define HATCHERY_REPLAY_RECORD_PIPELINE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/fold/fact_base.h"
#include "hatchery/chain.h"

namespace hatchery::replay {

// What the workers found out about one record.
struct CheckedRecord {
  Status readable = Status::Ok();  // ParseEvent's error for a record that is no event at all
  // Its chain fields (when readable). The views stay valid while the consumer has the record.
  ChainLink link;
  std::string content_problem;  // "" when the record is its event's canonical form with its hash
  // Its fact, when facts are decoded and content_problem is "".
  StatusOr<domain::FoldItem> item = Status(Code::kInternal, "not prepared");
  // Where the views of `link` point when the record's bytes cannot hold them.
  std::string kept_text;
};

class RecordPipeline {
 public:
  // Called on the consuming thread with each record in the order handed over. A non-OK status
  // stops the pipeline: the rest is dropped, and Add and Finish return it.
  using Consumer = std::function<Status(CheckedRecord& record)>;

  // `decode`: the fact base whose Prepare decodes each intact record's fact, or null for none
  // (only Prepare is called, from the workers; it must outlive this).
  RecordPipeline(const domain::FactBase* decode, Consumer consume);
  // Stops the threads; what was not consumed is dropped.
  ~RecordPipeline();
  RecordPipeline(const RecordPipeline&) = delete;
  RecordPipeline& operator=(const RecordPipeline&) = delete;

  // Hands over the next record (copied). Blocks while kMaxBatches batches wait. Returns the
  // consumer's first error so far, so that a caller can stop reading early.
  Status Add(std::string_view record);
  // Waits until every record handed over is consumed; the consumer's first error, if any.
  Status Finish();

  static constexpr std::size_t kBatchRecords = 1024;
  static constexpr std::size_t kMaxBatches = 8;

 private:
  struct Batch;

  void Submit();
  void Work();
  void Consume();
  // Checks one record of a batch: `record`'s views point into `stored` or its own kept_text.
  void Check(std::string_view stored, json::Tape* tape, CheckedRecord* record) const;

  const domain::FactBase* decode_;
  Consumer consume_;

  std::unique_ptr<Batch> filling_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> batches_;  // in order: being checked, checked, or consumed
  std::vector<std::unique_ptr<Batch>> spare_;   // consumed batches, emptied, to fill again
  bool done_ = false;                           // no more batches
  bool stop_ = false;                           // the consumer failed: drop the rest
  Status status_ = Status::Ok();
  std::vector<std::thread> threads_;
};

}  // namespace hatchery::replay

#endif  // HATCHERY_REPLAY_RECORD_PIPELINE_H_
