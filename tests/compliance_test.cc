// The compliance flags of EVENTS.md "Derived", the yearly indicators and the classified assessment.
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <map>

#include "policy_fixture.h"

namespace hatchery::testing {
namespace {

// A national incubator "inc-1" that may file brand output.
struct Provider : PolicyFixture {
  Provider() {
    Register("inc-1", "incubator", "comprehensive");
    Grant("inc-1", "national", "accredited", "2023-05-01");
  }
  std::uint64_t File(const std::string& id, const std::string& recipient, const std::string& date) {
    return Ok("BrandOutputFiled", "carrier/inc-1",
              R"({"filing_id":")" + id + R"(","provider_id":"inc-1","recipient":{"name":")" +
                  recipient + R"("},"service":"brand_output","planned_start":"2024-06-01"})",
              date);
  }
  std::uint64_t Start(const std::string& recipient, const std::string& date,
                      const std::string& filing_id = "") {
    std::string filing = filing_id.empty() ? "" : R"(,"filing_id":")" + filing_id + "\"";
    return Ok("BrandOutputStarted", "carrier/inc-1",
              R"({"provider_id":"inc-1","recipient":{"name":")" + recipient + "\"}" + filing + "}",
              date);
  }
};

TEST_CASE("flag unfiled_brand_output: a start with no filing", "[compliance]") {
  Provider f;
  auto start = f.Start("库伦旗众创空间", "2024-06-01");
  auto flags = FlagsNamed(f.Now(), "unfiled_brand_output");
  REQUIRE(flags.size() == 1);
  CHECK(flags[0].seqs == std::vector<std::uint64_t>{start});
  CHECK(flags[0].year == 2024);
}

TEST_CASE("flag unfiled_brand_output: filed only after the start", "[compliance]") {
  Provider f;
  f.Start("库伦旗众创空间", "2024-06-01", "bf-1");
  f.File("bf-1", "库伦旗众创空间", "2024-06-20");
  CHECK(FlagsNamed(f.Now(), "unfiled_brand_output").size() == 1);
}

TEST_CASE("no flag for brand output filed in advance", "[compliance]") {
  Provider f;
  f.File("bf-1", "库伦旗众创空间", "2024-05-01");
  f.File("bf-2", "奈曼旗孵化基地", "2024-05-01");
  f.Start("库伦旗众创空间", "2024-06-01", "bf-1");
  f.Start("奈曼旗孵化基地", "2024-06-01");  // matched by recipient
  CHECK(FlagsNamed(f.Now(), "unfiled_brand_output").empty());
}

// Issue 24 (§3.2): a start quoting a filing made for another recipient passed unflagged.
TEST_CASE("flag unfiled_brand_output: a start quoting another recipient's filing", "[compliance]") {
  Provider f;
  f.File("bf-1", "库伦旗众创空间", "2024-05-01");
  auto start = f.Start("奈曼旗孵化基地", "2024-06-01", "bf-1");
  auto flags = FlagsNamed(f.Now(), "unfiled_brand_output");
  REQUIRE(flags.size() == 1);
  CHECK(flags[0].seqs == std::vector<std::uint64_t>{start});
  CHECK_THAT(
      flags[0].detail,
      Catch::Contains("it names filing bf-1, made for 库伦旗众创空间, not for 奈曼旗孵化基地"));
  // A filing id that was never filed is named too.
  f.Start("奈曼旗孵化基地", "2024-06-02", "bf-9");
  CHECK_THAT(FlagsNamed(f.Now(), "unfiled_brand_output")[1].detail,
             Catch::Contains("it names filing bf-9, which was not made before it"));
}

