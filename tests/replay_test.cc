// The replay engine's trust-nothing path: from event 1, as of any point on both time axes, equal
// to folding exactly the events of that point; checking the chain; comparing the state signed in
// checkpoints.
#include "replay/replay.h"

#include <catch2/catch.hpp>
#include <functional>
#include <random>

#include "hatchery/checkpoint.h"
#include "hatchery/json_tape.h"
#include "hatchery/note.h"
#include "hatchery/time.h"
#include "ledger/format.h"
#include "replay/record_pipeline.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::RunHatchery;
using testing::TempDir;
constexpr auto kFromStart = replay::Path::kFromStart;

std::unique_ptr<Ledger> OpenReadOnly(const std::string& path) {
  LedgerOptions options;
  options.read_only = true;
  auto ledger = Ledger::Open(path, options);
  REQUIRE(ledger.ok());
  return std::move(ledger).value();
}

// A demo store of `carriers` carriers, and its events folded from event 1.
struct FoldedDemo {
  explicit FoldedDemo(int carriers) {
    REQUIRE(RunHatchery("demo --carriers " + std::to_string(carriers) + " --data " + dir.Sub("s"))
                .exit_code == 0);
    ledger = OpenReadOnly(dir.Sub("s"));
    auto fold = replay::Fold(*ledger, ledger->head().seq, kFromStart);
    REQUIRE(fold.ok());
    folded = std::move(fold).value();
  }
  const domain::FactBase& facts() const { return *folded.facts; }

  TempDir dir;
  std::unique_ptr<Ledger> ledger;
  replay::Folded folded;
};

// The digests of every view from a fact base holding exactly the events 1..seq.
std::vector<Hash> PrefixDigests(const Ledger& ledger, std::uint64_t seq,
                                std::optional<domain::Date> effective_on) {
  domain::FactBase facts;
  REQUIRE(ledger.ForEach(1, seq, [&](const Event& e) { return facts.Apply(e); }).ok());
  auto projection = domain::Project(facts, domain::MakeCut(facts, std::nullopt, effective_on));
  std::vector<Hash> digests;
  for (std::string_view view : domain::kViews) {
    digests.push_back(domain::ViewDigest(*domain::ViewRows(projection, view)));
  }
  return digests;
}

std::vector<Hash> Digests(const replay::Result& result) {
  std::vector<Hash> digests;
  for (const auto& v : result.views) digests.push_back(v.digest);
  return digests;
}

TEST_CASE("replay: carriers derived in slices on every core give the views of one slice",
          "[replay]") {
  FoldedDemo demo(30);
  const domain::FactBase& facts = demo.facts();
  for (std::optional<domain::Date> on : {std::optional<domain::Date>(), std::optional(20231231)}) {
    domain::Cut cut = domain::MakeCut(facts, std::nullopt, on);
    auto whole = domain::ViewStates(domain::Project(facts, cut, facts.carrier_index().size()));
    CHECK(domain::ViewStates(domain::Project(facts, cut, 4)) == whole);
    CHECK(domain::ViewStates(domain::Project(facts, cut, 7)) == whole);
  }
}

TEST_CASE("replay: records read in place fold to the fact base of decoded events", "[replay]") {
  TempDir dir;
  REQUIRE(RunHatchery("demo --carriers 12 --data " + dir.Sub("s")).exit_code == 0);
  auto ledger = OpenReadOnly(dir.Sub("s"));
  domain::FactBase decoded, in_place;
  json::Tape tape;
  REQUIRE(ledger->ForEach(1, ledger->head().seq, [&](const Event& e) { return decoded.Apply(e); })
              .ok());
  REQUIRE(ledger
              ->ForEachRecord(1, ledger->head().seq,
                              [&](std::uint64_t, std::string_view record) {
                                return in_place.ApplyRecord(record, &tape);
                              })
              .ok());
  CHECK(in_place.last_seq() == ledger->head().seq);
  CHECK(in_place.Save() == decoded.Save());
  // A record that is not its event's canonical form does not fold, and says so.
  std::string record;
  REQUIRE(ledger
              ->ForEachRecord(1, 1,
                              [&](std::uint64_t, std::string_view r) {
                                record = std::string(r);
                                return Status::Ok();
                              })
              .ok());
  domain::FactBase fresh;
  Status spaced = fresh.ApplyRecord(" " + record, &tape);
  CHECK(spaced.code() == Code::kCorruption);
  CHECK_THAT(spaced.message(), Catch::Contains("not canonical JSON at byte 0"));
  CHECK(fresh.last_seq() == 0);
}

