// The Merkle tree kept by the ledger (AUDIT.md §2) and its signed checkpoints (§3), on a real
// store: every root and proof the store serves equals the in-memory tree over the events' hashes,
// whatever the group commits, rollbacks and reopenings in between.
#include <catch2/catch.hpp>
#include <random>
#include <thread>

#include "hatchery/ledger.h"
#include "hatchery/merkle.h"
#include "hatchery/note.h"
#include "hatchery/verify.h"
#include "ledger/format.h"
#include "ledger/merkle_nodes.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::AppendOk;
using testing::kAdmin;
using testing::MakeCommand;

// The hashes of every event in the ledger (the leaf inputs), read back from it.
std::vector<Hash> EventHashes(const Ledger& ledger) {
  std::vector<Hash> hashes;
  REQUIRE(ledger
              .ForEach(1, ledger.head().seq,
                       [&](const Event& e) {
                         hashes.push_back(e.hash);
                         return Status::Ok();
                       })
              .ok());
  return hashes;
}

// Every root, and proofs at random points, served by `ledger` equal those of the in-memory tree.
void RequireTreeMatches(const Ledger& ledger, std::mt19937_64& random) {
  std::vector<Hash> hashes = EventHashes(ledger);
  std::vector<Hash> leaves;
  for (const Hash& h : hashes) leaves.push_back(merkle::LeafHash(AsBytes(h)));
  std::uint64_t n = leaves.size();
  REQUIRE(n == ledger.head().seq);
  merkle::MemoryTree tree(leaves);
  for (std::uint64_t size = 0; size <= n; ++size) {
    INFO("size " << size);
    auto root = ledger.MerkleRoot(size);
    REQUIRE(root.ok());
    REQUIRE(*root == *merkle::Root(size, tree.reader()));
  }
  for (int trial = 0; trial < 200 && n > 0; ++trial) {
    std::uint64_t size = 1 + random() % n, seq = 1 + random() % size, first = 1 + random() % size;
    INFO("seq " << seq << " first " << first << " size " << size);
    auto inclusion = ledger.InclusionProof(seq, size);
    REQUIRE(inclusion.ok());
    CHECK(*inclusion ==
          *merkle::HashRanges(*merkle::InclusionRanges(seq - 1, size), tree.reader()));
    CHECK(merkle::VerifyInclusion(seq - 1, size, leaves[seq - 1], *inclusion,
                                  *ledger.MerkleRoot(size))
              .ok());
    auto consistency = ledger.ConsistencyProof(first, size);
    REQUIRE(consistency.ok());
    CHECK(merkle::VerifyConsistency(first, size, *ledger.MerkleRoot(first),
                                    *ledger.MerkleRoot(size), *consistency)
              .ok());
    // The events first..seq (or seq..first) against the root of `size`, as an export proves them.
    std::uint64_t a = std::min(first, seq), b = std::max(first, seq);
    auto range = ledger.RangeProof(a, b, size);
    REQUIRE(range.ok());
    CHECK(*range ==
          *merkle::HashRanges(*merkle::RangeProofRanges({a - 1, b}, size), tree.reader()));
    std::vector<std::string_view> inputs;
    for (std::uint64_t s = a; s <= b; ++s) inputs.push_back(AsBytes(hashes[s - 1]));
    CHECK(merkle::VerifyRange(a - 1, size, inputs, *range, *ledger.MerkleRoot(size)).ok());
  }
}

