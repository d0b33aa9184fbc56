#include "ledger/writer.h"

#include <exception>

namespace hatchery::ledger {

Status AbortedBecause(std::size_t rejected_index) {
  return Status(Code::kAborted,
                "not recorded: command " + std::to_string(rejected_index) +
                    " of this all-or-nothing batch was rejected",
                {{"rejected_index", static_cast<std::int64_t>(rejected_index)}});
}

Writer::Writer(Store* store, Sequencer sequencer)
    : store_(store), head_(sequencer.committed_head()), sequencer_(std::move(sequencer)) {}

LedgerHead Writer::head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

std::vector<StatusOr<AppendResult>> Writer::Submit(const Actor& actor,
                                                   const std::vector<PreparedCommand>& commands,
                                                   AppendMode mode) {
  Request request{&actor, &commands, mode, {}, {}, false, {}};
  std::unique_lock lock(mu_);
  queue_.push_back(&request);
  while (!request.done && queue_.front() != &request) request.cv.wait(lock);
  if (request.done) return std::move(request.results);

  // This caller leads: it serves itself and everyone queued behind it, up to the group limit.
  std::vector<Request*> group;
  std::size_t commands_in_group = 0;
  for (Request* queued : queue_) {
    std::size_t n = queued->commands->size();
    if (!group.empty() && commands_in_group + n > kMaxGroupCommands) break;
    group.push_back(queued);
    commands_in_group += n;
  }
  lock.unlock();
  Lead(group);
  lock.lock();
  for (Request* served : group) {
    queue_.pop_front();
    served->done = true;
    if (served != &request) served->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
  return std::move(request.results);
}

void Writer::Lead(const std::vector<Request*>& group) {
  if (read_only()) {
    for (Request* r : group) {
      r->results.assign(r->commands->size(), Status(Code::kUnavailable,
                                                    "the store refused an earlier write and is "
                                                    "read-only until it is reopened"));
    }
    return;
  }
  rocksdb::WriteBatch batch;
  for (Request* r : group) StageRequest(r, &batch);
  if (batch.Count() > 0) {
    Status written = store_->Write(&batch);
    if (!written.ok()) {
      read_only_.store(true, std::memory_order_release);
      sequencer_.Discard();
      for (Request* r : group) {
        for (std::size_t i = 0; i < r->results.size(); ++i) {
          if (r->staged[i]) {
            r->results[i] = Status(Code::kUnavailable, "not recorded: " + written.message());
          }
        }
      }
      return;
    }
  }
  sequencer_.Commit();
  std::lock_guard lock(head_mu_);
  head_ = sequencer_.committed_head();
}

void Writer::StageRequest(Request* r, rocksdb::WriteBatch* batch) {
  const std::vector<PreparedCommand>& commands = *r->commands;
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
      result = sequencer_.Stage(commands[i], *r->actor, batch);
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
