// The event schemas: every type of EVENTS.md is known, valid data passes, each kind of violation is
// named by its JSON pointer, and a v2 with its upcaster reads v1 data.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "domain/fold/embedded_schemas.h"
#include "domain/fold/fact_base.h"
#include "domain/fold/ruleset.h"
#include "domain/fold/schema_registry.h"
#include "domain/views/projections.h"
#include "hatchery/json.h"

namespace hatchery::domain {
namespace {

namespace bj = boost::json;

const SchemaRegistry& Registry() { return SchemaRegistry::Default(); }

bj::object Object(std::string_view text) { return json::ParseStrict(text).value().as_object(); }

// The pointers of a schema_violation's errors.
std::vector<std::string> Pointers(const Status& status) {
  std::vector<std::string> out;
  for (const auto& e : status.details().at("errors").as_array()) {
    out.emplace_back(e.at("pointer").as_string());
  }
  return out;
}

// The version that validated, or -1 (with the error printed) if the data was refused.
std::int64_t VersionOf(const StatusOr<std::int64_t>& validated) {
  if (validated.ok()) return *validated;
  UNSCOPED_INFO(validated.status().ToString());
  return -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("every event type of EVENTS.md and docs/domain.md has a v1 schema", "[schema]") {
  for (const char* type : {"PolicyRulesetActivated",
                           "CarrierRegistered",
                           "CarrierProfileAmended",
                           "AccreditationGranted",
                           "AccreditationRevoked",
                           "EvaluationRecorded",
                           "BrandOutputFiled",
                           "BrandOutputStarted",
                           "BrokerWorkstationOpened",
                           "BrokerQualified",
                           "FundEstablished",
                           "AnnualReportSubmitted",
                           "PayoutApproved",
                           "PayoutDisbursed",
                           "ClawbackRecovered",
                           "EventRetracted",
                           "CooperationAgreementSigned",
                           "CooperationAgreementEnded",
                           "ResidentInvestorJoined",
                           "ResidentInvestorLeft",
                           "CityFundSupportGranted",
                           "BrokerWorkstationClosed",
                           "BrokerLeft",
                           "TechTransferDealRecorded",
                           "LedgerPromoted"}) {
    INFO(type);
    CHECK(Registry().Upcast(type, 1, {}).ok());  // v1 exists, and reads as the newest
    const bool has_v2 = std::string_view(type) == "AnnualReportSubmitted" ||
                        std::string_view(type) == "PolicyRulesetActivated";
    CHECK(Registry().NewestVersion(type) == (has_v2 ? 2 : 1));
  }
  CHECK(EventSchemaFiles().size() == 27);  // and the two v2s
}

TEST_CASE("PolicyRulesetActivated v2: an indicator may say its dimension and its sources",
          "[schema]") {
  bj::object v1 = DefaultRulesetData();
  CHECK(VersionOf(Registry().Validate("PolicyRulesetActivated", v1)) == 2);  // v1 data is v2 data
  CHECK(Registry().Upcast("PolicyRulesetActivated", 1, v1).value() == v1);
  auto with = [&](std::string_view member, bj::value value) {
    bj::object data = v1;
    bj::object& indicator =
        data.at("assessment").at("space_social").at("indicators").as_array().at(1).as_object();
    indicator[member] = std::move(value);
    return Registry().Validate("PolicyRulesetActivated", data);
  };
  const bj::object sources{
      {"indicator", "TCB-2023-2 §2.4"}, {"weight", "local choice"}, {"target", "local choice"}};
  CHECK(VersionOf(with("source", sources)) == 2);
  CHECK(VersionOf(with("dimension", "service_capacity")) == 2);
  const std::string at = "/data/assessment/space_social/indicators/1/";
  CHECK(Pointers(with("dimension", "charm").status()) ==
        std::vector<std::string>{at + "dimension"});
  bj::object missing = sources;
  missing.erase("target");
  CHECK(Pointers(with("source", missing).status()) ==
        std::vector<std::string>{at + "source/target"});
  bj::object extra = sources;
  extra["note"] = "x";
  CHECK(Pointers(with("source", extra).status()) == std::vector<std::string>{at + "source/note"});
  CHECK(Pointers(with("source", "local choice").status()) ==
        std::vector<std::string>{at + "source"});
}

TEST_CASE("AnnualReportSubmitted v2: the results-transfer metrics, and a v1 report as it was",
          "[schema]") {
  const auto v1 = Object(R"({"carrier_id":"tl-inc-001","year":2023,
      "metrics":{"incubated_firms":31,"rd_spend_fen":1250000000}})");
  const auto v2 = Object(R"({"carrier_id":"tl-inc-001","year":2024,
      "metrics":{"incubated_firms":33,"university_results":4,"results_transferred":3,
      "results_transfer_income_fen":150000000,"tech_contracts":6,"tech_contract_fen":72000000}})");
  CHECK(VersionOf(Registry().Validate("AnnualReportSubmitted", v1)) == 2);  // v1 data is v2 data
  CHECK(VersionOf(Registry().Validate("AnnualReportSubmitted", v2)) == 2);
  CHECK(Registry().Upcast("AnnualReportSubmitted", 1, v1).value() == v1);
  // A report recorded under v1 (before v2 existed) and one under v2 fold into the same measures.
  domain::FactBase facts(Registry());
  auto event = [](std::uint64_t seq, std::string type, boost::json::object data,
                  std::int64_t version) {
    Event e;
    e.seq = seq;
    e.stream = "carrier/tl-inc-001";
    e.type = std::move(type);
    e.data = std::move(data);
    e.schema_version = version;
    e.effective_date = seq == 1 ? "2022-01-01" : "2025-02-01";
    e.recorded_at = "2025-02-01T00:00:00.000000Z";
    e.actor = {"clerk.zhang", "admin"};
    return e;
  };
  REQUIRE(
      facts
          .Apply(event(1, "CarrierRegistered", Object(R"({"carrier_id":"tl-inc-001","name":"孵化器",
                               "kind":"incubator","category":"comprehensive",
                               "host_type":"other","county":"horqin"})"),
                       1))
          .ok());
  REQUIRE(facts.Apply(event(2, "AnnualReportSubmitted", v1, 1)).ok());
  REQUIRE(facts.Apply(event(3, "AnnualReportSubmitted", v2, 2)).ok());
  const domain::Projection p = domain::Project(facts, domain::MakeCut(facts, 3, std::nullopt));
  std::map<int, boost::json::object> values;
  const auto rows = domain::ViewRows(p, "indicators");
  REQUIRE(rows.ok());
  for (const auto& row : *rows) {
    if (!row.at("carrier_id").is_null()) {
      values[static_cast<int>(row.at("year").as_int64())] = row.at("values").as_object();
    }
  }
  CHECK(values[2023].at("rd_spend_fen") == 1250000000);
  CHECK_FALSE(values[2023].contains("results_transferred"));
  CHECK(values[2024].at("results_transferred") == 3);
  CHECK(values[2024].at("tech_contract_fen") == 72000000);
}

