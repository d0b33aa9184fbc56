// The `hatchery` command line, run as a process.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>

#include "hatchery/json.h"
#include "hatchery/sha256.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::RunHatchery;
using testing::TempDir;

std::vector<boost::json::object> JsonLines(const std::string& text) {
  std::vector<boost::json::object> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(boost::json::parse(line).as_object());
  return out;
}

const char* kGoodLine =
    R"({"command_id":"c-1","stream":"carrier/tl-inc-001","type":"CarrierRegistered",)"
    R"("effective_date":"2019-05-01","data":{"carrier_id":"tl-inc-001","name":"通辽市孵化器",)"
    R"("kind":"incubator","category":"comprehensive","host_type":"county","county":"horqin"}})";

TEST_CASE("cli: init, append, read, verify", "[cli]") {
  TempDir dir;
  std::string data = " --data " + dir.Sub("s");
  REQUIRE(RunHatchery("init" + data).exit_code == 0);
  CHECK(RunHatchery("init" + data).exit_code == 2);

  auto appended = RunHatchery("append" + data + " -", std::string(kGoodLine) + "\n");
  INFO(appended.out);
  REQUIRE(appended.exit_code == 0);
  auto results = JsonLines(appended.out);
  REQUIRE(results.size() == 1);
  CHECK(results[0].at("ok") == true);
  CHECK(results[0].at("result").at("seq") == 2);  // after the genesis ruleset

  auto read = RunHatchery("read" + data);
  REQUIRE(read.exit_code == 0);
  auto events = JsonLines(read.out);
  REQUIRE(events.size() == 2);
  CHECK(events[0].at("type") == "PolicyRulesetActivated");
  CHECK(events[0].at("data").at("ruleset_id") == "TCB-2023-2");
  CHECK(events[1].at("data").at("name") == "通辽市孵化器");
  CHECK(events[1].at("actor").at("id") == "local.admin");

  auto verified = RunHatchery("verify" + data);
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Catch::Contains("ok: 2 events"));
}

// Well-formed envelopes the domain refuses: an unknown type, a grade not on the scale, and an
// evaluation at a level the carrier never held.
const char* kBadDomainLines =
    R"({"command_id":"d-1","stream":"carrier/tl-inc-001","type":"SubsidyInvented","data":{},)"
    R"("effective_date":"2024-01-01"})"
    "\n"
    R"({"command_id":"d-2","stream":"carrier/tl-inc-001","type":"EvaluationRecorded",)"
    R"("document_ref":"内科发〔2024〕1号","effective_date":"2024-12-01","data":{)"
    R"("carrier_id":"tl-inc-001","level":"regional","year":2024,"grade":"优秀"}})"
    "\n"
    R"({"command_id":"d-3","stream":"carrier/tl-inc-001","type":"EvaluationRecorded",)"
    R"("document_ref":"内科发〔2024〕1号","effective_date":"2024-12-01","data":{)"
    R"("carrier_id":"tl-inc-001","level":"regional","year":2024,"grade":"pass"}})"
    "\n";

TEST_CASE("cli: bad lines get an error line each, the rest are appended, exit 1", "[cli]") {
  TempDir dir;
  std::string data = " --data " + dir.Sub("s");
  REQUIRE(RunHatchery("init" + data).exit_code == 0);
  std::string input =
      std::string("not json\n") +
      R"({"command_id":"c-2","stream":"policy","type":"X","data":{},"effective_date":"2023-02-30"})"
      "\n"
      "\n" +
      kGoodLine + "\n" +
      R"({"command_id":"c-3","stream":"policy","type":"X","data":{},"effective_date":"2023-02-28","seq":9})"
      "\n";
  auto appended = RunHatchery("append --actor clerk.li" + data + " -", input + kBadDomainLines);
  INFO(appended.out);
  CHECK(appended.exit_code == 1);
  auto results = JsonLines(appended.out);
  REQUIRE(results.size() == 7);  // the blank line is skipped
  CHECK(results[0].at("line") == 1);
  CHECK(results[0].at("error").at("code") == "bad_request");
  CHECK(results[1].at("error").at("details").at("field") == "effective_date");
  CHECK(results[2].at("line") == 4);
  CHECK(results[2].at("ok") == true);
  CHECK(results[3].at("error").at("details").at("field") == "seq");
  CHECK(results[4].at("error").at("code") == "unknown_type");
  CHECK(results[5].at("error").at("code") == "schema_violation");
  CHECK(results[5].at("error").at("details").at("field") == "/data/grade");
  CHECK(results[6].at("error").at("code") == "rule_violation");
  CHECK(results[6].at("error").at("details").at("invariant") == "level_held_or_held_before");
  CHECK(RunHatchery("read" + data).out.find("clerk.li") != std::string::npos);
}

