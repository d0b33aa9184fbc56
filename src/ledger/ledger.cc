#include "hatchery/ledger.h"

#include <algorithm>
#include <future>

#include "hatchery/time.h"
#include "ledger/merkle_nodes.h"
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

Status BeyondHead(std::uint64_t size, std::uint64_t head) {
  return Status(Code::kBadRequest,
                "tree size " + std::to_string(size) + " is beyond the log, which has " +
                    std::to_string(head) + " events",
                boost::json::object{{"tree_size", static_cast<std::int64_t>(size)},
                                    {"head", static_cast<std::int64_t>(head)}});
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
  if (options.rules) {
    RETURN_IF_ERROR(ledger->ForEach(1, recovered.head.seq, [&](const Event& e) {
      options.rules->Apply(e);
      return Status::Ok();
    }));
    if (recovered.head.seq > 0) options.rules->Commit(recovered.head.seq);
  }
  ledger->writer_ = std::make_unique<ledger::Writer>(
      raw_store,
      ledger::Sequencer(raw_store, recovered.head, recovered.last_recorded_us,
                        std::move(tree->frontier), std::move(tree->tail), options.rules.get()));
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

namespace {

// Calls `visit` with every stored record (tag and body) of events from_seq..to_seq, in seq order.
Status ScanRecords(const ledger::Store& store, std::uint64_t from_seq, std::uint64_t to_seq,
                   const std::function<Status(std::uint64_t, std::string_view)>& visit) {
  bool large = to_seq >= from_seq && to_seq - from_seq >= ledger::kScanAroundCacheEvents;
  auto it = store.NewIterator(Cf::kEvents, /*fill_cache=*/!large);
  for (it->Seek(ledger::EncodeFixed64(std::max<std::uint64_t>(from_seq, 1))); it->Valid();
       it->Next()) {
    auto seq = ledger::DecodeFixed64(std::string_view(it->key().data(), it->key().size()));
    if (!seq) {
      return Status(Code::kCorruption,
                    "a key of \"events\" is not an 8-byte seq (run `hatchery "
                    "verify` to locate the damage)");
    }
    if (*seq > to_seq) break;
    RETURN_IF_ERROR(visit(*seq, std::string_view(it->value().data(), it->value().size())));
  }
  return ledger::FromRocks(it->status(), "read failed");
}

}  // namespace

Status Ledger::ForEachRecord(
    std::uint64_t from_seq, std::uint64_t to_seq,
    const std::function<Status(std::uint64_t, std::string_view)>& visit) const {
  return ScanRecords(*store_, from_seq, to_seq, [&](std::uint64_t seq, std::string_view record) {
    ASSIGN_OR_RETURN(std::string_view body, ledger::StoredBody(seq, record));
    return visit(seq, body);
  });
}

Status Ledger::ForEach(std::uint64_t from_seq, std::uint64_t to_seq,
                       const std::function<Status(const Event&)>& visit) const {
  return ScanRecords(*store_, from_seq, to_seq, [&](std::uint64_t seq, std::string_view record) {
    ASSIGN_OR_RETURN(Event event, ledger::DecodeStoredEvent(seq, record));
    return visit(event);
  });
}

StatusOr<Event> Ledger::Get(std::uint64_t seq) const { return store_->GetEvent(seq); }

StatusOr<std::vector<Event>> Ledger::Read(std::uint64_t from_seq, std::size_t limit) const {
  std::vector<Event> events;
  if (limit == 0) return events;
  std::uint64_t from = std::max<std::uint64_t>(from_seq, 1);
  std::uint64_t to = limit - 1 > UINT64_MAX - from ? UINT64_MAX : from + (limit - 1);
  RETURN_IF_ERROR(ForEach(from, to, [&](const Event& e) {
    events.push_back(e);
    return Status::Ok();
  }));
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

const std::string& Ledger::dir() const { return store_->dir(); }

LedgerHead Ledger::head() const { return writer_ ? writer_->head() : opened_head_; }

StatusOr<std::uint64_t> Ledger::LastSeqRecordedBy(std::int64_t micros) const {
  std::uint64_t low = 0,
                high = head().seq;  // invariant: low is recorded by micros, high + 1 is not
  while (low < high) {
    std::uint64_t mid = low + (high - low + 1) / 2;
    ASSIGN_OR_RETURN(Event event, Get(mid));
    auto recorded = ParseTimestamp(event.recorded_at);
    if (!recorded)
      return Status(Code::kCorruption,
                    "event " + std::to_string(mid) + " has no valid recorded_at");
    if (*recorded <= micros) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

merkle::NodeReader Ledger::Nodes(std::uint64_t* head_seq, std::uint64_t tree_size) const {
  auto [head, tail] = writer_ ? writer_->tree_state() : std::pair{opened_head_, opened_tail_};
  *head_seq = head.seq;
  return ledger::StoredNodes(*store_, tree_size, std::move(tail), node_cache_.get());
}

StatusOr<Hash> Ledger::MerkleRoot(std::uint64_t tree_size) const {
  std::uint64_t head_seq = 0;
  auto nodes = Nodes(&head_seq, tree_size);
  if (tree_size > head_seq) return BeyondHead(tree_size, head_seq);
  return merkle::Root(tree_size, nodes);
}

StatusOr<std::vector<Hash>> Ledger::RangeProof(std::uint64_t first_seq, std::uint64_t last_seq,
                                               std::uint64_t tree_size) const {
  std::uint64_t head_seq = 0;
  auto nodes = Nodes(&head_seq, tree_size);
  if (tree_size > head_seq) return BeyondHead(tree_size, head_seq);
  if (first_seq == 0) {
    return Status(Code::kBadRequest, "seqs start at 1", boost::json::object{{"field", "from_seq"}});
  }
  ASSIGN_OR_RETURN(auto ranges, merkle::RangeProofRanges({first_seq - 1, last_seq}, tree_size));
  return merkle::HashRanges(ranges, nodes);
}

StatusOr<std::vector<Hash>> Ledger::InclusionProof(std::uint64_t seq,
                                                   std::uint64_t tree_size) const {
  std::uint64_t head_seq = 0;
  auto nodes = Nodes(&head_seq, tree_size);
  if (tree_size > head_seq) return BeyondHead(tree_size, head_seq);
  if (seq == 0 || seq > tree_size) {
    return Status(Code::kBadRequest,
                  "event " + std::to_string(seq) + " is not in the tree of " +
                      std::to_string(tree_size) + " events",
                  boost::json::object{{"field", "seq"}});
  }
  ASSIGN_OR_RETURN(auto ranges, merkle::InclusionRanges(seq - 1, tree_size));
  return merkle::HashRanges(ranges, nodes);
}

StatusOr<std::vector<Hash>> Ledger::ConsistencyProof(std::uint64_t first,
                                                     std::uint64_t second) const {
  std::uint64_t head_seq = 0;
  auto nodes = Nodes(&head_seq, second);
  if (second > head_seq) return BeyondHead(second, head_seq);
  ASSIGN_OR_RETURN(auto ranges, merkle::ConsistencyRanges(first, second));
  return merkle::HashRanges(ranges, nodes);
}

StatusOr<Checkpoint> Ledger::CheckpointAt(std::uint64_t tree_size) const {
  ASSIGN_OR_RETURN(Hash root, MerkleRoot(tree_size));
  return Checkpoint{origin_, tree_size, root, {}};
}

Status Ledger::AddCheckpoint(std::string_view signed_note, const note::VerifierKey& signer) {
  if (read_only()) {
    return Status(Code::kUnavailable, "this ledger is read-only: checkpoints cannot be kept");
  }
  ASSIGN_OR_RETURN(note::Note parsed, note::Parse(signed_note));
  ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(parsed.text));
  if (checkpoint.origin != origin_) {
    return Status(Code::kBadRequest, "the checkpoint is of \"" + checkpoint.origin +
                                         "\", not of this log (\"" + origin_ + "\")");
  }
  ASSIGN_OR_RETURN(Hash root, MerkleRoot(checkpoint.size));
  if (root != checkpoint.root) {
    return Status(Code::kCorruption, "the checkpoint's root is not this log's root at size " +
                                         std::to_string(checkpoint.size));
  }
  RETURN_IF_ERROR(note::Verify(parsed, signer));
  rocksdb::WriteBatch batch;
  batch.Put(store_->Handle(Cf::kCheckpoints), ledger::CheckpointKey(checkpoint.size, signed_note),
            std::string(signed_note));
  batch.Put(store_->Handle(Cf::kMeta),
            std::string(ledger::kMetaVerifierKeyPrefix) + note::KeyLabel(signer.name, signer.id),
            note::FormatVerifierKey(signer));
  return store_->Write(&batch);
}

StatusOr<std::vector<std::string>> Ledger::Checkpoints() const {
  std::vector<std::string> notes;
  auto it = store_->NewIterator(Cf::kCheckpoints);
  for (it->SeekToFirst(); it->Valid(); it->Next()) notes.push_back(it->value().ToString());
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "cannot read the checkpoints"));
  return notes;
}

Status Ledger::PutSnapshot(std::uint64_t seq, std::string_view bytes) {
  if (read_only()) return Status(Code::kUnavailable, "this ledger is read-only: no snapshots");
  if (seq > head().seq) {
    return Status(Code::kBadRequest, "a snapshot after event " + std::to_string(seq) +
                                         " is beyond the head " + std::to_string(head().seq));
  }
  rocksdb::WriteBatch batch;
  batch.Put(store_->Handle(Cf::kSnapshots), ledger::SnapshotKey(seq),
            rocksdb::Slice(bytes.data(), bytes.size()));
  return store_->Write(&batch);
}

Status Ledger::DeleteSnapshot(std::uint64_t seq) {
  if (read_only()) return Status(Code::kUnavailable, "this ledger is read-only: no snapshots");
  rocksdb::WriteBatch batch;
  batch.Delete(store_->Handle(Cf::kSnapshots), ledger::SnapshotKey(seq));
  return store_->Write(&batch);
}

StatusOr<std::vector<std::uint64_t>> Ledger::SnapshotSeqs() const {
  std::vector<std::uint64_t> seqs;
  auto it = store_->NewIterator(Cf::kSnapshots);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto seq = ledger::DecodeFixed64(it->key().ToStringView());
    if (!seq) return Status(Code::kCorruption, "a snapshot key is not a seq");
    seqs.push_back(*seq);
  }
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "cannot list the snapshots"));
  return seqs;
}

StatusOr<std::string> Ledger::GetSnapshot(std::uint64_t seq) const {
  ASSIGN_OR_RETURN(auto bytes, store_->Get(Cf::kSnapshots, ledger::SnapshotKey(seq)));
  if (!bytes) return Status(Code::kNotFound, "no snapshot after event " + std::to_string(seq));
  return std::move(*bytes);
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
