// Snapshots and the fast path: a fact base survives its archive; a replay from a snapshot equals
// one from event 1 at many random points; snapshots are a cache (damaged ones are skipped,
// deleting them changes no answer); a forged but self-consistent snapshot is caught by the check.
#include "replay/snapshot.h"

#include <catch2/catch.hpp>
#include <set>

#include "demo/history.h"
#include "domain/checks/policy_rules.h"
#include "ledger/format.h"
#include "policy_fixture.h"
#include "replay/check.h"
#include "replay/replay.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::RunHatchery;
using testing::TempDir;

std::vector<Hash> Digests(const std::vector<domain::ViewState>& views) {
  std::vector<Hash> digests;
  for (const auto& v : views) digests.push_back(v.digest);
  return digests;
}

std::vector<Hash> DigestsAt(const domain::FactBase& facts, std::uint64_t seq) {
  return Digests(domain::ViewStates(domain::Project(facts, domain::MakeCut(facts, seq, {}))));
}

// Keeps a snapshot of the events 1..seq of `ledger` (which may hold more): what TakeSnapshot
// would have kept when the head was at seq.
void PutSnapshotAt(Ledger& ledger, std::uint64_t seq) {
  auto folded = replay::Fold(ledger, seq, replay::Path::kFromStart);
  REQUIRE(folded.ok());
  replay::SnapshotHeader header{seq, ledger.Get(seq)->hash, {}};
  header.views = domain::ViewStates(
      domain::Project(*folded->facts, domain::MakeCut(*folded->facts, seq, std::nullopt)));
  REQUIRE(ledger.PutSnapshot(seq, replay::EncodeSnapshot(header, *folded->facts)).ok());
}

std::unique_ptr<Ledger> DemoStore(const TempDir& dir, int carriers) {
  REQUIRE(RunHatchery("demo --carriers " + std::to_string(carriers) + " --data " + dir.Sub("s"))
              .exit_code == 0);
  return std::move(Ledger::Open(dir.Sub("s"))).value();
}

TEST_CASE("snapshot: a fact base survives its archive and folds on from it", "[snapshot]") {
  TempDir dir;
  auto ledger = DemoStore(dir, 24);  // enough carriers for every kind of id
  std::uint64_t head = ledger->head().seq, middle = head / 2;
  auto whole = replay::Fold(*ledger, head, replay::Path::kFromStart);
  auto half = replay::Fold(*ledger, middle, replay::Path::kFromStart);
  REQUIRE((whole.ok() && half.ok()));

  auto loaded = domain::FactBase::Load(half->facts->Save());
  REQUIRE(loaded.ok());
  CHECK((*loaded)->last_seq() == middle);
  CHECK(DigestsAt(**loaded, middle) == DigestsAt(*half->facts, middle));
  CHECK((*loaded)->carrier_index() == half->facts->carrier_index());
  for (std::uint64_t seq : {std::uint64_t{1}, middle / 3, middle}) {
    CHECK((*loaded)->LatestEffective(seq) == half->facts->LatestEffective(seq));
  }
  // Folding on from the loaded base gives what folding from event 1 gives.
  REQUIRE(
      ledger->ForEach(middle + 1, head, [&](const Event& e) { return (*loaded)->Apply(e); }).ok());
  CHECK(DigestsAt(**loaded, head) == DigestsAt(*whole->facts, head));
  // And ids indexed across carriers come back from an archive (payouts, filings, workstations,
  // deals, funds, agreements, city fund support): the same owners, every kind met.
  auto reloaded = domain::FactBase::Load(whole->facts->Save());
  REQUIRE(reloaded.ok());
  std::set<std::string> kinds;
  for (const auto& [carrier, i] : whole->facts->carrier_index()) {
    for (const domain::Fact& f : whole->facts->stream(i).facts) {
      auto owned = [&](const char* kind, const std::string& id) {
        kinds.insert(kind);
        CHECK((*reloaded)->OwnerOf(kind, id) == std::optional<std::string_view>(carrier));
      };
      if (auto* p = std::get_if<domain::PayoutApproved>(&f.body)) owned("payout", p->payout_id);
      if (auto* b = std::get_if<domain::BrandOutputFiled>(&f.body)) owned("filing", b->filing_id);
      if (auto* w = std::get_if<domain::BrokerWorkstationOpened>(&f.body)) {
        owned("station", w->station_id);
      }
      if (auto* d = std::get_if<domain::TechTransferDealRecorded>(&f.body)) {
        owned("deal", d->deal_id);
      }
      if (auto* u = std::get_if<domain::FundEstablished>(&f.body)) owned("fund", u->fund_id);
      if (auto* a = std::get_if<domain::AgreementSigned>(&f.body)) {
        owned("agreement", a->agreement_id);
      }
      if (auto* g = std::get_if<domain::CityFundSupportGranted>(&f.body)) {
        owned("support", g->support_id);
      }
    }
  }
  CHECK(kinds.size() == 7);
  // Bytes that are not an archive are refused, not trusted.
  CHECK(domain::FactBase::Load("not an archive").status().code() == Code::kCorruption);
  std::string bytes = half->facts->Save();
  CHECK(domain::FactBase::Load(bytes.substr(0, bytes.size() / 2)).status().code() ==
        Code::kCorruption);
}

