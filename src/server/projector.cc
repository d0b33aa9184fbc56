#include "server/projector.h"

#include "replay/replay.h"

namespace hatchery::server {

StatusOr<std::unique_ptr<Projector>> Projector::Start(const Ledger& ledger) {
  ASSIGN_OR_RETURN(replay::Folded folded,
                   replay::Fold(ledger, ledger.head().seq, replay::Path::kFromSnapshot));
  return std::unique_ptr<Projector>(new Projector(ledger, std::move(folded.facts)));
}

Projector::Projector(const Ledger& ledger, std::unique_ptr<domain::FactBase> facts)
    : ledger_(ledger),
      facts_(std::move(facts)),
      work_(boost::asio::make_work_guard(context_)),
      thread_([this] { context_.run(); }) {}

Projector::~Projector() {
  work_.reset();
  thread_.join();
}

StatusOr<const domain::FactBase*> Projector::CaughtUp() {
  if (!health_.ok()) return health_;
  std::uint64_t head = ledger_.head().seq;
  if (facts_->last_seq() < head) {
    health_ = ledger_.ForEachRecord(facts_->last_seq() + 1, head,
                                    [&](std::uint64_t, std::string_view record) {
                                      return facts_->ApplyRecord(record, &tape_);
                                    });
    if (!health_.ok()) return health_;
  }
  return facts_.get();
}

}  // namespace hatchery::server
