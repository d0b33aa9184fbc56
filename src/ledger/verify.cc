#include "hatchery/verify.h"

#include <unordered_map>

#include "hatchery/time.h"
#include "ledger/store.h"

namespace hatchery {

using ledger::Cf;

namespace {

// Walks the events in key order and checks each against everything before it.
class ChainChecker {
 public:
  explicit ChainChecker(const ledger::Store& store) : store_(store) {}

  // Checks the record stored under `key`; on failure fills the report and returns false.
  bool Check(std::string_view key, std::string_view record, VerifyReport* report) {
    const std::uint64_t expected = report->head.seq + 1;
    auto fail = [&](std::uint64_t seq, std::string problem) {
      report->first_bad_seq = seq;
      report->problem = std::move(problem);
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
    auto event = ledger::DecodeEventRecord(record);
    if (!event.ok()) return fail(*seq, event.status().message());
    if (event->seq != *seq) {
      return fail(*seq, "the record stored at seq " + std::to_string(*seq) + " says seq " +
                            std::to_string(event->seq) + " (events moved or swapped)");
    }
    if (CanonicalForm(*event, true) != ledger::RecordBody(record)) {
      return fail(*seq, "the record is not in canonical form (its bytes were edited)");
    }
    Hash recomputed = ComputeEventHash(*event);
    if (recomputed != event->hash) {
      return fail(*seq, "hash mismatch: the record says " + ToHex(event->hash) +
                            " but its content hashes to " + ToHex(recomputed));
    }
    if (event->prev_hash != report->head.hash) {
      return fail(*seq, "chain broken: prev_hash is " + ToHex(event->prev_hash) + " but event " +
                            std::to_string(*seq - 1) + " has hash " + ToHex(report->head.hash));
    }
    std::int64_t recorded = *ParseTimestamp(event->recorded_at);
    if (*seq > 1 && recorded <= last_recorded_us_) {
      return fail(*seq, "recorded_at " + event->recorded_at + " is not after the previous event's");
    }
    std::uint64_t& version = stream_versions_[event->stream];
    if (event->stream_version != version + 1) {
      return fail(*seq, "stream_version " + std::to_string(event->stream_version) + " of " +
                            event->stream + " should be " + std::to_string(version + 1));
    }
    if (std::string problem = CheckIndexes(*event); !problem.empty()) return fail(*seq, problem);
    version = event->stream_version;
    last_recorded_us_ = recorded;
    report->head = LedgerHead{*seq, event->hash};
    ++report->events_checked;
    return true;
  }

 private:
  // The index entries of `event` must point at it. Returns the problem, or "".
  std::string CheckIndexes(const Event& event) const {
    std::string seq_key = ledger::EncodeFixed64(event.seq);
    auto stream_entry =
        store_.Get(Cf::kStreams, ledger::StreamKey(event.stream, event.stream_version));
    if (!stream_entry.ok() || !*stream_entry || **stream_entry != seq_key) {
      return "the stream index entry for " + event.stream + " version " +
             std::to_string(event.stream_version) + " does not point at this event";
    }
    auto command = store_.GetCommand(event.command_id);
    if (!command.ok() || !*command || (*command)->seq != event.seq) {
      return "the command index entry for \"" + event.command_id +
             "\" does not point at this event";
    }
    return "";
  }

  const ledger::Store& store_;
  std::int64_t last_recorded_us_ = 0;
  std::unordered_map<std::string, std::uint64_t> stream_versions_;
};

// Index entries that point past the last event betray events removed from the end of the log.
void CheckIndexTail(const ledger::Store& store, Cf cf, VerifyReport* report) {
  auto it = store.NewIterator(cf);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view value(it->value().data(), it->value().size());
    auto seq = ledger::DecodeFixed64(value.substr(0, 8));
    if (seq && *seq > report->head.seq) {
      report->first_bad_seq = *seq;
      report->problem = "event " + std::to_string(*seq) +
                        " is missing: the indexes refer to it but the log ends at " +
                        std::to_string(report->head.seq);
      return;
    }
  }
}

}  // namespace

StatusOr<VerifyReport> VerifyStore(const std::string& dir) {
  ASSIGN_OR_RETURN(auto store, ledger::Store::Open(dir, ledger::Store::Mode::kReadOnly));
  VerifyReport report;
  ChainChecker checker(*store);
  auto it = store->NewIterator(Cf::kEvents);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!checker.Check(std::string_view(it->key().data(), it->key().size()),
                       std::string_view(it->value().data(), it->value().size()), &report)) {
      return report;
    }
  }
  RETURN_IF_ERROR(ledger::FromRocks(it->status(), "cannot read the events"));
  CheckIndexTail(*store, Cf::kStreams, &report);
  if (report.ok()) CheckIndexTail(*store, Cf::kCommands, &report);
  return report;
}

}  // namespace hatchery
