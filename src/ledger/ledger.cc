#include "hatchery/ledger.h"

#include <algorithm>
#include <future>

#include "hatchery/time.h"
#include "ledger/sequencer.h"
#include "ledger/store.h"
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

}  // namespace

Ledger::Ledger(std::unique_ptr<Store> store, std::shared_ptr<EventRules> rules,
               std::unique_ptr<ledger::Writer> writer, LedgerHead opened_head)
    : store_(std::move(store)),
      rules_(std::move(rules)),
      writer_(std::move(writer)),
      opened_head_(opened_head) {}

Ledger::~Ledger() = default;

Status Ledger::Create(const std::string& dir) {
  return Store::Open(dir, Store::Mode::kCreate).status();
}

StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir, LedgerOptions options) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<Store> store,
      Store::Open(dir, options.read_only ? Store::Mode::kReadOnly : Store::Mode::kReadWrite));
  ASSIGN_OR_RETURN(RecoveredHead recovered, RecoverHead(*store));
  Store* raw_store = store.get();
  std::unique_ptr<Ledger> ledger(
      new Ledger(std::move(store), options.rules, nullptr, recovered.head));
  if (options.read_only) return ledger;
  if (options.rules) {
    RETURN_IF_ERROR(ledger->ForEach(1, recovered.head.seq, [&](const Event& e) {
      options.rules->Apply(e);
      return Status::Ok();
    }));
    if (recovered.head.seq > 0) options.rules->Commit(recovered.head.seq);
  }
  ledger->writer_ = std::make_unique<ledger::Writer>(
      raw_store, ledger::Sequencer(raw_store, recovered.head, recovered.last_recorded_us,
                                   options.rules.get()));
  return ledger;
}

std::vector<StatusOr<AppendResult>> Ledger::Append(const Actor& actor,
                                                   std::vector<AppendCommand> commands,
                                                   AppendMode mode) {
  std::promise<std::vector<StatusOr<AppendResult>>> answered;
  auto results = answered.get_future();
  AppendAsync(actor, std::move(commands), mode, [&answered](std::vector<StatusOr<AppendResult>> r) {
    answered.set_value(std::move(r));
  });
  return results.get();
}

void Ledger::AppendAsync(const Actor& actor, std::vector<AppendCommand> commands, AppendMode mode,
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

Status Ledger::ForEach(std::uint64_t from_seq, std::uint64_t to_seq,
                       const std::function<Status(const Event&)>& visit) const {
  constexpr std::size_t kPage = 4096;
  for (std::uint64_t from = std::max<std::uint64_t>(from_seq, 1); from <= to_seq; from += kPage) {
    ASSIGN_OR_RETURN(std::vector<Event> events, Read(from, kPage));
    for (const Event& e : events) {
      if (e.seq > to_seq) return Status::Ok();
      RETURN_IF_ERROR(visit(e));
    }
    if (events.size() < kPage) return Status::Ok();
  }
  return Status::Ok();
}

StatusOr<Event> Ledger::Get(std::uint64_t seq) const { return store_->GetEvent(seq); }

StatusOr<std::vector<Event>> Ledger::Read(std::uint64_t from_seq, std::size_t limit) const {
  std::vector<Event> events;
  auto it = store_->NewIterator(Cf::kEvents);
  for (it->Seek(ledger::EncodeFixed64(from_seq)); it->Valid() && events.size() < limit;
       it->Next()) {
    auto seq = ledger::DecodeFixed64(std::string_view(it->key().data(), it->key().size()));
    if (!seq) {
      return Status(Code::kCorruption,
                    "a key of \"events\" is not an 8-byte seq (run `hatchery "
                    "verify` to locate the damage)");
    }
    ASSIGN_OR_RETURN(
        Event event,
        ledger::DecodeStoredEvent(*seq, std::string_view(it->value().data(), it->value().size())));
    events.push_back(std::move(event));
  }
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "read failed"));
  return events;
}

StatusOr<std::vector<Event>> Ledger::ReadStream(const std::string& stream,
                                                std::uint64_t from_version,
                                                std::size_t limit) const {
  std::vector<Event> events;
  std::string prefix = ledger::StreamPrefix(stream);
  auto it = store_->NewIterator(Cf::kStreams);
  for (it->Seek(ledger::StreamKey(stream, from_version));
       it->Valid() && it->key().starts_with(prefix) && events.size() < limit; it->Next()) {
    auto seq = ledger::DecodeFixed64(std::string_view(it->value().data(), it->value().size()));
    if (!seq) return Status(Code::kCorruption, "malformed stream index entry in " + stream);
    ASSIGN_OR_RETURN(Event event, store_->GetEvent(*seq));
    events.push_back(std::move(event));
  }
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "read failed"));
  return events;
}

StatusOr<Event> Ledger::GetByCommandId(const std::string& command_id) const {
  ASSIGN_OR_RETURN(auto entry, store_->GetCommand(command_id));
  if (!entry) return Status(Code::kNotFound, "no event for command_id \"" + command_id + "\"");
  return store_->GetEvent(entry->seq);
}

LedgerHead Ledger::head() const { return writer_ ? writer_->head() : opened_head_; }

bool Ledger::read_only() const { return !writer_ || writer_->read_only(); }

}  // namespace hatchery
