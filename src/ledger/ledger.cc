// The Ledger's life and writes (ledger.h): create, open (the head and the tree rebuilt from the
// events and checked), append.
#include "hatchery/ledger.h"

#include <algorithm>
#include <future>

#include "hatchery/time.h"
#include "ledger/merkle_nodes.h"
#include "ledger/sequencer.h"
#include "ledger/store.h"
#include "ledger/tail.h"
#include "ledger/writer.h"

namespace hatchery {

using ledger::Cf;
using ledger::Store;

namespace {

// The head of docs/format.md: rebuilt from the last event and checked, never trusted blindly.
struct RecoveredHead {
  LedgerHead head;
  std::int64_t last_recorded_us = 0;
};

StatusOr<RecoveredHead> RecoverHead(const Store& store) {
  auto corrupt = [&](const std::string& what) {
    return Status(Code::kCorruption, "the head of the store does not check out: " + what +
                                         "; run `hatchery verify --data " + store.dir() +
                                         "` to locate the damage");
  };
  ASSIGN_OR_RETURN(std::uint64_t last, store.LastSeq());
  if (last == 0) return RecoveredHead{};
  auto event = store.GetEvent(last);
  if (!event.ok()) return corrupt(event.status().message());
  if (event->seq != last) {
    return corrupt("the record stored at seq " + std::to_string(last) + " says seq " +
                   std::to_string(event->seq));
  }
  if (ComputeEventHash(*event) != event->hash) {
    return corrupt("event " + std::to_string(last) + " does not match its hash");
  }
  Hash expected_prev{};
  if (last > 1) {
    auto previous = store.GetEvent(last - 1);
    if (!previous.ok()) return corrupt(previous.status().message());
    expected_prev = previous->hash;
  }
  if (event->prev_hash != expected_prev) {
    return corrupt("event " + std::to_string(last) + " does not chain onto event " +
                   std::to_string(last - 1));
  }
  return RecoveredHead{LedgerHead{last, event->hash}, *ParseTimestamp(event->recorded_at)};
}

// The Merkle tree at the head: the right edge from the stored runs, the unfinished run from its
// events.
StatusOr<ledger::TreeAtHead> RecoverTree(const Store& store, const LedgerHead& head) {
  auto tree = ledger::RebuildTree(store, head.seq);
  if (!tree.ok()) {
    return Status(Code::kCorruption,
                  "the Merkle tree of the store does not check out: " + tree.status().message() +
                      "; run `hatchery verify --data " + store.dir() + "` to locate the damage");
  }
  return tree;
}

}  // namespace

Ledger::Ledger(std::unique_ptr<Store> store, std::shared_ptr<EventRules> rules,
               std::unique_ptr<ledger::Writer> writer, LedgerHead opened_head, std::string origin,
               std::shared_ptr<const ledger::TreeTail> opened_tail)
    : store_(std::move(store)),
      rules_(std::move(rules)),
      writer_(std::move(writer)),
      opened_head_(opened_head),
      opened_tail_(std::move(opened_tail)),
      origin_(std::move(origin)),
      node_cache_(std::make_unique<ledger::NodeCache>()) {}

Ledger::~Ledger() = default;

Status Ledger::Create(const std::string& dir, std::string_view deployment) {
  std::string origin = std::string(kOriginPrefix) + std::string(deployment);
  if (deployment.empty() || !IsValidOrigin(origin)) {
    return Status(Code::kBadRequest,
                  "a deployment name must be printable ASCII without spaces or '+'",
                  boost::json::object{{"field", "deployment"}});
  }
  ASSIGN_OR_RETURN(auto store, Store::Open(dir, Store::Mode::kCreate));
  rocksdb::WriteBatch batch;
  batch.Put(store->Handle(Cf::kMeta), std::string(ledger::kMetaOrigin), origin);
  return store->Write(&batch);
}

StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir, LedgerOptions options) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<Store> store,
      Store::Open(dir, options.read_only ? Store::Mode::kReadOnly : Store::Mode::kReadWrite));
  ASSIGN_OR_RETURN(RecoveredHead recovered, RecoverHead(*store));
  // A writer needs the tree; a reader opened beside damage can still read the events, and its
  // Merkle reads then answer kCorruption for the nodes it could not rebuild.
  auto tree = RecoverTree(*store, recovered.head);
  if (!tree.ok() && !options.read_only) return tree.status();
  auto opened_tail = tree.ok() ? std::make_shared<const ledger::TreeTail>(tree->tail) : nullptr;
  ASSIGN_OR_RETURN(auto origin, store->Get(Cf::kMeta, ledger::kMetaOrigin));
  if (!origin) return Status(Code::kCorruption, "the store at " + dir + " has no origin");
  Store* raw_store = store.get();
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(store), options.rules, nullptr,
                                            recovered.head, std::move(*origin),
                                            std::move(opened_tail)));
  if (options.read_only) return ledger;
  RETURN_IF_ERROR(ledger::CheckTail(*raw_store, recovered.head.seq, *tree));
  ASSIGN_OR_RETURN(auto server_only, raw_store->ServerOnlySince());
  if (options.local_writer && server_only) {
    return Status(Code::kForbidden,
                  "the store at " + dir +
                      " takes writes only through its server (set after event " +
                      std::to_string(*server_only) +
                      "): append through `hatchery serve` with --connect, or have its operator "
                      "allow local writes (`hatchery writes --data " +
                      dir + " --allow-local`)");
  }
  ASSIGN_OR_RETURN(auto replica_of, raw_store->Get(Cf::kMeta, ledger::kMetaReplicaOf));
  if (replica_of && !options.replica) {
    return Status(Code::kForbidden,
                  "the store at " + dir + " is a read replica of " + *replica_of +
                      ": it takes events only from its primary (`hatchery follow`); "
                      "`hatchery promote` makes it a primary");
  }
  if (!replica_of && options.replica && recovered.head.seq > 0) {
    return Status(Code::kForbidden, "the store at " + dir +
                                        " is a primary's, not a read replica's (a replica follows "
                                        "into a new directory or its own store)");
  }
  ledger->replica_ = options.replica;
  if (replica_of) ledger->replica_of_ = *replica_of;
  if (options.rules) {
    RETURN_IF_ERROR(ledger->ForEach(1, recovered.head.seq, [&](const Event& e) {
      options.rules->Apply(e);
      return Status::Ok();
    }));
    if (recovered.head.seq > 0) options.rules->Commit(recovered.head.seq);
  }
  ledger->writer_ = std::make_unique<ledger::Writer>(
      raw_store, ledger::Sequencer(raw_store, recovered.head, recovered.last_recorded_us,
                                   std::move(tree->frontier), std::move(tree->tail),
                                   options.rules.get(), ledger->simulated_clock()));
  return ledger;
}

