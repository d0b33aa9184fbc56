// domain::CarrierMemo: a remembered carrier projection is handed out only while its inputs are
// unchanged, so every answer equals a fresh ProjectCarrier.
#include "domain/views/carrier_memo.h"

#include <catch2/catch.hpp>

#include "domain/fold/ruleset.h"
#include "policy_fixture.h"

namespace hatchery::testing {
namespace {

namespace bj = boost::json;

constexpr std::string_view kCarrierViews[] = {"carriers", "entitlements", "payouts", "compliance",
                                              "indicators"};

// Every per-carrier view's rows of `p`.
std::vector<bj::array> Rows(const domain::Projection& p) {
  std::vector<bj::array> rows;
  for (std::string_view view : kCarrierViews) rows.push_back(*domain::ViewRows(p, view));
  return rows;
}

// The memo's answer for `carrier` under `cut`, checked against a fresh derivation.
std::vector<bj::array> Checked(domain::CarrierMemo& memo, const domain::FactBase& facts,
                               const domain::Cut& cut, const std::string& carrier) {
  auto fresh = Rows(domain::ProjectCarrier(facts, cut, carrier));
  auto remembered = Rows(*memo.Get(facts, cut, carrier));
  CHECK(remembered == fresh);
  return fresh;
}

// A fact base that follows a fixture's store, with a memo of its carriers.
struct Follower {
  explicit Follower(const PolicyFixture& fixture) : f(fixture) { CatchUp(); }
  // Folds the store's events that are new since the last call.
  void CatchUp() {
    REQUIRE(f.ledger
                ->ForEach(facts.last_seq() + 1, f.ledger->head().seq,
                          [&](const Event& e) { return facts.Apply(e); })
                .ok());
  }
  std::vector<bj::array> At(const std::string& carrier) {
    return Checked(memo, facts, domain::MakeCut(facts, facts.last_seq(), std::nullopt), carrier);
  }

  const PolicyFixture& f;
  domain::FactBase facts;
  domain::CarrierMemo memo;
};

// A demo store of `carriers` carriers, opened read-only.
struct MemoDemo {
  explicit MemoDemo(int carriers) {
    REQUIRE(RunHatchery("demo --carriers " + std::to_string(carriers) + " --data " + dir.Sub("s"))
                .exit_code == 0);
    LedgerOptions options;
    options.read_only = true;
    auto opened = Ledger::Open(dir.Sub("s"), options);
    REQUIRE(opened.ok());
    ledger = std::move(opened).value();
  }
  TempDir dir;
  std::unique_ptr<Ledger> ledger;
};

TEST_CASE("carrier memo: equal to a fresh derivation at every event of a demo history", "[memo]") {
  MemoDemo demo(12);
  domain::FactBase facts;
  domain::CarrierMemo memo;
  Status folded = demo.ledger->ForEach(1, demo.ledger->head().seq, [&](const Event& e) {
    RETURN_IF_ERROR(facts.Apply(e));
    std::uint64_t head = facts.last_seq();
    for (const auto& [carrier, index] : facts.carrier_index()) {
      INFO(carrier << " after event " << head);
      Checked(memo, facts, domain::MakeCut(facts, head, std::nullopt), carrier);
      Checked(memo, facts, domain::MakeCut(facts, head, 20241231), carrier);
      Checked(memo, facts, domain::MakeCut(facts, head / 2, std::nullopt), carrier);
    }
    return Status::Ok();
  });
  REQUIRE(folded.ok());
  // Both ways were taken many times: answers handed out again, and answers derived again.
  CHECK(memo.hits() > 1000);
  CHECK(memo.misses() > 1000);
}

TEST_CASE("carrier memo: the whole projection remembered equals a fresh one at every event",
          "[memo]") {
  MemoDemo demo(6);
  domain::FactBase facts;
  domain::CarrierMemo memo;
  auto check = [&](const domain::Cut& cut) {
    domain::Projection fresh = domain::Project(facts, cut);
    auto remembered = memo.GetAll(facts, cut);
    for (std::string_view view : domain::kViews) {
      CHECK(*domain::ViewRows(*remembered, view) == *domain::ViewRows(fresh, view));
    }
  };
  Status folded = demo.ledger->ForEach(1, demo.ledger->head().seq, [&](const Event& e) {
    RETURN_IF_ERROR(facts.Apply(e));
    const std::uint64_t head = facts.last_seq();
    INFO("after event " << head);
    // Three points taking turns, the head between each of the others: it is handed out again
    // while the other two push each other out (two are kept).
    const domain::Cut now = domain::MakeCut(facts, head, std::nullopt);
    check(now);
    check(domain::MakeCut(facts, head, 20241231));
    check(now);
    check(domain::MakeCut(facts, head / 2, std::nullopt));
    check(now);
    return Status::Ok();
  });
  REQUIRE(folded.ok());
  CHECK(memo.hits() > 100);
  CHECK(memo.misses() > 100);
}

TEST_CASE("carrier memo: another carrier's later event moves today and re-derives", "[memo]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2023-06-01");
  Follower follower(f);
  auto before = follower.At("inc-1");
  // inc-2's registration after the 2023 report deadline: inc-1's 2023 report is now missing.
  f.Register("inc-2", "incubator", "comprehensive", "2024-04-15");
  follower.CatchUp();
  auto after = follower.At("inc-1");
  CHECK(after != before);
  CHECK(after[3].size() == 1);  // the compliance view: one missing_annual_report flag
}

TEST_CASE("carrier memo: a later ruleset activation re-derives the carriers it applies to",
          "[memo]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "national", "accredited", "2024-06-01");
  Follower follower(f);
  auto before = follower.At("inc-1");
  bj::object next = domain::DefaultRulesetData();
  next["ruleset_id"] = "TCB-2024-1";
  next["effective_from"] = "2024-01-01";
  next["rules"].as_array()[0].as_object()["amount_fen"] = 2'000'000'00;
  auto activated = f.ledger->Append(kAdmin, {domain::RulesetCommand(std::move(next))})[0];
  REQUIRE(activated.ok());
  follower.CatchUp();
  auto after = follower.At("inc-1");
  CHECK(after != before);
  CHECK(after[1].at(0).at("ruleset_id") == "TCB-2024-1");
}

TEST_CASE("carrier memo: bounded, it starts over when full", "[memo]") {
  PolicyFixture f;
  for (const char* id : {"inc-1", "inc-2", "inc-3"}) f.Register(id, "incubator", "comprehensive");
  Follower follower(f);
  follower.memo = domain::CarrierMemo(2);
  follower.At("inc-1");
  follower.At("inc-2");
  CHECK(follower.memo.size() == 2);
  follower.At("inc-3");  // full: starts over with inc-3 alone
  CHECK(follower.memo.size() == 1);
  follower.At("inc-3");
  follower.At("inc-1");
  CHECK(follower.memo.hits() == 1);
  CHECK(follower.memo.misses() == 4);
}

}  // namespace
}  // namespace hatchery::testing
