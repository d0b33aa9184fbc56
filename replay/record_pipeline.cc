#include "replay/record_pipeline.h"

#include <algorithm>
#include <functional>
#include <type_traits>

#include "hatchery/json_tape.h"

namespace hatchery::replay {
namespace {

constexpr std::size_t kMaxWorkers = 8;

// Points the text views of `*link` at bytes that last as long as the batch: `stored` (the batch's
// copy of the record) when they lie in it, else copies in `*kept`. (A record read in place has
// its strings in the record unless they hold escapes; a parsed one has them in its DOM.)
void KeepText(std::string_view stored, ChainLink* link, std::string* kept) {
  auto inside = [&](std::string_view text) {
    std::less_equal<const char*> at_or_before;
    return at_or_before(stored.data(), text.data()) &&
           at_or_before(text.data() + text.size(), stored.data() + stored.size());
  };
  if (!stored.empty() && inside(link->recorded_at) && inside(link->stream)) return;
  const std::size_t split = link->recorded_at.size();
  *kept = std::string{link->recorded_at}.append(link->stream);
  link->recorded_at = std::string_view{*kept}.substr(0, split);
  link->stream = std::string_view{*kept}.substr(split);
}

}  // namespace

struct RecordPipeline::Batch {
  std::string bytes;                // the records, one after another
  std::vector<std::uint32_t> ends;  // record i ends at ends[i]
  bool taken = false;               // a worker checks it
  bool checked = false;             // `out` is complete
  std::vector<CheckedRecord> out;
};

RecordPipeline::RecordPipeline(const domain::FactBase* decode, Consumer consume)
    : decode_(decode), consume_(std::move(consume)) {
  std::size_t workers =
      std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxWorkers);
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
  threads_.emplace_back([this] { Consume(); });
}

RecordPipeline::~RecordPipeline() {
  {
    std::lock_guard lock(mu_);
    stop_ = done_ = true;
    changed_.notify_all();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

Status RecordPipeline::Add(std::string_view record) {
  if (!filling_) {
    {
      std::lock_guard lock(mu_);
      if (!spare_.empty()) {
        filling_ = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    if (!filling_) {
      filling_ = std::make_unique<Batch>();
      filling_->bytes.reserve(kBatchRecords * (record.size() + record.size() / 4));
      filling_->ends.reserve(kBatchRecords);
    }
  }
  filling_->bytes.append(record);
  filling_->ends.push_back(static_cast<std::uint32_t>(filling_->bytes.size()));
  if (filling_->ends.size() < kBatchRecords) return Status::Ok();
  Submit();
  std::lock_guard lock(mu_);
  return status_;
}

void RecordPipeline::Submit() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return stop_ || batches_.size() < kMaxBatches; });
  if (!stop_) batches_.push_back(std::move(filling_));
  filling_.reset();
  changed_.notify_all();
}

Status RecordPipeline::Finish() {
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

void RecordPipeline::Check(std::string_view stored, json::Tape* tape, CheckedRecord* record) const {
  CheckStoredEvent(
      stored, tape,
      [&](const auto& event, std::string content_problem) {
        record->link = LinkOf(event);
        // A view of a record read in place points into `stored`; of a parsed one, into its DOM.
        bool in_place = std::is_same_v<std::decay_t<decltype(event)>, EventView>;
        KeepText(in_place ? stored : std::string_view{}, &record->link, &record->kept_text);
        record->content_problem = std::move(content_problem);
        if (decode_ && record->content_problem.empty()) record->item = decode_->Prepare(event);
      },
      [&](const Status& unreadable) { record->readable = unreadable; });
}

void RecordPipeline::Work() {
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
      Check(std::string_view{batch->bytes}.substr(begin, batch->ends[i] - begin), &tape,
            &batch->out[i]);
      begin = batch->ends[i];
    }
    lock.lock();
    batch->checked = true;
    changed_.notify_all();
  }
}

void RecordPipeline::Consume() {
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
    for (CheckedRecord& record : batch->out) {
      if (Status consumed = consume_(record); !consumed.ok()) {
        std::lock_guard lock(mu_);
        status_ = consumed;
        stop_ = true;
        changed_.notify_all();
        return;
      }
    }
    // Emptied for reuse: its buffers stay allocated (and their pages mapped).
    batch->bytes.clear();
    batch->ends.clear();
    batch->out.clear();
    batch->taken = batch->checked = false;
    std::lock_guard lock(mu_);
    if (spare_.size() < kMaxBatches) spare_.push_back(std::move(batch));
  }
}

}  // namespace hatchery::replay
