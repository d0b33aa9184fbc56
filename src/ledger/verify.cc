#include "hatchery/verify.h"

#include <algorithm>
#include <future>

#include "hatchery/chain.h"
#include "hatchery/checkpoint.h"
#include "hatchery/json.h"
#include "hatchery/json_tape.h"
#include "hatchery/merkle.h"
#include "ledger/merkle_nodes.h"
#include "ledger/store.h"
#include "ledger/tail.h"

namespace hatchery {

using ledger::Cf;

namespace {

// Events checked per batch (their index entries are read together).
constexpr std::size_t kVerifyBatch = 4096;

// An event that passed the chain checks, with what its index entries must say.
struct Linked {
  LedgerHead head;  // the event's seq and hash
  std::string stream;
  std::uint64_t stream_version = 0;
  std::string command_id;
  std::optional<std::string> os_user;     // of a local write
  bool declares_simulated_clock = false;  // a genesis declaring a demo store's clock
  // Its content digest (docs/format.md) as sent without and with expected_version, which the
  // event does not keep: the command entry must hold one of them.
  Hash digest{}, digest_expecting{};
  std::optional<Event> event;  // kept for VerifyOptions::validate_event
};

// The content digests of an event, without and with the expected_version it was appended at.
template <typename EventLike>
std::pair<Hash, Hash> DigestsOf(const EventLike& e, std::string_view canonical_data) {
  auto optional_view = [](const auto& o) {
    return o ? std::optional<std::string_view>(*o) : std::nullopt;
  };
  ledger::DigestFields fields{e.command_id,
                              e.stream,
                              e.type,
                              e.effective_date,
                              std::nullopt,
                              optional_view(e.document_ref),
                              optional_view(e.note),
                              e.actor.id,
                              e.actor.role,
                              optional_view(e.actor.os_user)};
  Hash without = ledger::ContentDigest(fields, canonical_data);
  fields.expected_version = e.stream_version - 1;
  return {without, ledger::ContentDigest(fields, canonical_data)};
}

// Consecutive events that passed the chain checks, and the chain's problem right after them.
struct Batch {
  std::vector<Linked> events;
  std::uint64_t bad_seq = 0;  // 0: no problem
  std::string problem;
};

// Walks the events in key order and checks each against everything before it.
class ChainChecker {
 public:
  // Checks the record stored under `key`: on success appends it to the batch's events; on failure
  // sets the batch's problem and returns false.
  explicit ChainChecker(bool keep_events) : keep_events_(keep_events) {}

  bool Check(std::string_view key, std::string_view record, Batch* batch) {
    const std::uint64_t expected = chain_.head().seq + 1;
    auto fail = [&](std::uint64_t seq, std::string problem) {
      batch->bad_seq = seq;
      batch->problem = std::move(problem);
      return false;
    };
    auto seq = ledger::DecodeFixed64(key);
    if (!seq) return fail(expected, "a key in \"events\" is not an 8-byte seq");
    if (*seq != expected) {
      return fail(expected, "event " + std::to_string(expected) +
                                " is missing (the next stored "
                                "event is " +
                                std::to_string(*seq) + ")");
    }
    auto check = [&](const auto& event, const std::string& content_problem) {
      if (event.seq != *seq) {
        return fail(*seq, "the record stored at seq " + std::to_string(*seq) + " says seq " +
                              std::to_string(event.seq) + " (events moved or swapped)");
      }
      if (Status linked = chain_.NextChecked(LinkOf(event), content_problem); !linked.ok()) {
        return fail(*seq, linked.message());
      }
      Linked linked;
      linked.head = chain_.head();
      linked.stream = event.stream;
      linked.stream_version = event.stream_version;
      linked.command_id = event.command_id;
      if (event.actor.os_user) linked.os_user = std::string(*event.actor.os_user);
      if constexpr (std::is_same_v<std::decay_t<decltype(event)>, Event>) {
        std::tie(linked.digest, linked.digest_expecting) =
            DigestsOf(event, json::Canonicalize(event.data));
        linked.declares_simulated_clock =
            event.seq == 1 && DeclaresSimulatedClock(event.type, event.data);
        if (keep_events_) linked.event = event;
      } else {
        std::tie(linked.digest, linked.digest_expecting) =
            DigestsOf(event, event.data.value().text());
        linked.declares_simulated_clock =
            event.seq == 1 && DeclaresSimulatedClock(event.type, ToEvent(event).data);
        if (keep_events_) linked.event = ToEvent(event);
      }
      batch->events.push_back(std::move(linked));
      return true;
    };
    if (record.empty() || record[0] != ledger::kRecordCanonicalJson) {
      return fail(*seq, "unknown record tag");
    }
    return CheckStoredEvent(ledger::RecordBody(record), &tape_, check, [&](const Status& status) {
      return fail(*seq, "unreadable record: " + status.message());
    });
  }

