// The server on several network threads: connections served at once on different threads, each
// on its own strand, while subscribers follow — every answer in its connection's order, every
// event pushed once and in order to every subscriber, and the shared counters exact.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;

constexpr int kAppenders = 8;
constexpr int kAppendsEach = 40;
constexpr int kSubscribers = 3;

// What one client thread saw; checked on the test's thread (Catch's macros are not thread-safe).
struct Seen {
  int answered_in_order = 0;          // answers whose id is the request's and whose code is ok
  std::vector<std::uint64_t> pushed;  // seqs, in the order pushed
  std::string first_problem;
};

// Appends kAppendsEach events, each followed by a pipelined query, and checks the answers' ids.
void AppendAndQuery(std::uint16_t port, const std::string& token, const std::string& carrier,
                    int who, Seen* seen) {
  Client c(port);
  if (ErrorCode(c.Hello(token)) != "ok") {
    seen->first_problem = "hello refused";
    return;
  }
  for (int i = 0; i < kAppendsEach; ++i) {
    std::string command = "t" + std::to_string(who) + "-" + std::to_string(i);
    bj::object append = Amendment(command, carrier);
    append["op"] = "append";
    append["id"] = 2 * i;
    bj::object query{{"id", 2 * i + 1},
                     {"op", "query"},
                     {"view", "entitlements"},
                     {"filter", {{"carrier_id", carrier}}}};
    c.Send(bj::serialize(append) + "\n" + bj::serialize(query) + "\n");
    for (int id : {2 * i, 2 * i + 1}) {
      auto answer = bj::parse(c.Line()).as_object();
      if (answer.at("id") != id || ErrorCode(answer) != "ok") {
        if (seen->first_problem.empty()) seen->first_problem = bj::serialize(answer);
        return;
      }
      ++seen->answered_in_order;
    }
  }
}

// Subscribes from seq 1 and reads pushes until event `last`.
void Follow(Client* c, std::uint64_t last, Seen* seen) {
  while (seen->pushed.empty() || seen->pushed.back() < last) {
    std::string line = c->Line();
    if (line.empty()) {
      seen->first_problem = "disconnected";
      return;
    }
    seen->pushed.push_back(bj::parse(line).at("event").at("seq").as_int64());
  }
}

TEST_CASE("server: connections on four network threads, appending, querying and subscribing",
          "[server]") {
  ServerOptions options;
  options.network_threads = 4;
  Served s(options);
  std::uint64_t head = s.ledger->head().seq;
  std::uint64_t last = head + static_cast<std::uint64_t>(kAppenders) * kAppendsEach;

  std::vector<std::unique_ptr<Client>> subscribers;
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_unique<Client>(s.server->port()));
    REQUIRE(ErrorCode(subscribers.back()->Hello(s.exporter)) == "ok");
    REQUIRE(ErrorCode(subscribers.back()->Call({{"id", 1}, {"op", "subscribe"}})) == "ok");
  }
  std::vector<Seen> seen(kAppenders + kSubscribers);
  std::vector<std::thread> threads;
  threads.reserve(kAppenders + kSubscribers);
  for (int i = 0; i < kAppenders; ++i) {
    threads.emplace_back(AppendAndQuery, s.server->port(), s.admin, s.carrier, i, &seen[i]);
  }
  for (int i = 0; i < kSubscribers; ++i) {
    threads.emplace_back(Follow, subscribers[i].get(), last, &seen[kAppenders + i]);
  }
  for (auto& thread : threads) thread.join();

  for (int i = 0; i < kAppenders; ++i) {
    INFO("appender " << i << ": " << seen[i].first_problem);
    CHECK(seen[i].answered_in_order == 2 * kAppendsEach);
  }
  std::vector<std::uint64_t> every_seq;
  for (std::uint64_t seq = 1; seq <= last; ++seq) every_seq.push_back(seq);
  for (int i = kAppenders; i < kAppenders + kSubscribers; ++i) {
    INFO("subscriber " << i << ": " << seen[i].first_problem);
    CHECK(seen[i].pushed == every_seq);
  }
  REQUIRE(s.ledger->head().seq == last);

  Client admin(s.server->port());
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  auto stats = admin.Call({{"id", "s"}, {"op", "stats"}}).at("result").as_object();
  CHECK(stats.at("appended") == kAppenders * kAppendsEach);
  // hello + two per round for each appender, hello + subscribe for each subscriber, and ours.
  CHECK(stats.at("requests") == kAppenders * (1 + 2 * kAppendsEach) + kSubscribers * 2 + 2);
  CHECK(stats.at("errors") == 0);
  CHECK(stats.at("subscriptions") == kSubscribers);
  CHECK(stats.at("connections_total") == kAppenders + kSubscribers + 1);
}

}  // namespace
}  // namespace hatchery::server