TEST_CASE("valid data passes and names its schema version", "[schema]") {
  CHECK(VersionOf(Registry().Validate("CarrierRegistered", Object(R"({"carrier_id":"tl-inc-001",
      "name":"通辽市科技企业孵化器","kind":"incubator","category":"comprehensive",
      "host_type":"leading_enterprise","industry":"corn_bio","county":"horqin",
      "operator":{"name":"通辽创新服务有限公司","mode":"market_team"},"area_m2":12000})"))) == 1);
  CHECK(VersionOf(Registry().Validate("AnnualReportSubmitted", Object(R"({"carrier_id":"tl-ms-002",
      "year":2024,"metrics":{"incubated_firms":31,"rd_spend_fen":1250000000}})"))) == 2);
  CHECK(VersionOf(Registry().Validate("EventRetracted",
                                      Object(R"({"retracted_seq":12,"reason":"录入错误"})"))) == 1);
}

TEST_CASE("the shipped ruleset is valid PolicyRulesetActivated data", "[schema]") {
  REQUIRE(PolicyFiles().size() >= 1);
  for (const EmbeddedFile& file : PolicyFiles()) {
    INFO(file.name);
    auto validated = Registry().Validate("PolicyRulesetActivated", Object(file.text));
    INFO(validated.status().ToString());
    CHECK(validated.ok());
  }
}

TEST_CASE("an unknown type is refused as unknown_type", "[schema]") {
  auto result = Registry().Validate("SubsidyInvented", bj::object{});
  CHECK(result.status().code() == Code::kUnknownType);
  CHECK(result.status().details().at("field") == "type");
}

TEST_CASE("violations name the JSON pointer of every failing field", "[schema]") {
  SECTION("missing required fields, each named") {
    auto result = Registry().Validate("AccreditationGranted",
                                      Object(R"({"carrier_id":"tl-inc-001","level":"national"})"));
    CHECK(result.status().code() == Code::kSchemaViolation);
    CHECK_THAT(result.status().message(), Catch::Contains("/data/") && Catch::Contains("1 more"));
    CHECK_THAT(Pointers(result.status()), Catch::Matchers::UnorderedEquals(std::vector<std::string>{
                                              "/data/mode", "/data/authority"}));
  }
  SECTION("wrong type, enum and pattern in one object") {
    auto result = Registry().Validate("EvaluationRecorded", Object(R"({"carrier_id":"TL INC",
        "level":"national","year":"2024","grade":"优秀"})"));
    CHECK_THAT(Pointers(result.status()), Catch::Matchers::UnorderedEquals(std::vector<std::string>{
                                              "/data/carrier_id", "/data/year", "/data/grade"}));
  }
  SECTION("an unexpected member") {
    auto result = Registry().Validate(
        "PayoutDisbursed", Object(R"({"payout_id":"p-1","voucher_no":"V-1","amount_fen":5})"));
    CHECK(Pointers(result.status()) == std::vector<std::string>{"/data/amount_fen"});
  }
  SECTION("nested members") {
    auto result = Registry().Validate("AnnualReportSubmitted", Object(R"({"carrier_id":"a",
        "year":2024,"metrics":{"jobs":-1}})"));
    CHECK_THAT(Pointers(result.status()),
               Catch::Matchers::UnorderedEquals(std::vector<std::string>{
                   "/data/metrics/incubated_firms", "/data/metrics/jobs"}));
  }
  SECTION("a category that does not fit the kind") {
    auto result = Registry().Validate("CarrierRegistered", Object(R"({"carrier_id":"a","name":"x",
        "kind":"maker_space","category":"comprehensive","host_type":"other","county":"kailu"})"));
    CHECK(Pointers(result.status()) == std::vector<std::string>{"/data/category"});
  }
  SECTION("a broker reference that looks like a personal ID number") {
    auto result = Registry().Validate("BrokerQualified", Object(R"({"station_id":"ws-1",
        "broker_ref":"15050219900101123X","certificate_no":"JJR-2024-001"})"));
    CHECK(Pointers(result.status()) == std::vector<std::string>{"/data/broker_ref"});
  }
  SECTION("money must be a positive integer of fen") {
    auto result = Registry().Validate("PayoutApproved", Object(R"({"payout_id":"p-1",
        "entitlement_id":"R1:tl-inc-001","amount_fen":0})"));
    CHECK(Pointers(result.status()) == std::vector<std::string>{"/data/amount_fen"});
  }
}

TEST_CASE("a v2 schema with its upcaster: new data must be v2, v1 data reads as v2", "[schema]") {
  std::vector<EmbeddedFile> files(EventSchemaFiles().begin(), EventSchemaFiles().end());
  std::string v2 = ReadFile(HATCHERY_TEST_SCHEMAS_DIR "/EvaluationRecorded.v2.schema.json");
  files.push_back({"EvaluationRecorded.v2.schema.json", v2});
  auto registry = std::move(SchemaRegistry::Load(files)).value();
  REQUIRE(registry
              ->AddUpcaster("EvaluationRecorded", 1,
                            [](bj::object data) {
                              data["scale"] =
                                  data.at("level") == "regional" ? "three_grade" : "four_grade";
                              return data;
                            })
              .ok());
  auto v1_data = Object(R"({"carrier_id":"a","level":"regional","year":2024,"grade":"excellent"})");
  CHECK(registry->NewestVersion("EvaluationRecorded") == 2);
  CHECK(registry->Validate("EvaluationRecorded", v1_data).status().code() ==
        Code::kSchemaViolation);
  auto upcast = registry->Upcast("EvaluationRecorded", 1, v1_data);
  REQUIRE(upcast.ok());
  CHECK(upcast->at("scale") == "three_grade");
  CHECK(VersionOf(registry->Validate("EvaluationRecorded", *upcast)) == 2);
  CHECK(registry->Upcast("EvaluationRecorded", 3, v1_data).status().code() == Code::kNotFound);
  CHECK(SchemaRegistry::Default().Upcast("EvaluationRecorded", 1, v1_data).value() == v1_data);
}

TEST_CASE("a schema file with a bad name or bad JSON is refused, naming it", "[schema]") {
  std::vector<EmbeddedFile> bad_name{{"Carrier.schema.json", "{}"}};
  CHECK(SchemaRegistry::Load(bad_name).status().details().at("file") == "Carrier.schema.json");
  std::vector<EmbeddedFile> bad_json{{"Carrier.v1.schema.json", "{"}};
  CHECK(SchemaRegistry::Load(bad_json).status().code() == Code::kBadRequest);
}

}  // namespace
}  // namespace hatchery::domain
