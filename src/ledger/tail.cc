#include "ledger/tail.h"

#include "hatchery/checkpoint.h"
#include "hatchery/merkle.h"
#include "hatchery/note.h"

namespace hatchery::ledger {
namespace {

std::string_view IndexName(Cf cf) { return cf == Cf::kStreams ? "stream" : "command"; }

}  // namespace

StatusOr<IndexSummary> SummarizeIndex(const Store& store, Cf cf) {
  IndexSummary summary;
  // Read once, end to end: around the block cache (format.h).
  auto it = store.NewIterator(cf, /*fill_cache=*/false);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++summary.entries;
    auto seq = DecodeFixed64(
        std::string_view(it->value().data(), std::min<std::size_t>(it->value().size(), 8)));
    if (seq && *seq > summary.max_seq) summary.max_seq = *seq;
  }
  RETURN_IF_ERROR(
      FromRocks(it->status(), "cannot read the " + std::string(IndexName(cf)) + " index"));
  return summary;
}

std::optional<TailProblem> IndexProblem(Cf cf, const IndexSummary& summary, std::uint64_t head,
                                        std::uint64_t stray_seq) {
  std::string index = "the " + std::string(IndexName(cf)) + " index";
  if (summary.max_seq > head) {
    return TailProblem{summary.max_seq,
                       "event " + std::to_string(summary.max_seq) + " is missing: " + index +
                           " refers to it but the log ends at " + std::to_string(head)};
  }
  if (summary.entries != head) {
    return TailProblem{stray_seq == 0 ? head : stray_seq,
                       index + " holds " + std::to_string(summary.entries) + " entries for " +
                           std::to_string(head) +
                           " events: entries were added or removed behind the ledger's back"};
  }
  return std::nullopt;
}

StatusOr<std::optional<TailProblem>> CheckMerkleTail(const Store& store, std::uint64_t head) {
  const std::uint64_t runs_end = head / kMerkleRunEvents * kMerkleRunEvents;
  auto it = store.NewIterator(Cf::kMerkle);
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocks(it->status(), "cannot read the Merkle tree"));
  if (it->Valid()) {
    auto end = DecodeFixed64(std::string_view(it->key().data(), it->key().size()));
    if (!end || *end > runs_end) {
      std::uint64_t first = end ? *end - kMerkleRunEvents + 1 : head + 1;
      std::uint64_t missing = std::max(head + 1, first);
      return std::optional<TailProblem>(TailProblem{
          missing, "event " + std::to_string(missing) +
                       " is missing: the Merkle tree has nodes for it but the log ends at " +
                       std::to_string(head)});
    }
  }
  if (runs_end == 0) return std::optional<TailProblem>();
  // The last complete run, recomputed from the frontier before it and its events.
  const std::uint64_t first = runs_end - kMerkleRunEvents + 1;
  auto frontier = merkle::Frontier::Load(first - 1, StoredNodes(store, first - 1, nullptr));
  if (!frontier.ok()) {
    return std::optional<TailProblem>(TailProblem{first, frontier.status().message()});
  }
  std::string nodes;
  for (std::uint64_t seq = first; seq <= runs_end; ++seq) {
    auto event = store.GetEvent(seq);
    if (!event.ok()) return std::optional<TailProblem>(TailProblem{seq, event.status().message()});
    frontier->Append(merkle::LeafHash(AsBytes(event->hash)), &nodes);
  }
  ASSIGN_OR_RETURN(auto stored, store.Get(Cf::kMerkle, MerkleRunKey(runs_end)));
  if (!stored || *stored != nodes) {
    return std::optional<TailProblem>(
        TailProblem{first, "the stored Merkle nodes of events " + std::to_string(first) + "–" +
                               std::to_string(runs_end) +
                               (stored ? " differ from those the events give" : " are missing")});
  }
  return std::optional<TailProblem>();
}

StatusOr<std::optional<KeptCheckpoint>> NewestCheckpoint(const Store& store) {
  auto it = store.NewIterator(Cf::kCheckpoints);
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocks(it->status(), "cannot read the checkpoints"));
  if (!it->Valid()) return std::optional<KeptCheckpoint>();
  auto size =
      DecodeFixed64(std::string_view(it->key().data(), std::min<std::size_t>(it->key().size(), 8)));
  if (!size) return Status(Code::kCorruption, "a key in \"checkpoints\" is malformed");
  return std::optional<KeptCheckpoint>(KeptCheckpoint{*size, it->value().ToString()});
}

namespace {

// The problem of the newest kept checkpoint: for events past the head, or another root.
StatusOr<std::optional<TailProblem>> CheckNewestCheckpoint(const Store& store, std::uint64_t head,
                                                           const TreeAtHead& tree) {
  ASSIGN_OR_RETURN(auto kept, NewestCheckpoint(store));
  if (!kept) return std::optional<TailProblem>();
  std::string at = "the checkpoint signed at tree size " + std::to_string(kept->size);
  if (kept->size > head) {
    return std::optional<TailProblem>(
        TailProblem{kept->size, at + " is of more events than the log has (it ends at " +
                                    std::to_string(head) + "): events were removed"});
  }
  auto note = note::Parse(kept->note);
  auto checkpoint = note.ok() ? ParseCheckpoint(note->text) : StatusOr<Checkpoint>(note.status());
  if (!checkpoint.ok()) {
    return std::optional<TailProblem>(
        TailProblem{kept->size, at + " is malformed: " + checkpoint.status().message()});
  }
  auto tail = std::make_shared<const TreeTail>(tree.tail);
  auto root = merkle::Root(kept->size, StoredNodes(store, kept->size, tail));
  if (!root.ok() || *root != checkpoint->root) {
    return std::optional<TailProblem>(TailProblem{
        kept->size, at + " has another root than the log's at that size: the log was rewritten"});
  }
  return std::optional<TailProblem>();
}

}  // namespace

Status CheckTail(const Store& store, std::uint64_t head, const TreeAtHead& tree) {
  std::optional<TailProblem> problem;
  ASSIGN_OR_RETURN(problem, CheckMerkleTail(store, head));
  if (!problem) {
    ASSIGN_OR_RETURN(problem, CheckNewestCheckpoint(store, head, tree));
  }
  for (Cf cf : {Cf::kStreams, Cf::kCommands}) {
    if (problem) break;
    ASSIGN_OR_RETURN(IndexSummary summary, SummarizeIndex(store, cf));
    problem = IndexProblem(cf, summary, head);
  }
  if (!problem) return Status::Ok();
  return Status(Code::kCorruption,
                "the tail of the store at " + store.dir() + " does not check out at event " +
                    std::to_string(problem->seq) + ": " + problem->what +
                    ". Nothing is written to a damaged store; run `hatchery verify --data " +
                    store.dir() + "` for the whole report, and restore the store from a backup",
                boost::json::object{{"seq", problem->seq}});
}

}  // namespace hatchery::ledger
