// A witness beside a real server (`hatchery serve` and `hatchery witness` as processes): it
// cosigns the checkpoints while the log only grows, and raises the alarm — cosigning nothing more —
// when the tail was rewritten by someone with the files and the store's own key, or the store was
// rolled back to an older copy; `verify --witness-log` catches both on the store with no trust in
// its host. (The attack: up to 63 events after the last Merkle run could be edited and re-chained,
// and `verify` passed; a default deployment signed nothing.)
#include "witness/witness.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>

#include "hatchery/json.h"
#include "hatchery/ledger.h"
#include "ledger/format.h"
#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;
using testing::RunHatchery;

void RequireStopped(testing::ServeProcess& serve) { REQUIRE(WIFEXITED(testing::StopServe(serve))); }

struct Deployment {
  testing::TempDir dir;
  std::string data = dir.Sub("s"), tokens = dir.Sub("tokens"), log = dir.Sub("witness.log");
  std::string admin;

  Deployment() {
    REQUIRE(RunHatchery("demo --carriers 3 --data " + data).exit_code == 0);
    auto added = RunHatchery("token add --tokens " + tokens + " --actor clerk.zhang --role admin");
    admin = added.out.substr(0, added.out.find('\n'));
    REQUIRE(RunHatchery("keygen --out " + dir.Sub("w")).exit_code == 0);
  }
  testing::RunResult Witness(const std::string& port) {
    return RunHatchery("witness --once --connect 127.0.0.1:" + port + " --token " + admin +
                       " --key " + dir.Sub("w.key") + " --log-key " + data + ".pub --log " + log);
  }
  testing::RunResult Verify() {
    return RunHatchery("verify --data " + data + " --witness-log " + log + " --witness-key " +
                       dir.Sub("w.pub"));
  }
  // Appends an amendment over the wire and has the server sign the new head.
  void GrowAndSign(const std::string& port, const std::string& id) {
    Client c(static_cast<std::uint16_t>(std::stoi(port)));
    REQUIRE(ErrorCode(c.Hello(admin)) == "ok");
    auto carriers = c.Call({{"id", 1}, {"op", "query"}, {"view", "carriers"}});
    std::string carrier(
        carriers.at("result").at("rows").as_array().at(0).at("carrier_id").as_string());
    bj::object request = Amendment(id, carrier);
    request["op"] = "append";
    REQUIRE(ErrorCode(c.Call(request)) == "ok");
    REQUIRE(ErrorCode(c.Call({{"id", 2}, {"op", "checkpoint"}, {"sign", true}})) == "ok");
  }
  std::uint64_t Head() {
    LedgerOptions read_only;
    read_only.read_only = true;
    return (*Ledger::Open(data, read_only))->head().seq;
  }
};

TEST_CASE("witness: cosigns while the log grows, and catches a rewritten tail", "[witness]") {
  Deployment d;
  auto serve = testing::StartServe(d.data, d.tokens);
  auto first = d.Witness(serve.port);
  INFO(first.out);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("cosigned the checkpoint of"));
  d.GrowAndSign(serve.port, "grow-1");
  auto second = d.Witness(serve.port);
  INFO(second.out);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.out, Catch::Contains("cosigned the checkpoint of " + std::to_string(d.Head())));
  CHECK(d.Witness(serve.port).exit_code == 0);  // nothing new: nothing cosigned, no alarm
  RequireStopped(serve);
  auto verified = d.Verify();
  INFO(verified.out);
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Catch::Contains("2 checkpoints cosigned by the witness match"));

  // The insider: the last event edited and re-hashed, its command digest forged, the kept
  // checkpoints dropped and the head signed again with the store's own key (on the same host, so
  // theirs too). The store agrees with itself; only the witness remembers.
  const std::uint64_t head = d.Head();
  {
    testing::RawStore raw(d.data);
    std::string key = ledger::EncodeFixed64(head);
    auto event = std::move(ParseEvent(raw.Get("events", key).substr(1))).value();
    event.data["changes"].as_object()["area_m2"] = 99999;
    event.hash = ComputeEventHash(event);
    raw.Put("events", key,
            std::string(1, ledger::kRecordCanonicalJson) + CanonicalForm(event, true));
    Hash digest = ledger::ContentDigest(
        ledger::DigestFields{event.command_id, event.stream, event.type, event.effective_date,
                             std::nullopt, event.document_ref, event.note, event.actor.id,
                             event.actor.role},
        json::Canonicalize(event.data));
    raw.Put("commands", event.command_id, ledger::EncodeCommandValue(head, digest));
    raw.DeleteAll("checkpoints");
  }
  REQUIRE(RunHatchery("checkpoint --sign --key " + d.data + ".key --data " + d.data).exit_code ==
          0);
  auto again = testing::StartServe(d.data, d.tokens);
  auto alarmed = d.Witness(again.port);
  INFO(alarmed.out);
  CHECK(alarmed.exit_code == 3);
  CHECK_THAT(alarmed.out, Catch::Contains("ALARM (fork)"));
  RequireStopped(again);
  CHECK(RunHatchery("verify --data " + d.data).exit_code == 0);
  auto caught = d.Verify();
  INFO(caught.out);
  CHECK(caught.exit_code == 1);
  CHECK_THAT(caught.out,
             Catch::Contains("FAILED at seq " + std::to_string(head)) &&
                 Catch::Contains("the witness cosigned the checkpoint of " + std::to_string(head)));
}

TEST_CASE("witness: catches a store rolled back to an older copy", "[witness]") {
  Deployment d;
  fs::copy(d.data, d.dir.Sub("old-copy"), fs::copy_options::recursive);
  auto serve = testing::StartServe(d.data, d.tokens);
  d.GrowAndSign(serve.port, "grow-1");
  REQUIRE(d.Witness(serve.port).exit_code == 0);
  RequireStopped(serve);
  const std::uint64_t cosigned = d.Head();
  fs::remove_all(d.data);
  fs::rename(d.dir.Sub("old-copy"), d.data);
  auto old = testing::StartServe(d.data, d.tokens);
  auto alarmed = d.Witness(old.port);
  INFO(alarmed.out);
  CHECK(alarmed.exit_code == 3);
  CHECK_THAT(alarmed.out, Catch::Contains("ALARM (rollback)"));
  RequireStopped(old);
  auto caught = d.Verify();
  INFO(caught.out);
  CHECK(caught.exit_code == 1);
  CHECK_THAT(caught.out, Catch::Contains("the witness cosigned a checkpoint of " +
                                         std::to_string(cosigned) + " events but the log ends at"));
  // Nothing was cosigned after the alarm.
  auto log = witness::WitnessLog::Open(d.log);
  REQUIRE(log.ok());
  CHECK(log->latest()->size == cosigned);
}

}  // namespace
}  // namespace hatchery::server
