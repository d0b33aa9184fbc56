// The money rules R1–R6 of TCB-2023-2 §3.1 and every interpretation of POLICY.md, one case each,
// on a real store with the policy domain plugged in.
#include <catch2/catch.hpp>

#include "policy_fixture.h"

namespace hatchery::testing {
namespace {

namespace bj = boost::json;
using domain::Entitlement;

constexpr std::int64_t kYuan = 100;  // fen

// The entitlement `id` now, required to exist.
Entitlement Ent(const PolicyFixture& f, const std::string& id) {
  auto p = f.Now();
  const Entitlement* e = FindEntitlement(p, id);
  INFO(id);
  REQUIRE(e != nullptr);
  return *e;
}

bool Exists(const PolicyFixture& f, const std::string& id) {
  return FindEntitlement(f.Now(), id) != nullptr;
}

TEST_CASE("R1: a newly accredited national incubator is owed 1,000,000 yuan", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  auto seq = f.Grant("inc-1", "national", "accredited", "2024-03-01");
  Entitlement e = Ent(f, "R1:inc-1");
  CHECK(e.amount_fen == 1'000'000 * kYuan);
  CHECK(e.status == "active");
  CHECK(e.rule_id == "R1");
  CHECK(e.ruleset_id == "TCB-2023-2");
  CHECK(e.ruleset_seq == 1);
  CHECK(e.clause == "TCB-2023-2 §3.1");
  CHECK(e.seqs == std::vector<std::uint64_t>{seq});
  CHECK(e.outstanding_fen() == e.amount_fen);
}

TEST_CASE("R1 needs accreditation: a filed national incubator gets nothing", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "specialized");
  f.Grant("inc-1", "national", "filed", "2024-03-01");
  CHECK_FALSE(Exists(f, "R1:inc-1"));
}

TEST_CASE("R2: a newly accredited regional incubator is owed 500,000 yuan", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2024-03-01");
  CHECK(Ent(f, "R2:inc-1").amount_fen == 500'000 * kYuan);
  CHECK_FALSE(Exists(f, "R1:inc-1"));
}

TEST_CASE("R3: a national maker space, accredited or filed, is owed 300,000 yuan", "[rules]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Register("ms-2", "maker_space", "university");
  f.Grant("ms-1", "national", "filed", "2024-03-01");
  f.Grant("ms-2", "national", "accredited", "2024-03-01");
  CHECK(Ent(f, "R3:ms-1").amount_fen == 300'000 * kYuan);
  CHECK(Ent(f, "R3:ms-2").amount_fen == 300'000 * kYuan);
}

TEST_CASE("R4: a national star space (星创天地) is owed 300,000 yuan", "[rules]") {
  PolicyFixture f;
  f.Register("ss-1", "star_space", "social");
  f.Grant("ss-1", "national", "filed", "2024-03-01");
  CHECK(Ent(f, "R4:ss-1").amount_fen == 300'000 * kYuan);
}

TEST_CASE("R5: a regional maker space waits for its first regional evaluation", "[rules]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  auto approval = f.Grant("ms-1", "regional", "filed", "2023-06-01");
  Entitlement pending = Ent(f, "R5:ms-1");
  CHECK(pending.status == "pending");
  CHECK(pending.outstanding_fen() == 0);
  auto eval = f.Evaluate("ms-1", "regional", 2024, "excellent", "2024-11-20");
  Entitlement e = Ent(f, "R5:ms-1");
  CHECK(e.status == "active");
  CHECK(e.amount_fen == 200'000 * kYuan);
  CHECK(e.seqs == std::vector<std::uint64_t>{approval, eval});
  REQUIRE(e.history.size() == 2);
  CHECK(e.history[1].seq == eval);
}

TEST_CASE("R6: a regional star space whose first evaluation is excellent gets 100,000 yuan",
          "[rules]") {
  PolicyFixture f;
  f.Register("ss-1", "star_space", "university");
  f.Grant("ss-1", "regional", "accredited", "2023-06-01");
  f.Evaluate("ss-1", "regional", 2024, "excellent", "2024-11-20");
  CHECK(Ent(f, "R6:ss-1").amount_fen == 100'000 * kYuan);
}

TEST_CASE("R5/R6 look only at the first evaluation: a later excellent does not help", "[rules]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "regional", "filed", "2023-06-01");
  f.Evaluate("ms-1", "regional", 2023, "pass", "2023-12-01");
  CHECK_FALSE(Exists(f, "R5:ms-1"));
  f.Evaluate("ms-1", "regional", 2024, "excellent", "2024-12-01");
  CHECK_FALSE(Exists(f, "R5:ms-1"));
}

TEST_CASE("R5: a national evaluation is not the regional evaluation it waits for", "[rules]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "regional", "filed", "2023-06-01");
  f.Grant("ms-1", "national", "filed", "2023-08-01");
  f.Evaluate("ms-1", "national", 2023, "fail", "2023-12-01");
  CHECK(Ent(f, "R5:ms-1").status == "pending");
}

TEST_CASE("newly: an accreditation effective before the ruleset is history only", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2019-05-01");
  f.Grant("inc-1", "regional", "accredited", "2023-03-26");
  CHECK_FALSE(Exists(f, "R2:inc-1"));
  auto p = f.Now();
  REQUIRE(p.carriers.size() == 1);
  CHECK(p.carriers[0].holdings.contains(domain::Level::kRegional));
  f.Grant("inc-1", "national", "accredited", "2023-03-27");  // the day it takes effect
  CHECK(Exists(f, "R1:inc-1"));
}

TEST_CASE("one-time: losing and regaining a level creates no second entitlement", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  f.Revoke("inc-1", "regional", "voluntary", "2024-01-01");
  f.Grant("inc-1", "regional", "accredited", "2025-05-01");
  auto p = f.Now();
  REQUIRE(p.carriers[0].entitlements.size() == 1);
  CHECK(p.carriers[0].entitlements[0].triggered_on == 20230501);
}

TEST_CASE("upgrade full: regional then national pays both rules in full", "[rules]") {
  PolicyFixture f;  // the shipped ruleset says "full"
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  f.Grant("inc-1", "national", "accredited", "2024-05-01");
  CHECK(Ent(f, "R2:inc-1").amount_fen == 500'000 * kYuan);
  CHECK(Ent(f, "R1:inc-1").amount_fen == 1'000'000 * kYuan);
}

TEST_CASE("upgrade difference: the national award is reduced by the regional one", "[rules]") {
  PolicyFixture f({{"upgrade", "difference"}});
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  f.Grant("inc-1", "national", "accredited", "2024-05-01");
  CHECK(Ent(f, "R2:inc-1").status == "active");
  CHECK(Ent(f, "R1:inc-1").amount_fen == 500'000 * kYuan);
}

TEST_CASE("upgrade highest_only, lower unpaid: the lower award is voided, the higher paid in full",
          "[rules]") {
  PolicyFixture f({{"upgrade", "highest_only"}});
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  auto national = f.Grant("inc-1", "national", "accredited", "2024-05-01");
  Entitlement low = Ent(f, "R2:inc-1");
  CHECK(low.status == "voided");
  CHECK(low.history.back().seq == national);
  CHECK(Ent(f, "R1:inc-1").amount_fen == 1'000'000 * kYuan);
}

TEST_CASE("upgrade highest_only, lower paid: the higher award pays the difference", "[rules]") {
  PolicyFixture f({{"upgrade", "highest_only"}});
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  f.Approve("inc-1", "p-1", "R2:inc-1", 100'000 * kYuan, "2023-09-01");
  f.Grant("inc-1", "national", "accredited", "2024-05-01");
  CHECK(Ent(f, "R2:inc-1").status == "active");
  CHECK(Ent(f, "R1:inc-1").amount_fen == 500'000 * kYuan);
}

TEST_CASE("tiers: the ruleset says which national tiers count for R1", "[rules]") {
  PolicyFixture f({{"national_tiers", bj::array{"excellence"}}});
  f.Register("inc-1", "incubator", "comprehensive");
  f.Register("inc-2", "incubator", "comprehensive");
  f.Grant("inc-1", "national", "accredited", "2025-06-01", "standard");
  f.Grant("inc-2", "national", "accredited", "2025-06-01", "excellence");
  CHECK_FALSE(Exists(f, "R1:inc-1"));
  CHECK(Exists(f, "R1:inc-2"));
}

TEST_CASE("tiers: by default any tier, and no tier, counts", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  f.Register("inc-2", "incubator", "comprehensive");
  f.Grant("inc-1", "national", "accredited", "2025-06-01", "standard");
  f.Grant("inc-2", "national", "accredited", "2024-06-01");
  CHECK(Exists(f, "R1:inc-1"));
  CHECK(Exists(f, "R1:inc-2"));
}

TEST_CASE("a late-recorded earlier evaluation becomes the first, and the award moves with it",
          "[rules]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "regional", "filed", "2023-06-01");
  auto excellent = f.Evaluate("ms-1", "regional", 2024, "excellent", "2024-12-01");
  CHECK(Ent(f, "R5:ms-1").status == "active");
  auto late = f.Evaluate("ms-1", "regional", 2023, "pass", "2023-12-01");
  CHECK_FALSE(Exists(f, "R5:ms-1"));
  // As known before the late event, the award stood.
  CHECK(FindEntitlement(f.At(excellent), "R5:ms-1")->status == "active");
  CHECK(FindEntitlement(f.At(late), "R5:ms-1") == nullptr);
}

TEST_CASE("a late evaluation that would undo an award with money on it is refused", "[rules]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "regional", "filed", "2023-06-01");
  f.Evaluate("ms-1", "regional", 2024, "excellent", "2024-12-01");
  auto approval = f.Approve("ms-1", "p-1", "R5:ms-1", 5'000'000, "2025-01-10");
  // Recorded late, the 2023 evaluation would be the first after the approval: R5 would never
  // have fired, and the approval would stand on an award never active (EVENTS.md "One timeline").
  auto late =
      f.Try("EvaluationRecorded", "carrier/ms-1",
            R"({"carrier_id":"ms-1","level":"regional","year":2023,"grade":"pass"})", "2023-12-01");
  REQUIRE_FALSE(late.ok());
  CHECK(late.status().details().at("invariant") == "entitlement_active");
  CHECK(late.status().details().at("would_invalidate") == approval);
}

TEST_CASE("money approved on an award a retraction undid: voided by the retraction, paid money due",
          "[rules]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "regional", "filed", "2023-06-01");
  auto first = f.Evaluate("ms-1", "regional", 2024, "excellent", "2024-12-01");
  f.Approve("ms-1", "p-1", "R5:ms-1", 5'000'000, "2025-01-10");
  f.Disburse("ms-1", "p-1", "2025-01-20");
  f.Approve("ms-1", "p-2", "R5:ms-1", 1'000'000, "2025-02-10");
  f.Evaluate("ms-1", "regional", 2025, "pass", "2025-12-01");
  // The excellent evaluation was recorded in error: the 2025 one is the first after the approval.
  auto retraction = f.Retract("carrier/ms-1", first, "2026-01-05");
  Entitlement e = Ent(f, "R5:ms-1");
  CHECK(e.status == "voided");
  CHECK(e.history.back().seq == retraction);
  CHECK(e.approved_fen == 6'000'000);
  CHECK(e.clawback_due_fen() == 5'000'000);
  auto p = f.Now();
  CHECK(p.carriers[0].payouts[1].status == "void");
}

TEST_CASE("misconduct revocation voids, and disbursed money becomes a claw-back due", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  f.Approve("inc-1", "p-1", "R2:inc-1", 300'000 * kYuan, "2023-09-01");
  f.Disburse("inc-1", "p-1", "2023-09-15");
  f.Approve("inc-1", "p-2", "R2:inc-1", 100'000 * kYuan, "2023-10-01");
  auto revoked = f.Revoke("inc-1", "regional", "misconduct", "2024-02-01");
  Entitlement e = Ent(f, "R2:inc-1");
  CHECK(e.status == "voided");
  CHECK(e.history.back().seq == revoked);
  CHECK(e.outstanding_fen() == 0);
  CHECK(e.disbursed_fen == 300'000 * kYuan);
  CHECK(e.clawback_due_fen() == 300'000 * kYuan);
  auto p = f.Now();
  REQUIRE(p.carriers[0].payouts.size() == 2);
  CHECK(p.carriers[0].payouts[1].status == "void");  // approved, never disbursed
}

TEST_CASE("other revocations leave earned entitlements alone", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  f.Revoke("inc-1", "regional", "failed_evaluation", "2024-02-01");
  CHECK(Ent(f, "R2:inc-1").status == "active");
}

TEST_CASE("a retraction voids what was derived from the retracted event, paid money is due back",
          "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  auto grant = f.Grant("inc-1", "national", "accredited", "2024-03-01");
  f.Approve("inc-1", "p-1", "R1:inc-1", 400'000 * kYuan, "2024-05-01");
  auto paid = f.Disburse("inc-1", "p-1", "2024-05-10");
  auto retraction = f.Retract("carrier/inc-1", grant, "2024-08-01");
  Entitlement e = Ent(f, "R1:inc-1");
  CHECK(e.status == "voided");
  CHECK(e.history.back().seq == retraction);
  CHECK(e.clawback_due_fen() == 400'000 * kYuan);
  CHECK(f.Now().carriers[0].holdings.empty());
  // Before the retraction was recorded, the accreditation still counted.
  auto as_of_payment = f.At(paid);
  const Entitlement* before = FindEntitlement(as_of_payment, "R1:inc-1");
  REQUIRE(before != nullptr);
  CHECK(before->status == "active");
  CHECK(before->outstanding_fen() == 600'000 * kYuan);
}

TEST_CASE("a retracted accreditation with a genuine one later: the award follows the genuine one",
          "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  auto wrong = f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  f.Retract("carrier/inc-1", wrong, "2023-06-01");
  auto right = f.Grant("inc-1", "regional", "accredited", "2023-07-01");
  Entitlement e = Ent(f, "R2:inc-1");
  CHECK(e.status == "active");
  CHECK(e.seqs == std::vector<std::uint64_t>{right});
}

TEST_CASE("a later ruleset takes over from its effective_from and leaves the past alone",
          "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  f.Register("inc-2", "incubator", "comprehensive");
  f.Grant("inc-1", "national", "accredited", "2024-06-01");
  bj::object next = domain::DefaultRulesetData();
  next["ruleset_id"] = "TCB-2025-1";
  next["effective_from"] = "2025-01-01";
  next["rules"].as_array()[0].as_object()["amount_fen"] = 2'000'000 * kYuan;
  auto activation = domain::RulesetCommand(std::move(next));
  auto seq = f.ledger->Append(kAdmin, {activation})[0];
  REQUIRE(seq.ok());
  f.Grant("inc-2", "national", "accredited", "2025-02-01");
  CHECK(Ent(f, "R1:inc-1").amount_fen == 1'000'000 * kYuan);
  CHECK(Ent(f, "R1:inc-1").ruleset_id == "TCB-2023-2");
  CHECK(Ent(f, "R1:inc-2").amount_fen == 2'000'000 * kYuan);
  CHECK(Ent(f, "R1:inc-2").ruleset_id == "TCB-2025-1");
  CHECK(Ent(f, "R1:inc-2").ruleset_seq == seq->seq);
}

TEST_CASE("two failed evaluations in a row at a level flag revocation_due", "[rules]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2020-01-10");
  f.Grant("inc-1", "regional", "accredited", "2021-05-01");
  f.Evaluate("inc-1", "regional", 2022, "fail", "2022-12-01");
  f.Evaluate("inc-1", "regional", 2023, "pass", "2023-12-01");
  f.Evaluate("inc-1", "regional", 2024, "fail", "2024-12-01");
  CHECK(FlagsNamed(f.Now(), "revocation_due").empty());
  auto second = f.Evaluate("inc-1", "regional", 2025, "fail", "2025-12-01");
  auto flags = FlagsNamed(f.Now(), "revocation_due");
  REQUIRE(flags.size() == 1);
  CHECK(flags[0].seqs.back() == second);
  // The system flags; only a recorded revocation ends it.
  f.Revoke("inc-1", "regional", "failed_evaluation", "2026-01-10");
  CHECK(FlagsNamed(f.Now(), "revocation_due").empty());
}

}  // namespace
}  // namespace hatchery::testing
