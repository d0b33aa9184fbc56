#include "ledger/writer.h"

#include <pthread.h>

#include <chrono>
#include <exception>
#include <future>

namespace hatchery::ledger {
namespace {

constexpr std::chrono::microseconds kIdleSpin{60};

}  // namespace

std::vector<StatusOr<AppendResult>> Await(const std::function<void(AppendCallback)>& submit) {
  std::promise<std::vector<StatusOr<AppendResult>>> answered;
  auto results = answered.get_future();
  submit([&answered](std::vector<StatusOr<AppendResult>> r) { answered.set_value(std::move(r)); });
  return results.get();
}

Status AbortedBecause(std::size_t rejected_index) {
  return Status(Code::kAborted,
                "not recorded: command " + std::to_string(rejected_index) +
                    " of this all-or-nothing batch was rejected",
                {{"rejected_index", static_cast<std::int64_t>(rejected_index)}});
}

Writer::Writer(Store* store, Sequencer sequencer)
    : store_(store),
      head_(sequencer.committed_head()),
      tail_(std::make_shared<TreeTail>(sequencer.committed_tail())),
      sequencer_(std::move(sequencer)),
      thread_([this] { Run(); }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

LedgerHead Writer::head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

std::pair<LedgerHead, std::shared_ptr<const TreeTail>> Writer::tree_state() const {
  std::lock_guard lock(head_mu_);
  return {head_, tail_};
}

void Writer::Submit(Actor actor, std::vector<PreparedCommand> commands, AppendMode mode,
                    AppendCallback done) {
  auto request = std::make_unique<Request>(
      Request{std::move(actor), std::move(commands), mode, std::move(done), {}, {}});
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(request));
      queued_.fetch_add(1, std::memory_order_release);
      wake_.notify_one();
      return;
    }
  }
  request->done(std::vector<StatusOr<AppendResult>>(
      request->commands.size(), Status(Code::kUnavailable, "the ledger is closing")));
}

void Writer::Run() {
  pthread_setname_np(pthread_self(), "ledger-writer");
  std::unique_lock lock(mu_);
  while (true) {
    if (queue_.empty() && !stopping_) {
      // A caller acknowledged a moment ago usually sends its next command within microseconds:
      // spin briefly before sleeping, so that it does not also pay for waking this thread.
      lock.unlock();
      auto until = std::chrono::steady_clock::now() + kIdleSpin;
      while (queued_.load(std::memory_order_acquire) == 0 &&
             std::chrono::steady_clock::now() < until) {
        std::this_thread::yield();  // on a busy machine, let the producers have the core
      }
      lock.lock();
    }
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is done
    Group group;
    std::size_t commands_in_group = 0;
    while (!queue_.empty()) {
      std::size_t n = queue_.front()->commands.size();
      if (!group.empty() && commands_in_group + n > kMaxGroupCommands) break;
      commands_in_group += n;
      group.push_back(std::move(queue_.front()));
      queue_.pop_front();
      queued_.fetch_sub(1, std::memory_order_relaxed);
    }
    lock.unlock();
    WriteGroup(group);
    for (auto& request : group) request->done(std::move(request->results));
    lock.lock();
  }
}

void Writer::WriteGroup(const Group& group) {
  if (read_only()) {
    for (const auto& r : group) {
      r->results.assign(r->commands.size(), Status(Code::kUnavailable,
                                                   "the store refused an earlier write and is "
                                                   "read-only until it is reopened"));
    }
    return;
  }
  rocksdb::WriteBatch batch;
  for (const auto& r : group) StageRequest(r.get(), &batch);
  sequencer_.Seal(&batch);
  if (batch.Count() > 0) {
    Status written = store_->Write(&batch);
    if (!written.ok()) {
      read_only_.store(true, std::memory_order_release);
      sequencer_.Discard();
      for (const auto& r : group) {
        for (std::size_t i = 0; i < r->results.size(); ++i) {
          if (r->staged[i]) {
            r->results[i] = Status(Code::kUnavailable, "not recorded: " + written.message());
          }
        }
      }
      return;
    }
  }
  bool appended = sequencer_.committed_head().seq != sequencer_.staged_head().seq;
  sequencer_.Commit();
  auto tail = appended ? std::make_shared<const TreeTail>(sequencer_.committed_tail()) : nullptr;
  std::lock_guard lock(head_mu_);
  head_ = sequencer_.committed_head();
  if (tail) tail_ = std::move(tail);
}

void Writer::StageRequest(Request* r, rocksdb::WriteBatch* batch) {
  const std::vector<PreparedCommand>& commands = r->commands;
  const bool all_or_nothing = r->mode == AppendMode::kAllOrNothing;
  r->results.reserve(commands.size());
  // Every OK result, duplicates included, is withdrawn if the group's write fails: the client
  // then retries with the same command_id, which is always safe.
  r->staged.assign(commands.size(), false);
  Sequencer::Mark mark = sequencer_.mark();
  if (all_or_nothing) batch->SetSavePoint();
  for (std::size_t i = 0; i < commands.size(); ++i) {
    StatusOr<AppendResult> result = Status(Code::kInternal, "not staged");
    try {
      result = sequencer_.Stage(commands[i], r->actor, batch);
    } catch (const std::exception& e) {
      result = Status(Code::kInternal, std::string("staging failed: ") + e.what());
    }
    if (!result.ok() && all_or_nothing) {
      sequencer_.Rollback(mark);
      batch->RollbackToSavePoint().PermitUncheckedError();
      r->results.clear();
      for (std::size_t k = 0; k < commands.size(); ++k) {
        r->results.push_back(k == i ? result.status() : AbortedBecause(i));
      }
      r->staged.assign(commands.size(), false);
      return;
    }
    r->staged[i] = result.ok();
    r->results.push_back(std::move(result));
  }
  if (all_or_nothing) batch->PopSavePoint().PermitUncheckedError();
}

}  // namespace hatchery::ledger
