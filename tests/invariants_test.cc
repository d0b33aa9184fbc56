// Every invariant of EVENTS.md, checked at append: the command is refused with rule_violation
// naming the invariant, and nothing is recorded. Plus the envelope rules of each type.
#include <catch2/catch.hpp>

#include "policy_fixture.h"

namespace hatchery::testing {
namespace {

// Requires `append()` to be refused as a rule_violation of `invariant`, with nothing recorded.
template <typename Append>
void RequireViolation(PolicyFixture& f, const std::string& invariant, Append append) {
  std::uint64_t head_before = f.ledger->head().seq;
  StatusOr<AppendResult> result = append();
  INFO(result.status().ToString());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Code::kRuleViolation);
  CHECK(result.status().details().at("invariant") == invariant.c_str());
  CHECK(f.ledger->head().seq == head_before);
}

// A registered comprehensive incubator "inc-1" holding regional accreditation (R2 active).
struct Incubator : PolicyFixture {
  Incubator() {
    Register("inc-1", "incubator", "comprehensive");
    Grant("inc-1", "regional", "accredited", "2023-05-01");
  }
  StatusOr<AppendResult> On(const std::string& type, std::string_view data,
                            const Actor& actor = kAdmin) {
    return Try(type, "carrier/inc-1", data, "2024-01-15", actor);
  }
};

TEST_CASE("invariant ruleset_id_unique", "[invariants]") {
  PolicyFixture f;
  auto data = domain::DefaultRulesetData();
  data["effective_from"] = "2030-01-01";
  auto again = domain::RulesetCommand(data);
  again.command_id = "ruleset-again";  // the same command id would be an idempotent retry
  RequireViolation(f, "ruleset_id_unique", [&] { return f.ledger->Append(kAdmin, {again})[0]; });
}

TEST_CASE("invariant ruleset_effective_from_increases", "[invariants]") {
  PolicyFixture f;
  auto data = domain::DefaultRulesetData();
  data["ruleset_id"] = "TCB-2022-9";
  data["effective_from"] = "2023-03-27";
  RequireViolation(f, "ruleset_effective_from_increases",
                   [&] { return f.ledger->Append(kAdmin, {domain::RulesetCommand(data)})[0]; });
}

TEST_CASE("invariant first_event_of_stream", "[invariants]") {
  Incubator f;
  RequireViolation(f, "first_event_of_stream", [&] {
    return f.On("CarrierRegistered", R"({"carrier_id":"inc-1","name":"重复",
                        "kind":"incubator","category":"comprehensive","host_type":"other",
                        "county":"kailu"})");
  });
}

TEST_CASE("invariant id_matches_stream", "[invariants]") {
  Incubator f;
  RequireViolation(f, "id_matches_stream", [&] {
    return f.On("AccreditationGranted", R"({"carrier_id":"inc-2","level":"national",
                        "mode":"accredited","authority":"科学技术部"})");
  });
}

TEST_CASE("invariant carrier_exists", "[invariants]") {
  PolicyFixture f;
  RequireViolation(f, "carrier_exists", [&] {
    return f.Try("AccreditationGranted", "carrier/ghost", R"({"carrier_id":"ghost",
                         "level":"national","mode":"accredited","authority":"科学技术部"})",
                 "2024-01-01");
  });
}

TEST_CASE("invariant category_fits_kind", "[invariants]") {
  Incubator f;
  RequireViolation(f, "category_fits_kind", [&] {
    return f.On("CarrierProfileAmended", R"({"carrier_id":"inc-1",
                           "changes":{"category":"social"}})");
  });
}

TEST_CASE("invariant level_not_held", "[invariants]") {
  Incubator f;
  RequireViolation(f, "level_not_held", [&] {
    return f.On("AccreditationGranted", R"({"carrier_id":"inc-1","level":"regional",
                           "mode":"accredited","authority":"内蒙古自治区科学技术厅"})");
  });
}

