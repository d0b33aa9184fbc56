// The TCP server against a real store on a loopback port: hello and tokens, roles, appends bound
// to the connection's actor, pipelining, bad input that gets an error and leaves the connection
// (and the server) serving, frame and connection limits, idle timeouts, queries and a clean stop.
#include "server/server.h"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <csignal>
#include <map>
#include <set>

#include "domain/checks/policy_rules.h"
#include "hatchery/checkpoint.h"
#include "hatchery/note.h"
#include "server_fixture.h"
#include "test_util.h"

namespace hatchery::server {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using asio::ip::tcp;
using testing::RunHatchery;
using testing::TempDir;

TEST_CASE("server: hello first with a known token binds the actor for good", "[server]") {
  ServerOptions options;
  options.failed_hello_delay = std::chrono::milliseconds(10);
  Served s(options);
  Client c(s.server->port());
  CHECK(ErrorCode(c.Call({{"id", 1}, {"op", "get"}, {"seq", 1}})) == "unauthenticated");
  CHECK(ErrorCode(c.Hello("htk_" + std::string(64, '0'))) == "unauthenticated");
  auto hello = c.Hello(s.admin);
  REQUIRE(ErrorCode(hello) == "ok");
  CHECK(hello.at("result").at("actor") == "clerk.zhang");
  CHECK(hello.at("result").at("role") == "admin");
  CHECK(hello.at("result").at("tree_size") == s.ledger->head().seq);
  CHECK(ErrorCode(c.Hello(s.auditor)) == "bad_request");                    // no rebinding
  CHECK(c.Call({{"id", "x"}, {"op", "get"}, {"seq", 1}}).at("id") == "x");  // ids echoed
}

// The attack: failed hellos were unlimited per connection, immediate and not logged.
TEST_CASE("server: failed hellos are slowed, and the third closes the connection", "[server]") {
  ServerOptions options;
  options.failed_hello_delay = std::chrono::milliseconds(200);
  Served s(options);
  Client c(s.server->port());
  auto started = std::chrono::steady_clock::now();
  CHECK(ErrorCode(c.Hello("htk_" + std::string(64, '1'))) == "unauthenticated");
  CHECK(ErrorCode(c.Hello("")) == "unauthenticated");
  auto last = c.Hello("htk_" + std::string(64, '2'));
  CHECK(ErrorCode(last) == "unauthenticated");
  CHECK_THAT(std::string(last.at("error").at("message").as_string()),
             Catch::Contains("too many failed attempts"));
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(600));
  CHECK(c.Line().empty());         // closed
  Client fresh(s.server->port());  // a new connection may try again
  CHECK(ErrorCode(fresh.Hello(s.admin)) == "ok");
}

