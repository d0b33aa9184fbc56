// Who really wrote it: `hatchery append --data` (a local write) records the OS user that ran it
// beside the actor it claims, four-eyes compares both, and a store set server-only refuses local
// writes while `verify` reports the setting and every local write. Run as processes against real
// stores. (The attack: the approver ran `append --data --actor <the cashier>` and recorded the
// disbursement under the cashier's name; nothing said who really ran it.)
#include <pwd.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "hatchery/ledger.h"
#include "ledger/format.h"
#include "test_util.h"

namespace hatchery {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;

// The name of the account running the tests, as a local write records it.
std::string OsUser() {
  const passwd* entry = getpwuid(getuid());
  REQUIRE(entry != nullptr);
  return entry->pw_name;
}

std::string Line(const std::string& command_id, const std::string& type, const std::string& date,
                 const std::string& data) {
  return R"({"command_id":")" + command_id + R"(","stream":"carrier/inc-1","type":")" + type +
         R"(","effective_date":")" + date + R"(","document_ref":"通科发〔2023〕)" + command_id +
         R"(号","data":)" + data + "}\n";
}

const std::string kRegistered =
    Line("reg", "CarrierRegistered", "2023-04-01",
         R"({"carrier_id":"inc-1","name":"科尔沁孵化器","kind":"incubator",)"
         R"("category":"comprehensive","host_type":"county","county":"horqin"})") +
    Line("grant", "AccreditationGranted", "2023-05-01",
         R"({"carrier_id":"inc-1","level":"regional","mode":"accredited",)"
         R"("authority":"内蒙古自治区科学技术厅"})");
const std::string kApproval =
    Line("approve", "PayoutApproved", "2023-09-01",
         R"({"payout_id":"p-1","entitlement_id":"R2:inc-1","amount_fen":100})");
const std::string kDisbursal =
    Line("disburse", "PayoutDisbursed", "2023-09-02", R"({"payout_id":"p-1","voucher_no":"V1"})");

std::vector<bj::object> Events(const std::string& data) {
  auto read = RunHatchery("read --data " + data);
  REQUIRE(read.exit_code == 0);
  std::vector<bj::object> events;
  for (const std::string& line : testing::Lines(read.out)) {
    events.push_back(bj::parse(line).as_object());
  }
  return events;
}

// A new store in `dir`/s (local writes allowed) holding an accredited carrier; its directory.
std::string StoreWithCarrier(const testing::TempDir& dir) {
  const std::string data = dir.Sub("s");
  REQUIRE(RunHatchery("init --data " + data).exit_code == 0);
  REQUIRE(RunHatchery("append --data " + data + " -", kRegistered).exit_code == 0);
  return data;
}

TEST_CASE("local writes: the approver cannot disburse under another actor's name",
          "[local_writes]") {
  testing::TempDir dir;
  const std::string data = StoreWithCarrier(dir);
  REQUIRE(RunHatchery("append --actor finance.li --data " + data + " -", kApproval).exit_code == 0);

  auto impostor = RunHatchery("append --actor cashier.wang --data " + data + " -", kDisbursal);
  INFO(impostor.out);
  CHECK(impostor.exit_code == 1);
  CHECK_THAT(impostor.out, Catch::Contains("rule_violation") && Catch::Contains("four_eyes") &&
                               Catch::Contains("cashier.wang (OS user " + OsUser() + ")"));

  std::vector<bj::object> events = Events(data);
  REQUIRE(events.size() == 4);  // the genesis, the registration, the grant, the approval
  for (const bj::object& event : events) {
    CHECK(event.at("actor").at("os_user") == OsUser().c_str());
  }
  CHECK(events[3].at("actor").at("id") == "finance.li");
}

TEST_CASE("local writes: a server-only store refuses them and takes its server's",
          "[local_writes]") {
  testing::TempDir dir;
  const std::string data = dir.Sub("s"), tokens = dir.Sub("tokens");
  auto created = RunHatchery("init --server-only --data " + data);
  INFO(created.out);
  REQUIRE(created.exit_code == 0);
  CHECK_THAT(RunHatchery("writes --data " + data).out, Catch::Contains("server only"));

  auto refused = RunHatchery("append --data " + data + " -", kRegistered);
  INFO(refused.out);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.out, Catch::Contains("forbidden") &&
                              Catch::Contains("takes writes only through its server"));
  CHECK(Events(data).size() == 1);

  auto added = RunHatchery("token add --tokens " + tokens + " --actor cashier.wang --role admin");
  const std::string token = added.out.substr(0, added.out.find('\n'));
  auto serve = testing::StartServe(data, tokens);
  auto remote = RunHatchery("append --connect 127.0.0.1:" + serve.port + " --token " + token + " -",
                            kRegistered);
  INFO(remote.out);
  CHECK(remote.exit_code == 0);
  testing::StopServe(serve);
  std::vector<bj::object> events = Events(data);
  REQUIRE(events.size() == 3);
  CHECK(events[2].at("actor") == bj::value{{"id", "cashier.wang"}, {"role", "admin"}});

  auto verified = RunHatchery("verify --data " + data);
  INFO(verified.out);
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Catch::Contains("writes: server only after event 1; 1 local writes, "
                                           "the last at event 1 (OS users: " +
                                           OsUser() + " 1)"));

  // Allowed again, a local write lands; set again, the setting starts at the new head.
  REQUIRE(RunHatchery("writes --allow-local --data " + data).exit_code == 0);
  REQUIRE(RunHatchery("append --actor finance.li --data " + data + " -", kApproval).exit_code == 0);
  CHECK_THAT(RunHatchery("writes --server-only --data " + data).out,
             Catch::Contains("every event after 4 comes through"));
  CHECK(RunHatchery("append --data " + data + " -", kDisbursal).exit_code == 2);
  CHECK_THAT(RunHatchery("verify --data " + data).out,
             Catch::Contains("2 local writes, the last at event 4"));
}

TEST_CASE("local writes: verify catches a local write after the server-only setting",
          "[local_writes]") {
  testing::TempDir dir;
  const std::string data = StoreWithCarrier(dir);
  {
    // The setting backdated by someone with the files: event 2 was then a forbidden local write.
    testing::RawStore raw(data);
    raw.Put("meta", std::string(ledger::kMetaServerOnlySince), "1");
  }
  auto caught = RunHatchery("verify --data " + data);
  INFO(caught.out);
  CHECK(caught.exit_code == 1);
  CHECK_THAT(caught.out, Catch::Contains("FAILED at seq 2: the event was written locally (OS "
                                         "user " +
                                         OsUser() +
                                         ") after the store was set to take writes "
                                         "only through its server (after event 1)"));
  {
    testing::RawStore raw(data);
    raw.Put("meta", std::string(ledger::kMetaServerOnlySince), "one");
  }
  auto unreadable = RunHatchery("verify --data " + data);
  CHECK(unreadable.exit_code == 2);
  CHECK_THAT(unreadable.out, Catch::Contains("setting is not a seq"));
}

}  // namespace
}  // namespace hatchery