TEST_CASE("invariant level_held", "[invariants]") {
  Incubator f;
  RequireViolation(f, "level_held", [&] {
    return f.On("AccreditationRevoked", R"({"carrier_id":"inc-1","level":"national",
                           "reason":"other"})");
  });
}

TEST_CASE("invariant level_held_or_held_before", "[invariants]") {
  Incubator f;
  RequireViolation(f, "level_held_or_held_before", [&] {
    return f.On("EvaluationRecorded", R"({"carrier_id":"inc-1","level":"national",
                           "year":2024,"grade":"good"})");
  });
  // Held before counts: a carrier is evaluated for the year it lost the level in.
  f.Revoke("inc-1", "regional", "failed_evaluation", "2024-02-01");
  CHECK(f.On("EvaluationRecorded",
             R"({"carrier_id":"inc-1","level":"regional","year":2023,"grade":"fail"})")
            .ok());
}

// POLICY.md: national evaluations are graded 优秀/良好/合格/不合格, Inner Mongolia's regional ones
// 优秀/合格/不合格 — a regional "good" was accepted (and the demo recorded many).
// §2.2: a space built by a university is hosted by a university or research institute — a
// university maker space hosted by a county was accepted.
TEST_CASE("invariant category_fits_host: a university space has a university host",
          "[invariants]") {
  PolicyFixture f;
  auto space = [](const std::string& host) {
    return R"({"carrier_id":"ms-1","name":"高校众创空间","kind":"maker_space",)"
           R"("category":"university","host_type":")" +
           host + R"(","county":"horqin"})";
  };
  auto refused = f.Try("CarrierRegistered", "carrier/ms-1", space("county"), "2023-05-01");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().details().at("invariant") == "category_fits_host");
  CHECK_THAT(refused.status().message(), Catch::Contains("host_type university_institute"));
  f.Ok("CarrierRegistered", "carrier/ms-1", space("university_institute"), "2023-05-01");
  // An amendment may not break it either way, and may change both together.
  auto amend = [&](const std::string& changes) {
    return f.Try("CarrierProfileAmended", "carrier/ms-1",
                 R"({"carrier_id":"ms-1","changes":)" + changes + "}", "2023-06-01");
  };
  CHECK(amend(R"({"host_type":"leading_enterprise"})").status().details().at("invariant") ==
        "category_fits_host");
  CHECK(amend(R"({"category":"social","host_type":"leading_enterprise"})").ok());
  CHECK(amend(R"({"category":"university"})").status().details().at("invariant") ==
        "category_fits_host");
}

TEST_CASE("invariant grade_on_scale: the ruleset's scale per level", "[invariants]") {
  Incubator f;
  RequireViolation(f, "grade_on_scale", [&] {
    return f.On("EvaluationRecorded", R"({"carrier_id":"inc-1","level":"regional",
                           "year":2023,"grade":"good"})");
  });
  auto refused = f.On("EvaluationRecorded",
                      R"({"carrier_id":"inc-1","level":"regional","year":2023,"grade":"good"})");
  CHECK_THAT(refused.status().message(),
             Catch::Contains("regional grades are excellent, pass or fail"));
  CHECK(f.On("EvaluationRecorded",
             R"({"carrier_id":"inc-1","level":"regional","year":2023,"grade":"pass"})")
            .ok());
  f.Grant("inc-1", "national", "accredited", "2023-06-01");
  CHECK(f.On("EvaluationRecorded",
             R"({"carrier_id":"inc-1","level":"national","year":2023,"grade":"good"})")
            .ok());
  // A ruleset may say otherwise: here the regional scale takes good, the national one not.
  PolicyFixture other({{"grade_scales",
                        {{"regional", {"excellent", "good", "pass", "fail"}},
                         {"national", {"excellent", "pass", "fail"}}}}});
  other.Register("inc-1", "incubator", "comprehensive");
  other.Grant("inc-1", "regional", "accredited", "2023-05-01");
  other.Grant("inc-1", "national", "accredited", "2023-06-01");
  CHECK(other
            .Try("EvaluationRecorded", "carrier/inc-1",
                 R"({"carrier_id":"inc-1","level":"regional","year":2023,"grade":"good"})",
                 "2024-01-15")
            .ok());
  auto national = other.Try(
      "EvaluationRecorded", "carrier/inc-1",
      R"({"carrier_id":"inc-1","level":"national","year":2023,"grade":"good"})", "2024-01-15");
  REQUIRE_FALSE(national.ok());
  CHECK(national.status().details().at("invariant") == "grade_on_scale");
}

