#include "replay/record_fold.h"

#include <algorithm>

#include "hatchery/chain.h"
#include "hatchery/json_tape.h"

namespace hatchery::replay {
namespace {

constexpr const char* kRunVerify = " (run `hatchery verify` for the details)";
constexpr std::size_t kMaxWorkers = 8;

Status Corrupt(std::uint64_t seq, const std::string& what) {
  return Status(Code::kCorruption, "event " + std::to_string(seq) + " " + what + kRunVerify);
}

}  // namespace

// What a worker found out about one record.
struct RecordFold::Checked {
  Status readable = Status::Ok();  // ParseEvent's error for a record that is no event at all
  std::uint64_t seq = 0;
  Hash prev_hash{};
  Hash hash{};
  std::string content_problem;  // "" when the record is its event's canonical form with its hash
  StatusOr<domain::FoldItem> item = Status(Code::kInternal, "not prepared");
};

struct RecordFold::Batch {
  std::string bytes;                // the records, one after another
  std::vector<std::uint32_t> ends;  // record i ends at ends[i]
  bool taken = false;               // a worker checks it
  bool checked = false;             // `out` is complete
  std::vector<Checked> out;
  std::string last_recorded_at;
};

RecordFold::RecordFold(domain::FactBase* facts, const LedgerHead& start)
    : facts_(facts), head_(start) {
  std::size_t workers =
      std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxWorkers);
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
  threads_.emplace_back([this] { Fold(); });
}

RecordFold::~RecordFold() {
  {
    std::lock_guard lock(mu_);
    stop_ = done_ = true;
    changed_.notify_all();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

Status RecordFold::Add(std::string_view record) {
  if (!filling_) {
    filling_ = std::make_unique<Batch>();
    filling_->bytes.reserve(kBatchRecords * (record.size() + record.size() / 4));
    filling_->ends.reserve(kBatchRecords);
  }
  filling_->bytes.append(record);
  filling_->ends.push_back(static_cast<std::uint32_t>(filling_->bytes.size()));
  if (filling_->ends.size() < kBatchRecords) return Status::Ok();
  Submit();
  std::lock_guard lock(mu_);
  return status_;
}

void RecordFold::Submit() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return stop_ || batches_.size() < kMaxBatches; });
  if (!stop_) batches_.push_back(std::move(filling_));
  filling_.reset();
  changed_.notify_all();
}

Status RecordFold::Finish() {
  if (filling_ && !filling_->ends.empty()) Submit();
  {
    std::lock_guard lock(mu_);
    done_ = true;
    changed_.notify_all();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  return status_;
}

void RecordFold::Work() {
  json::Tape tape;
  std::unique_lock lock(mu_);
  while (true) {
    Batch* batch = nullptr;
    changed_.wait(lock, [&] {
      batch = nullptr;
      auto open = std::find_if(batches_.begin(), batches_.end(), [](auto& b) { return !b->taken; });
      if (open != batches_.end()) batch = open->get();
      return stop_ || done_ || batch != nullptr;
    });
    if (stop_ || batch == nullptr) return;  // a problem, or nothing left to take
    batch->taken = true;
    lock.unlock();
    batch->out.resize(batch->ends.size());
    std::uint32_t begin = 0;
    for (std::size_t i = 0; i < batch->ends.size(); ++i) {
      std::string_view stored =
          std::string_view{batch->bytes}.substr(begin, batch->ends[i] - begin);
      begin = batch->ends[i];
      Checked& c = batch->out[i];
      // What the workers learn of one event, read in place (EventView) or parsed (Event).
      auto take = [&](const auto& event, std::string content_problem) {
        c.seq = event.seq;
        c.prev_hash = event.prev_hash;
        c.hash = event.hash;
        c.content_problem = std::move(content_problem);
        if (c.content_problem.empty()) c.item = facts_->Prepare(event);
        if (i + 1 == batch->ends.size()) batch->last_recorded_at = event.recorded_at;
      };
      if (auto view = ScanStoredEvent(stored, &tape); view.ok()) {
        take(*view, CheckContentHash(*view));
      } else if (auto event = ParseEvent(stored); event.ok()) {
        // Not canonical: an event whose bytes were edited.
        take(*event, CheckEventContent(*event, stored));
      } else {
        c.readable = event.status();  // no event at all
      }
    }
    lock.lock();
    batch->checked = true;
    changed_.notify_all();
  }
}

void RecordFold::Fold() {
  while (true) {
    std::unique_ptr<Batch> batch;
    {
      std::unique_lock lock(mu_);
      changed_.wait(lock, [&] {
        return stop_ || (done_ && batches_.empty()) ||
               (!batches_.empty() && batches_.front()->checked);
      });
      if (stop_ || batches_.empty()) return;
      batch = std::move(batches_.front());
      batches_.pop_front();
      changed_.notify_all();
    }
    if (Status folded = FoldBatch(*batch); !folded.ok()) {
      std::lock_guard lock(mu_);
      status_ = folded;
      stop_ = true;
      changed_.notify_all();
      return;
    }
  }
}

Status RecordFold::FoldBatch(Batch& batch) {
  for (Checked& c : batch.out) {
    if (!c.readable.ok()) return Corrupt(head_.seq + 1, "is unreadable: " + c.readable.message());
    if (c.seq != head_.seq + 1)
      return Corrupt(c.seq, "is not the next after " + std::to_string(head_.seq));
    if (!c.content_problem.empty())
      return Corrupt(c.seq, "does not check out: " + c.content_problem);
    if (c.prev_hash != head_.hash) return Corrupt(c.seq, "does not chain onto the event before it");
    if (!c.item.ok()) {
      return Status(c.item.status().code(), "event " + std::to_string(c.seq) +
                                                " does not fold: " + c.item.status().message());
    }
    RETURN_IF_ERROR(facts_->Add(std::move(c.item).value()));
    head_ = LedgerHead{c.seq, c.hash};
  }
  recorded_at_ = batch.last_recorded_at;
  return Status::Ok();
}

}  // namespace hatchery::replay
