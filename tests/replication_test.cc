// Ledger::AppendRecorded, the write path of a read replica, against a model of its contract
// (ledger.h): a copy fed a log's events, batch by batch, keeps each batch whole if every event in
// it extends the copy exactly — and gives the log the signed root named for it — and otherwise
// refuses it as corruption, keeping nothing of it. So a copy of a random history is that history
// byte for byte, and one wrong field anywhere stops the copy right before its batch.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "hatchery/sha256.h"
#include "hatchery/time.h"
#include "property.h"
#include "test_util.h"

namespace hatchery {
namespace {

namespace gen = rc::gen;

// What may be wrong with one event as a primary sends it.
enum class Flaw {
  kNone,
  kData,           // content changed, hash kept
  kHash,           // hash replaced
  kPrevHash,       // the link to the event before (each flaw below with its hash recomputed)
  kSeq,            // a gap
  kStreamVersion,  // the stream's version skipped
  kRecordedAt,     // not after the event before
  kCommandId,      // an earlier event's command id
  kActor,          // another actor, hash kept
  kRoot,           // the signed root named for it is another
};

std::vector<std::string> RecordsOf(const Ledger& ledger) {
  std::vector<std::string> out;
  REQUIRE(ledger
              .ForEachRecord(1, ledger.head().seq,
                             [&](std::uint64_t, std::string_view r) {
                               out.emplace_back(r);
                               return Status::Ok();
                             })
              .ok());
  return out;
}

TEST_CASE("replication: a copy keeps a batch whole iff every event extends it exactly",
          "[replication]") {
  // Each history costs two real stores: 40 of them, whatever RC_PARAMS says.
  testing::Prop(
      "copy of a random history, with at most one flaw", 40,
      [] {
        const int events = *gen::inRange(1, 25);
        const int streams = *gen::inRange(1, 4);
        const auto flaw = *gen::element(Flaw::kNone, Flaw::kData, Flaw::kHash, Flaw::kPrevHash,
                                        Flaw::kSeq, Flaw::kStreamVersion, Flaw::kRecordedAt,
                                        Flaw::kCommandId, Flaw::kActor, Flaw::kRoot);
        // The flawed event (some flaws need an event before it).
        const bool needs_earlier = flaw == Flaw::kRecordedAt || flaw == Flaw::kCommandId;
        RC_PRE(!needs_earlier || events > 1);
        const int flawed = *gen::inRange(needs_earlier ? 1 : 0, events);
        std::vector<int> cuts = *gen::container<std::vector<int>>(gen::inRange(1, events + 1));

        testing::TempDir dir;
        REQUIRE(Ledger::Create(dir.Sub("primary")).ok());
        auto primary = Ledger::Open(dir.Sub("primary"));
        REQUIRE(primary.ok());
        std::vector<AppendCommand> commands;
        for (int i = 0; i < events; ++i) {
          commands.push_back(testing::MakeCommand("c-" + std::to_string(i),
                                                  "carrier/s-" + std::to_string(i % streams)));
        }
        for (const auto& result : (*primary)->Append(testing::kAdmin, std::move(commands))) {
          REQUIRE(result.ok());
        }
        auto log = (*primary)->Read(1, events);
        REQUIRE(log.ok());
        const std::vector<std::string> genuine = RecordsOf(**primary);

        // The model: batches end at the cuts; the batch holding the flaw, and all after it, are not
        // kept.
        std::vector<int> ends(cuts.begin(), cuts.end());
        ends.push_back(events);
        std::sort(ends.begin(), ends.end());
        ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
        std::vector<Event> sent = *log;
        std::map<std::uint64_t, Hash> roots;
        if (flaw != Flaw::kNone) {
          Event& e = sent[flawed];
          switch (flaw) {
            case Flaw::kData: e.data["note"] = "changed"; break;
            case Flaw::kHash: e.hash = Sha256("another"); break;
            case Flaw::kPrevHash: e.prev_hash = Sha256("another"); break;
            case Flaw::kSeq: e.seq += 1; break;
            case Flaw::kStreamVersion: e.stream_version += 1; break;
            case Flaw::kRecordedAt: e.recorded_at = sent[flawed - 1].recorded_at; break;
            case Flaw::kCommandId: e.command_id = sent[flawed - 1].command_id; break;
            case Flaw::kActor: e.actor.id = "someone.else"; break;
            case Flaw::kRoot: roots[e.seq] = Sha256("another root"); break;
            case Flaw::kNone: break;
          }
          // A forger recomputes the hash of what it changed: each check must hold on its own.
          if (flaw != Flaw::kData && flaw != Flaw::kHash && flaw != Flaw::kActor &&
              flaw != Flaw::kRoot) {
            e.hash = Sha256(CanonicalForm(e, false));
          }
        }
        // The genuine roots of some sizes are named too: those never stop a copy.
        for (int end : ends) {
          if (flaw != Flaw::kRoot || end - 1 != flawed) {
            auto root = (*primary)->MerkleRoot(end);
            REQUIRE(root.ok());
            roots.emplace(end, *root);
          }
        }
        std::size_t expected_kept = events;
        LedgerOptions replica;
        replica.replica = true;
        REQUIRE(Ledger::Create(dir.Sub("copy")).ok());
        auto copy = Ledger::Open(dir.Sub("copy"), replica);
        REQUIRE(copy.ok());
        int begin = 0;
        for (int end : ends) {
          std::vector<Event> batch(sent.begin() + begin, sent.begin() + end);
          Status kept = (*copy)->AppendRecorded(std::move(batch), roots);
          const bool holds_flaw = flaw != Flaw::kNone && flawed >= begin && flawed < end;
          if (holds_flaw) {
            RC_ASSERT(kept.code() == Code::kCorruption);
            // Refused for the flaw's own reason, not another's.
            static const std::map<Flaw, std::string> kReasons = {
                {Flaw::kData, "does not hash to its hash"},
                {Flaw::kHash, "does not hash to its hash"},
                {Flaw::kPrevHash, "its prev_hash"},
                {Flaw::kSeq, "the next event is"},
                {Flaw::kStreamVersion, "is at version"},
                {Flaw::kRecordedAt, "is not after the head's"},
                {Flaw::kCommandId, "was used before"},
                {Flaw::kActor, "does not hash to its hash"},
                {Flaw::kRoot, "of its signed checkpoint"}};
            if (kept.message().find(kReasons.at(flaw)) == std::string::npos) {
              RC_FAIL("refused for another reason: " + kept.message());
            }
            expected_kept = static_cast<std::size_t>(begin);
            break;
          }
          RC_ASSERT(kept.ok());
          begin = end;
        }
        const auto records = RecordsOf(**copy);
        RC_ASSERT(records.size() == expected_kept);
        RC_ASSERT(std::equal(records.begin(), records.end(), genuine.begin()));
        if (expected_kept > 0) {
          RC_ASSERT(*(*copy)->MerkleRoot(expected_kept) == *(*primary)->MerkleRoot(expected_kept));
        }
      },
      40);
}

TEST_CASE("replication: a replica's store takes events only as its primary recorded them",
          "[replication]") {
  testing::TempDir dir;
  REQUIRE(Ledger::Create(dir.Sub("store")).ok());
  LedgerOptions replica;
  replica.replica = true;
  auto copy = Ledger::Open(dir.Sub("store"), replica);
  REQUIRE(copy.ok());
  REQUIRE((*copy)->MarkReplicaOf("10.0.0.1:7411").ok());
  auto appended = (*copy)->Append(testing::kAdmin, {testing::MakeCommand("c-1")});
  CHECK(appended[0].status().code() == Code::kForbidden);
  copy->reset();
  auto as_primary = Ledger::Open(dir.Sub("store"));  // the server's and the CLI's open
  CHECK(as_primary.status().code() == Code::kForbidden);
  CHECK_THAT(as_primary.status().message(), Catch::Contains("read replica of 10.0.0.1:7411"));
  LedgerOptions read_only;
  read_only.read_only = true;
  CHECK(Ledger::Open(dir.Sub("store"), read_only).ok());  // readers are welcome

  // A primary's store is not followed into.
  testing::TempDir other;
  auto primary = testing::NewLedger(other);
  testing::AppendOk(*primary, testing::MakeCommand("c-1"));
  primary.reset();
  CHECK(Ledger::Open(other.Sub("store"), replica).status().code() == Code::kForbidden);
}

}  // namespace
}  // namespace hatchery
