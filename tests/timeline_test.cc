// The one-timeline rule (EVENTS.md "One timeline: when an event is valid"), act by act: late
// (back-dated) acts are judged at their place on the effective timeline and by what they would
// invalidate; old stores keep what breaks the rule and name it.
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>

#include "domain/fold/ruleset.h"
#include "domain/views/projections.h"
#include "hatchery/json.h"
#include "policy_fixture.h"

namespace hatchery::testing {
namespace {

namespace bj = boost::json;

const Actor kLi{"approver.li", "admin"};
const Actor kZhou{"approver.zhou", "admin"};
const Actor kWang{"cashier.wang", "admin"};

std::string Approval(const std::string& payout, const std::string& entitlement, std::int64_t fen) {
  return R"({"payout_id":")" + payout + R"(","entitlement_id":")" + entitlement +
         R"(","amount_fen":)" + std::to_string(fen) + "}";
}

std::string Disbursal(const std::string& payout) {
  return R"({"payout_id":")" + payout + R"(","voucher_no":"V-)" + payout + "\"}";
}

// The invariant a refused append names ("" when it was accepted).
std::string Refusal(const StatusOr<AppendResult>& r) {
  if (r.ok()) return "";
  INFO(r.status().ToString());
  REQUIRE(r.status().code() == Code::kRuleViolation);
  return std::string(r.status().details().at("invariant").as_string());
}

std::int64_t Int(const bj::object& row, const char* key) { return row.at(key).as_int64(); }

