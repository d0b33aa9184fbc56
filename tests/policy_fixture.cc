#include "policy_fixture.h"

#include <catch2/catch.hpp>

#include "domain/fold/ruleset.h"
#include "hatchery/json.h"

namespace hatchery::testing {

namespace bj = boost::json;

PolicyFixture::PolicyFixture(bj::object params) : rules(std::make_shared<domain::PolicyRules>()) {
  ledger = NewLedger(dir, LedgerOptions{rules});
  bj::object data = domain::DefaultRulesetData();
  for (const auto& [key, value] : params) data["params"].as_object()[key] = value;
  auto results = ledger->Append(kAdmin, {domain::RulesetCommand(std::move(data))});
  INFO(results[0].status().ToString());
  REQUIRE(results[0].ok());
}

StatusOr<AppendResult> PolicyFixture::Try(const std::string& type, const std::string& stream,
                                          std::string_view data_json,
                                          const std::string& effective_date, const Actor& actor) {
  AppendCommand c;
  c.command_id = "cmd-" + std::to_string(++next_command_);
  c.stream = stream;
  c.type = type;
  auto data = json::ParseStrict(data_json);
  REQUIRE(data.ok());
  c.data = data->as_object();
  c.effective_date = effective_date;
  c.document_ref = "通科发〔2024〕" + std::to_string(next_command_) + "号";
  return std::move(ledger->Append(actor, {std::move(c)})[0]);
}

std::uint64_t PolicyFixture::Ok(const std::string& type, const std::string& stream,
                                std::string_view data_json, const std::string& effective_date,
                                const Actor& actor) {
  auto result = Try(type, stream, data_json, effective_date, actor);
  INFO(type << " " << data_json << ": " << result.status().ToString());
  REQUIRE(result.ok());
  return result->seq;
}

std::uint64_t PolicyFixture::Register(const std::string& id, const std::string& kind,
                                      const std::string& category, const std::string& date) {
  return Ok("CarrierRegistered", "carrier/" + id,
            R"({"carrier_id":")" + id + R"(","name":"载体)" + id + R"(","kind":")" + kind +
                R"(","category":")" + category + R"(","host_type":")" +
                (category == "university" ? "university_institute" : "other") +
                R"(","county":"horqin","area_m2":5000})",
            date);
}

std::uint64_t PolicyFixture::Grant(const std::string& id, const std::string& level,
                                   const std::string& mode, const std::string& date,
                                   const std::string& tier) {
  std::string tier_member = tier.empty() ? "" : R"(,"tier":")" + tier + "\"";
  return Ok("AccreditationGranted", "carrier/" + id,
            R"({"carrier_id":")" + id + R"(","level":")" + level + R"(","mode":")" + mode +
                R"(","authority":"科学技术部")" + tier_member + "}",
            date);
}

std::uint64_t PolicyFixture::Revoke(const std::string& id, const std::string& level,
                                    const std::string& reason, const std::string& date) {
  return Ok(
      "AccreditationRevoked", "carrier/" + id,
      R"({"carrier_id":")" + id + R"(","level":")" + level + R"(","reason":")" + reason + "\"}",
      date);
}

std::uint64_t PolicyFixture::Evaluate(const std::string& id, const std::string& level, int year,
                                      const std::string& grade, const std::string& date) {
  return Ok("EvaluationRecorded", "carrier/" + id,
            R"({"carrier_id":")" + id + R"(","level":")" + level + R"(","year":)" +
                std::to_string(year) + R"(,"grade":")" + grade + "\"}",
            date);
}

std::uint64_t PolicyFixture::Approve(const std::string& id, const std::string& payout_id,
                                     const std::string& entitlement_id, std::int64_t amount_fen,
                                     const std::string& date) {
  return Ok("PayoutApproved", "carrier/" + id,
            R"({"payout_id":")" + payout_id + R"(","entitlement_id":")" + entitlement_id +
                R"(","amount_fen":)" + std::to_string(amount_fen) + "}",
            date, kApprover);
}

std::uint64_t PolicyFixture::Disburse(const std::string& id, const std::string& payout_id,
                                      const std::string& date) {
  return Ok("PayoutDisbursed", "carrier/" + id,
            R"({"payout_id":")" + payout_id + R"(","voucher_no":"付-)" + payout_id + "\"}", date,
            kDisburser);
}

std::uint64_t PolicyFixture::Retract(const std::string& stream, std::uint64_t seq,
                                     const std::string& date) {
  return Ok("EventRetracted", stream,
            R"({"retracted_seq":)" + std::to_string(seq) + R"(,"reason":"录入错误"})", date);
}

domain::Projection PolicyFixture::Now() const { return At(std::nullopt); }

domain::Projection PolicyFixture::At(std::optional<std::uint64_t> max_seq,
                                     std::optional<std::string> effective_on) const {
  std::optional<domain::Date> on;
  if (effective_on) on = domain::ParseDate(*effective_on);
  const domain::FactBase& facts = rules->facts();
  return domain::Project(facts, domain::MakeCut(facts, max_seq, on));
}

const domain::Entitlement* FindEntitlement(const domain::Projection& p, const std::string& id) {
  for (const auto& c : p.carriers) {
    for (const auto& e : c.entitlements) {
      if (e.id == id) return &e;
    }
  }
  return nullptr;
}

std::vector<domain::Flag> FlagsNamed(const domain::Projection& p, const std::string& flag) {
  std::vector<domain::Flag> out;
  for (const auto& c : p.carriers) {
    for (const auto& f : c.flags) {
      if (f.flag == flag) out.push_back(f);
    }
  }
  return out;
}

}  // namespace hatchery::testing
