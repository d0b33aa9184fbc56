// Hostile input and hostile clients against a real server: deep nesting, NUL bytes, a 10 MB line,
// half-closed sockets, a thousand idle connections, a client that never takes its answers, and a
// store that can no longer write. Each gets an answer or a close as PROTOCOL.md says, nothing of
// it is applied, and the server keeps serving everyone else.
#include <sys/resource.h>
#include <sys/wait.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <csignal>
#include <thread>

#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using asio::ip::tcp;
using namespace std::string_literals;

// Requires a fresh connection to be served.
void RequireServing(const Served& s) {
  Client fresh(s.server->port());
  REQUIRE(ErrorCode(fresh.Hello(s.auditor)) == "ok");
  REQUIRE(ErrorCode(fresh.Call({{"id", 1}, {"op", "query"}, {"view", "carriers"}})) == "ok");
}

TEST_CASE("hostile input: deep nesting and NUL bytes are bad requests on a live connection",
          "[server][hostile]") {
  Served s;
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.admin)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  const std::string deep = R"({"id":1,"op":"append","data":)" + std::string(100'000, '[') +
                           std::string(100'000, ']') + "}";
  const std::string deep_objects = [] {
    std::string text = R"({"id":1,"op":"get","seq":1,"x":)";
    for (int i = 0; i < 50'000; ++i) text += R"({"a":)";
    text += "1" + std::string(50'000, '}') + "}";
    return text;
  }();
  for (const std::string& line :
       {deep, deep_objects, "{\"id\":1,\"op\":\"get\",\"seq\":1}\0"s,
        "{\"id\":1,\"op\":\"g\0et\",\"seq\":1}"s, "\0\0\0"s,
        std::string(R"({"id":1,"op":"get","seq":1.5})"), std::string(R"({"id":1,"op":7})"),
        std::string(R"({"id":1,"op":"read","from_seq":-1,"limit":1})")}) {
    INFO(line.substr(0, 60));
    c.Send(line + "\n");
    std::string response = c.Line();
    REQUIRE_FALSE(response.empty());
    CHECK(ErrorCode(bj::parse(response).as_object()) == "bad_request");
  }
  CHECK(ErrorCode(c.Call({{"id", 2}, {"op", "get"}, {"seq", 1}})) == "ok");
  CHECK(s.ledger->head().seq == head);
}

TEST_CASE("hostile input: a 10 MB line is refused, nothing applied, the server serves on",
          "[server][hostile]") {
  Served s;
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.admin)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  bj::object request = Amendment("ten-mb", s.carrier);
  request["op"] = "append";
  request["comment"] = std::string(10 << 20, 'x');
  std::string line = bj::serialize(request) + "\n";
  // The server stops reading after its limit (1 MiB): the rest of the write may fail.
  boost::system::error_code ec;
  asio::write(c.socket(), asio::buffer(line), ec);
  std::string response = c.Line();
  // The refusal, unless the server's close overtook it (a reset discards what was in flight).
  if (!response.empty()) {
    CHECK(ErrorCode(bj::parse(response).as_object()) == "frame_too_large");
    CHECK(c.Line().empty());
  }
  CHECK(s.ledger->head().seq == head);
  RequireServing(s);
}

TEST_CASE("hostile clients: a half-closed socket gets its answers, a half line gets nothing",
          "[server][hostile]") {
  Served s;
  Client whole(s.server->port()), half(s.server->port());
  whole.Send(bj::serialize(bj::object{{"id", 0}, {"op", "hello"}, {"token", s.admin}}) + "\n" +
             R"({"id":1,"op":"stats"})" + "\n");
  whole.socket().shutdown(tcp::socket::shutdown_send);
  CHECK(ErrorCode(bj::parse(whole.Line()).as_object()) == "ok");
  CHECK(bj::parse(whole.Line()).as_object().at("id") == 1);
  CHECK(whole.Line().empty());  // then closed

  std::uint64_t head = s.ledger->head().seq;
  bj::object request = Amendment("half", s.carrier);
  request["op"] = "append";
  std::string text = bj::serialize(request);
  half.Send(bj::serialize(bj::object{{"id", 0}, {"op", "hello"}, {"token", s.admin}}) + "\n" +
            text.substr(0, text.size() / 2));
  half.socket().shutdown(tcp::socket::shutdown_send);
  CHECK(ErrorCode(bj::parse(half.Line()).as_object()) == "ok");
  CHECK(half.Line().empty());  // the half append is not answered, and not applied
  CHECK(s.ledger->head().seq == head);
  RequireServing(s);
}

TEST_CASE("hostile clients: a line sent a byte at a time cannot hold a session (slowloris)",
          "[server][hostile]") {
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(300);
  Served s(options);
  Client slow(s.server->port());
  REQUIRE(ErrorCode(slow.Hello(s.admin)) == "ok");
  // Every byte arrives well within the timeout; the whole line does not. A deadline per read
  // would let it through and answer it.
  const std::string line = R"({"id":7,"op":"get","seq":1})"
                           "\n";
  boost::system::error_code ec;
  for (std::size_t i = 0; i < line.size() && !ec; ++i) {
    asio::write(slow.socket(), asio::buffer(line.data() + i, 1), ec);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(slow.Line().empty());  // cut off, never answered
  RequireServing(s);
}

// The attack: 1,100 connections that never said hello filled the connection cap for the whole idle
// timeout, and an admin got `overloaded`. Now those of one address beyond a few are refused at
// once, the few are closed after the hello deadline, and a user from elsewhere gets in throughout.
TEST_CASE("hostile clients: a thousand connections that never say hello keep no one out",
          "[server][hostile]") {
  rlimit files{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &files) == 0);
  files.rlim_cur = files.rlim_max;  // both ends of every connection live in this process
  REQUIRE(setrlimit(RLIMIT_NOFILE, &files) == 0);
  // A thousand, unless the machine's hard limit on descriptors leaves room for fewer.
  const int idle_count = static_cast<int>(std::min<rlim_t>(1000, (files.rlim_cur - 200) / 2));
  REQUIRE(idle_count >= 100);
  if (idle_count < 1000)
    WARN("only " << idle_count << " idle connections fit the descriptor limit");
  ServerOptions options;
  options.hello_timeout = std::chrono::milliseconds(1500);
  options.max_unauthenticated_per_address = 8;
  Served s(options);
  asio::io_context io;
  std::vector<tcp::socket> idle;
  const auto attacker = asio::ip::make_address("127.0.0.2");  // another loopback address
  for (int i = 0; i < idle_count; ++i) {
    tcp::socket& socket = idle.emplace_back(io);
    socket.open(tcp::v4());
    socket.bind(tcp::endpoint(attacker, 0));
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.server->port()));
  }
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.admin)) == "ok");
  bj::object request = Amendment("among-the-idle", s.carrier);
  request["op"] = "append";
  CHECK(ErrorCode(c.Call(request)) == "ok");
  auto connections = [&] {
    return c.Call({{"id", 1}, {"op", "stats"}}).at("result").at("connections").as_int64();
  };
  CHECK(connections() <= 8 + 1);  // the attacker's first few, and this one
  // A refused one was told why.
  std::string refusal(256, '\0');
  boost::system::error_code ec;
  refusal.resize(idle.back().read_some(asio::buffer(refusal), ec));
  CHECK_THAT(refusal, Catch::Contains("overloaded") && Catch::Contains("waiting to authenticate"));
  // The held ones are closed once the hello deadline has passed.
  std::int64_t left = connections();
  for (int i = 0; i < 50 && left > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = connections();
  }
  CHECK(left == 1);
  RequireServing(s);
}