 private:
  bool keep_events_;
  EventChain chain_;
  json::Tape tape_;  // reads each record in place
};

// The checks of `linked` after the chain's: their index entries point at them (each index read in
// one MultiGet), each command entry holds its event's content digest, and each event passes
// `validate` (if any). Returns the position of the first event that fails, and what is wrong (or
// linked.size() and ""). An entry that cannot be read counts as not pointing at it.
using IndexCheck = std::pair<std::size_t, std::string>;
IndexCheck CheckEntries(const ledger::Store& store, const std::vector<Linked>& linked,
                        const std::function<Status(const Event&)>& validate) {
  std::vector<std::string> stream_keys, command_ids;
  stream_keys.reserve(linked.size());
  command_ids.reserve(linked.size());
  for (const Linked& l : linked) {
    stream_keys.push_back(ledger::StreamKey(l.stream, l.stream_version));
    command_ids.push_back(l.command_id);
  }
  auto streams = store.MultiGet(Cf::kStreams, stream_keys);
  auto commands = store.MultiGet(Cf::kCommands, command_ids);
  for (std::size_t i = 0; i < linked.size(); ++i) {
    const std::uint64_t seq = linked[i].head.seq;
    // A failed batch read is looked at key by key, so that its problem has its event.
    auto stream_entry = streams.ok() ? StatusOr<std::optional<std::string>>((*streams)[i])
                                     : store.Get(Cf::kStreams, stream_keys[i]);
    if (!stream_entry.ok() || !*stream_entry || **stream_entry != ledger::EncodeFixed64(seq)) {
      return {i, "the stream index entry for " + linked[i].stream + " version " +
                     std::to_string(linked[i].stream_version) + " does not point at this event"};
    }
    auto command_entry = commands.ok() ? StatusOr<std::optional<std::string>>((*commands)[i])
                                       : store.Get(Cf::kCommands, command_ids[i]);
    std::optional<ledger::CommandEntry> command;
    if (command_entry.ok() && *command_entry) command = ledger::DecodeCommandValue(**command_entry);
    if (!command || command->seq != seq) {
      return {i, "the command index entry for \"" + linked[i].command_id +
                     "\" does not point at this event"};
    }
    if (command->digest != linked[i].digest && command->digest != linked[i].digest_expecting) {
      return {i, "the command index entry for \"" + linked[i].command_id +
                     "\" holds another content digest than this event's (docs/format.md)"};
    }
    if (validate && linked[i].event) {
      if (Status valid = validate(*linked[i].event); !valid.ok()) {
        return {i, "the event breaks its schema: " + valid.message()};
      }
    }
  }
  return {linked.size(), ""};
}

// Recomputes the Merkle tree from the events as they pass the chain checks, and checks the stored
// tree and every kept checkpoint against it.
class TreeChecker {
 public:
  TreeChecker(const ledger::Store& store, const VerifyOptions& options)
      : store_(store), options_(options), entries_(store.NewIterator(Cf::kMerkle)) {
    entries_->SeekToFirst();
  }