TEST_CASE("invariant one_grade_per_year", "[invariants]") {
  Incubator f;
  f.Evaluate("inc-1", "regional", 2024, "pass", "2024-12-01");
  RequireViolation(f, "one_grade_per_year", [&] {
    return f.On("EvaluationRecorded", R"({"carrier_id":"inc-1","level":"regional",
                           "year":2024,"grade":"excellent"})");
  });
}

TEST_CASE("invariant provider_accredited", "[invariants]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "city", "filed", "2023-05-01");
  RequireViolation(f, "provider_accredited", [&] {
    return f.Try("BrandOutputFiled", "carrier/ms-1", R"({"filing_id":"bf-1",
                         "provider_id":"ms-1","recipient":{"name":"开鲁县众创空间"},
                         "service":"brand_output","planned_start":"2024-03-01"})",
                 "2024-01-10");
  });
}

TEST_CASE("invariant id_unique", "[invariants]") {
  Incubator f;
  f.Register("inc-2", "incubator", "specialized");
  f.Ok("BrokerWorkstationOpened", "carrier/inc-2", R"({"station_id":"ws-1","carrier_id":"inc-2"})",
       "2024-01-10");
  RequireViolation(f, "id_unique", [&] {
    return f.On("BrokerWorkstationOpened", R"({"station_id":"ws-1","carrier_id":"inc-1"})");
  });
}

TEST_CASE("invariant station_exists", "[invariants]") {
  Incubator f;
  RequireViolation(f, "station_exists", [&] {
    return f.On("BrokerQualified", R"({"station_id":"ws-9","broker_ref":"b-001",
                           "certificate_no":"JJR-1"})");
  });
}

TEST_CASE("invariant fund_size_covers_social_capital", "[invariants]") {
  Incubator f;
  RequireViolation(f, "fund_size_covers_social_capital", [&] {
    return f.On("FundEstablished", R"({"fund_id":"f-1","carrier_id":"inc-1",
                           "fund_type":"seed","size_fen":100,"social_capital_fen":200})");
  });
}

TEST_CASE("invariant id_unique: agreements and city fund support across carriers", "[invariants]") {
  Incubator f;
  f.Register("inc-2", "incubator", "specialized");
  f.Ok("CooperationAgreementSigned", "carrier/inc-2", R"({"agreement_id":"coop-1",
       "carrier_id":"inc-2","partner":{"name":"通辽农村商业银行","kind":"bank"}})",
       "2024-01-10");
  f.Ok("CityFundSupportGranted", "carrier/inc-2", R"({"support_id":"cfs-1","carrier_id":"inc-2",
       "city_fund":"angel","recipient":{"name":"某初创企业","kind":"startup"},
       "amount_fen":50000000})",
       "2024-01-10");
  RequireViolation(f, "id_unique", [&] {
    return f.On("CooperationAgreementSigned", R"({"agreement_id":"coop-1","carrier_id":"inc-1",
                "partner":{"name":"通辽市融资担保有限公司","kind":"guarantor"}})");
  });
  RequireViolation(f, "id_unique", [&] {
    return f.On("CityFundSupportGranted", R"({"support_id":"cfs-1","carrier_id":"inc-1",
                "city_fund":"seed","recipient":{"name":"某项目","kind":"project"},
                "amount_fen":100})");
  });
}

