// Tampering behind Hatchery's back, through RocksDB itself, must be caught by verify at the right
// seq (AUDIT.md §4).
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "hatchery/json.h"
#include "hatchery/ledger.h"
#include "hatchery/verify.h"
#include "ledger/format.h"
#include "policy_fixture.h"
#include "test_util.h"

namespace hatchery {
namespace {

namespace bj = boost::json;
using ledger::EncodeFixed64;
using testing::AppendOk;
using testing::MakeCommand;
using testing::RawStore;
using testing::TempDir;

constexpr int kEvents = 10;

std::string MakeStore(const TempDir& dir) {
  std::string path = dir.Sub("s");
  REQUIRE(Ledger::Create(path).ok());
  auto ledger = std::move(Ledger::Open(path)).value();
  for (int i = 1; i <= kEvents; ++i) {
    AppendOk(*ledger, MakeCommand("c-" + std::to_string(i), i % 2 ? "carrier/a" : "carrier/b"));
  }
  return path;
}

VerifyReport Verify(const std::string& path) {
  auto report = VerifyStore(path);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  return *report;
}

// The record body (canonical JSON) of event `seq`, as an object.
bj::object ReadBody(RawStore& raw, std::uint64_t seq) {
  return bj::parse(raw.Get("events", EncodeFixed64(seq)).substr(1)).as_object();
}

void WriteBody(RawStore& raw, std::uint64_t seq, const std::string& body) {
  raw.Put("events", EncodeFixed64(seq), std::string(1, ledger::kRecordCanonicalJson) + body);
}

// Makes the command entry of `event` hold its content digest, as a forger who knows
// docs/format.md would.
void ForgeDigest(RawStore& raw, const Event& event) {
  Hash digest = ledger::ContentDigest(
      ledger::DigestFields{event.command_id, event.stream, event.type, event.effective_date,
                           std::nullopt, event.document_ref, event.note, event.actor.id,
                           event.actor.role},
      hatchery::json::Canonicalize(event.data));
  raw.Put("commands", event.command_id, ledger::EncodeCommandValue(event.seq, digest));
}

TEST_CASE("an untouched store verifies", "[tamper]") {
  TempDir dir;
  auto report = Verify(MakeStore(dir));
  CHECK(report.ok());
  CHECK(report.events_checked == kEvents);
  CHECK(report.head.seq == kEvents);
}

TEST_CASE("verify catches tampering at the right seq", "[tamper]") {
  TempDir dir;
  std::string path = MakeStore(dir);
  std::uint64_t expected_bad = 0;
  std::string expected_problem;
  {
    RawStore raw(path);
    SECTION("one event's data changed, hash left alone") {
      bj::object body = ReadBody(raw, 4);
      body["data"].as_object()["carrier_id"] = "tl-inc-999";
      WriteBody(raw, 4, hatchery::json::Canonicalize(body));
      expected_bad = 4;
      expected_problem = "hash mismatch";
    }
    SECTION("one event's data changed and its hash recomputed") {
      auto event = std::move(ParseEvent(raw.Get("events", EncodeFixed64(6)).substr(1))).value();
      event.effective_date = "2020-01-01";
      event.hash = ComputeEventHash(event);
      WriteBody(raw, 6, CanonicalForm(event, true));
      // Event 6 hashes right, but its command entry keeps the digest of what was sent.
      expected_bad = 6;
      expected_problem = "holds another content digest";
    }
    SECTION("one event's data changed, its hash and command digest recomputed") {
      auto event = std::move(ParseEvent(raw.Get("events", EncodeFixed64(6)).substr(1))).value();
      event.effective_date = "2020-01-01";
      event.hash = ComputeEventHash(event);
      WriteBody(raw, 6, CanonicalForm(event, true));
      ForgeDigest(raw, event);
      expected_bad = 7;  // event 6 is self-consistent; the link from 7 breaks
      expected_problem = "chain broken";
    }
    SECTION("one byte flipped") {
      std::string record = raw.Get("events", EncodeFixed64(3));
      record[record.size() / 2] ^= 0x01;
      raw.Put("events", EncodeFixed64(3), record);
      expected_bad = 3;
    }
    SECTION("an event deleted") {
      raw.Delete("events", EncodeFixed64(5));
      expected_bad = 5;
      expected_problem = "missing";
    }
    SECTION("the last event deleted") {
      raw.Delete("events", EncodeFixed64(kEvents));
      expected_bad = kEvents;
      expected_problem = "missing";
    }
    SECTION("two events swapped") {
      std::string a = raw.Get("events", EncodeFixed64(7));
      std::string b = raw.Get("events", EncodeFixed64(8));
      raw.Put("events", EncodeFixed64(7), b);
      raw.Put("events", EncodeFixed64(8), a);
      expected_bad = 7;
      expected_problem = "says seq 8";
    }
    SECTION("two events swapped with their seqs rewritten and hashes recomputed") {
      auto e7 = std::move(ParseEvent(raw.Get("events", EncodeFixed64(7)).substr(1))).value();
      auto e8 = std::move(ParseEvent(raw.Get("events", EncodeFixed64(8)).substr(1))).value();
      std::swap(e7.seq, e8.seq);
      e7.hash = ComputeEventHash(e7);
      e8.hash = ComputeEventHash(e8);
      WriteBody(raw, 7, CanonicalForm(e8, true));
      WriteBody(raw, 8, CanonicalForm(e7, true));
      expected_bad = 7;
    }
    SECTION("a record re-serialised in a non-canonical form") {
      std::string body = raw.Get("events", EncodeFixed64(2)).substr(1);
      WriteBody(raw, 2, "{ " + body.substr(1));  // same JSON value, one insignificant space
      expected_bad = 2;
      expected_problem = "canonical";
    }
    SECTION("a stream index entry pointed at another event") {
      // carrier/a holds the odd seqs: its version 2 is event 3.
      raw.Put("streams", ledger::StreamKey("carrier/a", 2), EncodeFixed64(1));
      expected_bad = 3;
      expected_problem = "the stream index entry for carrier/a version 2";
    }
    SECTION("a command index entry deleted") {
      raw.Delete("commands", "c-6");
      expected_bad = 6;
      expected_problem = "the command index entry for \"c-6\"";
    }
    SECTION("a command index entry's content digest changed") {
      std::string value = raw.Get("commands", "c-7");
      value.back() ^= 0x01;
      raw.Put("commands", "c-7", value);
      expected_bad = 7;
      expected_problem = "holds another content digest";
    }
    SECTION("a record with an unknown tag") {
      std::string record = raw.Get("events", EncodeFixed64(9));
      record[0] = 0x7f;
      raw.Put("events", EncodeFixed64(9), record);
      expected_bad = 9;
      expected_problem = "tag";
    }
  }
  VerifyReport report = Verify(path);
  INFO(report.problem);
  CHECK_FALSE(report.ok());
  CHECK(report.first_bad_seq == expected_bad);
  CHECK(report.events_checked == expected_bad - 1);
  CHECK_THAT(report.problem, Catch::Contains(expected_problem));
}

// Verify reads the events in batches of thousands; each tampering below is reported at its own
// seq, and of several the earliest, whichever batch or kind of check finds it.
TEST_CASE("verify reports the earliest of several tamperings, in any batch", "[tamper]") {
  constexpr int kMany = 9000;
  TempDir dir;
  std::string path = dir.Sub("s");
  REQUIRE(Ledger::Create(path).ok());
  {
    auto ledger = std::move(Ledger::Open(path)).value();
    for (int first = 1; first <= kMany; first += 500) {
      std::vector<AppendCommand> commands;
      for (int i = first; i < first + 500; ++i) {
        commands.push_back(
            MakeCommand("c-" + std::to_string(i), "carrier/" + std::to_string(i % 7)));
      }
      for (const auto& result : ledger->Append(testing::kAdmin, std::move(commands))) {
        REQUIRE(result.ok());
      }
    }
  }
  RawStore raw(path);
  auto change_data = [&](std::uint64_t seq) {  // hash left alone
    bj::object body = ReadBody(raw, seq);
    body["note"] = "changed";
    WriteBody(raw, seq, hatchery::json::Canonicalize(body));
  };
  auto drop_command = [&](int seq) { raw.Delete("commands", "c-" + std::to_string(seq)); };
  std::uint64_t expected_bad = 0;
  std::string expected_problem;
  SECTION("an index entry in the second batch") {
    drop_command(5000);
    expected_bad = 5000;
    expected_problem = "command index";
  }
  SECTION("a record in the third batch") {
    change_data(8500);
    expected_bad = 8500;
    expected_problem = "hash mismatch";
  }
  SECTION("an index entry before a record of the same batch") {
    drop_command(4500);
    change_data(4600);
    expected_bad = 4500;
    expected_problem = "command index";
  }
  SECTION("a record before an index entry of the same batch") {
    change_data(4500);
    drop_command(4600);
    expected_bad = 4500;
    expected_problem = "hash mismatch";
  }
  SECTION("the Merkle tree before an index entry of the same batch") {
    std::string key = ledger::MerkleRunKey(ledger::kMerkleRunEvents);
    std::string nodes = raw.Get("merkle", key);
    nodes[0] ^= 0x01;  // the first event's nodes
    raw.Put("merkle", key, nodes);
    drop_command(ledger::kMerkleRunEvents + 1);
    expected_bad = 1;
    expected_problem = "Merkle";
  }
  SECTION("the last event's index entry") {
    drop_command(kMany);
    expected_bad = kMany;
    expected_problem = "command index";
  }
  VerifyReport report = Verify(path);
  INFO(report.problem);
  CHECK(report.first_bad_seq == expected_bad);
  CHECK(report.events_checked == expected_bad - 1);
  CHECK(report.head.seq == expected_bad - 1);
  CHECK_THAT(report.problem, Catch::Contains(expected_problem));
}

TEST_CASE("verify finds an index entry added for no event of its own", "[tamper]") {
  TempDir dir;
  std::string path = MakeStore(dir);
  {
    RawStore raw(path);
    SECTION("a command id") { raw.Put("commands", "c-forged", raw.Get("commands", "c-3")); }
    SECTION("a stream version") {
      raw.Put("streams", ledger::StreamKey("carrier/z", 1), EncodeFixed64(3));
    }
  }
  VerifyReport report = Verify(path);
  INFO(report.problem);
  CHECK(report.first_bad_seq == 3);
  CHECK_THAT(report.problem, Catch::Contains("11 entries for 10 events"));
  CHECK(report.events_checked == kEvents);  // the events themselves are intact
}

// An event edited into something the schemas refuse, with its hash and digest recomputed: the
// chain holds (it is the last event), only re-validating it finds it.
TEST_CASE("verify re-validates every event against its schema", "[tamper]") {
  std::string path;
  std::uint64_t seq = 0;
  testing::PolicyFixture fixture;
  fixture.Register("tl-inc-001", "incubator", "comprehensive");
  seq = fixture.Register("tl-inc-002", "incubator", "comprehensive");
  path = fixture.ledger->dir();
  fixture.ledger.reset();
  {
    RawStore raw(path);
    auto event = std::move(ParseEvent(raw.Get("events", EncodeFixed64(seq)).substr(1))).value();
    event.data["area_m2"] = -5;
    event.hash = ComputeEventHash(event);
    WriteBody(raw, seq, CanonicalForm(event, true));
    ForgeDigest(raw, event);
  }
  VerifyOptions options;
  CHECK(VerifyStore(path, options)->ok());  // without the domain's check the chain holds
  options.validate_event = [](const Event& e) { return domain::ValidateRecorded(e); };
  VerifyReport report = *VerifyStore(path, options);
  INFO(report.problem);
  CHECK(report.first_bad_seq == seq);
  CHECK_THAT(report.problem, Catch::Contains("breaks its schema") && Catch::Contains("area_m2"));
}

TEST_CASE("a store whose head was tampered with is refused on open", "[tamper]") {
  TempDir dir;
  std::string path = MakeStore(dir);
  {
    RawStore raw(path);
    bj::object body = ReadBody(raw, kEvents);
    body["effective_date"] = "2001-01-01";
    WriteBody(raw, kEvents, hatchery::json::Canonicalize(body));
  }
  auto ledger = Ledger::Open(path);
  CHECK(ledger.status().code() == Code::kCorruption);
  CHECK_THAT(ledger.status().message(), Catch::Contains("hatchery verify"));
}

}  // namespace
}  // namespace hatchery

namespace hatchery {
namespace {

TEST_CASE("a read that meets a damaged record names its seq and says what to run", "[tamper]") {
  testing::TempDir dir;
  std::string path = MakeStore(dir);
  {
    testing::RawStore raw(path);
    raw.Put("events", ledger::EncodeFixed64(3), "\x7f{}");
  }
  LedgerOptions options;
  options.read_only = true;
  auto ledger = std::move(Ledger::Open(path, options)).value();
  auto events = ledger->Read(1, 100);
  CHECK(events.status().code() == Code::kCorruption);
  CHECK_THAT(events.status().message(),
             Catch::Contains("event at seq 3") && Catch::Contains("hatchery verify"));
  CHECK(ledger->Get(3).status().code() == Code::kCorruption);
  CHECK(ledger->Read(4, 100).ok());
}

}  // namespace
}  // namespace hatchery