TEST_CASE("server: the full role × op matrix of PROTOCOL.md", "[server]") {
  ServerOptions options;
  options.signing_key = *note::GenerateKey("tongliao.hatchery/test");
  options.failed_hello_delay = std::chrono::milliseconds(1);
  Served s(options);
  std::string entitlement;
  {
    Client c(s.server->port());
    REQUIRE(ErrorCode(c.Hello(s.auditor)) == "ok");
    auto rows = c.Call({{"id", 0}, {"op", "query"}, {"view", "entitlements"}});
    entitlement = rows.at("result").at("rows").as_array().at(0).at("entitlement_id").as_string();
  }
  const std::uint64_t head = s.ledger->head().seq;
  // Every op with valid arguments, in an order that works on one connection (subscribe before
  // unsubscribe, from past the head so that no push interleaves).
  auto requests = [&](const std::string& tag) {
    bj::object append = Amendment("matrix-" + tag, s.carrier);
    append["op"] = "append";
    bj::object batch{{"op", "append_batch"},
                     {"events", bj::array{Amendment("matrix-batch-" + tag, s.carrier)}}};
    return std::vector<bj::object>{
        append,
        batch,
        {{"op", "get"}, {"seq", 1}},
        {{"op", "read"}, {"from_seq", 1}, {"limit", 2}},
        {{"op", "read_stream"},
         {"stream", "carrier/" + s.carrier},
         {"from_version", 1},
         {"limit", 2}},
        {{"op", "subscribe"}, {"from_seq", head + 1000}},
        {{"op", "unsubscribe"}},
        {{"op", "query"}, {"view", "carriers"}},
        {{"op", "explain"}, {"entitlement_id", entitlement}},
        {{"op", "diff"}, {"from", {{"as_of", {{"seq", 1}}}}}, {"to", bj::object{}}},
        {{"op", "history"}, {"carrier_id", s.carrier}},
        {{"op", "due"}},
        {{"op", "logins"}},
        {{"op", "proof"}, {"kind", "inclusion"}, {"seq", 1}, {"tree_size", head}},
        {{"op", "checkpoint"}},
        {{"op", "checkpoint"}, {"sign", true}},
        {{"op", "checkpoints"}, {"since", 0}},
        {{"op", "verify"}, {"to_seq", head}},
        {{"op", "stats"}}};
  };
  // What each role may not do; everything else it may, and is answered ok.
  const std::map<std::string, std::set<std::string>> forbidden = {
      {"admin", {}},
      {"auditor", {"append", "append_batch", "checkpoint sign"}},
      {"exporter",
       {"append", "append_batch", "explain", "diff", "history", "verify", "logins",
        "checkpoint sign"}}};
  const std::map<std::string, const std::string*> tokens = {
      {"admin", &s.admin}, {"auditor", &s.auditor}, {"exporter", &s.exporter}};
  for (const auto& [role, token] : tokens) {
    Client c(s.server->port());
    REQUIRE(ErrorCode(c.Hello(*token)) == "ok");
    int id = 0;
    for (bj::object request : requests(role)) {
      std::string op(request.at("op").as_string());
      if (request.contains("sign")) op += " sign";
      INFO(role << " " << op);
      request["id"] = ++id;
      auto response = c.Call(request);
      CHECK(response.at("id") == id);
      CHECK(ErrorCode(response) == (forbidden.at(role).contains(op) ? "forbidden" : "ok"));
    }
  }
  // Without hello, every op but hello is unauthenticated (a connection each: the third failure
  // closes one).
  for (bj::object request : requests("anonymous")) {
    INFO(request.at("op"));
    Client anonymous(s.server->port());
    CHECK(ErrorCode(anonymous.Call(request)) == "unauthenticated");
  }
}

TEST_CASE("server: an append is recorded under the connection's actor and read back", "[server]") {
  Served s;
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.admin)) == "ok");
  bj::object request = Amendment("srv-1", s.carrier);
  request["op"] = "append";
  request["id"] = 7;
  auto appended = c.Call(request);
  REQUIRE(ErrorCode(appended) == "ok");
  std::uint64_t seq = appended.at("result").at("seq").as_int64();
  CHECK(seq == s.ledger->head().seq);
  auto got = c.Call({{"id", 8}, {"op", "get"}, {"seq", seq}});
  CHECK(got.at("result").at("event").at("actor").at("id") == "clerk.zhang");
  // The same command again is a duplicate, not a second event.
  auto again = c.Call(request);
  CHECK(again.at("result").at("duplicate") == true);
  CHECK(s.ledger->head().seq == seq);
  // An actor in the request is refused: it comes from the connection only.
  request["command_id"] = "srv-2";
  request["actor"] = bj::object{{"id", "someone.else"}, {"role", "admin"}};
  CHECK(ErrorCode(c.Call(request)) == "bad_request");
  CHECK(s.ledger->head().seq == seq);
  // A batch is all or nothing.
  bj::object good = Amendment("srv-3", s.carrier), bad = Amendment("srv-4", s.carrier);
  bad["type"] = "NoSuchType";
  auto batch = c.Call({{"id", 9}, {"op", "append_batch"}, {"events", bj::array{good, bad}}});
  CHECK(ErrorCode(batch) == "unknown_type");
  CHECK(s.ledger->head().seq == seq);
  auto both = c.Call({{"id", 10},
                      {"op", "append_batch"},
                      {"events", bj::array{good, Amendment("srv-5", s.carrier)}}});
  REQUIRE(ErrorCode(both) == "ok");
  CHECK(both.at("result").at("results").as_array().size() == 2);
  CHECK(s.ledger->head().seq == seq + 2);
}

