// PolicyRules::Standing: the writer keeps each carrier's derived outcome while no fact changes its
// standing (derive.h, ChangesStanding). Whatever it hands the invariants must equal, in every part
// they read, a fresh derivation with every fact so far.
#include <catch2/catch.hpp>
#include <sstream>

#include "demo/history.h"
#include "domain/derive.h"
#include "policy_fixture.h"

namespace hatchery::testing {
namespace {

// The parts of an outcome the invariants read, as text that differs when any of them does.
std::string StandingText(const domain::CarrierOutcome* c) {
  if (!c) return "not registered";
  std::ostringstream out;
  out << "kind " << domain::Name(c->kind) << " registered " << c->registered_seq << "\n";
  for (const auto& [level, h] : c->holdings)
    out << "holds " << domain::Name(level) << " " << h.seq << "\n";
  for (const auto& t : c->timeline)
    out << t.seq << " " << t.action << " " << domain::Name(t.level) << "\n";
  for (const auto& e : c->evaluations) {
    out << "evaluated " << e.seq << " " << domain::Name(e.level) << " " << e.year << " "
        << domain::Name(e.grade) << "\n";
  }
  for (const auto& e : c->entitlements) {
    out << e.id << " " << e.status << " " << e.amount_fen << " " << e.approved_fen << " "
        << e.disbursed_fen << " " << e.recovered_fen << "\n";
  }
  for (const auto& p : c->payouts) {
    out << p.payout_id << " " << p.entitlement_id << " " << p.amount_fen << " " << p.status << " "
        << p.approved_by << "\n";
  }
  return out.str();
}

// Folds `events` one by one into fresh rules, asking every carrier's standing after each event
// (so that remembered outcomes meet every kind of later fact), and checks each answer against a
// fresh derivation. Returns how many answers had been remembered through a fact.
int CheckStandingAfterEachEvent(const std::vector<Event>& events) {
  domain::PolicyRules rules;
  int kept = 0;
  for (const Event& event : events) {
    const domain::FactBase& facts = rules.facts();
    std::string carrier(domain::CarrierOfStream(event.stream));
    const domain::CarrierOutcome* before = carrier.empty() ? nullptr : rules.Standing(carrier);
    rules.Apply(event);
    REQUIRE(rules.health().ok());
    domain::Cut all = domain::MakeCut(facts, std::nullopt, std::nullopt);
    for (const auto& [id, index] : facts.carrier_index()) {
      auto fresh =
          domain::DeriveCarrier(facts.stream(index), domain::Policy(facts.policy(), all), all);
      const domain::CarrierOutcome* remembered = rules.Standing(id);
      INFO(id << " after event " << event.seq << " (" << event.type << ")");
      REQUIRE(StandingText(remembered) == StandingText(fresh ? &*fresh : nullptr));
      if (id == carrier && before && remembered == before) ++kept;
    }
  }
  return kept;
}

TEST_CASE("standing: the writer's remembered outcomes equal fresh ones after every demo event",
          "[standing]") {
  auto events = demo::AsEvents(demo::GenerateHistory({.carriers = 24}));
  // Both ways were taken: outcomes kept through facts, and re-derived.
  CHECK(CheckStandingAfterEachEvent(events) > 100);
}

TEST_CASE("standing: kept through backdated amendments, re-derived for money, grants, retractions",
          "[standing]") {
  PolicyFixture f;
  const std::string s = "carrier/inc-1";
  auto amend = [&](const std::string& date) {
    f.Ok("CarrierProfileAmended", s,
         R"({"carrier_id":"inc-1","changes":{"name":"通辽市科技企业孵化器)" + date + R"("}})",
         date);
  };
  auto reg = f.Register("inc-1", "incubator", "comprehensive", "2022-03-01");
  amend("2022-04-01");
  auto grant = f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  amend("2022-06-01");  // recorded after the grant, effective before it
  f.Approve("inc-1", "p-1", "R2:inc-1", 100'000, "2023-09-01");
  f.Ok("BrokerWorkstationOpened", s, R"({"station_id":"ws-1","carrier_id":"inc-1"})", "2023-09-02");
  f.Disburse("inc-1", "p-1", "2023-09-10");
  f.Ok("AnnualReportSubmitted", s,
       R"({"carrier_id":"inc-1","year":2023,"metrics":{"incubated_firms":12}})", "2024-03-20");
  f.Evaluate("inc-1", "regional", 2023, "fail", "2024-04-01");
  amend("2024-04-02");
  f.Retract(s, grant, "2024-05-01");  // the payout becomes a claw-back due
  amend("2024-05-02");
  f.Grant("inc-1", "national", "accredited", "2024-06-01", "standard");
  f.Approve("inc-1", "p-2", "R1:inc-1", 200'000, "2024-07-01");
  amend("2024-07-02");
  f.Retract(s, reg, "2024-08-01");  // no longer registered
  std::vector<Event> events;
  REQUIRE(f.ledger
              ->ForEach(1, f.ledger->head().seq,
                        [&](const Event& e) {
                          events.push_back(e);
                          return Status::Ok();
                        })
              .ok());
  CHECK(CheckStandingAfterEachEvent(events) >= 5);
}

TEST_CASE("standing: profile, activity and filing facts are the ones that keep it", "[standing]") {
  using namespace domain;
  CHECK_FALSE(ChangesStanding(ProfileAmended{}));
  CHECK_FALSE(ChangesStanding(BrandOutputFiled{}));
  CHECK_FALSE(ChangesStanding(BrandOutputStarted{}));
  CHECK_FALSE(ChangesStanding(BrokerWorkstationOpened{}));
  CHECK_FALSE(ChangesStanding(BrokerQualified{}));
  CHECK_FALSE(ChangesStanding(FundEstablished{}));
  CHECK_FALSE(ChangesStanding(AnnualReportSubmitted{}));
  CHECK(ChangesStanding(Registered{}));
  CHECK(ChangesStanding(AccreditationGranted{}));
  CHECK(ChangesStanding(AccreditationRevoked{}));
  CHECK(ChangesStanding(EvaluationRecorded{}));
  CHECK(ChangesStanding(PayoutApproved{}));
  CHECK(ChangesStanding(PayoutDisbursed{}));
  CHECK(ChangesStanding(ClawbackRecovered{}));
  CHECK(ChangesStanding(EventRetracted{1}));
  CHECK(ChangesStanding(RulesetActivated{}));
}

}  // namespace
}  // namespace hatchery::testing
