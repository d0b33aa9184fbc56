#include "ledger/sequencer.h"

#include <algorithm>
#include <cstdio>

#include "hatchery/json.h"
#include "hatchery/time.h"

namespace hatchery::ledger {
namespace {

namespace bj = boost::json;

// Room for a record's envelope around its data (typically ~500 bytes), so that rendering it does
// not reallocate.
constexpr std::size_t kEnvelopeBytesHint = 768;

}  // namespace

StatusOr<PreparedCommand> Prepare(AppendCommand command, const Actor& actor,
                                  const EventRules* rules) {
  RETURN_IF_ERROR(ValidateCommand(command));
  PreparedCommand prepared;
  if (rules) {
    ASSIGN_OR_RETURN(prepared.schema_version, rules->Validate(command));
  }
  prepared.canonical_data = json::Canonicalize(command.data);
  if (prepared.canonical_data.size() > kMaxDataBytes) {
    return Status(Code::kBadRequest,
                  "field \"data\": larger than " + std::to_string(kMaxDataBytes) + " bytes",
                  bj::object{{"field", "data"}});
  }
  const AppendCommand& c = command;
  prepared.digest = ContentDigest(
      DigestFields{c.command_id, c.stream, c.type, c.effective_date, c.expected_version,
                   c.document_ref, c.note, actor.id, actor.role, actor.os_user},
      prepared.canonical_data);
  prepared.command = std::move(command);
  return prepared;
}

StatusOr<PreparedCommand> PrepareRecorded(Event event) {
  RETURN_IF_ERROR(ValidateActor(event.actor));
  AppendCommand command;
  command.command_id = event.command_id;
  command.stream = event.stream;
  command.type = event.type;
  command.data = std::move(event.data);
  command.effective_date = event.effective_date;
  command.document_ref = event.document_ref;
  command.note = event.note;
  ASSIGN_OR_RETURN(PreparedCommand prepared, Prepare(std::move(command), event.actor, nullptr));
  prepared.schema_version = event.schema_version;
  event.data = {};
  prepared.recorded = std::move(event);
  return prepared;
}

Sequencer::Sequencer(const Store* store, LedgerHead head, std::int64_t last_recorded_us,
                     merkle::Frontier tree, TreeTail tree_tail, EventRules* rules,
                     bool simulated_clock)
    : store_(store),
      rules_(rules),
      simulated_clock_(simulated_clock),
      random_(std::random_device{}()),
      head_(head),
      last_us_(last_recorded_us),
      tree_(tree),
      tail_(tree_tail),
      staged_head_(head),
      staged_last_us_(last_recorded_us),
      staged_tree_(std::move(tree)),
      staged_tail_(std::move(tree_tail)) {}

void Sequencer::Rollback(const Mark& mark) {
  if (rules_ && mark.head.seq < staged_head_.seq) rules_->Withdraw(mark.head.seq);
  staged_head_ = mark.head;
  staged_last_us_ = mark.last_recorded_us;
  staged_tree_ = mark.tree;
  staged_tail_.nodes.resize(mark.nodes_size);
  while (undo_.size() > mark.undo_size) {
    Undo& u = undo_.back();
    if (!u.is_stream) {
      staged_commands_.erase(u.key);
    } else if (u.previous_version) {
      staged_versions_[u.key] = *u.previous_version;
    } else {
      staged_versions_.erase(u.key);
    }
    undo_.pop_back();
  }
}

void Sequencer::Seal(rocksdb::WriteBatch* batch) {
  if (staged_head_.seq > head_.seq)
    PutMerkleEntries(*store_, staged_head_.seq, &staged_tail_, batch);
}

void Sequencer::Commit() {
  if (rules_ && staged_head_.seq > head_.seq) rules_->Commit(staged_head_.seq);
  head_ = staged_head_;
  last_us_ = staged_last_us_;
  tree_ = staged_tree_;
  tail_ = staged_tail_;
  for (auto& [stream, version] : staged_versions_) stream_versions_[stream] = version;
  staged_versions_.clear();
  staged_commands_.clear();
  undo_.clear();
}

void Sequencer::Discard() {
  if (rules_ && staged_head_.seq > head_.seq) rules_->Withdraw(head_.seq);
  staged_head_ = head_;
  staged_last_us_ = last_us_;
  staged_tree_ = tree_;
  staged_tail_ = tail_;
  staged_versions_.clear();
  staged_commands_.clear();
  undo_.clear();
}

StatusOr<std::optional<AppendResult>> Sequencer::FindDuplicate(const PreparedCommand& p) {
  const std::string& id = p.command.command_id;
  auto conflict = [&](std::uint64_t seq) {
    return Status(Code::kIdempotencyConflict,
                  "command_id \"" + id + "\" was already used (seq " + std::to_string(seq) +
                      ") for different content; use a new command_id",
                  bj::object{{"command_id", id}, {"seq", static_cast<std::int64_t>(seq)}});
  };
  if (auto it = staged_commands_.find(id); it != staged_commands_.end()) {
    if (it->second.digest != p.digest) return conflict(it->second.result.seq);
    AppendResult result = it->second.result;
    result.duplicate = true;
    return std::optional<AppendResult>(result);
  }
  ASSIGN_OR_RETURN(auto entry, store_->GetCommand(id));
  if (!entry) return std::optional<AppendResult>();
  if (entry->digest != p.digest) return conflict(entry->seq);
  ASSIGN_OR_RETURN(Event first, store_->GetEvent(entry->seq));
  return std::optional<AppendResult>(AppendResult{first.seq, first.event_id, first.stream_version,
                                                  first.recorded_at, first.hash, true});
}

StatusOr<std::uint64_t> Sequencer::CurrentVersion(const std::string& stream) {
  if (auto it = staged_versions_.find(stream); it != staged_versions_.end()) return it->second;
  if (auto it = stream_versions_.find(stream); it != stream_versions_.end()) return it->second;
  ASSIGN_OR_RETURN(std::uint64_t version, store_->StreamVersion(stream));
  stream_versions_.emplace(stream, version);
  return version;
}

std::string Sequencer::NewEventId(std::int64_t micros) {
  // UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, variant 10, 74 random bits.
  std::uint64_t ms = static_cast<std::uint64_t>(micros / 1000);
  std::uint64_t r1 = random_(), r2 = random_();
  std::uint64_t hi = (ms << 16) | 0x7000 | (r1 & 0x0FFF);
  std::uint64_t lo = (r2 & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

StatusOr<std::int64_t> Sequencer::Clock(const AppendCommand& c) {
  bool declares = DeclaresSimulatedClock(c.type, c.data);
  if (declares && staged_head_.seq != 0) {
    return Status(Code::kRuleViolation,
                  "only the genesis (event 1) declares a store's clock simulated",
                  bj::object{{"field", "data.clock"}});
  }
  if (staged_head_.seq == 0) simulated_clock_ = declares;
  if (!c.simulated_recorded_us) return NowMicros();
  if (!simulated_clock_) {
    return Status(Code::kForbidden,
                  "this store's clock is real: a recorded time cannot be set (only a demo store, "
                  "whose genesis declares a simulated clock, takes one)",
                  bj::object{{"field", "recorded_at"}});
  }
  return *c.simulated_recorded_us;
}

StatusOr<AppendResult> Sequencer::Stage(const PreparedCommand& p, const Actor& actor,
                                        rocksdb::WriteBatch* batch) {
  if (p.recorded) return StageRecorded(p, batch);
  const AppendCommand& c = p.command;
  // Idempotency first: a retried command must get its first answer, not a version conflict.
  ASSIGN_OR_RETURN(auto duplicate, FindDuplicate(p));
  if (duplicate) return *duplicate;

  ASSIGN_OR_RETURN(std::uint64_t current, CurrentVersion(c.stream));
  if (c.expected_version && *c.expected_version != current) {
    return Status(Code::kVersionConflict,
                  "stream \"" + c.stream + "\" is at version " + std::to_string(current) +
                      ", not the expected " + std::to_string(*c.expected_version),
                  bj::object{{"stream", c.stream},
                             {"expected_version", static_cast<std::int64_t>(*c.expected_version)},
                             {"current_version", static_cast<std::int64_t>(current)}});
  }
  ASSIGN_OR_RETURN(std::int64_t clock, Clock(c));
  std::int64_t now = std::max(clock, staged_last_us_ + 1);
  std::string recorded_at = FormatTimestamp(now);
  if (rules_) RETURN_IF_ERROR(rules_->Check(c, actor, recorded_at));

  Event e;
  e.seq = staged_head_.seq + 1;
  e.stream_version = current + 1;
  e.recorded_at = std::move(recorded_at);
  e.event_id = NewEventId(now);
  e.command_id = c.command_id;
  e.stream = c.stream;
  e.type = c.type;
  e.schema_version = p.schema_version;
  e.effective_date = c.effective_date;
  e.document_ref = c.document_ref;
  e.note = c.note;
  e.actor = actor;
  e.prev_hash = staged_head_.hash;
  return Record(std::move(e), p, now, nullptr, batch);
}

StatusOr<AppendResult> Sequencer::StageRecorded(const PreparedCommand& p,
                                                rocksdb::WriteBatch* batch) {
  const Event& e = *p.recorded;
  auto refuse = [&](const std::string& what) {
    return Status(Code::kCorruption,
                  "event " + std::to_string(e.seq) + " does not extend this log: " + what,
                  bj::object{{"seq", e.seq}});
  };
  if (e.seq != staged_head_.seq + 1) {
    return refuse("the next event is " + std::to_string(staged_head_.seq + 1));
  }
  // A replica's copy of a demo store's genesis declares the clock as the primary's did.
  if (e.seq == 1) simulated_clock_ = DeclaresSimulatedClock(e.type, p.command.data);
  if (e.prev_hash != staged_head_.hash) {
    return refuse("its prev_hash " + ToHex(e.prev_hash) + " is not the hash " +
                  ToHex(staged_head_.hash) + " of event " + std::to_string(staged_head_.seq));
  }
  ASSIGN_OR_RETURN(std::uint64_t current, CurrentVersion(e.stream));
  if (e.stream_version != current + 1) {
    return refuse("stream \"" + e.stream + "\" is at version " + std::to_string(current) +
                  ", not " + std::to_string(e.stream_version - 1));
  }
  std::optional<std::int64_t> micros = ParseTimestamp(e.recorded_at);
  if (!micros || *micros <= staged_last_us_) {
    return refuse("recorded_at " + e.recorded_at + " is not after the head's");
  }
  auto duplicate = FindDuplicate(p);  // the same content (a duplicate) or other (a conflict)
  if (!duplicate.ok() && duplicate.status().code() != Code::kIdempotencyConflict) {
    return duplicate.status();
  }
  if (!duplicate.ok() || *duplicate) {
    return refuse("its command_id \"" + e.command_id + "\" was used before");
  }
  Event copy = e;
  ASSIGN_OR_RETURN(AppendResult result, Record(std::move(copy), p, *micros, &e.hash, batch));
  if (p.root_after && staged_tree_.Root() != *p.root_after) {
    return Status(Code::kCorruption,
                  "the log through event " + std::to_string(e.seq) + " has the root " +
                      ToHex(staged_tree_.Root()) + ", not the " + ToHex(*p.root_after) +
                      " of its signed checkpoint",
                  bj::object{{"seq", e.seq}});
  }
  return result;
}

StatusOr<AppendResult> Sequencer::Record(Event e, const PreparedCommand& p, std::int64_t micros,
                                         const Hash* expected, rocksdb::WriteBatch* batch) {
  const AppendCommand& c = p.command;
  // Render once: hash the canonical form, then insert the hash member into it for the record.
  std::string record;
  record.reserve(p.canonical_data.size() + kEnvelopeBytesHint);
  record.push_back(kRecordCanonicalJson);
  std::size_t hash_at = 0;
  AppendCanonicalForm(e, p.canonical_data, false, &record, &hash_at);
  e.hash = Sha256(std::string_view(record).substr(1));
  if (expected && e.hash != *expected) {
    return Status(Code::kCorruption,
                  "event " + std::to_string(e.seq) + " does not hash to its hash " +
                      ToHex(*expected) + " (its content hashes to " + ToHex(e.hash) +
                      "): it was changed",
                  bj::object{{"seq", e.seq}});
  }
  std::string hash_member = ",\"hash\":\"";
  AppendHex(AsBytes(e.hash), &hash_member);
  hash_member.push_back('"');
  record.insert(hash_at, hash_member);

  std::string seq_key = EncodeFixed64(e.seq);
  batch->Put(store_->Handle(Cf::kEvents), seq_key, record);
  batch->Put(store_->Handle(Cf::kStreams), StreamKey(c.stream, e.stream_version), seq_key);
  batch->Put(store_->Handle(Cf::kCommands), c.command_id, EncodeCommandValue(e.seq, p.digest));
  staged_tree_.Append(merkle::LeafHash(AsBytes(e.hash)), &staged_tail_.nodes);

  AppendResult result{e.seq, e.event_id, e.stream_version, e.recorded_at, e.hash, false};
  auto previous = staged_versions_.find(c.stream);
  undo_.push_back(Undo{true, c.stream,
                       previous == staged_versions_.end()
                           ? std::nullopt
                           : std::optional<std::uint64_t>(previous->second)});
  staged_versions_[c.stream] = e.stream_version;
  undo_.push_back(Undo{false, c.command_id, std::nullopt});
  staged_commands_.emplace(c.command_id, StagedCommand{p.digest, result});
  staged_head_ = LedgerHead{e.seq, e.hash};
  staged_last_us_ = micros;
  if (rules_) {
    e.data = c.data;
    rules_->Apply(e);
  }
  return result;
}

}  // namespace hatchery::ledger