// The rows of a CSV file of an export, each as header → field (RFC 4180 quoting).
std::vector<std::map<std::string, std::string>> CsvRows(const std::string& text) {
  std::vector<std::vector<std::string>> lines(1, std::vector<std::string>(1));
  bool quoted = false;
  std::size_t start = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // the byte-order mark
  for (std::size_t i = start; i < text.size(); ++i) {
    char c = text[i];
    if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
      lines.back().back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == ',') {
      lines.back().emplace_back();
    } else if (!quoted && (c == '\n' || c == '\r')) {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (i + 1 < text.size()) lines.emplace_back(1);
    } else {
      lines.back().back() += c;
    }
  }
  std::vector<std::map<std::string, std::string>> rows;
  for (std::size_t r = 1; r < lines.size(); ++r) {
    std::map<std::string, std::string> row;
    for (std::size_t k = 0; k < lines[0].size() && k < lines[r].size(); ++k) {
      row[lines[0][k]] = lines[r][k];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Every payout in exactly one entitlement row, each row's money the sum of its payouts.
void RequireBooksBalance(const domain::Projection& p) {
  bj::array ents = *domain::ViewRows(p, "entitlements");
  bj::array payouts = *domain::ViewRows(p, "payouts");
  for (const bj::value& e : ents) {
    const bj::object& row = e.as_object();
    std::int64_t approved = 0, disbursed = 0;
    for (const bj::value& v : payouts) {
      const bj::object& payout = v.as_object();
      if (payout.at("entitlement_id") != row.at("entitlement_id")) continue;
      approved += Int(payout, "amount_fen");
      if (!payout.at("disbursed_seq").is_null()) disbursed += Int(payout, "amount_fen");
    }
    INFO(bj::serialize(row));
    CHECK(Int(row, "approved_fen") == approved);
    CHECK(Int(row, "disbursed_fen") == disbursed);
    CHECK(Int(row, "outstanding_fen") >= 0);
  }
  for (const bj::value& v : payouts) {
    auto rows = std::count_if(ents.begin(), ents.end(), [&](const bj::value& e) {
      return e.at("entitlement_id") == v.at("entitlement_id");
    });
    INFO(bj::serialize(v));
    CHECK(rows == 1);
  }
}

TEST_CASE("timeline: the late payouts of the issue are refused, each naming why", "[timeline]") {
  PolicyFixture f;
  const std::string s = "carrier/x1";
  f.Register("x1", "incubator", "comprehensive", "2020-01-01");
  f.Grant("x1", "regional", "accredited", "2026-02-10");
  auto p1 = f.Try("PayoutApproved", s, Approval("p1", "R2:x1", 25'000'000), "2025-04-04", kLi);
  auto p2 = f.Try("PayoutApproved", s, Approval("p2", "R2:x1", 25'000'000), "2026-03-01", kZhou);
  auto p3 = f.Try("PayoutApproved", s, Approval("p3", "R2:x1", 25'000'000), "2024-07-02", kZhou);
  auto d3 = f.Try("PayoutDisbursed", s, Disbursal("p3"), "2024-08-02", kWang);
  CHECK(Refusal(p1) == "entitlement_active");
  CHECK(p1.status().message().find("not derived on 2025-04-04") != std::string::npos);
  CHECK(Refusal(p2).empty());
  CHECK(Refusal(p3) == "entitlement_active");
  CHECK(Refusal(d3) == "payout_approved");
  domain::Projection now = f.Now();
  const domain::Entitlement* e = FindEntitlement(now, "R2:x1");
  REQUIRE(e);
  CHECK(e->approved_fen == 25'000'000);
  CHECK(e->disbursed_fen == 0);
  CHECK(e->outstanding_fen() == 25'000'000);
  RequireBooksBalance(now);
}

TEST_CASE("timeline: a back-dated approval may not push a later one over the award", "[timeline]") {
  PolicyFixture f;
  const std::string s = "carrier/x1";
  f.Register("x1", "incubator", "comprehensive", "2020-01-01");
  f.Grant("x1", "regional", "accredited", "2023-05-01");
  auto later = f.Ok("PayoutApproved", s, Approval("p1", "R2:x1", 40'000'000), "2024-06-01", kLi);
  auto back = f.Try("PayoutApproved", s, Approval("p2", "R2:x1", 20'000'000), "2023-09-01", kLi);
  CHECK(Refusal(back) == "payout_within_outstanding");
  CHECK(back.status().details().at("would_invalidate") == later);
  CHECK(back.status().message().find("would make recorded event " + std::to_string(later)) !=
        std::string::npos);
  // Within what the award leaves, it is fine.
  CHECK(Refusal(f.Try("PayoutApproved", s, Approval("p3", "R2:x1", 10'000'000), "2023-09-01", kLi))
            .empty());
}

TEST_CASE("timeline: grants, revocations and evaluations are judged on their own date",
          "[timeline]") {
  PolicyFixture f;
  const std::string s = "carrier/m1";
  f.Register("m1", "maker_space", "social", "2020-01-01");
  auto grant = f.Grant("m1", "regional", "filed", "2024-03-01");
  // A revocation dated before the grant: the level is not held then.
  CHECK(Refusal(f.Try("AccreditationRevoked", s,
                      R"({"carrier_id":"m1","level":"regional","reason":"voluntary"})",
                      "2024-01-15")) == "level_held");
  // An evaluation dated before the level was ever held cannot be the first after the approval.
  CHECK(Refusal(f.Try("EvaluationRecorded", s,
                      R"({"carrier_id":"m1","level":"regional","year":2023,"grade":"excellent"})",
                      "2023-12-20")) == "level_held_or_held_before");
  // A back-dated grant would turn the recorded one into a second hold.
  auto twice = f.Try("AccreditationGranted", s,
                     R"({"carrier_id":"m1","level":"regional","mode":"filed","authority":"x"})",
                     "2022-05-01");
  CHECK(Refusal(twice) == "level_not_held");
  CHECK(twice.status().details().at("would_invalidate") == grant);
  // A date before the registration.
  CHECK(Refusal(f.Try("CarrierProfileAmended", s,
                      R"({"carrier_id":"m1","changes":{"area_m2":300}})", "2019-06-01")) ==
        "carrier_exists");
}

TEST_CASE("timeline: an effective date after the recording day is refused", "[timeline]") {
  PolicyFixture f;
  f.Register("x1", "incubator", "comprehensive", "2020-01-01");
  auto r = f.Try("CarrierProfileAmended", "carrier/x1",
                 R"({"carrier_id":"x1","changes":{"name":"明日"}})", "2999-01-01");
  CHECK(Refusal(r) == "effective_date_not_in_future");
}

TEST_CASE("timeline: a back-dated misconduct revocation voids what follows, and money is kept",
          "[timeline]") {
  PolicyFixture f;
  const std::string s = "carrier/x1";
  f.Register("x1", "incubator", "comprehensive", "2020-01-01");
  f.Grant("x1", "regional", "accredited", "2023-05-01");
  f.Ok("PayoutApproved", s, Approval("p1", "R2:x1", 10'000'000), "2023-07-01", kLi);
  f.Ok("PayoutDisbursed", s, Disbursal("p1"), "2023-08-01", kWang);
  f.Ok("PayoutApproved", s, Approval("p2", "R2:x1", 10'000'000), "2024-07-01", kLi);
  // Exempt from rule 2: it makes p2 invalid at its place, which is its purpose.
  f.Revoke("x1", "regional", "misconduct", "2024-01-10");
  domain::Projection now = f.Now();
  const domain::Entitlement* e = FindEntitlement(now, "R2:x1");
  REQUIRE(e);
  CHECK(e->status == "voided");
  CHECK(e->approved_fen == 20'000'000);
  CHECK(e->clawback_due_fen() == 10'000'000);
  // p2 can no longer be paid; what was paid can be recovered.
  CHECK(Refusal(f.Try("PayoutDisbursed", s, Disbursal("p2"), "2024-08-01", kWang)) ==
        "payout_not_disbursed");
  CHECK(Refusal(f.Try("ClawbackRecovered", s,
                      R"({"entitlement_id":"R2:x1","amount_fen":10000000,"voucher_no":"R-1"})",
                      "2024-09-01"))
            .empty());
  // A claw-back dated before the revocation is not due then.
  CHECK(Refusal(f.Try("ClawbackRecovered", s,
                      R"({"entitlement_id":"R2:x1","amount_fen":1,"voucher_no":"R-2"})",
                      "2023-12-01")) == "clawback_within_due");
  RequireBooksBalance(f.Now());
}

// A store written before the rule: the same acts recorded with no domain checks at all.
TEST_CASE("timeline: an old store keeps its conflicts, balances, and names them", "[timeline]") {
  TempDir dir;
  {
    auto ledger = NewLedger(dir);  // no rules: every well-formed command is recorded
    std::vector<std::pair<Actor, AppendCommand>> acts;
    auto add = [&](const Actor& actor, const std::string& type, const std::string& data,
                   const std::string& date) {
      AppendCommand c;
      c.command_id = "c" + std::to_string(acts.size());
      c.stream = type == "PolicyRulesetActivated" ? "policy" : "carrier/x1";
      c.type = type;
      c.data = json::ParseStrict(data)->as_object();
      c.effective_date = date;
      c.document_ref = "文号";
      acts.push_back({actor, c});
    };
    add(kAdmin, "PolicyRulesetActivated", bj::serialize(domain::DefaultRulesetData()),
        "2023-03-27");
    add(kAdmin, "CarrierRegistered",
        R"({"carrier_id":"x1","name":"X","kind":"incubator","category":"comprehensive",)"
        R"("host_type":"other","county":"horqin"})",
        "2020-01-01");
    add(kAdmin, "AccreditationGranted",
        R"({"carrier_id":"x1","level":"regional","mode":"accredited","authority":"x"})",
        "2026-02-10");
    add(kLi, "PayoutApproved", Approval("p1", "R2:x1", 25'000'000), "2025-04-04");
    add(kZhou, "PayoutApproved", Approval("p2", "R2:x1", 25'000'000), "2026-03-01");
    add(kZhou, "PayoutApproved", Approval("p3", "R2:x1", 25'000'000), "2024-07-02");
    add(kWang, "PayoutDisbursed", Disbursal("p3"), "2024-08-02");
    for (auto& [actor, c] : acts) AppendOk(*ledger, c, actor);
  }
  auto rules = std::make_shared<domain::PolicyRules>();
  auto ledger = OpenLedger(dir, LedgerOptions{rules});
  const domain::FactBase& facts = rules->facts();
  domain::Projection now =
      domain::Project(facts, domain::MakeCut(facts, std::nullopt, std::nullopt));
  std::vector<std::uint64_t> conflicting;
  for (const domain::Flag& flag : FlagsNamed(now, "timeline_conflict")) {
    conflicting.push_back(flag.seqs.front());
  }
  // p1 and p3 came before their award; p3's disbursement paid a payout that was void then.
  std::sort(conflicting.begin(), conflicting.end());
  CHECK(conflicting == std::vector<std::uint64_t>{4, 6, 7});
  const domain::Entitlement* e = FindEntitlement(now, "R2:x1");
  REQUIRE(e);
  CHECK(e->approved_fen == 75'000'000);
  CHECK(e->disbursed_fen == 25'000'000);
  CHECK(e->outstanding_fen() == 0);
  RequireBooksBalance(now);
  ledger.reset();
  // The export's CSVs and `explain` tell the same money as the views.
  std::string store = " --data " + dir.Sub("store");
  REQUIRE(RunHatchery("export" + store + " --out " + dir.Sub("bundle")).exit_code == 0);
  auto ents = CsvRows(Slurp(dir.Sub("bundle") + "/entitlements.csv"));
  REQUIRE(ents.size() == 1);
  CHECK(ents[0]["approved_fen"] == "75000000");
  CHECK(ents[0]["disbursed_fen"] == "25000000");
  CHECK(ents[0]["outstanding_fen"] == "0");
  std::int64_t paid = 0;
  for (auto& row : CsvRows(Slurp(dir.Sub("bundle") + "/payouts.csv"))) {
    CHECK(row["entitlement_id"] == "R2:x1");
    paid += std::stoll(row["amount_fen"]);
  }
  CHECK(paid == 75'000'000);
  auto explained = RunHatchery("explain" + store + " R2:x1 --format json");
  REQUIRE(explained.exit_code == 0);
  bj::value x = bj::parse(explained.out);
  CHECK(x.at("entitlement").at("approved_fen") == 75'000'000);
  CHECK(x.at("entitlement").at("disbursed_fen") == 25'000'000);
  CHECK(x.at("payouts").as_array().size() == 3);
  // `verify` names each conflict with its invariant.
  auto verify = RunHatchery("verify --data " + dir.Sub("store"));
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.find("3 timeline conflicts") != std::string::npos);
  CHECK(verify.out.find("event 4 (x1): entitlement_active") != std::string::npos);
  CHECK(verify.out.find("event 7 (x1): payout_not_disbursed") != std::string::npos);
}

}  // namespace
}  // namespace hatchery::testing