TEST_CASE("invariant agreement_in_force", "[invariants]") {
  Incubator f;
  f.Register("inc-2", "incubator", "specialized");
  f.Ok("CooperationAgreementSigned", "carrier/inc-2", R"({"agreement_id":"coop-2",
       "carrier_id":"inc-2","partner":{"name":"通辽农村商业银行","kind":"bank"}})",
       "2023-06-01");
  const std::string signing = R"({"agreement_id":"coop-1","carrier_id":"inc-1",
      "partner":{"name":"中国农业银行通辽分行","kind":"bank"},"credit_line_fen":500000000})";
  const std::string end = R"({"agreement_id":"coop-1","carrier_id":"inc-1","reason":"expired"})";
  f.Ok("CooperationAgreementSigned", "carrier/inc-1", signing, "2024-01-10");
  // Another carrier's agreement, and one ended before it was signed.
  RequireViolation(f, "agreement_in_force", [&] {
    return f.On("CooperationAgreementEnded",
                R"({"agreement_id":"coop-2","carrier_id":"inc-1","reason":"terminated"})");
  });
  RequireViolation(f, "agreement_in_force", [&] {
    return f.Try("CooperationAgreementEnded", "carrier/inc-1", end, "2024-01-09");
  });
  f.Ok("CooperationAgreementEnded", "carrier/inc-1", end, "2025-01-10");
  RequireViolation(f, "agreement_in_force", [&] {
    return f.Try("CooperationAgreementEnded", "carrier/inc-1", end, "2025-02-10");
  });
  // Back-dated, an end before the recorded one would leave that one ending an ended agreement.
  std::uint64_t head = f.ledger->head().seq;
  auto earlier = f.Try("CooperationAgreementEnded", "carrier/inc-1", end, "2024-06-10");
  REQUIRE_FALSE(earlier.ok());
  CHECK(earlier.status().details().at("invariant") == "agreement_in_force");
  CHECK(earlier.status().details().at("would_invalidate") == head);
}

TEST_CASE("invariants investor_not_resident and investor_resident", "[invariants]") {
  Incubator f;
  const std::string joins = R"({"investor_id":"angel-1","carrier_id":"inc-1",
      "name":"科尔沁天使投资合伙企业（有限合伙）","investor_type":"angel"})";
  const std::string leaves = R"({"investor_id":"angel-1","carrier_id":"inc-1"})";
  RequireViolation(f, "investor_resident", [&] { return f.On("ResidentInvestorLeft", leaves); });
  f.Ok("ResidentInvestorJoined", "carrier/inc-1", joins, "2024-01-10");
  RequireViolation(f, "investor_not_resident", [&] {
    return f.Try("ResidentInvestorJoined", "carrier/inc-1", joins, "2024-03-01");
  });
  f.Ok("ResidentInvestorLeft", "carrier/inc-1", leaves, "2025-01-10");
  // It may come back after it left, but not leave before it came.
  f.Ok("ResidentInvestorJoined", "carrier/inc-1", joins, "2025-06-01");
  RequireViolation(f, "investor_resident", [&] {
    return f.Try("ResidentInvestorLeft", "carrier/inc-1", leaves, "2023-12-01");
  });
}

// A workstation "ws-1" at inc-1 from 2023-06-01 with broker "b-1" from 2023-07-01.
struct Station : Incubator {
  Station() {
    Ok("BrokerWorkstationOpened", "carrier/inc-1",
       R"({"station_id":"ws-1","carrier_id":"inc-1","name":"技术经纪人工作站"})", "2023-06-01");
    Ok("BrokerQualified", "carrier/inc-1",
       R"({"station_id":"ws-1","broker_ref":"b-1","certificate_no":"NMJJR-1"})", "2023-07-01");
  }
  static std::string DealOf(const std::string& id, const std::string& broker = "b-1") {
    return R"({"deal_id":")" + id + R"(","carrier_id":"inc-1","station_id":"ws-1",)" +
           (broker.empty() ? "" : R"("broker_ref":")" + broker + R"(",)") +
           R"("seller":{"name":"内蒙古民族大学"},"buyer":{"name":"某科技有限公司"},
              "contract_kind":"transfer","amount_fen":5000000})";
  }
};

