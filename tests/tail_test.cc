// A store whose tail was cut or rewritten behind the ledger's back is not written to: every
// writable open checks the tail (ledger/tail.h) and refuses, naming the seq and what to run —
// otherwise the next append would take the removed event's seq and hide the removal. A read-only
// open still reads it, so that verify and the auditors can look.
#include <catch2/catch.hpp>

#include "hatchery/ledger.h"
#include "hatchery/note.h"
#include "ledger/format.h"
#include "test_util.h"

namespace hatchery {
namespace {

using ledger::EncodeFixed64;
using testing::AppendOk;
using testing::RawStore;
using testing::TempDir;

// A store of `events` events on two streams, command ids c-1, c-2, ...
std::string TailStore(const TempDir& dir, int events) {
  std::string path = dir.Sub("s");
  REQUIRE(Ledger::Create(path).ok());
  auto ledger = std::move(Ledger::Open(path)).value();
  std::vector<AppendCommand> commands;
  for (int i = 1; i <= events; ++i) {
    std::string carrier = i % 2 ? "a" : "b";
    commands.push_back(testing::MakeCommand("c-" + std::to_string(i), "carrier/" + carrier));
    commands.back().data["carrier_id"] = carrier;
  }
  for (const auto& result : ledger->Append(testing::kAdmin, std::move(commands))) {
    REQUIRE(result.ok());
  }
  return path;
}

// Removes event `seq` (carrier/a or b, version (seq+1)/2) and, with `indexes`, its index entries.
void RemoveEvent(RawStore& raw, int seq, bool indexes) {
  raw.Delete("events", EncodeFixed64(seq));
  if (!indexes) return;
  raw.Delete("streams", ledger::StreamKey(seq % 2 ? "carrier/a" : "carrier/b", (seq + 1) / 2));
  raw.Delete("commands", "c-" + std::to_string(seq));
}

void SignAt(const std::string& path, std::uint64_t size) {
  auto ledger = std::move(Ledger::Open(path)).value();
  auto key = *note::GenerateKey("tail-test");
  std::string signed_note = *note::Sign(FormatCheckpoint(*ledger->CheckpointAt(size)), key);
  REQUIRE(ledger->AddCheckpoint(signed_note, note::VerifierOf(key)).ok());
}

TEST_CASE("a writable open refuses a store whose tail does not check out", "[tail]") {
  TempDir dir;
  std::uint64_t expected_seq = 0;
  std::string expected_problem;
  std::string path;
  SECTION("the last event removed, its index entries left") {
    path = TailStore(dir, 10);
    RawStore raw(path);
    RemoveEvent(raw, 10, false);
    expected_seq = 10;
    expected_problem = "event 10 is missing: the stream index refers to it but the log ends at 9";
  }
  SECTION("the last event and its index entries removed after a checkpoint was signed") {
    path = TailStore(dir, 10);
    SignAt(path, 10);
    RawStore raw(path);
    RemoveEvent(raw, 10, true);
    expected_seq = 10;
    expected_problem = "the checkpoint signed at tree size 10 is of more events than the log has";
  }
  SECTION("the last event of a complete Merkle run removed with its index entries") {
    path = TailStore(dir, 64);
    RawStore raw(path);
    RemoveEvent(raw, 64, true);
    expected_seq = 64;
    expected_problem = "event 64 is missing: the Merkle tree has nodes for it";
  }
  SECTION("the stored nodes of the last complete Merkle run edited") {
    path = TailStore(dir, 130);
    RawStore raw(path);
    std::string key = ledger::MerkleRunKey(128);
    std::string nodes = raw.Get("merkle", key);
    nodes[40] ^= 0x01;
    raw.Put("merkle", key, nodes);
    expected_seq = 65;
    expected_problem = "the stored Merkle nodes of events 65–128 differ";
  }
  SECTION("a command index entry added for an event that has one") {
    path = TailStore(dir, 10);
    RawStore raw(path);
    raw.Put("commands", "c-forged", raw.Get("commands", "c-3"));
    expected_seq = 10;
    expected_problem = "the command index holds 11 entries for 10 events";
  }
  auto refused = Ledger::Open(path);
  REQUIRE(refused.status().code() == Code::kCorruption);
  INFO(refused.status().message());
  CHECK_THAT(
      refused.status().message(),
      Catch::Contains("at event " + std::to_string(expected_seq) + ": " + expected_problem) &&
          Catch::Contains("hatchery verify --data " + path));
  CHECK(refused.status().details().at("seq").as_uint64() == expected_seq);
  // Readers still get in, to look.
  LedgerOptions read_only;
  read_only.read_only = true;
  CHECK(Ledger::Open(path, read_only).ok());
}

// The attack as it was made: the last event deleted with RocksDB's own tools, indexes left. Before
// the tail check, `serve` started and the next append took seq 10 and the removed command's id.
TEST_CASE("serve and append refuse a store whose last event was removed", "[tail][cli]") {
  TempDir dir;
  std::string path = TailStore(dir, 10);
  {
    RawStore raw(path);
    RemoveEvent(raw, 10, false);
  }
  REQUIRE(testing::RunHatchery("token add --tokens " + dir.Sub("tokens") +
                               " --actor clerk.zhang --role admin")
              .exit_code == 0);
  auto served = testing::RunHatchery("serve --data " + path + " --tokens " + dir.Sub("tokens") +
                                     " --listen 127.0.0.1:0");
  INFO(served.out);
  CHECK(served.exit_code != 0);
  CHECK_THAT(served.out, Catch::Contains("does not check out at event 10") &&
                             Catch::Contains("hatchery verify --data " + path));
  auto appended = testing::RunHatchery("append --data " + path + " --actor clerk.zhang -",
                                       R"({"command_id":"c-new","stream":"carrier/a",)"
                                       R"("type":"CarrierProfileAmended","effective_date":)"
                                       R"("2024-05-01","data":{}})");
  INFO(appended.out);
  CHECK(appended.exit_code != 0);
  CHECK_THAT(appended.out, Catch::Contains("does not check out at event 10"));
  auto verified = testing::RunHatchery("verify --data " + path);
  CHECK_THAT(verified.out, Catch::Contains("event 10 is missing"));
}

TEST_CASE("a writable open accepts an intact tail at every run boundary", "[tail]") {
  for (int events : {0, 1, 63, 64, 65, 128}) {
    TempDir dir;
    std::string path = TailStore(dir, events);
    if (events > 0) SignAt(path, events);
    auto reopened = Ledger::Open(path);
    INFO(events << " events: " << reopened.status().ToString());
    CHECK(reopened.ok());
  }
}

}  // namespace
}  // namespace hatchery