TEST_CASE("server: pipelined requests are answered in order", "[server]") {
  Served s;
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.auditor)) == "ok");
  // 300 requests at once: their answers (~200 KB of events) are written in several groups.
  const std::uint64_t head = s.ledger->head().seq;
  std::string burst;
  for (int i = 1; i <= 300; ++i) {
    std::uint64_t seq = 1 + static_cast<std::uint64_t>(i) % head;
    burst +=
        bj::serialize(bj::object{{"id", i}, {"op", i % 2 ? "get" : "stats"}, {"seq", seq}}) + "\n";
  }
  c.Send(burst);
  for (int i = 1; i <= 300; ++i) {
    auto response = bj::parse(c.Line()).as_object();
    REQUIRE(response.at("id") == i);
    CHECK(ErrorCode(response) == "ok");
    if (i % 2) CHECK(response.at("result").at("event").at("seq") == 1 + i % head);
  }
}

TEST_CASE("server: bad input gets an error and the connection keeps serving", "[server]") {
  Served s;
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.admin)) == "ok");
  for (const char* line :
       {"not json", "[1,2]", "{\"id\":1}", "{\"id\":[1],\"op\":\"get\"}",
        "{\"id\":1,\"op\":\"get\",\"seq\":\"one\"}", "{\"id\":1,\"op\":\"nope\"}",
        "{\"id\":1,\"op\":\"read\",\"limit\":10001}", "\xff\xfe",
        "{\"id\":1,\"op\":\"get\",\"seq\":99999}"}) {
    INFO(line);
    c.Send(std::string(line) + "\n");
    std::string response = c.Line();
    REQUIRE_FALSE(response.empty());
    std::string code = ErrorCode(bj::parse(response).as_object());
    CHECK((code == "bad_request" || code == "not_found"));
  }
  CHECK(ErrorCode(c.Call({{"id", 2}, {"op", "get"}, {"seq", 1}})) == "ok");
}

TEST_CASE("server: a line above the frame limit is refused and the connection closed", "[server]") {
  ServerOptions options;
  options.max_frame_bytes = 4096;
  Served s(options);
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.admin)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  bj::object request = Amendment("big", s.carrier);
  request["op"] = "append";
  request["note"] = std::string(5000, 'x');
  c.Send(bj::serialize(request) + "\n");
  auto response = bj::parse(c.Line()).as_object();
  CHECK(ErrorCode(response) == "frame_too_large");
  CHECK(c.Line().empty());  // closed
  CHECK(s.ledger->head().seq == head);
  Client other(s.server->port());  // and the server serves others
  CHECK(ErrorCode(other.Hello(s.admin)) == "ok");
}

TEST_CASE("server: idle connections time out and beyond the limit connections are refused",
          "[server]") {
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(300);
  options.max_connections = 2;
  Served s(options);
  Client a(s.server->port()), b(s.server->port());
  REQUIRE(ErrorCode(a.Hello(s.admin)) == "ok");
  REQUIRE(ErrorCode(b.Hello(s.admin)) == "ok");
  Client third(s.server->port());
  auto refused = bj::parse(third.Line()).as_object();
  CHECK(ErrorCode(refused) == "overloaded");
  // A client sending one byte at a time slower than the deadline loses its session.
  a.Send("{");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(a.Line().empty());
  CHECK(b.Line().empty());         // idle too
  Client again(s.server->port());  // room again
  CHECK(ErrorCode(again.Hello(s.admin)) == "ok");
}