  // Reads the kept checkpoints. Errors: the store cannot be read.
  Status Load() {
    ASSIGN_OR_RETURN(auto origin, store_.Get(Cf::kMeta, ledger::kMetaOrigin));
    origin_ = origin.value_or("");
    auto it = store_.NewIterator(Cf::kCheckpoints);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Kept kept;
      auto note = note::Parse(it->value().ToString());
      auto checkpoint =
          note.ok() ? ParseCheckpoint(note->text) : StatusOr<Checkpoint>(note.status());
      if (checkpoint.ok()) {
        kept.note = std::move(note).value();
        kept.checkpoint = std::move(checkpoint).value();
      } else {
        kept.malformed = "a kept checkpoint is malformed: " + checkpoint.status().message();
      }
      kept_.push_back(std::move(kept));
    }
    return ledger::FromRocks(it->status(), "cannot read the checkpoints");
  }

  // Checks what event `seq` (which passed the chain checks) adds to the tree, and the kept
  // checkpoints of its size. Returns the problem (and sets *bad_seq), or "".
  std::string Add(std::uint64_t seq, const Hash& hash, VerifyReport* report,
                  std::uint64_t* bad_seq) {
    if (run_hashes_.empty()) run_first_ = seq;
    tree_.Append(merkle::LeafHash(AsBytes(hash)), &run_);
    run_hashes_.push_back(hash);
    if (seq % ledger::kMerkleRunEvents == 0) {
      std::string key = ledger::MerkleRunKey(seq);
      if (!entries_->Valid() || entries_->key() != key) {
        *bad_seq = run_first_;
        return "the Merkle entry of events " + std::to_string(run_first_) + "–" +
               std::to_string(seq) + " is missing";
      }
      if (std::string problem = CompareRun(entries_->value().ToString(), bad_seq);
          !problem.empty()) {
        return problem;
      }
      entries_->Next();
      verified_ = LedgerHead{seq, hash};
      run_.clear();
      run_hashes_.clear();
    }
    *bad_seq = seq;
    for (; next_ < kept_.size() && kept_[next_].checkpoint.size <= seq; ++next_) {
      if (std::string problem = Check(kept_[next_]); !problem.empty()) return problem;
      ++report->checkpoints_checked;
    }
    const auto& witnessed = options_.witnessed;
    for (; next_witnessed_ < witnessed.size() && witnessed[next_witnessed_].size <= seq;
         ++next_witnessed_) {
      const Checkpoint& c = witnessed[next_witnessed_];
      if (c.root != tree_.Root()) {
        return "the witness cosigned the checkpoint of " + std::to_string(c.size) +
               " events with root " + ToHex(c.root) + " but the events give " +
               ToHex(tree_.Root()) + ": the log was rewritten at or before that size";
      }
      ++report->witnessed_checked;
    }
    return "";
  }

  // The last event that passed every check before `seq`, an event of the current run or earlier.
  LedgerHead HeadBefore(std::uint64_t seq) const {
    if (seq <= run_first_ || run_hashes_.empty()) return verified_;
    return LedgerHead{seq - 1, run_hashes_[seq - 1 - run_first_]};
  }

  // After the last event: anything kept for events that are not there. (The nodes of the
  // unfinished run are not stored.) Returns the problem (and sets *bad_seq), or "".
  std::string Finish(std::uint64_t head, std::uint64_t* bad_seq) {
    if (!entries_->status().ok()) {
      *bad_seq = head + 1;
      return "cannot read the Merkle tree: " + entries_->status().ToString();
    }
    if (entries_->Valid()) {
      auto end =
          ledger::DecodeFixed64(std::string_view(entries_->key().data(), entries_->key().size()));
      *bad_seq = std::max(head + 1, end.value_or(head + 1) - ledger::kMerkleRunEvents + 1);
      return "event " + std::to_string(*bad_seq) +
             " is missing: the Merkle tree has nodes for it but the log ends at " +
             std::to_string(head);
    }
    if (next_witnessed_ < options_.witnessed.size()) {
      const Checkpoint& c = options_.witnessed.back();
      *bad_seq = std::max(c.size, head + 1);
      return "the witness cosigned a checkpoint of " + std::to_string(c.size) +
             " events but the log ends at " + std::to_string(head) +
             ": events were removed (the store was rolled back or cut)";
    }
    if (next_ < kept_.size()) {
      const Kept& kept = kept_[next_];
      *bad_seq = std::max(kept.checkpoint.size, head + 1);
      if (!kept.malformed.empty()) return kept.malformed;
      return "a checkpoint was signed at tree size " + std::to_string(kept.checkpoint.size) +
             " but the log ends at " + std::to_string(head) + ": events were removed";
    }
    return "";
  }

