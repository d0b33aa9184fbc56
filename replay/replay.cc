#include "replay/replay.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "hatchery/checkpoint.h"
#include "hatchery/note.h"
#include "replay/record_pipeline.h"

namespace hatchery::replay {
namespace {

constexpr std::uint64_t kProgressEvery = 4096;
constexpr const char* kRunVerify = " (run `hatchery verify` for the details)";

Status Corrupt(std::uint64_t seq, const std::string& what) {
  return Status(Code::kCorruption, "event " + std::to_string(seq) + " " + what + kRunVerify);
}

// Checks that `record` is the event after `*head` (CheckLink) and adds its fact to `*facts`;
// `*head` becomes it.
Status FoldNext(CheckedRecord& record, domain::FactBase* facts, LedgerHead* head) {
  RETURN_IF_ERROR(CheckLink(record, *head));
  const ChainLink& link = record.link;
  if (!record.item.ok()) {
    return Status(
        record.item.status().code(),
        "event " + std::to_string(link.seq) + " does not fold: " + record.item.status().message());
  }
  RETURN_IF_ERROR(facts->Add(std::move(record.item).value()));
  *head = LedgerHead{link.seq, link.hash};
  return Status::Ok();
}

// Compares the state lines of `checkpoint` with those rebuilt at its size.
CheckpointState CompareState(const domain::FactBase& facts, const Checkpoint& checkpoint) {
  CheckpointState state{checkpoint.size, true, ""};
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

Status CheckLink(const CheckedRecord& record, const LedgerHead& head) {
  const ChainLink& link = record.link;
  if (!record.readable.ok()) {
    return Corrupt(head.seq + 1, "is unreadable: " + record.readable.message());
  }
  if (link.seq != head.seq + 1) {
    return Corrupt(link.seq, "is not the next after " + std::to_string(head.seq));
  }
  if (!record.content_problem.empty()) {
    return Corrupt(link.seq, "does not check out: " + record.content_problem);
  }
  if (link.prev_hash != head.hash) {
    return Corrupt(link.seq, "does not chain onto the event before it");
  }
  return Status::Ok();
}

StatusOr<std::uint64_t> PointSeq(const Ledger& ledger, const Point& point) {
  std::uint64_t head = ledger.head().seq, to = head;
  if (point.seq) {
    if (*point.seq > head) {
      return Status(Code::kBadRequest, "seq " + std::to_string(*point.seq) +
                                           " is beyond the log, which has " + std::to_string(head) +
                                           " events");
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
  LedgerHead previous;
  if (path == Path::kFromSnapshot) {
    ASSIGN_OR_RETURN(auto snapshot, NewestSnapshotAtOrBefore(ledger, to, &folded.skipped));
    if (snapshot) {
      folded.facts = std::move(snapshot->facts);
      folded.snapshot_seq = snapshot->header.seq;
      previous = LedgerHead{snapshot->header.seq, snapshot->header.event_hash};
    }
  }
  if (!folded.facts) folded.facts = std::make_unique<domain::FactBase>();
  // Every record checked and folded on the pipeline's threads: `previous` and the recorded_at of
  // the last one are the consumer's until Finish returns.
  RecordPipeline fold(folded.facts.get(), [&](CheckedRecord& record) {
    RETURN_IF_ERROR(FoldNext(record, folded.facts.get(), &previous));
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
  if (previous.seq != to) {
    return Status(Code::kCorruption, "the log ends at event " + std::to_string(previous.seq) +
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
    auto parsed = note::Parse(text);
    auto checkpoint =
        parsed.ok() ? ParseCheckpoint(parsed->text) : StatusOr<Checkpoint>(parsed.status());
    if (!checkpoint.ok())
      return Status(Code::kCorruption, "a kept checkpoint is malformed (run `hatchery verify`)");
    if (checkpoint->size <= to) result.checkpoints.push_back(CompareState(facts, *checkpoint));
  }
  return result;
}

}  // namespace hatchery::replay