TEST_CASE("replay: as of any seq it equals folding exactly the events up to it", "[replay]") {
  TempDir dir;
  REQUIRE(RunHatchery("demo --carriers 8 --data " + dir.Sub("s")).exit_code == 0);
  auto ledger = OpenReadOnly(dir.Sub("s"));
  std::uint64_t head = ledger->head().seq;
  std::mt19937_64 random(4);
  std::vector<std::uint64_t> points{0, 1, head};
  for (int i = 0; i < 25; ++i) points.push_back(1 + random() % head);
  for (std::uint64_t seq : points) {
    for (std::optional<domain::Date> on :
         {std::optional<domain::Date>(), std::optional<domain::Date>(20231231)}) {
      INFO("seq " << seq << (on ? " effective on 2023-12-31" : ""));
      auto result = replay::Replay(*ledger, {seq, std::nullopt, on}, kFromStart);
      REQUIRE(result.ok());
      CHECK(result->seq == seq);
      CHECK(Digests(*result) == PrefixDigests(*ledger, seq, on));
    }
  }
  CHECK(replay::Replay(*ledger, {head + 1, {}, {}}, kFromStart).status().code() ==
        Code::kBadRequest);
}

TEST_CASE("replay: as of an instant is as of the last event recorded by then", "[replay]") {
  TempDir dir;
  REQUIRE(RunHatchery("demo --carriers 4 --data " + dir.Sub("s")).exit_code == 0);
  auto ledger = OpenReadOnly(dir.Sub("s"));
  std::uint64_t head = ledger->head().seq;
  for (std::uint64_t seq : {std::uint64_t{1}, head / 2, head}) {
    std::int64_t at = *ParseTimestamp(ledger->Get(seq)->recorded_at);
    CHECK(*ledger->LastSeqRecordedBy(at) == seq);
    if (seq < head) CHECK(*ledger->LastSeqRecordedBy(at + 1) == seq);  // before the next
    CHECK(*ledger->LastSeqRecordedBy(at - 1) == seq - 1);
    auto result = replay::Replay(*ledger, {std::nullopt, at, std::nullopt}, kFromStart);
    REQUIRE(result.ok());
    CHECK(result->seq == seq);
    CHECK(result->folded.recorded_at == ledger->Get(seq)->recorded_at);
  }
  CHECK(*ledger->LastSeqRecordedBy(0) == 0);
}

// Signs `checkpoint` with `key` and keeps it in the store (its root is right, so it is kept: the
// store checks roots and signatures, not projections).
void KeepSigned(Ledger& ledger, const Checkpoint& checkpoint, const note::SigningKey& key) {
  REQUIRE(
      ledger.AddCheckpoint(*note::Sign(FormatCheckpoint(checkpoint), key), note::VerifierOf(key))
          .ok());
}

TEST_CASE("replay: compares the state signed in kept checkpoints with the state it rebuilds",
          "[replay][note]") {
  TempDir dir;
  std::string path = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 4 --data " + path).exit_code == 0);
  auto key = *note::GenerateKey("tongliao.hatchery/main");
  std::uint64_t head = 0;
  {
    auto ledger = std::move(Ledger::Open(path)).value();
    head = ledger->head().seq;
    // An honest checkpoint at head - 10, and one at the head whose state lines are false (its
    // root is right, so it is kept: the store checks roots and signatures, not projections).
    for (std::uint64_t size : {head - 10, head}) {
      auto folded = replay::Fold(*ledger, size, replay::Path::kFromStart);
      const domain::FactBase& facts = *folded->facts;
      auto checkpoint = *ledger->CheckpointAt(size);
      checkpoint.extensions = domain::StateLines(
          domain::Project(facts, domain::MakeCut(facts, std::nullopt, std::nullopt)));
      for (std::string& line : checkpoint.extensions) {
        if (size == head && line.starts_with("state entitlements ")) {
          line = "state entitlements " + std::string(64, '0');
        }
      }
      KeepSigned(*ledger, checkpoint, key);
    }
  }
  auto ledger = OpenReadOnly(path);
  auto result = replay::Replay(*ledger, {}, kFromStart);
  REQUIRE(result.ok());
  // With the one the demo signed at its head with the store's key, which is honest too.
  REQUIRE(result->checkpoints.size() == 3);
  CHECK(result->checkpoints[0].size == head - 10);
  CHECK(result->checkpoints[0].matches);
  int false_ones = 0;
  for (std::size_t i : {1, 2}) {
    CHECK(result->checkpoints[i].size == head);
    if (result->checkpoints[i].matches) continue;
    ++false_ones;
    CHECK_THAT(result->checkpoints[i].difference, Catch::Contains("state entitlements"));
  }
  CHECK(false_ones == 1);
  // Replayed to a point before the false one, only the honest one is compared.
  auto earlier = replay::Replay(*ledger, {head - 5, {}, {}}, kFromStart);
  REQUIRE(earlier.ok());
  CHECK(earlier->checkpoints.size() == 1);

  auto cli = RunHatchery("replay --data " + path);
  CHECK(cli.exit_code == 1);
  CHECK_THAT(cli.out, Catch::Contains("MISMATCH") &&
                          Catch::Contains("the signed state is the rebuilt state"));
}

