// The assessment models Hatchery ships (schemas/policy/*.json, docs/domain.md "The assessment
// model and its sources"): each class's weights make 100 points, and the 2025 revision says where
// every indicator, weight and target comes from, splits its weights as its sources claim, and
// scores the document's emphases and the metrics the annual reports collect.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/fold/embedded_schemas.h"
#include "domain/fold/ruleset.h"
#include "domain/views/projections.h"
#include "policy_fixture.h"

namespace hatchery::testing {
namespace {

namespace bj = boost::json;

domain::Ruleset Shipped(std::string_view file) {
  auto data = domain::ShippedRulesetData(file);
  REQUIRE(data.ok());
  auto parsed = domain::ParseRuleset(*data, 1);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

// The measure an indicator reads first (its metric, a ratio's numerator, a per-area count).
std::string_view Reads(const domain::Indicator& indicator) {
  return domain::kMeasureNames[indicator.a];
}

TEST_CASE("every shipped ruleset parses, with four classes of 100 points each", "[assessment]") {
  std::set<std::string> files;
  for (const EmbeddedFile& file : domain::PolicyFiles()) files.emplace(file.name);
  CHECK(files == std::set<std::string>{"tcb-2023-2.json", "tcb-2023-2-2025.json"});
  for (const std::string& file : files) {
    INFO(file);
    const domain::Ruleset rs = Shipped(file);
    REQUIRE(rs.classes.size() == 4);
    for (const auto& [id, model] : rs.classes) {
      INFO(id);
      std::int64_t points = 0;
      for (const domain::Indicator& indicator : model.indicators) points += indicator.weight;
      CHECK(points == 100);
    }
  }
}

TEST_CASE("TCB-2023-2-2025 keeps the money rules and parameters of TCB-2023-2", "[assessment]") {
  const bj::object old = domain::DefaultRulesetData();
  const bj::object revised = domain::ShippedRulesetData("tcb-2023-2-2025.json").value();
  CHECK(revised.at("rules") == old.at("rules"));
  CHECK(revised.at("params") == old.at("params"));
  CHECK(revised.at("source") == old.at("source"));
  CHECK(revised.at("ruleset_id") == "TCB-2023-2-2025");
  CHECK(revised.at("effective_from") == "2025-01-01");
}

TEST_CASE("TCB-2023-2-2025 gives a source for every indicator, weight and target", "[assessment]") {
  const domain::Ruleset rs = Shipped("tcb-2023-2-2025.json");
  // The national evaluation's split (国科火字〔2019〕239号 as POLICY.md reads it), which the
  // weights' sources quote: each dimension's weights must add up to the share they name.
  const std::map<std::string, std::pair<std::string, std::int64_t>> dimensions{
      {"service_capacity", {"服务能力 service capacity 30 of 100", 30}},
      {"incubation_performance", {"孵化绩效 incubation performance 55 of 100", 55}},
      {"sustainability", {"可持续发展 sustainability 15 of 100", 15}}};
  for (const auto& [id, model] : rs.classes) {
    INFO(id);
    CHECK_FALSE(model.source.empty());
    std::map<std::string, std::int64_t> points;
    for (const domain::Indicator& indicator : model.indicators) {
      INFO(indicator.id);
      CHECK_FALSE(indicator.sources.indicator.empty());
      CHECK_FALSE(indicator.sources.target.empty());
      REQUIRE(dimensions.contains(indicator.dimension));
      CHECK_THAT(indicator.sources.weight,
                 Catch::Contains(dimensions.at(indicator.dimension).first));
      // A target not taken from a published system says so.
      CHECK_THAT(indicator.sources.target, Catch::StartsWith("local choice"));
      points[indicator.dimension] += indicator.weight;
    }
    for (const auto& [dimension, named] : dimensions) {
      INFO(dimension);
      CHECK(points[dimension] == named.second);
    }
  }
}

TEST_CASE("TCB-2023-2-2025 scores the document's emphases and the collected metrics",
          "[assessment]") {
  const domain::Ruleset rs = Shipped("tcb-2023-2-2025.json");
  // Each emphasis of TCB-2023-2, and the measures any one of which scores it.
  const std::map<std::string, std::set<std::string_view>> emphases{
      {"§2.4 technology transfer", {"deals", "results_transferred", "tech_contract_fen"}},
      {"§2.4 brokers", {"brokers_total"}},
      {"§3.3 seed and angel funds",
       {"incubation_fund_fen", "investors_resident", "city_fund_supports"}},
      {"§3.2 brand output", {"brand_output_filings"}},
      {"§4.3 evaluation grades", {"evaluations_excellent"}}};
  for (const auto& [id, model] : rs.classes) {
    std::set<std::string_view> read;
    for (const domain::Indicator& indicator : model.indicators) read.insert(Reads(indicator));
    for (const auto& [emphasis, measures] : emphases) {
      INFO(id << ": " << emphasis);
      CHECK(std::any_of(measures.begin(), measures.end(),
                        [&](std::string_view m) { return read.contains(m); }));
    }
    if (id.starts_with("incubator")) {  // what only incubators report (EVENTS.md)
      for (std::string_view metric : {"rd_spend_fen", "tech_sme_firms", "invention_patents"}) {
        INFO(id << " reads " << metric);
        CHECK(read.contains(metric));
      }
    }
  }
}

TEST_CASE(
    "a revised model scores the years it is in force at the end of, and the past keeps "
    "its own",
    "[assessment]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  const std::string metrics = R"({"incubated_firms":25,"rd_spend_fen":300000000})";
  std::uint64_t before = 0;  // the last event before the activation
  for (int year : {2024, 2025}) {
    before = f.Ok("AnnualReportSubmitted", "carrier/inc-1",
                  R"({"carrier_id":"inc-1","year":)" + std::to_string(year) + R"(,"metrics":)" +
                      metrics + "}",
                  std::to_string(year + 1) + "-02-01");
  }
  auto activation =
      domain::RulesetCommand(domain::ShippedRulesetData("tcb-2023-2-2025.json").value());
  REQUIRE(f.ledger->Append(kAdmin, {activation})[0].ok());
  auto scores = [](const domain::Projection& p) {
    std::map<int, const domain::Score*> by_year;
    for (const auto& s : p.scores) by_year[s.year] = &s;
    return by_year;
  };
  const domain::Projection now = f.Now();
  auto by_year = scores(now);
  REQUIRE((by_year.contains(2024) && by_year.contains(2025)));
  // 2024: TCB-2023-2 — incubated firms 15 × 25/50 = 7.50; R&D spend is not scored there.
  CHECK(by_year[2024]->ruleset_id == "TCB-2023-2");
  CHECK(by_year[2024]->score_centi == 750);
  // 2025: the revision — incubated firms 8 × 25/50 = 4.00, R&D spend 5 × 1 = 5.00.
  CHECK(by_year[2025]->ruleset_id == "TCB-2023-2-2025");
  CHECK(by_year[2025]->score_centi == 900);
  // As known before the activation, 2025 was scored by TCB-2023-2.
  const domain::Projection then = f.At(before);
  by_year = scores(then);
  REQUIRE(by_year.contains(2025));
  CHECK(by_year[2025]->ruleset_id == "TCB-2023-2");
  CHECK(by_year[2025]->score_centi == 750);
}

}  // namespace
}  // namespace hatchery::testing
