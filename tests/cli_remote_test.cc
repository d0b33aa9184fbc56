// The CLI's data commands with --connect against a real server: each answers as it does with
// --data on the same store (read, query, explain, diff, proof), appends go through the server under
// the token's actor, checkpoints are the server's, and a bad token or both --data and --connect are
// refused.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>

#include "hatchery/note.h"
#include "read/ops.h"
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
    INFO(local.out);
    REQUIRE(local.exit_code == 0);
    REQUIRE(remote.exit_code == 0);
    CHECK(remote.out == local.out);
    return remote.out;
  }
};

TEST_CASE("cli --connect: read, explain, due, history and proofs answer as with --data",
          "[server][cli]") {
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
  CHECK_THAT(cli.Same("due"), Catch::Contains("By county"));
  cli.Same("due --format csv --as-of-seq 30");
  CHECK_THAT(cli.Same("history " + cli.s.carrier), Catch::Contains("Entitlements:"));
  cli.Same("history " + cli.s.carrier + " --format json --as-of-seq 40");
}

// A query case: a view (or the one-carrier profile) and a filter, as a request's members and as
// the command line's words.
struct QueryCase {
  std::string view;
  bj::object filter;
  std::string words;  // " --filter K=V ..."
};

std::vector<QueryCase> QueryCases(const std::string& carrier) {
  const bj::object one{{"carrier_id", carrier}};
  const std::string one_words = " --filter carrier_id=" + carrier;
  return {
      {"carriers", {}, ""},
      {"carriers", one, one_words},
      {"carriers", {{"kind", "incubator"}}, " --filter kind=incubator"},
      {"carrier", one, one_words},
      {"entitlements", {}, ""},
      {"entitlements", one, one_words},
      {"entitlements", {{"status", "active"}}, " --filter status=active"},
      {"entitlements", {{"amount", "500,000.00"}}, " --filter amount=500,000.00"},  // yuan
      {"payouts",
       {{"status", bj::array{"approved", "disbursed"}}},
       " --filter status=approved --filter status=disbursed"},  // any of them
      {"payouts", {}, ""},
      {"payouts", one, one_words},
      {"payouts", {{"disbursed_on", ""}}, " --filter disbursed_on="},
      {"compliance", {}, ""},
      {"compliance", one, one_words},
      {"compliance", {{"year", "2025"}}, " --filter year=2025"},
      {"indicators", {}, ""},
      {"indicators", one, one_words},
      {"indicators",
       {{"values/carriers", "1"}, {"year", "2024"}},
       " --filter values/carriers=1 --filter year=2024"},
      {"assessment", {}, ""},
      {"assessment", one, one_words},
      {"assessment", {{"rank", "1"}}, " --filter rank=1"},
  };
}

// A point as a request's members and as the command line's words.
struct PointCase {
  bj::object args;
  std::string words;
};

// Every read asked both ways gives the same bytes. The op's answer, which both ways render from,
// for every view × filter × point: the store here (read::Here) and the server over TCP. Then each
// case through the command line, with --data and with --connect, the points and both formats (a
// table, JSON) taken in turn; and diffs.
TEST_CASE("cli --connect: every view, filter and point prints the same bytes as with --data",
          "[server][cli]") {
  RemoteCli cli;
  std::uint64_t head = cli.s.ledger->head().seq;
  auto middle = cli.s.ledger->Get(head / 2);
  REQUIRE(middle.ok());
  const std::string instant = middle->recorded_at, to_second = instant.substr(0, 19) + "Z";
  const std::vector<PointCase> points = {
      {{}, ""},
      {{{"as_of", {{"seq", head / 2}}}, {"effective_on", "2024-06-30"}},
       " --as-of-seq " + std::to_string(head / 2) + " --effective-on 2024-06-30"},
      {{{"as_of", {{"recorded_at", to_second}}}}, " --as-of " + to_second},
      {{{"as_of", {{"recorded_at", instant}}}, {"effective_on", "2025-12-31"}},
       " --as-of " + instant + " --effective-on 2025-12-31"},
  };
  const std::vector<QueryCase> cases = QueryCases(cli.s.carrier);
  Client client(cli.s.server->port());
  REQUIRE(ErrorCode(client.Hello(cli.s.auditor)) == "ok");
  std::size_t rows = 0, nested = 0, id = 0;
  for (const QueryCase& c : cases) {
    for (const PointCase& point : points) {
      bj::object request = point.args;
      request["view"] = c.view;
      if (!c.filter.empty()) request["filter"] = c.filter;
      INFO(bj::serialize(request));
      auto here = read::Here(*cli.s.ledger, "query", request);
      REQUIRE(here.ok());
      bj::object call = request;
      call["id"] = ++id;
      call["op"] = "query";
      bj::object there = client.Call(call);
      REQUIRE(ErrorCode(there) == "ok");
      CHECK(bj::serialize(there.at("result")) == bj::serialize(*here));
      rows += here->at("rows").as_array().size();
      if (c.filter.contains("values/carriers")) nested += here->at("rows").as_array().size();
    }
  }
  CHECK(rows > 0);
  CHECK(nested > 0);  // a nested path filters over TCP as it does here
  for (std::size_t i = 0; i < cases.size(); ++i) {
    cli.Same("query " + cases[i].view + cases[i].words + points[i % points.size()].words +
             (i % 2 ? " --format json" : ""));
  }
  cli.Same("diff --from 1 --to " + std::to_string(head));
  cli.Same("diff --from " + to_second + " --to " + std::to_string(head) + " --format json");
  cli.Same("diff --from 1 --to " + std::to_string(head) +
           " --from-effective-on 2023-12-31 --to-effective-on 2025-12-31");
}

TEST_CASE("cli --connect: a bad point or view is refused alike both ways", "[server][cli]") {
  RemoteCli cli;
  // A diff names both of its points; one left out is an error, not the head.
  auto one_sided = read::Here(*cli.s.ledger, "diff", bj::object{{"to", bj::object{}}});
  CHECK(one_sided.status().code() == Code::kBadRequest);
  CHECK(one_sided.status().details().at("field") == "from");
  for (const char* args : {"query nothing", "query carrier", "explain R1:nobody",
                           "query carriers --as-of-seq 999999", "diff --from 1 --to 999999"}) {
    INFO(args);
    auto local = RunHatchery(std::string(args) + cli.here);
    auto remote = RunHatchery(std::string(args) + cli.there);
    CHECK(local.exit_code == 2);
    CHECK(remote.exit_code == 2);
    CHECK(remote.out == local.out);
  }
}

TEST_CASE("cli --connect: appends are the token actor's — checkpoints are the server's",
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

  // The newest kept checkpoint is the demo's own, of the head before these appends.
  const std::string demos = cli.s.ledger->Checkpoints()->back();
  CHECK(RunHatchery("checkpoint --latest" + cli.there).out == demos);
  auto signed_note = RunHatchery("checkpoint --sign" + cli.there);
  REQUIRE(signed_note.exit_code == 0);
  CHECK(signed_note.out != demos);
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
    CHECK(RunHatchery("verify-export --allow-unsigned " + out.Sub("there")).exit_code == 0);
  }
  CHECK(
      RunHatchery("export --out /tmp/never" + exporter + " --as-of-seq " + std::to_string(head + 1))
          .exit_code == 2);
}

}  // namespace
}  // namespace hatchery::server
