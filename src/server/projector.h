// The server's read side (DESIGN.md: queries never block appends): a fact base of its own, folded
// from the ledger's durable events on a thread of its own, on which every query runs. The writer's
// live state (the policy checks' fact base) is never touched by a query, and a query never holds
// anything the writer waits for. Before each query the projector folds the events appended since
// the one before, so an answer is as of the head when it was asked; its as_of_seq says which.
//
// Thread safety: Run may be called from any thread; the work it runs has the fact base alone.
#ifndef HATCHERY_SERVER_PROJECTOR_H_
#define HATCHERY_SERVER_PROJECTOR_H_

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>

#include "domain/fold/fact_base.h"
#include "domain/views/carrier_memo.h"
#include "hatchery/json_tape.h"
#include "hatchery/ledger.h"

namespace hatchery::server {

class Projector {
 public:
  // Folds the ledger from its newest usable snapshot and starts the thread. `ledger` must outlive
  // the projector. Errors: the fold's (replay/replay.h).
  static StatusOr<std::unique_ptr<Projector>> Start(const Ledger& ledger);
  ~Projector();  // finishes the queued work, then stops
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  boost::asio::io_context::executor_type executor() { return context_.get_executor(); }

  // On the projector's thread only: the fact base with every event through the ledger's head.
  // Errors: kCorruption (an event that does not fold; the projector then answers this forever).
  StatusOr<const domain::FactBase*> CaughtUp();
  // On the projector's thread only: per-carrier projections of that fact base, remembered.
  domain::CarrierMemo& memo() { return memo_; }

 private:
  Projector(const Ledger& ledger, std::unique_ptr<domain::FactBase> facts);

  const Ledger& ledger_;
  std::unique_ptr<domain::FactBase> facts_;
  domain::CarrierMemo memo_;
  json::Tape tape_;  // reads each new record in place
  Status health_;
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_PROJECTOR_H_