TEST_CASE("ledger merkle: roots and proofs from the store equal the tree of the events",
          "[merkle][ledger]") {
  testing::TempDir dir;
  std::mt19937_64 random(42);
  {
    auto ledger = testing::NewLedger(dir);
    RequireTreeMatches(*ledger, random);  // the empty tree
    for (int i = 0; i < 37; ++i) AppendOk(*ledger, MakeCommand("one-" + std::to_string(i)));
    // Batches, and an all-or-nothing batch that is rolled back after staging two commands.
    std::vector<AppendCommand> batch;
    for (int i = 0; i < 50; ++i) batch.push_back(MakeCommand("batch-" + std::to_string(i)));
    for (const auto& r : ledger->Append(kAdmin, batch)) REQUIRE(r.ok());
    AppendCommand conflict = MakeCommand("conflict");
    conflict.expected_version = 1;
    auto aborted =
        ledger->Append(kAdmin, {MakeCommand("rolled-1"), MakeCommand("rolled-2"), conflict},
                       AppendMode::kAllOrNothing);
    REQUIRE(aborted[0].status().code() == Code::kAborted);
    // Concurrent producers: groups of many callers.
    std::vector<std::thread> producers;
    for (int p = 0; p < 4; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 0; i < 40; ++i) {
          auto r = ledger->Append(kAdmin,
                                  {MakeCommand("p" + std::to_string(p) + "-" + std::to_string(i))});
          if (!r[0].ok()) std::abort();
        }
      });
    }
    for (auto& t : producers) t.join();
    REQUIRE(ledger->head().seq == 37 + 50 + 160);
    RequireTreeMatches(*ledger, random);
  }
  // Reopened, the tree continues from its stored right edge.
  {
    auto ledger = testing::OpenLedger(dir);
    for (int i = 0; i < 21; ++i) AppendOk(*ledger, MakeCommand("after-" + std::to_string(i)));
    RequireTreeMatches(*ledger, random);
  }
  auto report = VerifyStore(dir.Sub("store"));
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->events_checked == 37 + 50 + 160 + 21);

  // A node edited inside a finished run (events 1-64) is reported at its event.
  {
    testing::RawStore raw(dir.Sub("store"));
    std::string run = raw.Get("merkle", ledger::MerkleRunKey(64));
    REQUIRE(run.size() == ledger::NodeBytesThrough(64));
    run[ledger::NodeBytesThrough(49) + 40] ^= 1;  // event 50's second node
    raw.Put("merkle", ledger::MerkleRunKey(64), run);
  }
  report = VerifyStore(dir.Sub("store"));
  REQUIRE(report.ok());
  CHECK(report->first_bad_seq == 50);
  CHECK(report->events_checked == 49);
  CHECK_THAT(report->problem, Catch::Contains("nodes of event 50 differ"));
}

TEST_CASE("ledger merkle: stored runs missing or beyond the log are found",
          "[merkle][ledger][tamper]") {
  testing::TempDir dir;
  {
    auto ledger = testing::NewLedger(dir);
    for (int i = 0; i < 200; ++i) AppendOk(*ledger, MakeCommand("c-" + std::to_string(i)));
  }
  std::string path = dir.Sub("store");
  SECTION("the run the open needs for the right edge") {
    testing::RawStore(path).Delete("merkle", ledger::MerkleRunKey(128));
    auto ledger = Ledger::Open(path);
    CHECK(ledger.status().code() == Code::kCorruption);
    CHECK_THAT(ledger.status().message(), Catch::Contains("Merkle") && Catch::Contains("verify"));
    auto report = VerifyStore(path);
    REQUIRE(report.ok());
    CHECK(report->first_bad_seq == 65);
    CHECK_THAT(report->problem, Catch::Contains("events 65–128 is missing"));
  }
  SECTION("a run beyond the last event") {
    {
      testing::RawStore raw(path);
      raw.Put("merkle", ledger::MerkleRunKey(256), raw.Get("merkle", ledger::MerkleRunKey(192)));
    }
    auto report = VerifyStore(path);
    REQUIRE(report.ok());
    CHECK(report->first_bad_seq == 201);
    CHECK_THAT(report->problem, Catch::Contains("the Merkle tree has nodes for it"));
  }
}

