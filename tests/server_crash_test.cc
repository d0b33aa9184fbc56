// Crash test of the server: SIGKILL `hatchery serve` while 64 connections append, restart it on
// the same store, and check that every acknowledged append is there with the hash it was
// acknowledged with, and that the chain verifies.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "test_util.h"

namespace hatchery::testing {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using asio::ip::tcp;

constexpr int kConnections = 64;

// One request and its response line; "" when the connection is gone.
asio::awaitable<std::string> Call(tcp::socket& socket, std::string& buffer,
                                  const bj::object& request) {
  std::string line = bj::serialize(request) + "\n";
  auto written =
      co_await asio::async_write(socket, asio::buffer(line), asio::as_tuple(asio::use_awaitable));
  if (std::get<0>(written)) co_return std::string();
  auto read = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                              asio::as_tuple(asio::use_awaitable));
  if (std::get<0>(read)) co_return std::string();
  std::size_t n = std::get<1>(read);
  std::string response = buffer.substr(0, n - 1);
  buffer.erase(0, n);
  co_return response;
}

// One connection appending amendments of `carrier` until the server goes away; every
// acknowledgement is recorded.
asio::awaitable<void> Appender(tcp::endpoint endpoint, std::string token, std::string carrier,
                               int index, Acks* acks) {
  tcp::socket socket(co_await asio::this_coro::executor);
  auto connected = co_await socket.async_connect(endpoint, asio::as_tuple(asio::use_awaitable));
  if (std::get<0>(connected)) co_return;
  std::string buffer;
  bj::object hello{{"id", 0}, {"op", "hello"}, {"token", token}};
  if ((co_await Call(socket, buffer, hello)).empty()) co_return;
  for (int i = 0;; ++i) {
    bj::object append{{"id", i},
                      {"op", "append"},
                      {"command_id", "crash-" + std::to_string(index) + "-" + std::to_string(i)},
                      {"stream", "carrier/" + carrier},
                      {"type", "CarrierProfileAmended"},
                      {"effective_date", "2026-07-01"},
                      {"data", {{"carrier_id", carrier}, {"changes", {{"area_m2", 1000 + i}}}}}};
    std::string response = co_await Call(socket, buffer, append);
    if (response.empty()) co_return;
    bj::value v = bj::parse(response);
    if (v.at("ok") != true) co_return;
    (*acks)[v.at("result").at("seq").as_int64()] =
        std::string(v.at("result").at("hash").as_string());
  }
}

TEST_CASE("server crash: SIGKILL under a 64-connection append load loses no acknowledged append",
          "[server][crash]") {
  TempDir dir;
  std::string data = dir.Sub("s"), tokens = dir.Sub("tokens");
  REQUIRE(RunHatchery("demo --carriers 8 --data " + data).exit_code == 0);
  std::vector<std::string> carriers;
  {
    auto ledger = std::move(Ledger::Open(data)).value();
    auto events = *ledger->Read(1, 100000);
    for (const Event& e : events) {
      if (e.type == "CarrierRegistered")
        carriers.push_back(e.stream.substr(std::string("carrier/").size()));
    }
  }
  REQUIRE_FALSE(carriers.empty());
  auto added = RunHatchery("token add --actor load.admin --role admin --tokens " + tokens);
  std::string token = added.out.substr(0, added.out.find('\n'));
  ServeProcess server = StartServe(data, tokens);

  Acks acks;
  asio::io_context io;
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                         static_cast<std::uint16_t>(std::stoi(server.port)));
  for (int i = 0; i < kConnections; ++i) {
    asio::co_spawn(io, Appender(endpoint, token, carriers[i % carriers.size()], i, &acks),
                   asio::detached);
  }
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ::kill(server.child.pid, SIGKILL);
  });
  io.run();
  killer.join();
  int status = 0;
  ::waitpid(server.child.pid, &status, 0);
  ::close(server.child.read_fd);
  CHECK(WIFSIGNALED(status));
  INFO(acks.size() << " appends acknowledged before the kill");
  REQUIRE(acks.size() > 100);

  // Restarted on the same store, the server opens it, and everything acknowledged is there.
  ServeProcess again = StartServe(data, tokens);
  ::kill(again.child.pid, SIGTERM);
  std::string rest;
  ReadUntil(again.child.read_fd, &rest);
  ::waitpid(again.child.pid, &status, 0);
  ::close(again.child.read_fd);
  CHECK(WIFEXITED(status));
  RequireAcknowledgedIntact(data, acks);
}

}  // namespace
}  // namespace hatchery::testing