bool Ledger::simulated_clock() const {
  int known = simulated_clock_.load(std::memory_order_acquire);
  if (known >= 0) return known == 1;
  if (head().seq == 0) return false;  // no genesis yet
  auto genesis = Get(1);
  bool simulated = genesis.ok() && DeclaresSimulatedClock(genesis->type, genesis->data);
  simulated_clock_.store(simulated ? 1 : 0, std::memory_order_release);
  return simulated;
}

std::vector<StatusOr<AppendResult>> Ledger::Append(const Actor& actor,
                                                   std::vector<AppendCommand> commands,
                                                   AppendMode mode) {
  return ledger::Await(
      [&](AppendCallback done) { AppendAsync(actor, std::move(commands), mode, std::move(done)); });
}

void Ledger::AppendAsync(const Actor& actor, std::vector<AppendCommand> commands, AppendMode mode,
                         AppendCallback done) {
  if (replica_) {
    done(std::vector<StatusOr<AppendResult>>(
        commands.size(),
        Status(Code::kForbidden,
               "this store is a read replica of " +
                   (replica_of_.empty() ? std::string("its primary") : replica_of_) +
                   ": append there (`hatchery promote` makes this one a primary)",
               boost::json::object{{"primary", replica_of_}})));
    return;
  }
  Submit(actor, std::move(commands), mode, std::move(done));
}

void Ledger::Submit(const Actor& actor, std::vector<AppendCommand> commands, AppendMode mode,
                    AppendCallback done) {
  if (!writer_) {
    done(std::vector<StatusOr<AppendResult>>(
        commands.size(), Status(Code::kUnavailable, "this ledger was opened read-only")));
    return;
  }
  if (Status valid = ValidateActor(actor); !valid.ok()) {
    done(std::vector<StatusOr<AppendResult>>(commands.size(), valid));
    return;
  }
  // Validation and canonical rendering happen here, on the caller's thread; the writer gets only
  // the valid commands, and their results are put back in place when it answers.
  std::vector<StatusOr<AppendResult>> results(commands.size(),
                                              Status(Code::kInternal, "not processed"));
  std::vector<ledger::PreparedCommand> prepared;
  std::vector<std::size_t> positions;  // prepared[k] is commands[positions[k]]
  prepared.reserve(commands.size());
  std::optional<std::size_t> first_invalid;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto p = ledger::Prepare(std::move(commands[i]), actor, rules_.get());
    if (!p.ok()) {
      results[i] = p.status();
      if (!first_invalid) first_invalid = i;
      continue;
    }
    prepared.push_back(std::move(p).value());
    positions.push_back(i);
  }
  if (mode == AppendMode::kAllOrNothing && first_invalid) {
    for (std::size_t position : positions)
      results[position] = ledger::AbortedBecause(*first_invalid);
    prepared.clear();
  }
  if (prepared.empty()) {
    done(std::move(results));
    return;
  }
  if (positions.size() == results.size()) {  // all valid: the writer's answer is the answer
    writer_->Submit(actor, std::move(prepared), mode, std::move(done));
    return;
  }
  auto merge = [results = std::move(results), positions = std::move(positions),
                done = std::move(done)](std::vector<StatusOr<AppendResult>> written) mutable {
    for (std::size_t k = 0; k < written.size(); ++k) results[positions[k]] = std::move(written[k]);
    done(std::move(results));
  };
  writer_->Submit(actor, std::move(prepared), mode, std::move(merge));
}

boost::json::object ToJson(const AppendResult& result) {
  return boost::json::object{{"seq", result.seq},
                             {"event_id", result.event_id},
                             {"stream_version", result.stream_version},
                             {"recorded_at", result.recorded_at},
                             {"hash", ToHex(result.hash)},
                             {"duplicate", result.duplicate}};
}

bool Ledger::read_only() const { return !writer_ || writer_->read_only(); }

}  // namespace hatchery