TEST_CASE("ledger merkle: sizes beyond the head and seqs outside the tree are refused",
          "[merkle][ledger]") {
  testing::TempDir dir;
  auto ledger = testing::NewLedger(dir);
  for (int i = 0; i < 5; ++i) AppendOk(*ledger, MakeCommand("c-" + std::to_string(i)));
  CHECK(ledger->MerkleRoot(6).status().code() == Code::kBadRequest);
  CHECK(ledger->InclusionProof(0, 5).status().code() == Code::kBadRequest);
  CHECK(ledger->InclusionProof(6, 5).status().code() == Code::kBadRequest);
  CHECK(ledger->InclusionProof(3, 6).status().code() == Code::kBadRequest);
  CHECK(ledger->ConsistencyProof(4, 3).status().code() == Code::kBadRequest);
  CHECK(ledger->ConsistencyProof(3, 6).status().code() == Code::kBadRequest);
  CHECK(ledger->ConsistencyProof(5, 5)->empty());
  CHECK(ledger->RangeProof(0, 2, 5).status().code() == Code::kBadRequest);
  CHECK(ledger->RangeProof(3, 2, 5).status().code() == Code::kBadRequest);
  CHECK(ledger->RangeProof(2, 6, 5).status().code() == Code::kBadRequest);
  CHECK(ledger->RangeProof(2, 3, 6).status().code() == Code::kBadRequest);
  CHECK(ledger->RangeProof(1, 5, 5)->empty());
}

TEST_CASE("ledger checkpoints: kept only when they are this log's, signed and right",
          "[merkle][ledger][note]") {
  testing::TempDir dir;
  REQUIRE(Ledger::Create(dir.Sub("store"), "horqin").ok());
  auto ledger = testing::OpenLedger(dir);
  CHECK(ledger->origin() == "tongliao.hatchery/horqin");
  for (int i = 0; i < 9; ++i) AppendOk(*ledger, MakeCommand("c-" + std::to_string(i)));
  auto key = note::GenerateKey("tongliao.hatchery/horqin");
  REQUIRE(key.ok());
  note::VerifierKey verifier = note::VerifierOf(*key);

  auto checkpoint = ledger->CheckpointAt(7);
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->root == *ledger->MerkleRoot(7));
  checkpoint->extensions.push_back("state carriers 0011");
  std::string signed_note = *note::Sign(FormatCheckpoint(*checkpoint), *key);
  REQUIRE(ledger->AddCheckpoint(signed_note, verifier).ok());
  REQUIRE(ledger->AddCheckpoint(signed_note, verifier).ok());  // kept once
  std::string at_nine = *note::Sign(FormatCheckpoint(*ledger->CheckpointAt(9)), *key);
  REQUIRE(ledger->AddCheckpoint(at_nine, verifier).ok());
  CHECK(*ledger->Checkpoints() == std::vector<std::string>{signed_note, at_nine});

  SECTION("a wrong root") {
    Checkpoint wrong = *checkpoint;
    wrong.root = *ledger->MerkleRoot(6);
    auto s = ledger->AddCheckpoint(*note::Sign(FormatCheckpoint(wrong), *key), verifier);
    CHECK(s.code() == Code::kCorruption);
  }
  SECTION("beyond the head") {
    Checkpoint ahead = *checkpoint;
    ahead.size = 10;
    auto s = ledger->AddCheckpoint(*note::Sign(FormatCheckpoint(ahead), *key), verifier);
    CHECK(s.code() == Code::kBadRequest);
  }
  SECTION("another log's origin") {
    Checkpoint other = *checkpoint;
    other.origin = "tongliao.hatchery/other";
    auto s = ledger->AddCheckpoint(*note::Sign(FormatCheckpoint(other), *key), verifier);
    CHECK(s.code() == Code::kBadRequest);
  }
  SECTION("a signature by another key, or none that verifies") {
    auto other_key = note::GenerateKey("tongliao.hatchery/horqin");
    CHECK(ledger->AddCheckpoint(signed_note, note::VerifierOf(*other_key)).code() ==
          Code::kNotFound);
    std::string tampered = signed_note;
    tampered[tampered.size() - 10] ^= 1;
    CHECK_FALSE(ledger->AddCheckpoint(tampered, verifier).ok());
  }
  CHECK(ledger->Checkpoints()->size() == 2);  // nothing refused was kept
}

}  // namespace
}  // namespace hatchery