TEST_CASE("hostile clients: one that never takes its answers is cut off, others are served",
          "[server][hostile]") {
  ServerOptions options;
  options.write_timeout = std::chrono::milliseconds(300);
  Served s(options);
  Client greedy(s.server->port());
  greedy.socket().set_option(asio::socket_base::receive_buffer_size(16384));
  REQUIRE(ErrorCode(greedy.Hello(s.auditor)) == "ok");
  std::string burst;
  for (int i = 0; i < 300; ++i) {
    burst += R"({"id":)" + std::to_string(i) + R"(,"op":"read","from_seq":1,"limit":10000})" + "\n";
  }
  greedy.Send(burst);  // about 300 × the demo's events back, and never read
  Client other(s.server->port());
  REQUIRE(ErrorCode(other.Hello(s.auditor)) == "ok");
  std::int64_t connections = 2;
  for (int i = 0; i < 100 && connections > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    connections =
        other.Call({{"id", i}, {"op", "stats"}}).at("result").at("connections").as_int64();
  }
  CHECK(connections == 1);  // the greedy one is gone, this one served throughout
}

TEST_CASE("read-only: a store that cannot write answers appends unavailable — reads go on",
          "[server][hostile]") {
  testing::TempDir dir;
  std::string data = dir.Sub("s"), tokens = dir.Sub("tokens");
  REQUIRE(testing::RunHatchery("demo --carriers 4 --data " + data).exit_code == 0);
  auto added =
      testing::RunHatchery("token add --actor clerk.zhang --role admin --tokens " + tokens);
  std::string token = added.out.substr(0, added.out.find('\n'));
  testing::ServeProcess serve = testing::StartServe(data, tokens, 256 * 1024);
  Client c(static_cast<std::uint16_t>(std::stoi(serve.port)));
  REQUIRE(ErrorCode(c.Hello(token)) == "ok");
  auto carriers = c.Call({{"id", 1}, {"op", "query"}, {"view", "carriers"}});
  std::string carrier(
      carriers.at("result").at("rows").as_array().at(0).at("carrier_id").as_string());
  // Batches until the file-size limit stops the writes (a full disk, for RocksDB).
  testing::Acks acks;
  std::string refusal;
  for (int batch = 0; batch < 200 && refusal.empty(); ++batch) {
    bj::array events;
    for (int i = 0; i < 50; ++i) {
      events.push_back(
          Amendment("fill-" + std::to_string(batch) + "-" + std::to_string(i), carrier));
    }
    auto answer = c.Call({{"id", batch}, {"op", "append_batch"}, {"events", std::move(events)}});
    if (ErrorCode(answer) != "ok") {
      refusal = ErrorCode(answer);
      break;
    }
    for (const auto& r : answer.at("result").at("results").as_array()) {
      acks[r.at("seq").as_int64()] = std::string(r.at("hash").as_string());
    }
  }
  REQUIRE(refusal == "unavailable");
  REQUIRE_FALSE(acks.empty());
  // Still read-only for the next append; reads, queries and stats go on.
  bj::object one = Amendment("after-full", carrier);
  one["op"] = "append";
  CHECK(ErrorCode(c.Call(one)) == "unavailable");
  CHECK(ErrorCode(c.Call({{"id", "g"}, {"op", "get"}, {"seq", acks.rbegin()->first}})) == "ok");
  CHECK(ErrorCode(c.Call({{"id", "q"}, {"op", "query"}, {"view", "entitlements"}})) == "ok");
  auto stats = c.Call({{"id", "s"}, {"op", "stats"}});
  CHECK(stats.at("result").at("read_only") == true);
  ::kill(serve.child.pid, SIGTERM);
  testing::ReadUntil(serve.child.read_fd, &serve.out);
  ::waitpid(serve.child.pid, nullptr, 0);
  ::close(serve.child.read_fd);
  // The turn to read-only was logged at error, once.
  const std::string logged = "the store refused a write and is now read-only";
  REQUIRE(serve.out.find(logged) != std::string::npos);
  CHECK(serve.out.find(logged, serve.out.find(logged) + 1) == std::string::npos);
  // Reopened without the limit: every acknowledged append is there, nothing half-written.
  auto ledger = testing::RequireAcknowledgedIntact(data, acks);
  CHECK(ledger->head().seq == acks.rbegin()->first);
}

}  // namespace
}  // namespace hatchery::server
