// The demo store's simulated clock (docs/format.md "The demo store"): its genesis declares it, its
// recorded times follow the invented history, every view and `verify` say "demo store" — and a
// store whose genesis does not declare it never takes a recorded time from anyone. And what its
// history exercises (docs/domain.md "Demo data"): every act and flag of the policy.
#include <rapidcheck.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/fold/embedded_schemas.h"
#include "hatchery/event.h"
#include "hatchery/ledger.h"
#include "hatchery/time.h"
#include "property.h"
#include "test_util.h"

namespace hatchery {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;
using testing::TempDir;

// One append of a random history: it may declare the clock simulated (as a genesis does), and may
// ask for a recorded time (seconds after 2023-04-03, possibly before the previous one's).
struct Step {
  bool declares = false;
  bool sets_time = false;
  std::int64_t second = 0;
};

// The contract, as a model: a command declaring the clock is refused unless it is event 1; a
// command with a recorded time is refused unless event 1 declares the clock (or it is event 1 and
// declares it); an accepted one is recorded at its time, or just after the previous event if that
// is not later, or — without a time — at a real time after the previous event.
struct ClockModel {
  std::uint64_t head = 0;
  bool simulated = false;
  std::int64_t last_us = 0;
  Code Expect(const Step& s) const {
    if (s.declares && head != 0) return Code::kRuleViolation;
    bool may_set = head == 0 ? s.declares : simulated;
    if (s.sets_time && !may_set) return Code::kForbidden;
    return Code::kOk;
  }
};

TEST_CASE("clock: a recorded time is taken only by a store whose genesis declares it simulated",
          "[ledger][demo]") {
  // Each history opens a store of its own (the genesis decides): 50 of them, at most 30 in the
  // sanitizer pass.
  testing::Prop(
      "recorded times and refusals as the contract says", 50,
      [] {
        const auto steps = *rc::gen::container<std::vector<Step>>(rc::gen::build<Step>(
            rc::gen::set(&Step::declares, rc::gen::weightedElement<bool>({{1, true}, {3, false}})),
            rc::gen::set(&Step::sets_time, rc::gen::arbitrary<bool>()),
            rc::gen::set(&Step::second, rc::gen::inRange<std::int64_t>(0, 100'000'000))));
        TempDir dir;
        auto ledger = testing::NewLedger(dir);
        const std::int64_t base = *ParseTimestamp("2023-04-03T01:00:00.000000Z");
        ClockModel model;
        for (std::size_t i = 0; i < steps.size(); ++i) {
          const Step& s = steps[i];
          AppendCommand c = testing::MakeCommand("c-" + std::to_string(i), "policy",
                                                 s.declares ? "PolicyRulesetActivated" : "Noted");
          if (s.declares) c.data["clock"] = "simulated";
          if (s.sets_time) c.simulated_recorded_us = base + s.second * 1'000'000;
          Code expected = model.Expect(s);
          auto result = std::move(ledger->Append(testing::kAdmin, {c})[0]);
          RC_ASSERT(result.status().code() == expected);
          if (!result.ok()) continue;
          std::int64_t at = *ParseTimestamp(result->recorded_at);
          if (s.sets_time) {
            RC_ASSERT(at == std::max(*c.simulated_recorded_us, model.last_us + 1));
          } else {
            RC_ASSERT(at > model.last_us);
          }
          if (model.head == 0) model.simulated = s.declares;
          ++model.head;
          model.last_us = at;
        }
        RC_ASSERT(ledger->head().seq == model.head);
        RC_ASSERT(ledger->simulated_clock() == model.simulated);
        ledger.reset();
        auto reopened = testing::OpenLedger(dir);  // what event 1 declares is read back
        RC_ASSERT(reopened->simulated_clock() == model.simulated);
        AppendCommand later = testing::MakeCommand("later", "policy", "Noted");
        later.simulated_recorded_us = base;
        Step step{false, true, 0};
        RC_ASSERT(std::move(reopened->Append(testing::kAdmin, {later})[0]).status().code() ==
                  model.Expect(step));
      },
      /*max_cap=*/30);
}

TEST_CASE("clock: no request can set a recorded time", "[demo][envelope]") {
  for (const char* field : {"\"recorded_at\":\"2023-04-03T01:00:00.000000Z\"",
                            "\"simulated_recorded_us\":1680483600000000"}) {
    INFO(field);
    auto parsed = ParseAppendCommand(
        std::string("{\"command_id\":\"x\",\"stream\":\"policy\",\"type\":\"Noted\",\"data\":{},"
                    "\"effective_date\":\"2023-04-03\",") +
        field + "}");
    CHECK(parsed.status().code() == Code::kBadRequest);
  }
}

// The demo's events, as `read` prints them (one JSON object a line).
std::vector<bj::object> DemoEvents(const std::string& data) {
  auto read = RunHatchery("read --data " + data + " --limit 10000");
  REQUIRE(read.exit_code == 0);
  std::vector<bj::object> events;
  for (const std::string& line : testing::Lines(read.out)) {
    events.push_back(bj::parse(line).as_object());
  }
  return events;
}

std::string Field(const bj::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

TEST_CASE("demo: recorded times follow the history, on the clock its genesis declares",
          "[demo][cli]") {
  TempDir dir;
  const std::string data = dir.Sub("s");
  // Forty carriers: enough acts that "one in eight late" is seen whatever the history's draws.
  REQUIRE(RunHatchery("demo --carriers 40 --data " + data).exit_code == 0);
  std::vector<bj::object> events = DemoEvents(data);
  REQUIRE(events.size() > 100);
  CHECK(events[0].at("data").at("clock") == "simulated");
  CHECK(Field(events[0], "recorded_at") == "2023-04-03T01:00:00.000000Z");
  std::size_t late = 0, backlog = 0, later = 0;  // later: acts other than money after set-up
  for (const bj::object& e : events) {
    std::string effective = Field(e, "effective_date"), recorded = Field(e, "recorded_at");
    INFO(bj::serialize(e).substr(0, 300));
    CHECK(recorded.substr(0, 10) >= effective);  // recorded once it has happened
    CHECK(recorded <= "2026-07-31T09:00:01.000000Z");
    std::int64_t delay =
        *ParseTimestamp(recorded) - *ParseTimestamp(effective + "T00:00:00.000000Z");
    if (effective < "2023-04-03") {
      ++backlog;  // entered from the files in the two months after the store was set up
      CHECK(recorded < "2023-06-03");
    } else if (!Field(e, "type").starts_with("Payout") && Field(e, "type") != "ClawbackRecovered") {
      ++later;  // money is recorded within three days
      if (delay > 60LL * 86'400'000'000) ++late;
    }
  }
  CHECK(backlog > 20);
  CHECK(later > 100);
  CHECK(late * 16 > later);  // at least half the one act in eight the schedule records late
  // The correction retracts the regional accreditation of its own stream, wherever it now is.
  for (const bj::object& e : events) {
    if (Field(e, "type") != "EventRetracted") continue;
    const bj::object& target =
        events[e.at("data").at("retracted_seq").to_number<std::size_t>() - 1];
    CHECK(Field(target, "type") == "AccreditationGranted");
    CHECK(target.at("data").at("level") == "regional");
    CHECK(Field(target, "stream") == Field(e, "stream"));
  }
  // The docs' recorded-time examples see part of the history.
  auto mid = RunHatchery("query entitlements --data " + data +
                         " --as-of 2024-06-20T00:00:00Z --format json");
  REQUIRE(mid.exit_code == 0);
  bj::object answer = bj::parse(mid.out).as_object();
  std::uint64_t seq = answer.at("as_of_seq").to_number<std::uint64_t>();
  CHECK(seq > 50);
  CHECK(seq < events.size());
  CHECK_FALSE(answer.at("rows").as_array().empty());
  auto diff = RunHatchery("diff --data " + data + " --from 2024-01-01T00:00:00Z --to " +
                          std::to_string(events.size()));
  REQUIRE(diff.exit_code == 0);
  CHECK_THAT(diff.out,
             !Catch::Contains("0000-00-00") && Catch::Contains("Deadlines are judged on 2023-"));
}

TEST_CASE(
    "demo: every act of the policy, both assessment models and every flag of a late or "
    "unfiled act appear",
    "[demo][cli]") {
  TempDir dir;
  const std::string data = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 40 --data " + data).exit_code == 0);
  std::map<std::string, int> types;
  std::vector<std::string> rulesets;
  for (const bj::object& e : DemoEvents(data)) {
    ++types[Field(e, "type")];
    if (Field(e, "type") == "PolicyRulesetActivated") {
      rulesets.push_back(Field(e.at("data").as_object(), "ruleset_id"));
    }
  }
  // Every type with a schema but LedgerPromoted (an operation of the machines, not an act of the
  // policy).
  for (const EmbeddedFile& file : domain::EventSchemaFiles()) {
    const std::string type(file.name.substr(0, file.name.find('.')));
    INFO(type);
    CHECK((type == "LedgerPromoted" || types[type] > 0));
  }
  CHECK(rulesets == std::vector<std::string>{"TCB-2023-2", "TCB-2023-2-2025"});
  auto compliance = RunHatchery("query compliance --data " + data + " --format json");
  REQUIRE(compliance.exit_code == 0);
  std::map<std::string, std::set<std::string>> details;
  const bj::value answer = bj::parse(compliance.out);
  for (const bj::value& row : answer.at("rows").as_array()) {
    details[Field(row.as_object(), "flag")].insert(Field(row.as_object(), "detail"));
  }
  for (const char* flag : {"missing_annual_report", "late_annual_report", "slow_payout",
                           "unfiled_brand_output", "brand_output_off_schedule"}) {
    INFO(flag);
    CHECK_FALSE(details[flag].empty());
  }
  // Both ways a start is unfiled, and both ways it is off schedule.
  auto any = [&](const std::string& flag, std::string_view text) {
    return std::any_of(details[flag].begin(), details[flag].end(),
                       [&](const std::string& d) { return d.find(text) != std::string::npos; });
  };
  CHECK(any("unfiled_brand_output", "no filing for"));
  CHECK(any("unfiled_brand_output", ", not for "));
  CHECK(any("brand_output_off_schedule", "before the planned start"));
  CHECK(any("brand_output_off_schedule", "(more than 180)"));
}

TEST_CASE("demo: verify and every view say demo store — a real store's do not", "[demo][cli]") {
  TempDir dir;
  const std::string demo = " --data " + dir.Sub("demo"), real = " --data " + dir.Sub("real");
  REQUIRE(RunHatchery("demo --carriers 6" + demo).exit_code == 0);
  REQUIRE(RunHatchery("init" + real).exit_code == 0);
  for (const std::string& command :
       {std::string("verify"), std::string("replay"), std::string("query entitlements"),
        std::string("query carriers --format json"), std::string("replay --format json"),
        std::string("diff --from 1 --to 1"), std::string("diff --from 1 --to 1 --format json")}) {
    INFO(command);
    auto on_demo = RunHatchery(command + demo), on_real = RunHatchery(command + real);
    CHECK(on_demo.exit_code == 0);
    CHECK(on_real.exit_code == 0);
    bool json = command.find("json") != std::string::npos;
    CHECK_THAT(on_demo.out, Catch::Contains(json ? "\"clock\":\"simulated\"" : "demo store"));
    CHECK_THAT(on_real.out, !Catch::Contains("simulated") && !Catch::Contains("demo store"));
  }
  auto voided = RunHatchery("query entitlements --filter status=active --format json" + demo);
  std::string id(bj::parse(voided.out).at("rows").at(0).at("entitlement_id").as_string());
  CHECK_THAT(RunHatchery("explain " + id + demo).out, Catch::StartsWith("demo store"));
}

}  // namespace
}  // namespace hatchery