 private:
  struct Kept {
    note::Note note;
    Checkpoint checkpoint;  // size 0 when malformed: reported at the first event
    std::string malformed;
  };

  // Compares the stored nodes of the current run with those its events give. Returns the problem
  // (naming the first event whose nodes differ, in *bad_seq), or "".
  std::string CompareRun(std::string_view stored, std::uint64_t* bad_seq) const {
    if (stored == run_) return "";
    auto [a, b] = std::mismatch(run_.begin(), run_.end(), stored.begin(), stored.end());
    std::uint64_t at = static_cast<std::uint64_t>(a - run_.begin());
    std::uint64_t base = ledger::NodeBytesThrough(run_first_ - 1), seq = run_first_;
    while (seq < run_first_ + run_hashes_.size() - 1 &&
           ledger::NodeBytesThrough(seq) - base <= at) {
      ++seq;
    }
    *bad_seq = seq;
    return "the stored Merkle nodes of event " + std::to_string(seq) +
           " differ from those the events give (the stored tree was edited)";
  }

  // Checks a checkpoint once the tree has reached its size. Returns the problem, or "".
  std::string Check(const Kept& kept) {
    if (!kept.malformed.empty()) return kept.malformed;
    const Checkpoint& c = kept.checkpoint;
    std::string at = "the checkpoint signed at tree size " + std::to_string(c.size);
    if (c.origin != origin_) return at + " is of another log (" + c.origin + ")";
    if (c.root != tree_.Root()) {
      return at + " has root " + ToHex(c.root) + " but the events give " + ToHex(tree_.Root()) +
             ": the log was rewritten at or before that size";
    }
    return CheckSignatures(kept.note, at);
  }

  std::string CheckSignatures(const note::Note& note, const std::string& at) {
    for (const note::Signature& sig : note.signatures) {
      auto kept = store_.Get(Cf::kMeta, std::string(ledger::kMetaVerifierKeyPrefix) +
                                            note::KeyLabel(sig.name, sig.id));
      if (!kept.ok() || !*kept)
        return at + " is signed by " + note::KeyLabel(sig.name, sig.id) +
               ", a key this store does not know";
      auto key = note::ParseVerifierKey(**kept);
      if (!key.ok())
        return "the kept verifier key " + note::KeyLabel(sig.name, sig.id) + " is malformed";
      if (Status s = note::Verify(note, *key); !s.ok()) return at + ": " + s.message();
    }
    if (options_.trusted_keys.empty()) return "";
    for (const note::VerifierKey& trusted : options_.trusted_keys) {
      if (note::Verify(note, trusted).ok()) return "";
    }
    return at + " carries no valid signature by a trusted key";
  }