TEST_CASE("invariants station_open and broker_at_station: deals, departures, closure",
          "[invariants]") {
  Station f;
  f.Register("inc-2", "incubator", "specialized");
  f.Ok("BrokerWorkstationOpened", "carrier/inc-2", R"({"station_id":"ws-2","carrier_id":"inc-2"})",
       "2023-06-01");
  // Another carrier's workstation, named by each act.
  RequireViolation(f, "station_open", [&] {
    return f.On("BrokerWorkstationClosed",
                R"({"station_id":"ws-2","carrier_id":"inc-1","reason":"inactive"})");
  });
  RequireViolation(f, "station_exists", [&] {
    return f.On("BrokerQualified",
                R"({"station_id":"ws-2","broker_ref":"b-9","certificate_no":"NMJJR-9"})");
  });
  // A deal before the station opened; by a broker not yet there; by one never there.
  RequireViolation(f, "station_open", [&] {
    return f.Try("TechTransferDealRecorded", "carrier/inc-1", Station::DealOf("d-1", ""),
                 "2023-05-01");
  });
  RequireViolation(f, "broker_at_station", [&] {
    return f.Try("TechTransferDealRecorded", "carrier/inc-1", Station::DealOf("d-1"), "2023-06-15");
  });
  RequireViolation(f, "broker_at_station",
                   [&] { return f.On("TechTransferDealRecorded", Station::DealOf("d-1", "b-7")); });
  f.Ok("TechTransferDealRecorded", "carrier/inc-1", Station::DealOf("d-1"), "2024-01-15");
  RequireViolation(f, "id_unique",
                   [&] { return f.On("TechTransferDealRecorded", Station::DealOf("d-1")); });
  // A broker at the station is not qualified there again; one who left cannot leave again.
  RequireViolation(f, "broker_not_at_station", [&] {
    return f.On("BrokerQualified",
                R"({"station_id":"ws-1","broker_ref":"b-1","certificate_no":"NMJJR-1"})");
  });
  const std::string leaves = R"({"station_id":"ws-1","broker_ref":"b-1","reason":"moved",
      "to_station_id":"ws-2"})";
  f.Ok("BrokerLeft", "carrier/inc-1", leaves, "2024-02-01");
  RequireViolation(f, "broker_at_station",
                   [&] { return f.Try("BrokerLeft", "carrier/inc-1", leaves, "2024-03-01"); });
  // Back-dated before a deal the broker made, a departure would orphan it.
  auto earlier = f.Try("BrokerLeft", "carrier/inc-1",
                       R"({"station_id":"ws-1","broker_ref":"b-1","reason":"left"})", "2023-12-01");
  REQUIRE_FALSE(earlier.ok());
  CHECK(earlier.status().details().at("invariant") == "broker_at_station");
  // Closed, a station takes no broker, deal or closure.
  f.Ok("BrokerWorkstationClosed", "carrier/inc-1",
       R"({"station_id":"ws-1","carrier_id":"inc-1","reason":"inactive"})", "2024-06-01");
  RequireViolation(f, "station_open", [&] {
    return f.Try("BrokerQualified", "carrier/inc-1",
                 R"({"station_id":"ws-1","broker_ref":"b-2","certificate_no":"NMJJR-2"})",
                 "2024-07-01");
  });
  RequireViolation(f, "station_open", [&] {
    return f.Try("TechTransferDealRecorded", "carrier/inc-1", Station::DealOf("d-2", ""),
                 "2024-07-01");
  });
  RequireViolation(f, "station_open", [&] {
    return f.Try("BrokerWorkstationClosed", "carrier/inc-1",
                 R"({"station_id":"ws-1","carrier_id":"inc-1","reason":"other"})", "2024-08-01");
  });
}

