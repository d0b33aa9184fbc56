// PolicyRules::CarrierState: the writer remembers each carrier's walk (walk.h) and takes it a step
// further when a fact is recorded at the end of the carrier's timeline. Whatever it hands the
// invariants must equal, in every part they read, a fresh walk of every fact so far.
#include <catch2/catch.hpp>
#include <sstream>

#include "demo/history.h"
#include "domain/views/derive.h"
#include "policy_fixture.h"

namespace hatchery::testing {
namespace {

// What the invariants read of a walk — its place, breaches, entitlements and tallies — and the
// outcome it would finish with, as text that differs when any of them does.
std::string StateText(const domain::Walk* w) {
  if (!w) return "no facts";
  std::ostringstream out;
  out << "registered " << w->registered() << " kind " << domain::Name(w->kind()) << " at "
      << w->last_effective() << "\n";
  for (const auto& b : w->breaches()) out << "breach " << b.seq << " " << b.invariant << "\n";
  for (const auto& [id, e] : w->entitlements()) {
    out << id << " " << e.status << " " << e.amount_fen << "\n";
  }
  for (const auto& [id, t] : w->tallies()) {
    out << id << " " << t.approved << " " << t.disbursed << " " << t.recovered << "\n";
  }
  domain::Walk copy = *w;
  auto ents = copy.entitlements();
  domain::CarrierOutcome c = std::move(copy).Finish(std::move(ents), 0);
  for (const auto& [level, h] : c.holdings) {
    out << "holds " << domain::Name(level) << " " << h.seq << "\n";
  }
  for (const auto& t : c.timeline) {
    out << t.seq << " " << t.action << " " << domain::Name(t.level) << "\n";
  }
  for (const auto& e : c.evaluations) {
    out << "evaluated " << e.seq << " " << domain::Name(e.level) << " " << e.year << " "
        << domain::Name(e.grade) << "\n";
  }
  for (const auto& p : c.payouts) {
    out << p.payout_id << " " << p.entitlement_id << " " << p.amount_fen << " " << p.status << " "
        << p.approved_by.Describe() << "\n";
  }
  return out.str();
}

// Folds `events` one by one into fresh rules, asking every carrier's state after each event (so
// that remembered walks meet every kind of later fact), and checks each answer against a fresh
// walk. Returns how many answers had been remembered through a fact.
int CheckStateAfterEachEvent(const std::vector<Event>& events) {
  domain::PolicyRules rules;
  int kept = 0;
  for (const Event& event : events) {
    const domain::FactBase& facts = rules.facts();
    std::string carrier(domain::CarrierOfStream(event.stream));
    const domain::Walk* remembered_before = carrier.empty() ? nullptr : rules.CarrierState(carrier);
    rules.Apply(event);
    REQUIRE(rules.health().ok());
    domain::Policy policy(facts.policy(), domain::Cut{});
    for (const auto& [id, index] : facts.carrier_index()) {
      domain::Walk fresh(policy, id);
      fresh.Run(domain::CountingFacts(facts.stream(index), domain::Cut{}));
      const domain::Walk* remembered = rules.CarrierState(id);
      INFO(id << " after event " << event.seq << " (" << event.type << ")");
      REQUIRE(StateText(remembered) == StateText(&fresh));
      if (id == carrier && remembered_before && remembered == remembered_before) ++kept;
    }
  }
  return kept;
}

TEST_CASE("standing: the writer's remembered walks equal fresh ones after every demo event",
          "[standing]") {
  auto events = demo::AsEvents(demo::GenerateHistory({.carriers = 24}));
  // Both ways were taken: walks stepped through facts, and walked afresh.
  CHECK(CheckStateAfterEachEvent(events) > 100);
}

TEST_CASE("standing: stepped at the end of the timeline, walked afresh after back-dated facts",
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
  CHECK(CheckStateAfterEachEvent(events) >= 5);
}

}  // namespace
}  // namespace hatchery::testing