TEST_CASE("server: stats counts events, streams and the query memo's hits", "[server]") {
  Served s;
  auto events = s.ledger->Read(1, 10'000);
  REQUIRE(events.ok());
  REQUIRE(events->size() == s.ledger->head().seq);
  std::set<std::string> streams;
  for (const Event& event : *events) streams.insert(event.stream);
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.exporter)) == "ok");
  bj::object query{
      {"op", "query"}, {"view", "entitlements"}, {"filter", {{"carrier_id", s.carrier}}}};
  for (int i = 0; i < 3; ++i) REQUIRE(ErrorCode(c.Call(query)) == "ok");
  auto stats = c.Call({{"id", 1}, {"op", "stats"}}).at("result").as_object();
  CHECK(stats.at("events") == s.ledger->head().seq);
  CHECK(stats.at("streams") == streams.size());
  CHECK(stats.at("query_memo").at("misses") == 1);  // the first query derived the carrier ...
  CHECK(stats.at("query_memo").at("hits") == 2);    // ... the next two found it unchanged
  CHECK(stats.at("requests") == 5);
  CHECK_FALSE(stats.contains("projector_error"));
}

TEST_CASE("server: queries and explain answer from the projector, as of any point", "[server]") {
  Served s;
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.auditor)) == "ok");
  auto all = c.Call({{"id", 1}, {"op", "query"}, {"view", "entitlements"}});
  REQUIRE(ErrorCode(all) == "ok");
  CHECK(all.at("result").at("as_of_seq") == s.ledger->head().seq);
  const auto& rows = all.at("result").at("rows").as_array();
  REQUIRE_FALSE(rows.empty());
  std::string carrier(rows[0].at("carrier_id").as_string());
  std::string id(rows[0].at("entitlement_id").as_string());
  auto one = c.Call({{"id", 2},
                     {"op", "query"},
                     {"view", "entitlements"},
                     {"filter", {{"carrier_id", carrier}}}});
  std::size_t expected = 0;
  for (const auto& r : rows) expected += r.at("carrier_id").as_string() == carrier ? 1 : 0;
  CHECK(one.at("result").at("rows").as_array().size() == expected);
  auto early =
      c.Call({{"id", 3}, {"op", "query"}, {"view", "entitlements"}, {"as_of", {{"seq", 2}}}});
  CHECK(early.at("result").at("rows").as_array().empty());
  auto why = c.Call({{"id", 4}, {"op", "explain"}, {"entitlement_id", id}});
  REQUIRE(ErrorCode(why) == "ok");
  CHECK(why.at("result").at("entitlement").at("entitlement_id").as_string() == id);
  CHECK(ErrorCode(c.Call({{"id", 5}, {"op", "query"}, {"view", "nope"}})) == "not_found");
  // An append is visible to the next query.
  Client admin(s.server->port());
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  bj::object request = Amendment("srv-q", s.carrier);
  request["op"] = "append";
  REQUIRE(ErrorCode(admin.Call(request)) == "ok");
  auto after = c.Call(
      {{"id", 6}, {"op", "query"}, {"view", "carriers"}, {"filter", {{"carrier_id", s.carrier}}}});
  CHECK(after.at("result").at("rows").as_array().at(0).at("area_m2") == 12345);
}

TEST_CASE("server: proofs and checkpoints over the wire", "[server]") {
  Served s;
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.exporter)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  auto checkpoint = c.Call({{"id", 1}, {"op", "checkpoint"}});
  REQUIRE(ErrorCode(checkpoint) == "ok");
  CHECK(checkpoint.at("result").at("signed") == true);  // the one the demo signed at its end
  auto parsed = CheckpointOfNote(std::string(checkpoint.at("result").at("note").as_string()));
  REQUIRE(parsed.ok());
  CHECK(parsed->size == head);
  CHECK(parsed->root == *s.ledger->MerkleRoot(head));
  auto proof = c.Call({{"id", 2}, {"op", "proof"}, {"kind", "inclusion"}, {"seq", 3}});
  REQUIRE(ErrorCode(proof) == "ok");
  CHECK(proof.at("result").at("tree_size") == head);
  CHECK(ErrorCode(c.Call({{"id", 3}, {"op", "proof"}, {"kind", "sideways"}})) == "bad_request");
  // Signing is an admin's, and needs a key the server holds (this one holds none).
  CHECK(ErrorCode(c.Call({{"id", 4}, {"op", "checkpoint"}, {"sign", true}})) == "forbidden");
  Client admin(s.server->port());
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  CHECK(ErrorCode(admin.Call({{"id", 5}, {"op", "checkpoint"}, {"sign", true}})) == "unavailable");
}

