// What only a signed checkpoint catches (AUDIT.md §3–§4): a log rewritten wholesale by someone with
// the database files — events, hashes, chain, indexes and Merkle tree all made consistent again —
// or cut short. The auditor holds the checkpoint's public key; verify with it names the problem.
#include <catch2/catch.hpp>

#include "hatchery/ledger.h"
#include "hatchery/note.h"
#include "hatchery/verify.h"
#include "ledger/format.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::AppendOk;
using testing::RawStore;
using testing::TempDir;

constexpr int kEvents = 10;

// A store of kEvents events; with `rewritten`, event 4 says something else (and everything after
// it chains onto that), as a forger with the files would leave it.
std::string MakeStore(const TempDir& dir, const std::string& name, bool rewritten) {
  std::string path = dir.Sub(name);
  REQUIRE(Ledger::Create(path).ok());
  auto ledger = std::move(Ledger::Open(path)).value();
  for (int i = 1; i <= kEvents; ++i) {
    AppendCommand c = testing::MakeCommand("c-" + std::to_string(i));
    if (rewritten && i == 4) c.effective_date = "2019-01-01";
    AppendOk(*ledger, c);
  }
  return path;
}

// Signs and keeps a checkpoint of `path` at `size`.
void KeepCheckpoint(const std::string& path, std::uint64_t size, const note::SigningKey& key) {
  auto ledger = std::move(Ledger::Open(path)).value();
  std::string signed_note = *note::Sign(FormatCheckpoint(*ledger->CheckpointAt(size)), key);
  REQUIRE(ledger->AddCheckpoint(signed_note, note::VerifierOf(key)).ok());
}

// Copies every kept checkpoint and verifier key of `from` into `to`, through RocksDB.
void CopyCheckpoints(const std::string& from, const std::string& to) {
  std::vector<std::pair<std::string, std::string>> checkpoints, keys;
  {
    RawStore raw(from);
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator({}, raw.cf("checkpoints")));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      checkpoints.emplace_back(it->key().ToString(), it->value().ToString());
    }
    it.reset(raw.db()->NewIterator({}, raw.cf("meta")));
    for (it->Seek("verifier_key/"); it->Valid() && it->key().starts_with("verifier_key/");
         it->Next()) {
      keys.emplace_back(it->key().ToString(), it->value().ToString());
    }
  }
  RawStore raw(to);
  for (const auto& [k, v] : checkpoints) raw.Put("checkpoints", k, v);
  for (const auto& [k, v] : keys) raw.Put("meta", k, v);
}

VerifyReport Verify(const std::string& path, std::vector<note::VerifierKey> trusted = {}) {
  VerifyOptions options;
  options.trusted_keys = std::move(trusted);
  auto report = VerifyStore(path, options);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  INFO(report->problem);
  return *report;
}

TEST_CASE("checkpoints: a kept, signed checkpoint verifies with and without the trusted key",
          "[tamper][note]") {
  TempDir dir;
  auto key = *note::GenerateKey("tongliao.hatchery/main");
  std::string path = MakeStore(dir, "s", false);
  KeepCheckpoint(path, 6, key);
  KeepCheckpoint(path, kEvents, key);
  for (auto trusted : {std::vector<note::VerifierKey>{}, {note::VerifierOf(key)}}) {
    VerifyReport report = Verify(path, trusted);
    CHECK(report.ok());
    CHECK(report.checkpoints_checked == 2);
  }
  // A key the auditor holds that never signed here: nothing is trusted.
  VerifyReport report = Verify(path, {note::VerifierOf(*note::GenerateKey("auditor"))});
  CHECK(report.first_bad_seq == 6);
  CHECK_THAT(report.problem, Catch::Contains("no valid signature by a trusted key"));
}

TEST_CASE("checkpoints: a log rewritten wholesale is caught by the checkpoint signed before",
          "[tamper][note]") {
  TempDir dir;
  auto key = *note::GenerateKey("tongliao.hatchery/main");
  std::string original = MakeStore(dir, "original", false);
  KeepCheckpoint(original, 8, key);
  std::string forged = MakeStore(dir, "forged", true);
  REQUIRE(Verify(forged).ok());  // on its own, the forgery is consistent
  CopyCheckpoints(original, forged);

  VerifyReport report = Verify(forged);
  CHECK(report.first_bad_seq == 8);
  CHECK(report.events_checked == 7);
  CHECK_THAT(report.problem, Catch::Contains("tree size 8") && Catch::Contains("rewritten"));
}

TEST_CASE("checkpoints: re-signing a forgery with the forger's key fools only a trusting verify",
          "[tamper][note]") {
  TempDir dir;
  auto bureau = *note::GenerateKey("tongliao.hatchery/main");
  auto forger = *note::GenerateKey("tongliao.hatchery/main");
  std::string forged = MakeStore(dir, "forged", true);
  KeepCheckpoint(forged, 8, forger);
  CHECK(Verify(forged).ok());  // the store agrees with itself
  VerifyReport report = Verify(forged, {note::VerifierOf(bureau)});
  CHECK(report.first_bad_seq == 8);
  CHECK_THAT(report.problem, Catch::Contains("no valid signature by a trusted key"));
}

TEST_CASE("checkpoints: events cut from the end, indexes and tree too, are caught",
          "[tamper][note]") {
  TempDir dir;
  auto key = *note::GenerateKey("tongliao.hatchery/main");
  std::string path = MakeStore(dir, "s", false);
  KeepCheckpoint(path, kEvents, key);
  {
    RawStore raw(path);
    for (std::uint64_t seq : {9, 10}) {
      auto event =
          std::move(ParseEvent(raw.Get("events", ledger::EncodeFixed64(seq)).substr(1))).value();
      raw.Delete("events", ledger::EncodeFixed64(seq));
      raw.Delete("streams", ledger::StreamKey(event.stream, event.stream_version));
      raw.Delete("commands", event.command_id);
    }
  }
  // Only the checkpoint remembers: a writable open refuses the store (ledger/tail.h), verify
  // names the cut.
  CHECK(Ledger::Open(path).status().code() == Code::kCorruption);
  VerifyReport report = Verify(path);
  CHECK(report.first_bad_seq == kEvents);
  CHECK_THAT(report.problem, Catch::Contains("events were removed"));
}

TEST_CASE("checkpoints: a kept checkpoint with a bad signature is reported", "[tamper][note]") {
  TempDir dir;
  auto key = *note::GenerateKey("tongliao.hatchery/main");
  std::string path = MakeStore(dir, "s", false);
  KeepCheckpoint(path, 5, key);
  {
    RawStore raw(path);
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator({}, raw.cf("checkpoints")));
    it->SeekToFirst();
    REQUIRE(it->Valid());
    std::string k = it->key().ToString(), note = it->value().ToString();
    it.reset();
    // Same size and root, one more extension line: the signature no longer covers the text.
    note.insert(note.find("\n\n") + 1, "state carriers 00\n");
    raw.Put("checkpoints", k, note);
  }
  VerifyReport report = Verify(path);
  CHECK(report.first_bad_seq == 5);
  CHECK_THAT(report.problem, Catch::Contains("does not verify"));
}

}  // namespace
}  // namespace hatchery