// A state signed by an older derivation (a checkpoint whose state lines name none, as every one
// signed before derivation versions did, or another version) is not compared — its views mean
// something else for the same events — and says so; one that names this derivation is compared.
TEST_CASE("replay: a state of another derivation is told apart, not called a mismatch",
          "[replay][note]") {
  CHECK(domain::DerivationOf({"state carriers " + std::string(64, '0')}) == 1);
  CHECK(domain::DerivationOf({domain::DerivationLine()}) == domain::kDerivation);
  CHECK(domain::DerivationOf({"state derivation x"}) == 0);
  CHECK(domain::DerivationOf({"state derivation 99"}) == 0);  // beyond this software's
  CHECK(domain::DerivationOf({"state derivation 1", "state derivation 2"}) == 0);
  TempDir dir;
  std::string path = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 4 --data " + path).exit_code == 0);
  auto key = *note::GenerateKey("tongliao.hatchery/main");
  std::uint64_t head = 0;
  {
    auto ledger = std::move(Ledger::Open(path)).value();
    head = ledger->head().seq;
    for (std::uint64_t size : {head - 20, head - 10}) {
      auto checkpoint = *ledger->CheckpointAt(size);
      // What derivation 1 signed: a state line per view, other digests, no derivation line.
      checkpoint.extensions = {"state carriers " + std::string(64, '1')};
      if (size == head - 10)
        checkpoint.extensions.insert(checkpoint.extensions.begin(), "state derivation 1");
      KeepSigned(*ledger, checkpoint, key);
    }
  }
  auto ledger = OpenReadOnly(path);
  auto result = replay::Replay(*ledger, {}, kFromStart);
  REQUIRE(result.ok());
  REQUIRE(result->checkpoints.size() == 3);  // and the demo's own, of this derivation
  for (std::size_t i : {0, 1}) {
    CHECK_FALSE(result->checkpoints[i].compared);
    CHECK(result->checkpoints[i].matches);
    CHECK_THAT(result->checkpoints[i].difference, Catch::Contains("derivation 1"));
  }
  CHECK(result->checkpoints[2].compared);
  CHECK(result->checkpoints[2].matches);
  auto cli = RunHatchery("replay --data " + path);
  CHECK(cli.exit_code == 0);
  CHECK_THAT(cli.out, Catch::Contains("not compared: its state was derived by derivation 1"));
}

TEST_CASE("replay: an event edited behind the ledger's back stops it, naming the seq", "[replay]") {
  TempDir dir;
  std::string path = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 4 --data " + path).exit_code == 0);
  {
    testing::RawStore raw(path);
    auto event =
        std::move(ParseEvent(raw.Get("events", ledger::EncodeFixed64(20)).substr(1))).value();
    event.note = "edited";
    event.hash = ComputeEventHash(event);  // consistent in itself; the next link breaks
    raw.Put("events", ledger::EncodeFixed64(20),
            std::string(1, ledger::kRecordCanonicalJson) + CanonicalForm(event, true));
  }
  auto ledger = OpenReadOnly(path);
  auto result = replay::Replay(*ledger, {}, kFromStart);
  CHECK(result.status().code() == Code::kCorruption);
  CHECK_THAT(result.status().message(),
             Catch::Contains("event 21 does not check out: chain broken"));
  CHECK(replay::Replay(*ledger, {19, {}, {}}, kFromStart).ok());  // the events before it are fine
}

// The replay's message for a store whose record `seq` is replaced by what `tamper` makes of it
// (the stored body, without its tag), or "" if the replay succeeds.
std::string ReplayAfterTampering(const std::string& path, std::uint64_t seq,
                                 const std::function<std::string(std::string)>& tamper) {
  {
    testing::RawStore raw(path);
    std::string key = ledger::EncodeFixed64(seq);
    std::string body = raw.Get("events", key).substr(1);
    raw.Put("events", key, std::string(1, ledger::kRecordCanonicalJson) + tamper(body));
  }
  auto ledger = OpenReadOnly(path);
  auto result = replay::Replay(*ledger, {}, kFromStart);
  if (result.ok()) return "";
  CHECK(result.status().code() == Code::kCorruption);
  return result.status().message();
}

