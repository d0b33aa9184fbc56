#include "replay/replay.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "hatchery/checkpoint.h"
#include "replay/record_pipeline.h"

namespace hatchery::replay {
namespace {

constexpr std::uint64_t kProgressEvery = 4096;
constexpr const char* kRunVerify = " (run `hatchery verify` for the details)";

Status Corrupt(std::uint64_t seq, const std::string& what) {
  return Status(Code::kCorruption, "event " + std::to_string(seq) + " " + what + kRunVerify);
}

// Checks that `record` is the next event of `*chain` (CheckLink) and adds its fact to `*facts`.
Status FoldNext(CheckedRecord& record, domain::FactBase* facts, EventChain* chain) {
  RETURN_IF_ERROR(CheckLink(record, chain));
  const ChainLink& link = record.link;
  if (!record.item.ok()) {
    return Status(
        record.item.status().code(),
        "event " + std::to_string(link.seq) + " does not fold: " + record.item.status().message());
  }
  return facts->Add(std::move(record.item).value());
}

// Compares the state lines of `checkpoint` with those rebuilt at its size.
CheckpointState CompareState(const domain::FactBase& facts, const Checkpoint& checkpoint) {
  CheckpointState state{checkpoint.size, true, true, ""};
  const int signed_by = domain::DerivationOf(checkpoint.extensions);
  if (signed_by == 0) {
    state.matches = false;
    state.difference = "its \"state derivation\" line names no derivation this software knows";
    return state;
  }
  if (signed_by != domain::kDerivation) {
    state.compared = false;
    state.difference = "its state was derived by derivation " + std::to_string(signed_by) +
                       ", this software's is " + std::to_string(domain::kDerivation) +
                       ": its log is checked, its state not compared";
    return state;
  }
  domain::Projection at =
      domain::Project(facts, domain::MakeCut(facts, checkpoint.size, std::nullopt));
  std::vector<std::string> rebuilt = domain::StateLines(at);
  std::vector<std::string> signed_lines;
  for (const std::string& line : checkpoint.extensions) {
    if (line.starts_with("state ")) signed_lines.push_back(line);
  }
  for (const std::string& line : rebuilt) {
    if (std::find(signed_lines.begin(), signed_lines.end(), line) == signed_lines.end()) {
      state.matches = false;
      state.difference = "rebuilt \"" + line + "\" is not what was signed";
      return state;
    }
  }
  if (signed_lines.size() != rebuilt.size()) {
    state.matches = false;
    state.difference = "the checkpoint carries " + std::to_string(signed_lines.size()) +
                       " state lines, the rebuild " + std::to_string(rebuilt.size());
  }
  return state;
}

}  // namespace

Status CheckLink(const CheckedRecord& record, EventChain* chain) {
  if (!record.readable.ok()) {
    return Corrupt(chain->head().seq + 1, "is unreadable: " + record.readable.message());
  }
  if (Status linked = chain->NextChecked(record.link, record.content_problem); !linked.ok()) {
    return Corrupt(record.link.seq, "does not check out: " + linked.message());
  }
  return Status::Ok();
}

StatusOr<std::uint64_t> PointSeq(const Ledger& ledger, const Point& point) {
  std::uint64_t head = ledger.head().seq, to = head;
  if (point.seq) {
    if (*point.seq > head) {
      return Status(Code::kBadRequest, "seq " + std::to_string(*point.seq) +
                                           " is beyond the log, which has " + std::to_string(head) +
                                           " events: name one from 1 to " + std::to_string(head) +
                                           ", or a recorded time");
    }
    to = *point.seq;
  }
  if (point.recorded_by_us) {
    ASSIGN_OR_RETURN(std::uint64_t by, ledger.LastSeqRecordedBy(*point.recorded_by_us));
    to = std::min(to, by);
  }
  return to;
}

StatusOr<Folded> Fold(const Ledger& ledger, std::uint64_t to, Path path,
                      const ProgressFn& progress) {
  Folded folded;
  LedgerHead previous;  // where the chain starts: event 0, or the snapshot's event
  if (path == Path::kFromSnapshot) {
    ASSIGN_OR_RETURN(auto snapshot, NewestSnapshotAtOrBefore(ledger, to, &folded.skipped));
    if (snapshot) {
      folded.facts = std::move(snapshot->facts);
      folded.snapshot_seq = snapshot->header.seq;
      previous = LedgerHead{snapshot->header.seq, snapshot->header.event_hash};
    }
  }
  if (!folded.facts) folded.facts = std::make_unique<domain::FactBase>();
  // Every record checked and folded on the pipeline's threads: `chain` and the recorded_at of the
  // last one are the consumer's until Finish returns.
  EventChain chain = EventChain::After(previous);
  RecordPipeline fold(folded.facts.get(), [&](CheckedRecord& record) {
    RETURN_IF_ERROR(FoldNext(record, folded.facts.get(), &chain));
    folded.recorded_at.assign(record.link.recorded_at);
    return Status::Ok();
  });
  std::uint64_t read = 0;
  RETURN_IF_ERROR(
      ledger.ForEachRecord(previous.seq + 1, to, [&](std::uint64_t, std::string_view record) {
        if (progress && ++read % kProgressEvery == 0) progress(read, to - folded.snapshot_seq);
        return fold.Add(record);
      }));
  RETURN_IF_ERROR(fold.Finish());
  if (chain.head().seq != to) {
    return Status(Code::kCorruption, "the log ends at event " + std::to_string(chain.head().seq) +
                                         " before event " + std::to_string(to));
  }
  if (folded.recorded_at.empty() && to > 0) {
    ASSIGN_OR_RETURN(Event last, ledger.Get(to));
    folded.recorded_at = last.recorded_at;
  }
  if (progress) progress(to - folded.snapshot_seq, to - folded.snapshot_seq);
  return folded;
}

StatusOr<Result> Replay(const Ledger& ledger, const Point& point, Path path,
                        const ProgressFn& progress) {
  auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::uint64_t to, PointSeq(ledger, point));

  Result result;
  result.seq = to;
  result.effective_on = point.effective_on;
  ASSIGN_OR_RETURN(result.folded, Fold(ledger, to, path, progress));
  const domain::FactBase& facts = *result.folded.facts;
  result.projection = domain::Project(facts, domain::MakeCut(facts, to, point.effective_on));
  result.views = domain::ViewStates(result.projection);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  ASSIGN_OR_RETURN(auto kept, ledger.Checkpoints());
  for (const std::string& text : kept) {
    auto checkpoint = CheckpointOfNote(text);
    if (!checkpoint.ok())
      return Status(Code::kCorruption, "a kept checkpoint is malformed (run `hatchery verify`)");
    if (checkpoint->size <= to) result.checkpoints.push_back(CompareState(facts, *checkpoint));
  }
  return result;
}

}  // namespace hatchery::replay