TEST_CASE("cli: errors say what to do", "[cli]") {
  TempDir dir;
  auto missing = RunHatchery("read --data " + dir.Sub("nothing"));
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.out, Catch::Contains("hatchery init --data"));
  auto bad_actor = RunHatchery("append --actor 'Not A Slug' --data " + dir.Sub("nothing") + " -");
  CHECK(bad_actor.exit_code == 2);
  CHECK_THAT(bad_actor.out, Catch::Contains("actor.id"));
  CHECK(RunHatchery("--help").exit_code == 0);
  CHECK(RunHatchery("append --help").exit_code == 0);
  CHECK(RunHatchery("frobnicate").exit_code != 0);

  // The mistakes a clerk makes, each refused with what to do instead (none left silent).
  const std::string store = dir.Sub("s");
  REQUIRE(RunHatchery("demo --carriers 3 --data " + store).exit_code == 0);
  for (const std::string& county_filter :
       {"query --data " + store + " carriers --filter county=nowhere",
        "due --data " + store + " --county nowhere"}) {
    INFO(county_filter);
    auto unknown = RunHatchery(county_filter);
    CHECK(unknown.exit_code == 2);  // was: 0 rows, exit 0
    CHECK_THAT(unknown.out, Catch::Contains("kailu (开鲁县)"));
  }
  auto one = RunHatchery("query --data " + store + " carrier");
  CHECK(one.exit_code == 2);
  CHECK_THAT(one.out, Catch::Contains("--filter carrier_id="));
  auto again = RunHatchery("init --data " + store);
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.out, Catch::Contains("nothing was changed"));
  auto over = RunHatchery("export --year 2025 --data " + store + " --out " + store);
  CHECK(over.exit_code == 2);
  CHECK_THAT(over.out, Catch::Contains("name a new folder with --out"));
  auto nobody = RunHatchery("query --connect 127.0.0.1:1 --token htk_x carriers");
  CHECK(nobody.exit_code == 2);
  CHECK_THAT(nobody.out, Catch::Contains("is `hatchery serve` running there"));
}

TEST_CASE("cli: query shows a projection as a table or as JSON, with filters", "[cli]") {
  TempDir dir;
  std::string data = " --data " + dir.Sub("s");
  REQUIRE(RunHatchery("init" + data).exit_code == 0);
  auto appended = RunHatchery("append" + data + " " + HATCHERY_SAMPLE_EVENTS);
  INFO(appended.out);
  REQUIRE(appended.exit_code == 0);

  auto table = RunHatchery("query" + data + " entitlements");
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("R2:tl-inc-001"));
  CHECK_THAT(table.out, Catch::Contains("500,000.00"));  // yuan in tables

  auto json = RunHatchery("query" + data + " entitlements --format json --filter rule_id=R2");
  REQUIRE(json.exit_code == 0);
  auto out = boost::json::parse(json.out).as_object();
  REQUIRE(out.at("rows").as_array().size() == 1);
  CHECK(out.at("rows").at(0).at("amount_fen") == 50000000);  // fen in JSON
  CHECK(out.at("digest").as_string().size() == 64);

  auto before = RunHatchery("query" + data + " entitlements --format json --as-of-seq 3");
  CHECK(boost::json::parse(before.out).at("rows").as_array().empty());
  auto bad_view = RunHatchery("query" + data + " nonsense");
  CHECK(bad_view.exit_code == 2);
  CHECK_THAT(bad_view.out, Catch::Contains("entitlements"));
}

TEST_CASE("cli: a command line it cannot read exits 2, as the README says — --help exits 0",
          "[cli]") {
  for (const char* line :
       {"", "nonsense", "query", "query carriers", "query carriers --data",
        "query carriers --data x --unit pounds", "verify --data x --to-seq -1"}) {
    INFO(line);
    auto ran = RunHatchery(line);
    CHECK(ran.exit_code == 2);
    CHECK_FALSE(ran.out.empty());
  }
  CHECK(RunHatchery("--help").exit_code == 0);
  CHECK(RunHatchery("query --help").exit_code == 0);
}

}  // namespace
}  // namespace hatchery

namespace hatchery {
namespace {

using testing::RunHatchery;
using testing::TempDir;

TEST_CASE("cli: demo builds the same verified history every time", "[cli]") {
  TempDir dir;
  std::string first = " --data " + dir.Sub("a"), second = " --data " + dir.Sub("b");
  auto made = RunHatchery("demo" + first);
  INFO(made.out);
  REQUIRE(made.exit_code == 0);
  REQUIRE(RunHatchery("demo" + second).exit_code == 0);
  CHECK(RunHatchery("demo" + first).exit_code == 2);  // never over an existing store
  CHECK(RunHatchery("verify" + first).exit_code == 0);
  for (const char* view :
       {"carriers", "entitlements", "payouts", "compliance", "indicators", "assessment"}) {
    INFO(view);
    auto a = RunHatchery("query" + first + " " + view + " --format json");
    auto b = RunHatchery("query" + second + " " + view + " --format json");
    REQUIRE(a.exit_code == 0);
    auto digest = boost::json::parse(a.out).at("digest");
    CHECK(digest == boost::json::parse(b.out).at("digest"));
    // The digest is the rows' own: SHA-256 of their canonical form, as the replay reports it.
    boost::json::value parsed = boost::json::parse(a.out);
    const auto& rows = parsed.at("rows").as_array();
    CHECK_FALSE(rows.empty());
    CHECK(digest.as_string() == ToHex(Sha256(json::Canonicalize(rows))));
    auto replayed = boost::json::parse(RunHatchery("replay --format json" + first).out);
    bool found = false;
    for (const auto& v : replayed.at("views").as_array()) {
      if (v.at("view") == view) found = v.at("digest") == digest;
    }
    CHECK(found);
  }
  // The demo's corrections: one retracted award and one misconduct revocation, both with money due.
  auto voided = RunHatchery("query" + first + " entitlements --format json --filter status=voided");
  auto rows = boost::json::parse(voided.out).at("rows").as_array();
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) CHECK(row.at("clawback_due_fen").as_int64() > 0);
}

TEST_CASE("cli: demo builds a valid history for small carrier counts too", "[cli]") {
  // With few carriers the same carrier once had every regional payout, and the demo picked it for
  // both corrections; the second was then refused.
  TempDir dir;
  for (int carriers = 2; carriers <= 12; ++carriers) {
    INFO(carriers << " carriers");
    auto made = RunHatchery("demo --carriers " + std::to_string(carriers) + " --data " +
                            dir.Sub(std::to_string(carriers)));
    INFO(made.out);
    CHECK(made.exit_code == 0);
  }
}

}  // namespace
}  // namespace hatchery