TEST_CASE("server: a stop answers the appends it took, and records no other", "[server]") {
  // Run many times over: the writer calls back from outside the network, and a stop right after
  // its answer must neither lose the answer nor outlive the network under the callback.
  for (int round = 0; round < 30; ++round) {
    Served s({}, 2);
    Client c(s.server->port());
    REQUIRE(ErrorCode(c.Hello(s.admin)) == "ok");
    constexpr int kPipelined = 50;
    std::string lines;
    for (int i = 0; i < kPipelined; ++i) {
      bj::object request = Amendment("stop-" + std::to_string(i), s.carrier);
      request["op"] = "append";
      request["id"] = i;
      lines += bj::serialize(request) + "\n";
    }
    c.Send(lines);
    REQUIRE(ErrorCode(bj::parse(c.Line()).as_object()) == "ok");  // the session is at work
    s.server->Stop();
    s.server->Wait();
    int answered = 1;
    for (std::string line = c.Line(); !line.empty(); line = c.Line(), ++answered) {
      auto response = bj::parse(line).as_object();
      REQUIRE(response.at("id") == answered);  // in order, none skipped
      REQUIRE(ErrorCode(response) == "ok");
    }
    INFO("round " << round << ": " << answered << " answered");
    for (int i = 0; i < kPipelined; ++i) {
      CHECK(s.ledger->GetByCommandId("stop-" + std::to_string(i)).ok() == (i < answered));
    }
  }
}

TEST_CASE("server: a stop finishes what is in flight and refuses new connections", "[server]") {
  Served s;
  std::uint16_t port = s.server->port();
  Client c(port);
  REQUIRE(ErrorCode(c.Hello(s.admin)) == "ok");
  s.server->Stop();
  s.server->Wait();
  CHECK(c.Line().empty());  // the idle session was closed
  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  CHECK(ec);
}

}  // namespace
}  // namespace hatchery::server

namespace hatchery::server {
namespace {

TEST_CASE("server: hatchery serve answers hatchery client and stops cleanly on SIGTERM",
          "[server][cli]") {
  TempDir dir;
  std::string data = dir.Sub("s"), tokens = dir.Sub("tokens");
  REQUIRE(RunHatchery("demo --carriers 4 --data " + data).exit_code == 0);
  auto added = RunHatchery("token add --actor audit.wu --role auditor --tokens " + tokens);
  std::string token = added.out.substr(0, added.out.find('\n'));
  testing::ServeProcess serve = testing::StartServe(data, tokens);
  const testing::Child& child = serve.child;
  std::string& out = serve.out;
  const std::string& port = serve.port;
  auto answered = RunHatchery("client --connect 127.0.0.1:" + port + " --token " + token,
                              "{\"id\":1,\"op\":\"stats\"}\n{\"id\":2,\"op\":\"append\"}\n");
  CHECK(answered.exit_code == 0);
  CHECK_THAT(answered.out, Catch::Contains("\"actor\":\"audit.wu\"") &&
                               Catch::Contains("\"id\":1,\"ok\":true") &&
                               Catch::Contains("forbidden"));
  ::kill(child.pid, SIGTERM);
  REQUIRE(testing::ReadUntil(child.read_fd, &out));
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  ::close(child.read_fd);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_THAT(out, Catch::Contains("stopped"));
  CHECK(RunHatchery("verify --data " + data).exit_code == 0);
}

}  // namespace
}  // namespace hatchery::server