  const ledger::Store& store_;
  const VerifyOptions& options_;
  std::unique_ptr<rocksdb::Iterator> entries_;  // the `merkle` entries, in step with the events
  merkle::Frontier tree_;
  LedgerHead verified_;           // the last event of the last run whose entry checked out
  std::uint64_t run_first_ = 1;   // the first event of the current run
  std::string run_;               // the nodes its events complete, so far
  std::vector<Hash> run_hashes_;  // its events' hashes, so far
  std::string origin_;
  std::vector<Kept> kept_;          // kept checkpoints, by tree size
  std::size_t next_ = 0;            // the first not yet checked
  std::size_t next_witnessed_ = 0;  // of options_.witnessed, the first not yet checked
};

// Counts `event` among the local writes if it is one. Returns the problem if the store was set
// server-only before it, or "".
std::string TallyLocalWrite(const Linked& event, VerifyReport* report) {
  if (!event.os_user) return "";
  const auto& since = report->server_only_since;
  if (since && event.head.seq > *since) {
    return "the event was written locally (OS user " + *event.os_user +
           ") after the store was set to take writes only through its server (after event " +
           std::to_string(*since) +
           "): the setting or the events were changed behind the ledger's back; find out who "
           "wrote to the store's files, and compare with a backup or a witness's checkpoints";
  }
  ++report->local_writes[*event.os_user];
  report->last_local_write = event.head.seq;
  return "";
}

// The seq an entry of index `cf` refers to whose event is not the one the entry is for, or 0 (the
// slow search for an entry added behind the ledger's back, once the counts disagree).
std::uint64_t StrayEntrySeq(const ledger::Store& store, Cf cf) {
  auto it = store.NewIterator(cf, /*fill_cache=*/false);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    std::string_view value(it->value().data(), it->value().size());
    auto seq = ledger::DecodeFixed64(value.substr(0, std::min<std::size_t>(value.size(), 8)));
    if (!seq) return 1;
    auto event = store.GetEvent(*seq);
    if (!event.ok()) return *seq;
    std::string own = cf == Cf::kStreams ? ledger::StreamKey(event->stream, event->stream_version)
                                         : event->command_id;
    if (key != own) return *seq;
  }
  return 0;
}

// Index entries that point past the last event betray events removed from the end of the log;
// more entries than events, entries added behind the ledger's back (each event's own entries
// point at it, so with as many entries as events there are no others).
Status CheckIndexTotals(const ledger::Store& store, Cf cf, VerifyReport* report) {
  ASSIGN_OR_RETURN(ledger::IndexSummary summary, ledger::SummarizeIndex(store, cf));
  std::uint64_t stray = 0;
  if (summary.max_seq <= report->head.seq && summary.entries != report->head.seq) {
    stray = StrayEntrySeq(store, cf);
  }
  if (auto problem = ledger::IndexProblem(cf, summary, report->head.seq, stray)) {
    report->first_bad_seq = problem->seq;
    report->problem = std::move(problem->what);
  }
  return Status::Ok();
}

}  // namespace

boost::json::object ToJson(const VerifyReport& report) {
  boost::json::object out{
      {"ok", report.ok()},
      {"events_checked", report.events_checked},
      {"checkpoints_checked", report.checkpoints_checked},
      {"witnessed_checked", report.witnessed_checked},
      {"head_seq", report.head.seq},
      {"head_hash", ToHex(report.head.hash)},
      {"server_only_since", report.server_only_since ? boost::json::value(*report.server_only_since)
                                                     : boost::json::value(nullptr)},
      {"last_local_write", report.last_local_write}};
  boost::json::object local;
  for (const auto& [os_user, events] : report.local_writes) local[os_user] = events;
  out["local_writes"] = std::move(local);
  if (report.simulated_clock) out["clock"] = "simulated";
  if (!report.ok()) {
    out["first_bad_seq"] = report.first_bad_seq;
    out["problem"] = report.problem;
  }
  return out;
}