TEST_CASE("invariant agreement_in_force names another carrier's agreement", "[invariants]") {
  Incubator f;
  f.Register("inc-2", "incubator", "specialized");
  f.Ok("CooperationAgreementSigned", "carrier/inc-2", R"({"agreement_id":"coop-2",
       "carrier_id":"inc-2","partner":{"name":"通辽农村商业银行","kind":"bank"}})",
       "2023-06-01");
  std::uint64_t head = f.ledger->head().seq;
  auto refused = f.On("CooperationAgreementEnded",
                      R"({"agreement_id":"coop-2","carrier_id":"inc-1","reason":"expired"})");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().details().at("invariant") == "agreement_in_force");
  CHECK(refused.status().details().at("owner") == "inc-2");
  CHECK(refused.status().message().find("inc-2") != std::string::npos);
  CHECK(f.ledger->head().seq == head);
}

TEST_CASE("invariant entitlement_of_stream_carrier", "[invariants]") {
  Incubator f;
  RequireViolation(f, "entitlement_of_stream_carrier", [&] {
    return f.On("PayoutApproved", R"({"payout_id":"p-1",
                           "entitlement_id":"R2:inc-9","amount_fen":100})",
                kApprover);
  });
}

TEST_CASE("invariant entitlement_active", "[invariants]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "regional", "filed", "2023-06-01");  // R5 pending
  RequireViolation(f, "entitlement_active", [&] {
    return f.Try("PayoutApproved", "carrier/ms-1", R"({"payout_id":"p-1",
                         "entitlement_id":"R5:ms-1","amount_fen":100})",
                 "2024-01-01", kApprover);
  });
}

TEST_CASE("invariant payout_within_outstanding, also within one batch", "[invariants]") {
  Incubator f;
  f.Approve("inc-1", "p-1", "R2:inc-1", 40'000'000, "2023-09-01");
  RequireViolation(f, "payout_within_outstanding", [&] {
    return f.On("PayoutApproved", R"({"payout_id":"p-2",
                           "entitlement_id":"R2:inc-1","amount_fen":10000001})",
                kApprover);
  });
  // Two approvals in one batch, each within the outstanding alone, not together.
  auto approval = [](const std::string& id) {
    AppendCommand c;
    c.command_id = "batch-" + id;
    c.stream = "carrier/inc-1";
    c.type = "PayoutApproved";
    c.data = {{"payout_id", id}, {"entitlement_id", "R2:inc-1"}, {"amount_fen", 6'000'000}};
    c.effective_date = "2024-02-01";
    c.document_ref = "审-" + id;
    return c;
  };
  auto results = f.ledger->Append(kApprover, {approval("p-3"), approval("p-4")});
  CHECK(results[0].ok());
  REQUIRE_FALSE(results[1].ok());
  CHECK(results[1].status().details().at("invariant") == "payout_within_outstanding");
}

TEST_CASE("invariant payout_approved", "[invariants]") {
  Incubator f;
  RequireViolation(f, "payout_approved", [&] {
    return f.On("PayoutDisbursed", R"({"payout_id":"p-1","voucher_no":"V1"})", kDisburser);
  });
}

TEST_CASE("invariant payout_not_disbursed, and not on a voided entitlement", "[invariants]") {
  Incubator f;
  f.Approve("inc-1", "p-1", "R2:inc-1", 100, "2023-09-01");
  f.Disburse("inc-1", "p-1", "2023-09-02");
  RequireViolation(f, "payout_not_disbursed", [&] {
    return f.On("PayoutDisbursed", R"({"payout_id":"p-1","voucher_no":"V2"})", kDisburser);
  });
  f.Approve("inc-1", "p-2", "R2:inc-1", 100, "2023-10-01");
  f.Revoke("inc-1", "regional", "misconduct", "2023-11-01");
  auto blocked = f.On("PayoutDisbursed", R"({"payout_id":"p-2","voucher_no":"V3"})", kDisburser);
  RequireViolation(f, "payout_not_disbursed", [&] { return blocked; });
  CHECK(blocked.status().details().at("status") == "void");
}

TEST_CASE("invariant four_eyes: the approver may not disburse", "[invariants]") {
  Incubator f;
  f.Approve("inc-1", "p-1", "R2:inc-1", 100, "2023-09-01");
  RequireViolation(f, "four_eyes", [&] {
    return f.On("PayoutDisbursed", R"({"payout_id":"p-1","voucher_no":"V1"})", kApprover);
  });
}