// A filed brand output should start as planned (the File helper plans 2024-06-01): not before,
// and not more than brand_output_late_days (180 by default) after.
TEST_CASE("flag brand_output_off_schedule: before its planned start, or long after",
          "[compliance]") {
  Provider f;
  auto filing = f.File("bf-1", "库伦旗众创空间", "2024-05-01");
  f.File("bf-2", "奈曼旗孵化基地", "2024-05-01");
  f.File("bf-3", "开鲁县孵化基地", "2024-05-01");
  auto early = f.Start("库伦旗众创空间", "2024-05-20", "bf-1");  // 12 days before
  f.Start("奈曼旗孵化基地", "2024-11-28");                       // day 180: in time
  f.Start("开鲁县孵化基地", "2024-11-29", "bf-3");               // day 181: late
  auto flags = FlagsNamed(f.Now(), "brand_output_off_schedule");
  REQUIRE(flags.size() == 2);
  CHECK(flags[0].seqs == std::vector<std::uint64_t>{filing, early});
  CHECK_THAT(flags[0].detail, Catch::Contains("12 days before the planned start 2024-06-01"));
  CHECK_THAT(flags[1].detail,
             Catch::Contains("181 days after the planned start 2024-06-01 of filing bf-3 "
                             "(more than 180)"));
  CHECK(FlagsNamed(f.Now(), "unfiled_brand_output").empty());
  // The window is a ruleset parameter.
  PolicyFixture strict({{"brand_output_late_days", 30}});
  strict.Register("inc-1", "incubator", "comprehensive");
  strict.Grant("inc-1", "national", "accredited", "2023-05-01");
  strict.Ok("BrandOutputFiled", "carrier/inc-1",
            R"({"filing_id":"bf-1","provider_id":"inc-1","recipient":{"name":"库伦旗众创空间"},)"
            R"("service":"brand_output","planned_start":"2024-06-01"})",
            "2024-05-01");
  strict.Ok("BrandOutputStarted", "carrier/inc-1",
            R"({"provider_id":"inc-1","recipient":{"name":"库伦旗众创空间"}})", "2024-07-15");
  CHECK(FlagsNamed(strict.Now(), "brand_output_off_schedule").size() == 1);
}

// §4.2 从快从优兑现: nothing measured how fast money reached a carrier once it was owed.
TEST_CASE("flag slow_payout: an award not paid in full within 90 days of becoming owed",
          "[compliance]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  auto grant = f.Grant("inc-1", "regional", "accredited", "2024-01-10");  // R2, 500,000 yuan
  f.Approve("inc-1", "p-1", "R2:inc-1", 30'000'000, "2024-02-01");
  f.Disburse("inc-1", "p-1", "2024-02-10");
  // Day 90 (2024-04-09) with 300,000 of 500,000 paid: not yet slow; day 91: slow.
  CHECK(FlagsNamed(f.At(std::nullopt, "2024-04-09"), "slow_payout").empty());
  auto open = FlagsNamed(f.At(std::nullopt, "2024-04-10"), "slow_payout");
  REQUIRE(open.size() == 1);
  CHECK(open[0].seqs == std::vector<std::uint64_t>{grant});
  CHECK(open[0].year == 2024);
  CHECK_THAT(open[0].detail, Catch::Contains("R2:inc-1 is not paid in full 91 days after it was "
                                             "owed on 2024-01-10: 300000.00 of 500000.00 yuan"));
  // Paid in full on day 100: slow for good, with the days it took.
  f.Approve("inc-1", "p-2", "R2:inc-1", 20'000'000, "2024-04-15");
  auto last = f.Disburse("inc-1", "p-2", "2024-04-19");
  auto paid = FlagsNamed(f.At(std::nullopt, "2025-01-01"), "slow_payout");
  REQUIRE(paid.size() == 1);
  CHECK(paid[0].seqs == std::vector<std::uint64_t>{grant, last});
  CHECK_THAT(paid[0].detail, Catch::Contains("paid in full on 2024-04-19, 100 days after"));
  // In time: no flag; and the target is a ruleset parameter.
  PolicyFixture patient({{"payout_target_days", 120}});
  patient.Register("inc-1", "incubator", "comprehensive");
  patient.Grant("inc-1", "regional", "accredited", "2024-01-10");
  patient.Approve("inc-1", "p-1", "R2:inc-1", 50'000'000, "2024-04-15");
  patient.Disburse("inc-1", "p-1", "2024-04-19");
  CHECK(FlagsNamed(patient.At(std::nullopt, "2025-01-01"), "slow_payout").empty());
}

TEST_CASE("flag disbursed_on_voided: a misconduct revocation recorded late", "[compliance]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  f.Grant("inc-1", "regional", "accredited", "2023-05-01");
  auto approved = f.Approve("inc-1", "p-1", "R2:inc-1", 1000, "2023-09-01");
  auto paid = f.Disburse("inc-1", "p-1", "2024-03-01");
  // Recorded after the disbursement, effective before it.
  f.Revoke("inc-1", "regional", "misconduct", "2024-01-10");
  auto flags = FlagsNamed(f.Now(), "disbursed_on_voided");
  REQUIRE(flags.size() == 1);
  CHECK(flags[0].seqs == std::vector<std::uint64_t>{approved, paid});
  CHECK(FindEntitlement(f.Now(), "R2:inc-1")->clawback_due_fen() == 1000);
}