StatusOr<VerifyReport> VerifyStore(const std::string& dir, const VerifyOptions& options) {
  ASSIGN_OR_RETURN(auto store, ledger::Store::Open(dir, ledger::Store::Mode::kReadOnly));
  VerifyReport report;
  ASSIGN_OR_RETURN(report.server_only_since, store->ServerOnlySince());
  ChainChecker chain(static_cast<bool>(options.validate_event));
  TreeChecker tree(*store, options);
  RETURN_IF_ERROR(tree.Load());
  // Events are checked in batches: the chain in order, then the batch's index entries read
  // together, then the tree in order. Of an event's checks the chain's come first, then the
  // indexes', then the tree's, and the first problem in that order is the one reported — as if
  // each event were checked whole before the next.
  auto it = store->NewIterator(Cf::kEvents);
  std::uint64_t total = options.to_seq;  // for the progress line: to_seq, or the last event's
  if (options.progress && total == 0) {
    it->SeekToLast();
    if (it->Valid()) total = ledger::DecodeFixed64(it->key().ToStringView()).value_or(0);
  }
  it->SeekToFirst();
  // The chain pass of the next batch: false once a problem, to_seq or the end stops it.
  auto read_batch = [&, reading = true](Batch* batch) mutable {
    while (reading && batch->events.size() < kVerifyBatch && it->Valid()) {
      reading = chain.Check(std::string_view(it->key().data(), it->key().size()),
                            std::string_view(it->value().data(), it->value().size()), batch);
      reading = reading && batch->events.back().head.seq != options.to_seq;
      it->Next();
    }
    return reading && it->Valid();
  };
  // Everything after the chain pass of `batch`, in seq order. Returns false at a problem.
  auto settle = [&](const Batch& batch, std::future<IndexCheck>& indexes) {
    auto [passed, index_problem] = indexes.get();
    const LedgerHead start = report.head;
    auto head_before = [&](std::size_t i) { return i == 0 ? start : batch.events[i - 1].head; };
    for (std::size_t i = 0; i < passed; ++i) {
      std::uint64_t bad_seq = 0;
      const LedgerHead& head = batch.events[i].head;
      report.simulated_clock |= batch.events[i].declares_simulated_clock;
      if (std::string problem = TallyLocalWrite(batch.events[i], &report); !problem.empty()) {
        report.first_bad_seq = head.seq;
        report.problem = std::move(problem);
        report.head = head_before(i);
        report.events_checked = report.head.seq;
        return false;
      }
      if (std::string problem = tree.Add(head.seq, head.hash, &report, &bad_seq);
          !problem.empty()) {
        report.first_bad_seq = bad_seq;
        report.problem = std::move(problem);
        // The last event that passed every check: before this one, or before the one at fault.
        report.head = bad_seq < head.seq ? tree.HeadBefore(bad_seq) : head_before(i);
        report.events_checked = report.head.seq;
        return false;
      }
    }
    report.head = head_before(passed);
    report.events_checked = report.head.seq;
    if (!index_problem.empty()) {
      report.first_bad_seq = batch.events[passed].head.seq;
      report.problem = std::move(index_problem);
    } else if (batch.bad_seq != 0) {
      report.first_bad_seq = batch.bad_seq;
      report.problem = batch.problem;
    }
    return report.ok();
  };
  // While one batch's index entries are read, the next batch's chain is checked. A return from
  // inside the loop leaves the next batch's read running; its future (std::async's) waits for it
  // as it is destroyed, before `next`, whose events it reads.
  auto batch = std::make_unique<Batch>();
  bool more = read_batch(batch.get());
  auto indexes = std::async(std::launch::async, CheckEntries, std::cref(*store),
                            std::cref(batch->events), std::cref(options.validate_event));
  while (more) {
    auto next = std::make_unique<Batch>();
    more = read_batch(next.get());
    auto next_indexes = std::async(std::launch::async, CheckEntries, std::cref(*store),
                                   std::cref(next->events), std::cref(options.validate_event));
    if (!settle(*batch, indexes)) return report;
    if (options.progress) options.progress(report.head.seq, std::max(total, report.head.seq));
    batch = std::move(next);
    indexes = std::move(next_indexes);
  }
  if (!settle(*batch, indexes) || (options.to_seq != 0 && report.head.seq == options.to_seq)) {
    return report;
  }
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "cannot read the events"));
  if (options.to_seq > report.head.seq) {
    report.first_bad_seq = report.head.seq + 1;
    report.problem = "the log ends at " + std::to_string(report.head.seq) + ", before seq " +
                     std::to_string(options.to_seq);
    return report;
  }
  RETURN_IF_ERROR(CheckIndexTotals(*store, Cf::kStreams, &report));
  if (report.ok()) RETURN_IF_ERROR(CheckIndexTotals(*store, Cf::kCommands, &report));
  if (report.ok()) {
    report.problem = tree.Finish(report.head.seq, &report.first_bad_seq);
    if (!report.ok() && report.first_bad_seq <= report.head.seq) {
      report.head = tree.HeadBefore(report.first_bad_seq);
      report.events_checked = report.head.seq;
    }
  }
  return report;
}

}  // namespace hatchery