// Every parameter of a ruleset survives the archive: a fold from a snapshot that lost one would
// judge and derive with the default (the server and exports would then differ from a replay).
TEST_CASE("snapshot: a ruleset's params survive the archive", "[snapshot]") {
  testing::PolicyFixture f({{"payout_target_days", 30},
                            {"brand_output_late_days", 10},
                            {"report_deadline", "06-30"},
                            {"grade_scales", {{"national", {"excellent", "pass"}}}}});
  auto folded = replay::Fold(*f.ledger, f.ledger->head().seq, replay::Path::kFromStart);
  REQUIRE(folded.ok());
  auto loaded = domain::FactBase::Load(folded->facts->Save());
  REQUIRE(loaded.ok());
  REQUIRE((*loaded)->policy().rulesets.size() == 1);
  const domain::Ruleset& rs = (*loaded)->policy().rulesets.begin()->second;
  CHECK(rs.payout_target_days == 30);
  CHECK(rs.brand_output_late_days == 10);
  CHECK(rs.report_deadline_mmdd == 630);
  CHECK(rs.grade_scales == folded->facts->policy().rulesets.begin()->second.grade_scales);
  CHECK_FALSE(rs.OnScale(domain::Level::kNational, domain::Grade::kGood));
  CHECK(rs.OnScale(domain::Level::kRegional, domain::Grade::kGood));  // not named: every grade
}

TEST_CASE("snapshot: the fast path equals the path from event 1 at many random points",
          "[snapshot]") {
  TempDir dir;
  auto ledger = DemoStore(dir, 12);
  std::uint64_t head = ledger->head().seq;
  for (std::uint64_t seq : {head / 5, head / 2, head - 7}) PutSnapshotAt(*ledger, seq);

  auto points = replay::RandomPoints(*ledger, 60, 7);
  REQUIRE(points.ok());
  points->push_back({head, std::nullopt, std::nullopt});
  auto checks = replay::CheckPaths(*ledger, *points);
  REQUIRE(checks.ok());
  std::set<std::uint64_t> started_from;
  for (const auto& c : *checks) {
    INFO("seq " << c.seq << ": " << c.difference);
    CHECK(c.matches);
    started_from.insert(c.snapshot_seq);
  }
  // Every snapshot, and event 1, served some point.
  CHECK(started_from == std::set<std::uint64_t>{0, head / 5, head / 2, head - 7});

  // The fast path folds only the events after its snapshot, checking their chain.
  auto fast = replay::Replay(*ledger, {head, {}, {}}, replay::Path::kFromSnapshot);
  REQUIRE(fast.ok());
  CHECK(fast->folded.snapshot_seq == head - 7);
  CHECK(fast->folded.recorded_at == ledger->Get(head)->recorded_at);
}

TEST_CASE("snapshot: a cache — damaged ones are skipped, deleting them changes no answer",
          "[snapshot]") {
  TempDir dir;
  auto ledger = DemoStore(dir, 8);
  std::uint64_t head = ledger->head().seq;
  auto reference = replay::Replay(*ledger, {}, replay::Path::kFromStart);
  REQUIRE(reference.ok());
  PutSnapshotAt(*ledger, head / 2);
  PutSnapshotAt(*ledger, head - 3);

  SECTION("a flipped byte") {
    std::string bytes = *ledger->GetSnapshot(head - 3);
    bytes[bytes.size() - 10] ^= 0x01;
    REQUIRE(ledger->PutSnapshot(head - 3, bytes).ok());
    auto fast = replay::Replay(*ledger, {}, replay::Path::kFromSnapshot);
    REQUIRE(fast.ok());
    CHECK(fast->folded.snapshot_seq == head / 2);
    REQUIRE(fast->folded.skipped.size() == 1);
    CHECK_THAT(
        fast->folded.skipped[0],
        Catch::Contains("after event " + std::to_string(head - 3)) && Catch::Contains("checksum"));
    CHECK(Digests(fast->views) == Digests(reference->views));
  }
  SECTION("a snapshot of another history (its event hash is not the stored one)") {
    auto snapshot = replay::DecodeSnapshot(*ledger->GetSnapshot(head - 3));
    REQUIRE(snapshot.ok());
    snapshot->header.event_hash[0] ^= 0x01;
    REQUIRE(
        ledger->PutSnapshot(head - 3, replay::EncodeSnapshot(snapshot->header, *snapshot->facts))
            .ok());
    auto fast = replay::Replay(*ledger, {}, replay::Path::kFromSnapshot);
    REQUIRE(fast.ok());
    CHECK(fast->folded.snapshot_seq == head / 2);
    CHECK_THAT(fast->folded.skipped.at(0), Catch::Contains("event hash"));
  }
  SECTION("every snapshot deleted") {
    auto seqs = ledger->SnapshotSeqs();
    REQUIRE(seqs.ok());
    for (std::uint64_t seq : *seqs) REQUIRE(ledger->DeleteSnapshot(seq).ok());
    auto fast = replay::Replay(*ledger, {}, replay::Path::kFromSnapshot);
    REQUIRE(fast.ok());
    CHECK(fast->folded.snapshot_seq == 0);
    CHECK(Digests(fast->views) == Digests(reference->views));
  }
}