TEST_CASE("flag missing_annual_report after the deadline, for carriers registered by year end",
          "[compliance]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2023-06-01");
  f.Register("inc-2", "incubator", "comprehensive", "2024-02-01");
  f.Ok("AnnualReportSubmitted", "carrier/inc-1",
       R"({"carrier_id":"inc-1","year":2023,"metrics":{"incubated_firms":12}})", "2024-03-20");
  auto on = [&](const std::string& date) {
    return FlagsNamed(f.At(std::nullopt, date), "missing_annual_report");
  };
  CHECK(on("2024-03-31").empty());  // the deadline day itself is in time
  CHECK(on("2024-04-01").empty());  // inc-1 reported 2023, inc-2 was not registered in 2023
  auto flags = on("2025-04-01");
  REQUIRE(flags.size() == 2);  // 2024 of both
  CHECK(flags[0].year == 2024);
  CHECK(flags[1].year == 2024);
}

// The contradiction of issue 24: a late report erased the missing flag and left nothing behind.
TEST_CASE("a late annual report leaves late_annual_report, with the days late", "[compliance]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2023-06-01");
  auto late =
      f.Ok("AnnualReportSubmitted", "carrier/inc-1",
           R"({"carrier_id":"inc-1","year":2023,"metrics":{"incubated_firms":12}})", "2024-05-10");
  // Before the report came: missing; from its date on: late, for good, 40 days after 03-31.
  CHECK(FlagsNamed(f.At(std::nullopt, "2024-05-09"), "missing_annual_report").size() == 1);
  CHECK(FlagsNamed(f.At(std::nullopt, "2024-05-09"), "late_annual_report").empty());
  auto flags = FlagsNamed(f.At(std::nullopt, "2024-05-10"), "late_annual_report");
  REQUIRE(flags.size() == 1);
  CHECK(flags[0].year == 2023);
  CHECK(flags[0].seqs == std::vector<std::uint64_t>{late});
  CHECK_THAT(flags[0].detail, Catch::Contains("40 days after its deadline 2024-03-31"));
  CHECK(FlagsNamed(f.At(std::nullopt, "2024-05-10"), "missing_annual_report").empty());
  // A second report for the year does not make the first one in time.
  f.Ok("AnnualReportSubmitted", "carrier/inc-1",
       R"({"carrier_id":"inc-1","year":2023,"metrics":{"incubated_firms":13}})", "2024-06-01");
  CHECK(FlagsNamed(f.At(std::nullopt, "2024-06-01"), "late_annual_report").size() == 1);
  // One in time: no flag at all.
  f.Ok("AnnualReportSubmitted", "carrier/inc-1",
       R"({"carrier_id":"inc-1","year":2024,"metrics":{"incubated_firms":14}})", "2025-03-31");
  CHECK(FlagsNamed(f.At(std::nullopt, "2025-06-01"), "late_annual_report").size() == 1);
  CHECK(FlagsNamed(f.At(std::nullopt, "2025-06-01"), "missing_annual_report").empty());
}

TEST_CASE("the report deadline is a ruleset parameter", "[compliance]") {
  PolicyFixture f({{"report_deadline", "06-30"}});
  f.Register("inc-1", "incubator", "comprehensive", "2023-06-01");
  CHECK(FlagsNamed(f.At(std::nullopt, "2024-06-30"), "missing_annual_report").empty());
  CHECK(FlagsNamed(f.At(std::nullopt, "2024-07-01"), "missing_annual_report").size() == 1);
  // "02-29" is the last day of February: 2024-02-29, but 2025-02-28 (there is no 2025-02-29).
  PolicyFixture leap({{"report_deadline", "02-29"}});
  leap.Register("inc-1", "incubator", "comprehensive", "2023-06-01");
  CHECK(FlagsNamed(leap.At(std::nullopt, "2024-02-29"), "missing_annual_report").empty());
  CHECK(FlagsNamed(leap.At(std::nullopt, "2024-03-01"), "missing_annual_report").size() == 1);
  auto flags = FlagsNamed(leap.At(std::nullopt, "2025-03-01"), "missing_annual_report");
  REQUIRE(flags.size() == 2);
  CHECK_THAT(flags[1].detail, Catch::Contains("by 2025-02-28"));
}

