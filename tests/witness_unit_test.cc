// witness::Observe against trees held in memory (merkle::MemoryTree): what it cosigns, what it
// refuses and calls an alarm, and that a refused checkpoint leaves the witness log unchanged.
#include <catch2/catch.hpp>

#include "hatchery/merkle.h"
#include "test_util.h"
#include "witness/witness.h"

namespace hatchery::witness {
namespace {

// A log of `leaves` leaves: a checkpoint of its first n, signed; and consistency proofs.
struct MemoryLog {
  std::vector<Hash> leaves;
  note::SigningKey key = *note::GenerateKey("tongliao.hatchery/main");

  explicit MemoryLog(int n) {
    for (int i = 0; i < n; ++i) leaves.push_back(merkle::LeafHash(std::to_string(i)));
  }
  std::string Signed(std::uint64_t size, const note::SigningKey* by = nullptr) const {
    merkle::MemoryTree tree(std::vector<Hash>(leaves.begin(), leaves.begin() + size));
    Checkpoint c{key.name, size, *merkle::Root(size, tree.reader()), {}};
    return *note::Sign(FormatCheckpoint(c), by ? *by : key);
  }
  ConsistencyFetcher Fetcher() const {
    return [this](std::uint64_t first, std::uint64_t second) -> StatusOr<std::vector<Hash>> {
      merkle::MemoryTree tree(std::vector<Hash>(leaves.begin(), leaves.begin() + second));
      ASSIGN_OR_RETURN(auto ranges, merkle::ConsistencyRanges(first, second));
      return merkle::HashRanges(ranges, tree.reader());
    };
  }
};

std::string AlarmOf(const StatusOr<Outcome>& outcome) {
  REQUIRE_FALSE(outcome.ok());
  REQUIRE(outcome.status().code() == Code::kCorruption);
  return std::string(outcome.status().details().at("alarm").as_string());
}

TEST_CASE("witness: cosigns what extends, refuses what does not", "[witness]") {
  testing::TempDir dir;
  MemoryLog log(40), forked(40);
  forked.leaves[7] = merkle::LeafHash("rewritten");
  note::SigningKey witness_key = *note::GenerateKey("witness.test/w1");
  note::VerifierKey log_key = note::VerifierOf(log.key);
  auto state = *WitnessLog::Open(dir.Sub("w.jsonl"));
  auto observe = [&](const std::string& note, const MemoryLog& from) {
    return Observe(note, log_key, witness_key, from.Fetcher(), 1'700'000'000, &state);
  };
  CHECK(*observe(log.Signed(5), log) == Outcome::kCosigned);
  CHECK(*observe(log.Signed(5), log) == Outcome::kAlreadySeen);
  CHECK(*observe(log.Signed(21), log) == Outcome::kCosigned);
  // Rewritten at leaf 7, re-signed with the log's own key: a fork, at any size.
  forked.key = log.key;
  CHECK(AlarmOf(observe(forked.Signed(21), forked)) == "fork");
  CHECK(AlarmOf(observe(forked.Signed(30), forked)) == "fork");
  CHECK(AlarmOf(observe(log.Signed(20), log)) == "rollback");
  note::SigningKey stranger = *note::GenerateKey("tongliao.hatchery/main");
  CHECK(AlarmOf(observe(log.Signed(30, &stranger), log)) == "signature");
  CHECK(state.latest()->size == 21);  // nothing refused was cosigned
  CHECK(*observe(log.Signed(40), log) == Outcome::kCosigned);
  // The log file, read back as verify reads it: each cosignature checks out.
  auto cosigned = ReadCosigned(dir.Sub("w.jsonl"), note::CosignerOf(witness_key));
  REQUIRE(cosigned.ok());
  REQUIRE(cosigned->size() == 3);
  CHECK((*cosigned)[0].size == 5);
  CHECK((*cosigned)[2].size == 40);
  CHECK(ReadCosigned(dir.Sub("w.jsonl"), note::CosignerOf(stranger)).status().code() ==
        Code::kCorruption);
  // Reopened, the witness goes on from where it was.
  CHECK((*WitnessLog::Open(dir.Sub("w.jsonl"))).latest()->size == 40);
}

}  // namespace
}  // namespace hatchery::witness