TEST_CASE("snapshot: a forged snapshot that is consistent in itself is caught by the check",
          "[snapshot]") {
  TempDir dir;
  auto ledger = DemoStore(dir, 8);
  std::uint64_t head = ledger->head().seq;
  // The facts of the first half of the log with every accreditation's level raised to national:
  // the checksum and event hash are right, the content is not.
  std::uint64_t at = head / 2;
  auto folded = replay::Fold(*ledger, at, replay::Path::kFromStart);
  REQUIRE(folded.ok());
  domain::FactBase forged;
  REQUIRE(ledger
              ->ForEach(1, at,
                        [&](const Event& e) {
                          Event copy = e;
                          if (copy.type == "AccreditationGranted") copy.data["level"] = "national";
                          return forged.Apply(copy);
                        })
              .ok());
  replay::SnapshotHeader header{at, ledger->Get(at)->hash, {}};
  REQUIRE(ledger->PutSnapshot(at, replay::EncodeSnapshot(header, forged)).ok());

  auto checks = replay::CheckPaths(*ledger, {{head, {}, {}}});
  REQUIRE(checks.ok());
  REQUIRE(checks->size() == 1);
  CHECK(checks->at(0).snapshot_seq == at);
  CHECK_FALSE(checks->at(0).matches);
  CHECK_THAT(checks->at(0).difference, Catch::Contains("from the snapshot"));
  ledger.reset();
  auto cli = RunHatchery("replay --check --points 3 --data " + dir.Sub("s"));
  CHECK(cli.exit_code == 1);
  CHECK_THAT(cli.out, Catch::Contains("DISAGREE"));
}

TEST_CASE("snapshot: kept every N events, the newest four", "[snapshot]") {
  TempDir dir;
  REQUIRE(Ledger::Create(dir.Sub("s")).ok());
  auto rules = std::make_shared<domain::PolicyRules>();
  auto ledger = std::move(Ledger::Open(dir.Sub("s"), LedgerOptions{rules})).value();
  auto acts = demo::GenerateHistory({12, demo::HistoryOptions{}.seed});
  std::vector<std::uint64_t> taken;
  for (const auto& act : acts) {
    REQUIRE(ledger->Append(act.actor, {act.command})[0].ok());
    auto header = replay::SnapshotIfDue(*ledger, rules->facts(), 20);
    REQUIRE(header.ok());
    if (*header) taken.push_back((*header)->seq);
  }
  REQUIRE(taken.size() >= 5);
  for (std::size_t i = 1; i < taken.size(); ++i) CHECK(taken[i] - taken[i - 1] == 20);
  auto kept = ledger->SnapshotSeqs();
  REQUIRE(kept.ok());
  CHECK(*kept == std::vector<std::uint64_t>(taken.end() - replay::kSnapshotsKept, taken.end()));
  // Each records the state the path from event 1 gives at its seq.
  auto whole = replay::Fold(*ledger, ledger->head().seq, replay::Path::kFromStart);
  for (std::uint64_t seq : *kept) {
    auto snapshot = replay::DecodeSnapshot(*ledger->GetSnapshot(seq));
    REQUIRE(snapshot.ok());
    CHECK(Digests(snapshot->header.views) == DigestsAt(*whole->facts, seq));
  }
}

TEST_CASE("snapshot: the command line keeps, lists, uses and drops them", "[snapshot][cli]") {
  TempDir dir;
  std::string data = " --data " + dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 4" + data).exit_code == 0);
  auto taken = RunHatchery("snapshot" + data);
  REQUIRE(taken.exit_code == 0);
  CHECK_THAT(taken.out, Catch::Contains("kept a snapshot after event"));
  CHECK_THAT(RunHatchery("snapshot --list" + data).out, Catch::Contains("readable"));
  auto fast = RunHatchery("replay --from-snapshot" + data);
  CHECK(fast.exit_code == 0);
  CHECK_THAT(fast.out, Catch::Contains("replayed 0 events from the snapshot after event"));
  auto check = RunHatchery("replay --check --points 5" + data);
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Catch::Contains("agree everywhere"));
  CHECK_THAT(RunHatchery("snapshot --drop-all" + data).out, Catch::Contains("deleted 1 snapshot"));
  CHECK_THAT(RunHatchery("snapshot --list" + data).out, Catch::Contains("0 snapshots"));
}

}  // namespace
}  // namespace hatchery