TEST_CASE("yearly indicators count the year's events and its latest annual report",
          "[indicators]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2023-06-01");
  f.Grant("inc-1", "regional", "accredited", "2023-07-01");
  f.Approve("inc-1", "p-1", "R2:inc-1", 20'000'000, "2024-02-01");
  f.Disburse("inc-1", "p-1", "2024-02-10");
  f.Ok("BrokerWorkstationOpened", "carrier/inc-1", R"({"station_id":"ws-1","carrier_id":"inc-1"})",
       "2023-08-01");
  f.Ok("BrokerQualified", "carrier/inc-1",
       R"({"station_id":"ws-1","broker_ref":"b-1","certificate_no":"JJR-1"})", "2024-05-01");
  f.Ok("AnnualReportSubmitted", "carrier/inc-1",
       R"({"carrier_id":"inc-1","year":2024,"metrics":{"incubated_firms":40,"jobs":120}})",
       "2025-02-01");
  auto superseding =
      f.Ok("AnnualReportSubmitted", "carrier/inc-1",
           R"({"carrier_id":"inc-1","year":2024,"metrics":{"incubated_firms":42}})", "2025-03-01");
  auto p = f.Now();
  REQUIRE(p.indicators.size() == 3);  // 2023, 2024, 2025
  const auto& y2023 = p.indicators[0].values;
  const auto& y2024 = p.indicators[1].values;
  CHECK(y2023.get(domain::M("accreditations_regional")) == 1);
  CHECK(y2023.get(domain::M("entitlements_created")) == 1);
  CHECK(y2023.get(domain::M("entitlements_fen")) == 50'000'000);
  CHECK(y2023.get(domain::M("workstations_total")) == 1);
  CHECK(y2024.get(domain::M("disbursed_fen")) == 20'000'000);
  CHECK(y2024.get(domain::M("brokers_qualified")) == 1);
  CHECK(y2024.get(domain::M("workstations_total")) == 1);
  CHECK(y2024.get(domain::M("incubated_firms")) == 42);
  CHECK_FALSE(y2024.has(domain::M("jobs")));  // the later report supersedes the whole earlier one
  CHECK(y2024.get(domain::M("annual_report_seq")) == static_cast<std::int64_t>(superseding));
  REQUIRE(p.class_totals.size() == 3);
  CHECK(p.class_totals[1].values.get(domain::M("incubated_firms")) == 42);
  CHECK(p.class_totals[1].values.get(domain::M("carriers")) == 1);
}

TEST_CASE("operators: each change is kept, and market operation counted by 31 December",
          "[indicators]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2022-02-01");  // run by its own staff
  auto amend = [&](const std::string& name, const std::string& mode, const std::string& date) {
    return f.Ok("CarrierProfileAmended", "carrier/inc-1",
                R"({"carrier_id":"inc-1","changes":{"operator":{"name":")" + name +
                    R"(","mode":")" + mode + R"("}}})",
                date);
  };
  auto hired = amend("科尔沁区科创运营管理有限公司", "market_team", "2023-05-01");
  amend("科尔沁区科创运营管理有限公司", "market_team", "2023-09-01");  // restated: no change
  f.Ok("CarrierProfileAmended", "carrier/inc-1",
       R"({"carrier_id":"inc-1","changes":{"name":"科尔沁区科技企业孵化器"}})", "2024-01-01");
  auto back = amend("本单位", "self", "2025-02-01");
  auto p = f.Now();
  const auto& spells = p.carriers.at(0).activity.operators;
  REQUIRE(spells.size() == 2);
  CHECK(spells[0].seq == hired);
  CHECK(spells[0].mode == "market_team");
  CHECK(spells[1].seq == back);
  CHECK(spells[1].mode == "self");
  REQUIRE(p.indicators.size() == 4);  // 2022 … 2025
  std::vector<std::int64_t> market, changes;
  for (const auto& row : p.indicators) {
    market.push_back(row.values.get(domain::M("market_operated")));
    changes.push_back(row.values.get(domain::M("operator_changes")));
  }
  CHECK(market == std::vector<std::int64_t>{0, 1, 1, 0});
  CHECK(changes == std::vector<std::int64_t>{0, 1, 0, 1});
  auto rows = domain::ViewRows(p, "carriers");
  REQUIRE(rows.ok());
  CHECK(
      boost::json::serialize(rows->at(0).at("operators")) ==
      R"([{"since":"2023-05-01","seq":)" + std::to_string(hired) +
          R"(,"name":"科尔沁区科创运营管理有限公司","mode":"market_team"},{"since":"2025-02-01","seq":)" +
          std::to_string(back) + R"(,"name":"本单位","mode":"self"}])");
}

