// The CLI's data commands with --connect against a real server: each answers as it does with
// --data on the same store (read, query, explain, proof), appends go through the server under the
// token's actor, checkpoints are the server's, and a bad token or both --data and --connect are
// refused.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>

#include "hatchery/note.h"
#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;
using testing::Slurp;

struct RemoteCli {
  Served s;
  std::string here, there;  // " --data DIR", " --connect 127.0.0.1:P --token T"
  explicit RemoteCli(ServerOptions options = {}) : s(std::move(options)) {
    here = " --data " + s.dir.Sub("s");
    there = " --connect 127.0.0.1:" + std::to_string(s.server->port()) + " --token " + s.admin;
  }
  // Runs `command` `tail` both ways; requires both to succeed with the same output.
  std::string Same(const std::string& command, const std::string& tail = "") {
    INFO(command << tail);
    auto local = RunHatchery(command + here + tail), remote = RunHatchery(command + there + tail);
    REQUIRE(local.exit_code == 0);
    REQUIRE(remote.exit_code == 0);
    CHECK(remote.out == local.out);
    return remote.out;
  }
};

TEST_CASE("cli --connect: read, explain and proofs answer as with --data", "[server][cli]") {
  RemoteCli cli;
  CHECK_FALSE(cli.Same("read --from 2 --limit 7").empty());
  cli.Same("read --stream carrier/" + cli.s.carrier);
  cli.Same("read");
  cli.Same("proof", " inclusion 3 10");
  cli.Same("proof", " consistency 4 20");
  auto rows = bj::parse(RunHatchery("query entitlements --format json" + cli.here).out);
  std::string id(rows.at("rows").as_array().at(0).at("entitlement_id").as_string());
  CHECK_THAT(cli.Same("explain " + id), Catch::Contains("The events that justify it"));
  cli.Same("explain " + id + " --format json --as-of-seq 40");
}

TEST_CASE("cli --connect: queries give the same rows as with --data", "[server][cli]") {
  RemoteCli cli;
  for (const char* view : {"carriers", "entitlements", "payouts", "compliance", "indicators"}) {
    INFO(view);
    std::string args = std::string("query ") + view + " --format json --as-of-seq " +
                       std::to_string(cli.s.ledger->head().seq / 2);
    auto local = bj::parse(RunHatchery(args + cli.here).out).as_object();
    auto remote = bj::parse(RunHatchery(args + cli.there).out).as_object();
    CHECK(remote.at("rows") == local.at("rows"));
    CHECK(remote.at("as_of_seq") == local.at("as_of_seq"));
  }
  auto table = RunHatchery("query carriers --filter carrier_id=" + cli.s.carrier + cli.there);
  CHECK(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains(cli.s.carrier) && Catch::Contains("1 rows"));
}

TEST_CASE("cli --connect: appends are the token actor's; checkpoints are the server's",
          "[server][cli]") {
  ServerOptions options;
  options.signing_key = *note::GenerateKey("tongliao.hatchery/test");
  RemoteCli cli(options);
  std::string envelope = bj::serialize(Amendment("cli-remote-1", cli.s.carrier));
  auto appended = RunHatchery("append -" + cli.there, envelope + "\nnot json\n" + envelope + "\n");
  CHECK(appended.exit_code == 1);  // the middle line was refused
  CHECK_THAT(appended.out, Catch::Contains("\"line\":1,\"ok\":true") &&
                               Catch::Contains("\"line\":2,\"ok\":false") &&
                               Catch::Contains("\"duplicate\":true"));
  auto event = cli.s.ledger->Get(cli.s.ledger->head().seq);
  REQUIRE(event.ok());
  CHECK(event->command_id == "cli-remote-1");
  CHECK(event->actor.id == "clerk.zhang");
  CHECK(RunHatchery("append --actor someone -" + cli.there, envelope).exit_code != 0);

  CHECK(RunHatchery("checkpoint --latest" + cli.there).exit_code == 2);  // none kept yet
  auto signed_note = RunHatchery("checkpoint --sign" + cli.there);
  REQUIRE(signed_note.exit_code == 0);
  CHECK(cli.s.ledger->Checkpoints()->back() == signed_note.out);
  CHECK(RunHatchery("checkpoint --latest" + cli.there).out == signed_note.out);
}

TEST_CASE("cli --connect: a bad token, or --data with --connect, is refused", "[server][cli]") {
  RemoteCli cli;
  auto unknown = RunHatchery("read --connect 127.0.0.1:" + std::to_string(cli.s.server->port()) +
                             " --token htk_" + std::string(64, '0'));
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.out, Catch::Contains("unauthenticated"));
  CHECK(RunHatchery("read" + cli.here + cli.there).exit_code != 0);
  CHECK(RunHatchery("read").exit_code != 0);  // one of the two is needed
}

TEST_CASE("cli --connect: an exporter's bundle is the --data bundle, byte for byte",
          "[server][cli][export]") {
  RemoteCli cli;
  std::string exporter =
      " --connect 127.0.0.1:" + std::to_string(cli.s.server->port()) + " --token " + cli.s.exporter;
  std::uint64_t head = cli.s.ledger->head().seq;
  for (std::string args : {std::string(), " --from-seq 5 --to-seq 30 --as-of-seq " +
                                              std::to_string(head - 2) + " --year 2024"}) {
    INFO(args);
    testing::TempDir out;
    REQUIRE(RunHatchery("export --out " + out.Sub("here") + cli.here + args).exit_code == 0);
    auto remote = RunHatchery("export --out " + out.Sub("there") + exporter + args);
    INFO(remote.out);
    REQUIRE(remote.exit_code == 0);
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(out.Sub("here"))) {
      std::string name = entry.path().filename().string();
      INFO(name);
      CHECK(Slurp(out.Sub("there/" + name)) == Slurp(entry.path().string()));
      ++files;
    }
    CHECK(files >= 9);
    CHECK(RunHatchery("verify-export " + out.Sub("there")).exit_code == 0);
  }
  CHECK(
      RunHatchery("export --out /tmp/never" + exporter + " --as-of-seq " + std::to_string(head + 1))
          .exit_code == 2);
}

}  // namespace
}  // namespace hatchery::server