TEST_CASE("replay: every way a stored record can be wrong is told apart, past the first batch",
          "[replay]") {
  TempDir dir;
  std::string path = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 120 --data " + path).exit_code == 0);
  std::uint64_t head = OpenReadOnly(path)->head().seq;
  const std::uint64_t seq = replay::RecordPipeline::kBatchRecords + 7;  // in the second batch
  REQUIRE(head > seq + 1);
  auto reread = [](const std::string& body) { return std::move(ParseEvent(body)).value(); };
  // A tampering that changes the event, then gives it the hash of its new content.
  auto rehashed = [&](const std::function<void(Event&)>& change) {
    return [&reread, change](const std::string& body) {
      Event e = reread(body);
      change(e);
      e.hash = ComputeEventHash(e);
      return CanonicalForm(e, true);
    };
  };
  SECTION("content edited, hash left: canonical, but its content hashes otherwise") {
    CHECK_THAT(
        ReplayAfterTampering(path, seq,
                             [&](std::string body) {
                               Event e = reread(body);
                               e.command_id += "x";
                               return CanonicalForm(e, true);
                             }),
        Catch::Contains("event " + std::to_string(seq) + " does not check out: hash mismatch"));
  }
  SECTION("bytes no longer canonical") {
    CHECK_THAT(
        ReplayAfterTampering(path, seq, [](std::string body) { return body.insert(1, " "); }),
        Catch::Contains("event " + std::to_string(seq) +
                        " does not check out: the event is not in canonical form"));
  }
  SECTION("not an event at all") {
    CHECK_THAT(ReplayAfterTampering(path, seq, [](const std::string&) { return "[1,2]"; }),
               Catch::Contains("event " + std::to_string(seq) + " is unreadable"));
  }
  SECTION("another event's record in its place") {
    std::string next = testing::RawStore(path).Get("events", ledger::EncodeFixed64(seq + 1));
    CHECK_THAT(ReplayAfterTampering(path, seq, [&](const std::string&) { return next.substr(1); }),
               Catch::Contains("event " + std::to_string(seq + 1) + " does not check out: seq " +
                               std::to_string(seq + 1) + " where " + std::to_string(seq) +
                               " was expected"));
  }
  SECTION("the last event rehashed with data its type cannot have") {
    CHECK_THAT(ReplayAfterTampering(path, head, rehashed([](Event& e) { e.type = "NoSuchType"; })),
               Catch::Contains("event " + std::to_string(head) + " does not fold"));
  }
  // The chain's own rules, past hash and link: the last event rehashed (so its content and link
  // hold) but recorded before the event before it, or skipping a version of its stream.
  SECTION("the last event rehashed, recorded before the one before it") {
    CHECK_THAT(ReplayAfterTampering(path, head, rehashed([](Event& e) {
                                      e.recorded_at = "2000-01-01T00:00:00.000000Z";
                                    })),
               Catch::Contains("event " + std::to_string(head) +
                               " does not check out: recorded_at 2000-01-01T00:00:00.000000Z is "
                               "not after the previous event's"));
  }
  SECTION("the last event rehashed, a version of its stream skipped") {
    CHECK_THAT(
        ReplayAfterTampering(path, head, rehashed([](Event& e) { e.stream_version += 1; })),
        Catch::Contains("event " + std::to_string(head) + " does not check out: stream_version"));
  }
}

}  // namespace
}  // namespace hatchery

namespace hatchery {
namespace {

TEST_CASE("replay: one carrier's projection alone is its rows of the whole projection",
          "[replay]") {
  FoldedDemo demo(12);
  const domain::FactBase& facts = demo.facts();
  std::uint64_t head = demo.ledger->head().seq;
  std::size_t compared = 0;
  for (std::uint64_t seq : {head / 3, head}) {
    for (std::optional<domain::Date> on :
         {std::optional<domain::Date>(), std::optional<domain::Date>(20241231)}) {
      domain::Cut cut = domain::MakeCut(facts, seq, on);
      auto whole = domain::Project(facts, cut);
      for (const auto& [carrier, index] : facts.carrier_index()) {
        auto alone = domain::ProjectCarrier(facts, cut, carrier);
        for (std::string_view view :
             {"carriers", "entitlements", "payouts", "compliance", "indicators"}) {
          boost::json::array all = *domain::ViewRows(whole, view), expected;
          for (const auto& row : all) {
            const auto* c = row.as_object().if_contains("carrier_id");
            if (c && c->is_string() && c->as_string() == carrier) expected.push_back(row);
          }
          compared += expected.size();
          INFO(carrier << " " << view << " at " << seq);
          CHECK(*domain::ViewRows(alone, view) == expected);
        }
      }
    }
  }
  CHECK(compared > 200);  // rows of every kind were compared
  CHECK(domain::ProjectCarrier(facts, domain::MakeCut(facts, head, {}), "nobody").carriers.empty());
}

}  // namespace
}  // namespace hatchery