// A local write names the OS account that ran it; one person may not act under two names.
TEST_CASE("invariant four_eyes compares every name an act was recorded under", "[invariants]") {
  Incubator f;
  const std::string approval =
      R"({"payout_id":"p-1","entitlement_id":"R2:inc-1","amount_fen":100})";
  const std::string disbursal = R"({"payout_id":"p-1","voucher_no":"V1"})";
  const Actor approver_at_li{kApprover.id, "admin", "li"};
  REQUIRE(f.Try("PayoutApproved", "carrier/inc-1", approval, "2023-09-01", approver_at_li).ok());
  // The approver's OS account claiming the disburser's name.
  auto same_account = f.On("PayoutDisbursed", disbursal, Actor{kDisburser.id, "admin", "li"});
  RequireViolation(f, "four_eyes", [&] { return same_account; });
  CHECK(same_account.status().details().at("approved_by_os_user") == "li");
  CHECK_THAT(same_account.status().message(), Catch::Contains("finance.li (OS user li)") &&
                                                  Catch::Contains("cashier.wang (OS user li)"));
  // An OS account named as the approver.
  RequireViolation(f, "four_eyes", [&] {
    return f.On("PayoutDisbursed", disbursal, Actor{kDisburser.id, "admin", kApprover.id});
  });
  // The disburser's own account, or the disburser through the server: two people.
  CHECK(f.On("PayoutDisbursed", disbursal, Actor{kDisburser.id, "admin", "wang"}).ok());
}

// The history a random run found: a disbursement retracted after money was recovered against it
// would leave more recovered than ever paid, so the books could not balance.
TEST_CASE("invariant recovered_within_disbursed", "[invariants]") {
  Incubator f;
  std::uint64_t approved = f.Approve("inc-1", "p-1", "R2:inc-1", 500, "2023-09-01");
  std::uint64_t disbursed = f.Disburse("inc-1", "p-1", "2023-09-02");
  f.Revoke("inc-1", "regional", "misconduct", "2024-01-01");
  std::uint64_t clawback =
      f.Ok("ClawbackRecovered", "carrier/inc-1",
           R"({"entitlement_id":"R2:inc-1","amount_fen":300,"voucher_no":"追-1"})", "2024-02-01");
  for (std::uint64_t target : {disbursed, approved}) {
    RequireViolation(f, "recovered_within_disbursed", [&] {
      return f.On("EventRetracted",
                  R"({"reason":"录入错误","retracted_seq":)" + std::to_string(target) + "}");
    });
  }
  f.Retract("carrier/inc-1", clawback, "2024-03-01");  // the claw-back first: then they may go
  CHECK(f.On("EventRetracted",
             R"({"reason":"录入错误","retracted_seq":)" + std::to_string(disbursed) + "}")
            .ok());
}

TEST_CASE("invariant clawback_within_due", "[invariants]") {
  Incubator f;
  f.Approve("inc-1", "p-1", "R2:inc-1", 500, "2023-09-01");
  f.Disburse("inc-1", "p-1", "2023-09-02");
  RequireViolation(f, "clawback_within_due", [&] {
    return f.On("ClawbackRecovered", R"({"entitlement_id":"R2:inc-1",
                           "amount_fen":1,"voucher_no":"追-1"})");
  });
  f.Revoke("inc-1", "regional", "misconduct", "2024-01-01");
  CHECK(f.On("ClawbackRecovered",
             R"({"entitlement_id":"R2:inc-1","amount_fen":300,"voucher_no":"追-2"})")
            .ok());
  RequireViolation(f, "clawback_within_due", [&] {
    return f.On("ClawbackRecovered", R"({"entitlement_id":"R2:inc-1",
                           "amount_fen":201,"voucher_no":"追-3"})");
  });
}

