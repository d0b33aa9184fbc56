// Explain and diff on a real store: an entitlement's rule, clause, justifying events with their
// hashes, money and status history as of any point; what changed between two points and the events
// responsible — on both time axes.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "policy_fixture.h"
#include "read/diff.h"
#include "read/explain.h"

namespace hatchery::testing {
namespace {

namespace bj = boost::json;
constexpr std::int64_t kYuan = 100;

domain::Cut CutAt(const PolicyFixture& f, std::uint64_t seq,
                  std::optional<domain::Date> effective_on = std::nullopt) {
  return domain::MakeCut(f.rules->facts(), seq, effective_on);
}

read::Explanation ExplainOk(const PolicyFixture& f, const domain::Cut& cut, const std::string& id) {
  auto x = read::Explain(*f.ledger, f.rules->facts(), cut, id);
  INFO(x.status().ToString());
  REQUIRE(x.ok());
  return std::move(x).value();
}

const read::RowChange* Row(const read::Diff& diff, std::string_view view, const std::string& key) {
  for (const auto& vd : diff.views) {
    if (vd.view != view) continue;
    for (const auto& r : vd.rows) {
      if (r.key == key) return &r;
    }
  }
  return nullptr;
}

const read::FieldChange* Field(const read::RowChange& row, const std::string& field) {
  for (const auto& f : row.fields) {
    if (f.field == field) return &f;
  }
  return nullptr;
}

// A national incubator paid 400,000 of R1's 1,000,000 yuan, then revoked for misconduct, and
// 100,000 yuan recovered.
struct Revoked {
  PolicyFixture f;
  std::uint64_t grant, approve, disburse, revoke, recover;
  Revoked() {
    f.Register("inc-1", "incubator", "comprehensive");
    grant = f.Grant("inc-1", "national", "accredited", "2024-03-01");
    approve = f.Approve("inc-1", "p-1", "R1:inc-1", 400'000 * kYuan, "2024-05-01");
    disburse = f.Disburse("inc-1", "p-1", "2024-05-20");
    revoke = f.Revoke("inc-1", "national", "misconduct", "2025-01-10");
    recover =
        f.Ok("ClawbackRecovered", "carrier/inc-1",
             R"({"entitlement_id":"R1:inc-1","amount_fen":10000000,"voucher_no":"收〔2025〕7"})",
             "2025-02-01");
  }
};

TEST_CASE("explain: rule, clause, ruleset, justifying events with hashes, money, history",
          "[explain]") {
  Revoked r;
  auto x = ExplainOk(r.f, CutAt(r.f, r.recover), "R1:inc-1");
  CHECK(x.entitlement->rule_id == "R1");
  CHECK(x.entitlement->clause == "TCB-2023-2 §3.1");
  CHECK_THAT(x.clause_text, Catch::Contains("100万元"));
  REQUIRE(x.entitlement);
  CHECK(x.entitlement->ruleset_seq == 1);
  CHECK_THAT(x.ruleset_title, Catch::Contains("通创办发〔2023〕2号"));
  CHECK(x.entitlement->seqs == std::vector<std::uint64_t>{r.grant});
  CHECK(x.entitlement->status == "voided");
  CHECK(x.entitlement->clawback_due_fen() == 300'000 * kYuan);
  REQUIRE(x.entitlement->history.size() == 2);
  CHECK(x.entitlement->history[0].seq == r.grant);
  CHECK(x.entitlement->history[1].seq == r.revoke);
  REQUIRE(x.payouts.size() == 1);
  CHECK(x.payouts[0].disbursed_seq == r.disburse);
  REQUIRE(x.clawbacks.size() == 1);
  CHECK(x.clawbacks[0].seq == r.recover);
  CHECK(x.clawbacks[0].amount_fen == 100'000 * kYuan);
  // Every cited event, with the hash the ledger holds.
  for (std::uint64_t seq :
       {std::uint64_t{1}, r.grant, r.approve, r.disburse, r.revoke, r.recover}) {
    INFO("seq " << seq);
    REQUIRE(x.events.contains(seq));
    CHECK(x.events.at(seq).hash == r.f.ledger->Get(seq)->hash);
    CHECK(x.events.at(seq).type == r.f.ledger->Get(seq)->type);
  }
  bj::object json = read::ToJson(x);
  CHECK(json.at("entitlement").at("clawback_due_fen") == 300'000 * kYuan);
  CHECK(json.at("events").as_array().size() == x.events.size());
  CHECK(json.at("clawbacks").as_array().size() == 1);
}

TEST_CASE("explain: as of a point before the revocation the award still stands", "[explain]") {
  Revoked r;
  auto x = ExplainOk(r.f, CutAt(r.f, r.disburse), "R1:inc-1");
  REQUIRE(x.entitlement);
  CHECK(x.entitlement->status == "active");
  CHECK(x.entitlement->history.size() == 1);
  CHECK(x.clawbacks.empty());
  CHECK(x.entitlement->outstanding_fen() == 600'000 * kYuan);
  // On the business-time axis: effective before the revocation, as known now.
  auto before = ExplainOk(r.f, CutAt(r.f, r.recover, 20241231), "R1:inc-1");
  REQUIRE(before.entitlement);
  CHECK(before.entitlement->status == "active");
}

TEST_CASE(
    "explain: ids that name no carrier or no rule are refused with the nearest — "
    "the rest say why not",
    "[explain]") {
  Revoked r;
  // A rule the carrier never met: why not, not an error.
  auto none = ExplainOk(r.f, CutAt(r.f, r.recover), "R2:inc-1");
  CHECK_FALSE(none.entitlement);
  REQUIRE(none.declines.size() == 1);
  CHECK(none.declines[0].reason == "not_triggered");
  CHECK_THAT(none.declines[0].detail, Catch::Contains("needs a regional accreditation"));
  auto early = ExplainOk(r.f, CutAt(r.f, r.recover, 20240101), "R1:inc-1");
  CHECK_FALSE(early.entitlement);
  REQUIRE(early.declines.size() == 1);
  CHECK(early.declines[0].reason == "not_triggered");
  auto maker = ExplainOk(r.f, CutAt(r.f, r.recover), "R3:inc-1");
  REQUIRE(maker.declines.size() == 1);
  CHECK(maker.declines[0].reason == "kind_not_eligible");
  auto nobody = read::Explain(*r.f.ledger, r.f.rules->facts(), CutAt(r.f, r.recover), "R1:inc-2");
  CHECK(nobody.status().code() == Code::kNotFound);
  CHECK_THAT(nobody.status().message(),
             Catch::Contains("no carrier \"inc-2\"") && Catch::Contains("the nearest is inc-1"));
  auto garbage = read::Explain(*r.f.ledger, r.f.rules->facts(), CutAt(r.f, r.recover), "garbage");
  CHECK(garbage.status().code() == Code::kNotFound);
  CHECK_THAT(garbage.status().message(), Catch::Contains("no carrier \"garbage\""));
  auto rule = read::Explain(*r.f.ledger, r.f.rules->facts(), CutAt(r.f, r.recover), "R9:inc-1");
  CHECK(rule.status().code() == Code::kNotFound);
  CHECK_THAT(rule.status().message(), Catch::Contains("no ruleset has a rule \"R9\"") &&
                                          Catch::Contains("R1, R2, R3, R4, R5, R6") &&
                                          Catch::Contains("the carrier has R1:inc-1"));
  // A carrier's id alone: what its entitlement ids are.
  auto carrier = read::Explain(*r.f.ledger, r.f.rules->facts(), CutAt(r.f, r.recover), "inc-1");
  CHECK(carrier.status().code() == Code::kNotFound);
  CHECK_THAT(carrier.status().message(),
             Catch::Contains("that is carrier inc-1") && Catch::Contains("has R1:inc-1"));
}

// The reasons of `x`'s declines, in order.
std::vector<std::string> Reasons(const read::Explanation& x) {
  std::vector<std::string> reasons;
  for (const auto& d : x.declines) reasons.push_back(d.reason);
  return reasons;
}

TEST_CASE("explain: why not — each case the rules decline names its facts", "[explain]") {
  SECTION("accredited before the policy") {
    PolicyFixture f;
    f.Register("inc-1", "incubator", "comprehensive", "2020-01-10");
    std::uint64_t grant = f.Grant("inc-1", "national", "accredited", "2022-05-01");
    auto x = ExplainOk(f, CutAt(f, grant), "R1:inc-1");
    CHECK_FALSE(x.entitlement);
    REQUIRE(Reasons(x) == std::vector<std::string>{"pre_policy"});
    CHECK(x.declines[0].seq == grant);
    CHECK_THAT(x.declines[0].detail, Catch::Contains("2023-03-27"));
    CHECK(x.events.contains(grant));
  }
  SECTION("a filed incubator") {
    PolicyFixture f;
    f.Register("inc-1", "incubator", "comprehensive");
    std::uint64_t grant = f.Grant("inc-1", "regional", "filed", "2024-02-01");
    auto x = ExplainOk(f, CutAt(f, grant), "R2:inc-1");
    REQUIRE(Reasons(x) == std::vector<std::string>{"mode_not_eligible"});
    CHECK_THAT(x.declines[0].detail, Catch::Contains("filed") && Catch::Contains("accredited"));
  }
  SECTION("a first evaluation not excellent") {
    PolicyFixture f;
    f.Register("ms-1", "maker_space", "social");
    std::uint64_t grant = f.Grant("ms-1", "regional", "accredited", "2023-06-01");
    std::uint64_t pass = f.Evaluate("ms-1", "regional", 2024, "pass", "2024-09-01");
    f.Evaluate("ms-1", "regional", 2025, "excellent", "2025-09-01");  // too late: not the first
    auto x = ExplainOk(f, CutAt(f, f.ledger->head().seq), "R5:ms-1");
    CHECK_FALSE(x.entitlement);
    REQUIRE(Reasons(x) == std::vector<std::string>{"first_evaluation_not_excellent"});
    CHECK(x.declines[0].seq == pass);
    CHECK(x.declines[0].facts == std::vector<std::uint64_t>{grant});
    CHECK(x.events.contains(grant));
    CHECK(x.events.contains(pass));
  }
  SECTION("one-time, already used") {
    PolicyFixture f;
    f.Register("ms-1", "maker_space", "social");
    std::uint64_t first = f.Grant("ms-1", "national", "accredited", "2023-06-01");
    f.Revoke("ms-1", "national", "voluntary", "2024-01-10");
    std::uint64_t again = f.Grant("ms-1", "national", "filed", "2024-06-01");
    auto x = ExplainOk(f, CutAt(f, again), "R3:ms-1");
    REQUIRE(x.entitlement);
    CHECK(x.entitlement->seqs == std::vector<std::uint64_t>{first});
    REQUIRE(Reasons(x) == std::vector<std::string>{"one_time"});
    CHECK(x.declines[0].seq == again);
    CHECK(x.declines[0].facts == std::vector<std::uint64_t>{first});
  }
  SECTION("a higher award covering a lower one") {
    PolicyFixture f({{"upgrade", "difference"}});
    f.Register("inc-1", "incubator", "comprehensive");
    std::uint64_t national = f.Grant("inc-1", "national", "accredited", "2023-06-01");
    std::uint64_t regional = f.Grant("inc-1", "regional", "accredited", "2023-09-01");
    auto x = ExplainOk(f, CutAt(f, regional), "R2:inc-1");
    CHECK_FALSE(x.entitlement);
    REQUIRE(Reasons(x) == std::vector<std::string>{"covered_by_higher"});
    CHECK(x.declines[0].facts == std::vector<std::uint64_t>{national});
  }
  SECTION("a tier the ruleset does not count") {
    PolicyFixture f({{"national_tiers", bj::array{"excellence"}}});
    f.Register("inc-1", "incubator", "comprehensive");
    std::uint64_t grant = f.Grant("inc-1", "national", "accredited", "2025-06-01", "standard");
    auto x = ExplainOk(f, CutAt(f, grant), "R1:inc-1");
    REQUIRE(Reasons(x) == std::vector<std::string>{"tier_not_eligible"});
  }
  SECTION("voided by misconduct, the revocation cited with its reason and document") {
    Revoked r;
    auto x = ExplainOk(r.f, CutAt(r.f, r.recover), "R1:inc-1");
    REQUIRE(x.entitlement);
    CHECK(x.entitlement->status == "voided");
    const read::EventRef& revocation = x.events.at(r.revoke);
    CHECK(revocation.reason == "misconduct");
    CHECK_FALSE(revocation.document_ref.empty());
    CHECK(revocation.actor.id == "clerk.zhang");
    CHECK(x.events.at(r.grant).authority != "");
  }
  SECTION("the trigger retracted, the retraction cited") {
    PolicyFixture f;
    f.Register("inc-1", "incubator", "comprehensive");
    std::uint64_t grant = f.Grant("inc-1", "regional", "accredited", "2023-06-01");
    f.Approve("inc-1", "p-1", "R2:inc-1", 100'000 * kYuan, "2023-08-01");
    std::uint64_t retraction = f.Retract("carrier/inc-1", grant, "2023-09-01");
    auto x = ExplainOk(f, CutAt(f, retraction), "R2:inc-1");
    REQUIRE(x.entitlement);
    CHECK(x.entitlement->status == "voided");
    CHECK(x.events.at(grant).retracted_by == retraction);
    REQUIRE(x.events.contains(retraction));
    CHECK_FALSE(x.events.at(retraction).reason.empty());
    // In words: the retracted grant is not among the events that justify it.
    std::string words = bj::serialize(read::ToJson(x));
    CHECK_THAT(words, Catch::Contains("\"retracted_by\":" + std::to_string(retraction)));
  }
}

TEST_CASE("diff: what the revocation and the recovery changed, and which events did it", "[diff]") {
  Revoked r;
  auto diff = read::Compare(r.f.rules->facts(), CutAt(r.f, r.disburse), CutAt(r.f, r.recover));
  CHECK(diff.events == std::vector<std::pair<std::uint64_t, std::string>>{
                           {r.revoke, "AccreditationRevoked"}, {r.recover, "ClawbackRecovered"}});
  const read::RowChange* e = Row(diff, "entitlements", "R1:inc-1");
  REQUIRE(e != nullptr);
  CHECK(e->change == "changed");
  CHECK(e->responsible == std::vector<std::uint64_t>{r.revoke, r.recover});
  REQUIRE(Field(*e, "status") != nullptr);
  CHECK(Field(*e, "status")->from == "active");
  CHECK(Field(*e, "status")->to == "voided");
  CHECK(Field(*e, "clawback_due_fen")->delta == 300'000 * kYuan);
  CHECK(Field(*e, "outstanding_fen")->delta == -600'000 * kYuan);
  CHECK(Field(*e, "recovered_fen")->delta == 100'000 * kYuan);
  CHECK(Field(*e, "amount_fen") == nullptr);  // unchanged fields are not listed
  // The payout is unchanged: it is not listed at all.
  CHECK(Row(diff, "payouts", "p-1") == nullptr);
  // Diffing a point with itself finds nothing.
  auto same = read::Compare(r.f.rules->facts(), CutAt(r.f, r.recover), CutAt(r.f, r.recover));
  CHECK(same.events.empty());
  for (const auto& vd : same.views) CHECK(vd.rows.empty());
}

TEST_CASE("diff: on the business-time axis, and a late evaluation named as responsible", "[diff]") {
  PolicyFixture f;
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "regional", "filed", "2023-06-01");
  auto excellent = f.Evaluate("ms-1", "regional", 2024, "excellent", "2024-12-01");
  auto late = f.Evaluate("ms-1", "regional", 2023, "pass", "2023-12-01");

  // Known now, effective end of 2022 vs end of 2024: the late pass of 2023 makes R5 never fire.
  auto business =
      read::Compare(f.rules->facts(), CutAt(f, late, 20221231), CutAt(f, late, 20241231));
  CHECK(Row(business, "entitlements", "R5:ms-1") == nullptr);
  // As known when the excellent was recorded vs after the late pass: R5 went away, and the late
  // evaluation is the responsible event.
  auto recorded = read::Compare(f.rules->facts(), CutAt(f, excellent), CutAt(f, late));
  const read::RowChange* r5 = Row(recorded, "entitlements", "R5:ms-1");
  REQUIRE(r5 != nullptr);
  CHECK(r5->change == "removed");
  CHECK(r5->responsible == std::vector<std::uint64_t>{late});
  const read::RowChange* carrier = Row(recorded, "carriers", "ms-1");
  REQUIRE(carrier != nullptr);
  CHECK(Field(*carrier, "evaluations") != nullptr);

  bj::object json = read::ToJson(recorded);
  CHECK(json.at("events_total") == 1);
  CHECK(json.at("views").at("entitlements").as_array().size() == 1);
}

TEST_CASE("diff: a row cites only the events that can shape its view", "[diff]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  std::uint64_t grant = f.Grant("inc-1", "national", "accredited", "2024-03-01");
  std::uint64_t report =
      f.Ok("AnnualReportSubmitted", "carrier/inc-1",
           R"({"carrier_id":"inc-1","year":2024,"metrics":{"incubated_firms":5}})", "2025-01-10");
  std::uint64_t approve = f.Approve("inc-1", "p-1", "R1:inc-1", 400'000 * kYuan, "2025-02-01");
  std::uint64_t amend =
      f.Ok("CarrierProfileAmended", "carrier/inc-1",
           R"({"carrier_id":"inc-1","changes":{"name":"通辽新名孵化器"}})", "2025-03-01");
  auto diff = read::Compare(f.rules->facts(), CutAt(f, grant), CutAt(f, amend));
  const read::RowChange* award = Row(diff, "entitlements", "R1:inc-1");
  REQUIRE(award != nullptr);
  CHECK(award->responsible == std::vector<std::uint64_t>{approve});
  const read::RowChange* payout = Row(diff, "payouts", "p-1");
  REQUIRE(payout != nullptr);
  CHECK(payout->responsible == std::vector<std::uint64_t>{approve});
  const read::RowChange* carrier = Row(diff, "carriers", "inc-1");
  REQUIRE(carrier != nullptr);
  CHECK(carrier->responsible == std::vector<std::uint64_t>{amend});
  // The indicators read every act.
  bool cited = false;
  for (const auto& vd : diff.views) {
    for (const auto& r : vd.rows) {
      if (vd.view == "indicators" && r.carrier_id == "inc-1") {
        cited |=
            std::find(r.responsible.begin(), r.responsible.end(), report) != r.responsible.end();
      }
    }
  }
  CHECK(cited);
}

TEST_CASE("explain and diff on the command line, in words and as JSON", "[explain][diff][cli]") {
  Revoked r;
  std::string data = " --data " + r.f.dir.Sub("store");
  std::string grant_hash = ToHex(r.f.ledger->Get(r.grant)->hash);
  r.f.ledger.reset();
  auto words = RunHatchery("explain R1:inc-1" + data);
  INFO(words.out);
  REQUIRE(words.exit_code == 0);
  CHECK_THAT(words.out, Catch::Contains("Rule R1 of ruleset TCB-2023-2") &&
                            Catch::Contains("claw-back due ¥300,000.00") &&
                            Catch::Contains("revoked") && Catch::Contains("hash " + grant_hash));
  auto json = RunHatchery("explain R1:inc-1 --format json --as-of-seq " +
                          std::to_string(r.disburse) + data);
  REQUIRE(json.exit_code == 0);
  bj::value parsed = bj::parse(json.out);
  CHECK(parsed.at("entitlement").at("status") == "active");
  CHECK(RunHatchery("explain R9:inc-1" + data).exit_code == 2);

  auto diff = RunHatchery("diff --from " + std::to_string(r.disburse) + " --to " +
                          std::to_string(r.recover) + data);
  REQUIRE(diff.exit_code == 0);
  CHECK_THAT(diff.out, Catch::Contains("~ R1:inc-1") && Catch::Contains("status active → voided") &&
                           Catch::Contains("(+¥300,000.00)"));
  auto diff_json = RunHatchery("diff --format json --from 1 --to " + std::to_string(r.recover) +
                               " --to-effective-on 2024-12-31" + data);
  REQUIRE(diff_json.exit_code == 0);
  CHECK(bj::parse(diff_json.out).at("to").at("effective_on") == "2024-12-31");
  CHECK(RunHatchery("diff --from x --to 1" + data).exit_code == 2);
}

}  // namespace
}  // namespace hatchery::testing

namespace hatchery::testing {
namespace {

TEST_CASE("diff in words: a summary beyond a screenful, largest first — levels by name",
          "[diff][cli]") {
  TempDir dir;
  const std::string data = " --data " + dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 12" + data).exit_code == 0);
  auto json = RunHatchery("diff --format json --from 1 --to 60" + data);
  REQUIRE(json.exit_code == 0);
  std::size_t changed = 0;
  const bj::value parsed = bj::parse(json.out);
  for (const auto& [view, rows] : parsed.at("views").as_object()) {
    changed += rows.as_array().size();
  }
  REQUIRE(changed > 40);
  auto summary = RunHatchery("diff --from 1 --to 60" + data);
  REQUIRE(summary.exit_code == 0);
  INFO(summary.out);
  CHECK(Lines(summary.out).size() < 40);
  CHECK_THAT(summary.out, Catch::Contains("entitlements: ") && Catch::Contains(" added") &&
                              Catch::Contains("Largest changes") &&
                              Catch::Contains(std::to_string(changed) + " rows changed") &&
                              Catch::Contains("--full"));
  auto full = RunHatchery("diff --full --from 1 --to 60" + data);
  REQUIRE(full.exit_code == 0);
  CHECK(Lines(full.out).size() > changed);
  // A level changed is named, not counted: carriers registered before the first point whose
  // levels changed by the second.
  auto log = RunHatchery("read --from 1 --limit 100000" + data);  // to the head, however long
  REQUIRE(log.exit_code == 0);
  auto levels =
      RunHatchery("diff --full --from 60 --to " + std::to_string(Lines(log.out).size()) + data);
  REQUIRE(levels.exit_code == 0);
  std::size_t named = 0;
  for (const std::string& line : Lines(levels.out)) {
    const std::size_t at = line.find(" levels ");
    if (at == std::string::npos) continue;
    INFO(line);
    const std::size_t end = std::min(line.find(';', at), line.find("  [", at));
    const std::string change = line.substr(at, end - at);
    // "none", or levels as "regional (accredited), city (filed)", on both sides.
    CHECK_THAT(change, Catch::Matches(R"( levels (none|[a-z]+ \([a-z]+\)(, [a-z]+ \([a-z]+\))*))"
                                      R"( → (none|[a-z]+ \([a-z]+\)(, [a-z]+ \([a-z]+\))*))"));
    ++named;
  }
  CHECK(named > 0);
  CHECK(RunHatchery("diff --summary --full --from 1 --to 60" + data).exit_code == 2);
}

TEST_CASE(
    "explain in words: documents, authorities, recorders — a retracted trigger set apart — "
    "why not",
    "[explain][cli]") {
  PolicyFixture f;
  f.Register("inc-1", "incubator", "comprehensive");
  std::uint64_t grant = f.Grant("inc-1", "regional", "accredited", "2023-06-01");
  f.Approve("inc-1", "p-1", "R2:inc-1", 100'000 * kYuan, "2023-08-01");
  std::uint64_t retraction = f.Retract("carrier/inc-1", grant, "2023-09-01");
  f.Register("ms-1", "maker_space", "social");
  f.Grant("ms-1", "regional", "accredited", "2023-06-01");
  std::uint64_t pass = f.Evaluate("ms-1", "regional", 2024, "pass", "2024-09-01");
  const Event granted = *f.ledger->Get(grant), retracted = *f.ledger->Get(retraction);
  std::string data = " --data " + f.dir.Sub("store");
  f.ledger.reset();
  auto words = RunHatchery("explain R2:inc-1" + data);
  INFO(words.out);
  REQUIRE(words.exit_code == 0);
  const std::string& out = words.out;
  std::size_t justify = out.find("The events that justify it: none");
  std::size_t apart = out.find("Retracted, so no longer justifying it:");
  REQUIRE(justify != std::string::npos);
  REQUIRE(apart != std::string::npos);
  CHECK(out.find("event " + std::to_string(grant) + " AccreditationGranted") > apart);
  CHECK_THAT(out, Catch::Contains(*granted.document_ref) &&
                      Catch::Contains(std::string(granted.data.at("authority").as_string())) &&
                      Catch::Contains("by clerk.zhang (admin)") &&
                      Catch::Contains("RETRACTED by event " + std::to_string(retraction)) &&
                      Catch::Contains(*retracted.document_ref) &&
                      Catch::Contains(std::string(retracted.data.at("reason").as_string())));
  auto why_not = RunHatchery("explain R5:ms-1" + data);
  INFO(why_not.out);
  REQUIRE(why_not.exit_code == 0);
  CHECK_THAT(why_not.out,
             Catch::StartsWith("No entitlement R5:ms-1") && Catch::Contains("Why not:") &&
                 Catch::Contains("first_evaluation_not_excellent") &&
                 Catch::Contains("event " + std::to_string(pass) + " EvaluationRecorded"));
  auto nearest = RunHatchery("explain R1:inc-2" + data);
  CHECK(nearest.exit_code == 2);
  CHECK_THAT(nearest.out, Catch::Contains("the nearest is inc-1"));
}

}  // namespace
}  // namespace hatchery::testing