TEST_CASE("operators: naming its own staff, having had no operator, is no change", "[indicators]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2022-02-01");
  f.Ok("CarrierProfileAmended", "carrier/inc-1",
       R"({"carrier_id":"inc-1","changes":{"operator":{"name":"本单位","mode":"self"}}})",
       "2023-05-01");
  auto p = f.Now();
  REQUIRE(p.carriers.at(0).activity.operators.size() == 1);  // the history has it
  for (const auto& row : p.indicators) {
    CHECK(row.values.get(domain::M("operator_changes")) == 0);
    CHECK(row.values.get(domain::M("market_operated")) == 0);
  }
}

TEST_CASE("counties: a carrier's years stay with the county it was in on 31 December",
          "[counties]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive", "2022-02-01");  // in horqin
  const auto moved = f.Ok("CarrierProfileAmended", "carrier/inc-1",
                          R"({"carrier_id":"inc-1","changes":{"county":"kailu"}})", "2024-03-01");
  f.Ok("CarrierProfileAmended", "carrier/inc-1",
       R"({"carrier_id":"inc-1","changes":{"county":"kailu"}})", "2024-06-01");  // restated
  auto p = f.Now();
  const auto& spells = p.carriers.at(0).activity.counties;
  REQUIRE(spells.size() == 2);
  CHECK(spells[1].seq == moved);
  std::map<int, std::string> county_of;  // year → the county counting the carrier
  for (const auto& row : p.counties) {
    if (!row.county.empty() && row.values.at("carriers") == 1) {
      CHECK(county_of.emplace(row.year, std::string(row.county)).second);
    }
  }
  CHECK(county_of ==
        std::map<int, std::string>{{2022, "horqin"}, {2023, "horqin"}, {2024, "kailu"}});
}

TEST_CASE("assessment: weighted score capped per indicator, ranked within class", "[indicators]") {
  PolicyFixture f;
  for (std::string id : {"inc-a", "inc-b", "inc-c"}) f.Register(id, "incubator", "comprehensive");
  f.Register("ms-a", "maker_space", "social");
  auto report = [&](const std::string& id, const std::string& metrics) {
    f.Ok("AnnualReportSubmitted", "carrier/" + id,
         R"({"carrier_id":")" + id + R"(","year":2024,"metrics":)" + metrics + "}", "2025-02-01");
  };
  // inc-a: every indicator at or above target → 100 points.
  report("inc-a", R"({"incubated_firms":80,"mentors":10,"events_held":30,"service_staff":12,
      "graduated_firms":5,"high_tech_firms":9,"firms_financed":5,"jobs":300,
      "non_rent_income_fen":60,"total_income_fen":100,"incubation_fund_fen":600000000})");
  // inc-b: half the incubated-firms target only → 15 × 25/50 = 7.50 points.
  report("inc-b", R"({"incubated_firms":25})");
  report("inc-c", R"({"incubated_firms":25})");
  report("ms-a", R"({"incubated_firms":1,"seats":100,"area_m2":2000})");
  auto p = f.Now();
  std::map<std::string, domain::Score> y2024;
  for (const auto& s : p.scores) {
    if (s.year == 2024) y2024[p.carriers[s.carrier].carrier_id] = s;
  }
  CHECK(y2024["inc-a"].score_centi == 10000);
  CHECK(y2024["inc-a"].rank == 1);
  CHECK(y2024["inc-b"].score_centi == 750);
  CHECK(y2024["inc-b"].rank == 2);
  CHECK(y2024["inc-c"].rank == 2);  // ties share the rank
  CHECK(Name(y2024["ms-a"].assessment_class) == "space_social");
  CHECK(y2024["ms-a"].rank == 1);
  // seats per 1,000 m²: 100 × 1000 / 2000 = 50 ≥ target 40 → the full weight of 10 points.
  bool seen = false;
  for (const auto& c : y2024["ms-a"].contributions) {
    if (p.indicator_ids[c.indicator] != "seats_per_1000_m2") continue;
    seen = true;
    CHECK(c.value == 50);
    CHECK(c.points_centi == 1000);
  }
  CHECK(seen);
}

}  // namespace
}  // namespace hatchery::testing