TEST_CASE("invariants of EventRetracted", "[invariants]") {
  Incubator f;
  auto inc2_registered = f.Register("inc-2", "incubator", "comprehensive");
  SECTION("retraction_target_exists: the target must be on the retraction's stream") {
    RequireViolation(f, "retraction_target_exists", [&] {
      return f.On("EventRetracted", R"({"retracted_seq":999,"reason":"x"})");
    });
    // Event `inc2_registered` exists, but on carrier/inc-2.
    RequireViolation(f, "retraction_target_exists", [&] {
      return f.On("EventRetracted",
                  R"({"retracted_seq":)" + std::to_string(inc2_registered) + R"(,"reason":"x"})");
    });
  }
  SECTION("retraction_target_not_retraction and not_already_retracted") {
    auto retraction = f.Retract("carrier/inc-1", 3, "2024-01-01");
    RequireViolation(f, "retraction_target_not_retraction", [&] {
      return f.On("EventRetracted",
                  R"({"retracted_seq":)" + std::to_string(retraction) + R"(,"reason":"x"})");
    });
    RequireViolation(f, "not_already_retracted", [&] {
      return f.On("EventRetracted", R"({"retracted_seq":3,"reason":"again"})");
    });
  }
}

TEST_CASE("envelope rules: stream of the type, document_ref where required", "[invariants]") {
  Incubator f;
  auto head = f.ledger->head().seq;
  auto on_policy = f.Try("AccreditationGranted", "policy",
                         R"({"carrier_id":"inc-1","level":"national","mode":"accredited",
                         "authority":"科学技术部"})",
                         "2024-01-01");
  CHECK(on_policy.status().code() == Code::kBadRequest);
  CHECK(on_policy.status().details().at("field") == "stream");
  AppendCommand no_ref;
  no_ref.command_id = "no-ref";
  no_ref.stream = "carrier/inc-1";
  no_ref.type = "EvaluationRecorded";
  no_ref.data = {{"carrier_id", "inc-1"}, {"level", "regional"}, {"year", 2024}, {"grade", "good"}};
  no_ref.effective_date = "2024-12-01";
  auto result = f.ledger->Append(kAdmin, {no_ref})[0];
  CHECK(result.status().code() == Code::kBadRequest);
  CHECK(result.status().details().at("field") == "document_ref");
  auto bad_date = f.Try("BrandOutputFiled", "carrier/inc-1", R"({"filing_id":"bf-1",
      "provider_id":"inc-1","recipient":{"name":"x"},"service":"branch",
      "planned_start":"2024-02-30"})",
                        "2024-01-01");
  CHECK(bad_date.status().code() == Code::kSchemaViolation);
  CHECK(bad_date.status().details().at("field") == "/data/planned_start");
  for (const char* type : {"CooperationAgreementSigned", "CityFundSupportGranted"}) {
    AppendCommand unreferenced;
    unreferenced.command_id = std::string("no-ref-") + type;
    unreferenced.stream = "carrier/inc-1";
    unreferenced.type = type;
    unreferenced.data =
        std::string_view(type) == "CityFundSupportGranted"
            ? boost::json::object{{"support_id", "cfs-9"},
                                  {"carrier_id", "inc-1"},
                                  {"city_fund", "seed"},
                                  {"recipient", {{"name", "某团队"}, {"kind", "team"}}},
                                  {"amount_fen", 100}}
            : boost::json::object{{"agreement_id", "coop-9"},
                                  {"carrier_id", "inc-1"},
                                  {"partner", {{"name", "某银行"}, {"kind", "bank"}}}};
    unreferenced.effective_date = "2024-12-01";
    auto refused = f.ledger->Append(kAdmin, {unreferenced})[0];
    INFO(type);
    CHECK(refused.status().code() == Code::kBadRequest);
    CHECK(refused.status().details().at("field") == "document_ref");
  }
  auto unknown = f.Try("SubsidyInvented", "carrier/inc-1", "{}", "2024-01-01");
  CHECK(unknown.status().code() == Code::kUnknownType);
  CHECK(f.ledger->head().seq == head);
}

}  // namespace
}  // namespace hatchery::testing
