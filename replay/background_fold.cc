#include "replay/background_fold.h"

namespace hatchery::replay {

BackgroundFold::BackgroundFold(domain::FactBase* facts)
    : facts_(facts), worker_([this] { Run(); }) {}

BackgroundFold::~BackgroundFold() { (void)Finish(); }

void BackgroundFold::Add(std::vector<Event> batch) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return waiting_.size() < kMaxWaiting; });
  waiting_.push_back(std::move(batch));
  changed_.notify_all();
}

Status BackgroundFold::Finish() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
    changed_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  return status_;
}

void BackgroundFold::Run() {
  while (true) {
    std::vector<Event> batch;
    {
      std::unique_lock lock(mu_);
      changed_.wait(lock, [&] { return done_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // done, and nothing left
      batch = std::move(waiting_.front());
      waiting_.pop_front();
      changed_.notify_all();
    }
    for (const Event& event : batch) {
      if (!status_.ok()) break;  // only this thread writes status_ until it is joined
      if (Status applied = facts_->Apply(event); !applied.ok()) {
        status_ = Status(applied.code(), "event " + std::to_string(event.seq) +
                                             " does not fold: " + applied.message());
      }
    }
  }
}

}  // namespace hatchery::replay
