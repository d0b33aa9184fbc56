// Subscriptions against a real server: the backlog then live events, in order, without gaps or
// duplicates; requests answered between pushes; unsubscribe; a subscriber that falls too far
// behind is told and disconnected; one that does not read stalls neither the writer nor others.
#include <boost/asio/socket_base.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;

// Reads pushes until event `last`, requiring each to be the next seq with the stored hash.
void RequirePushes(Client& c, const Ledger& ledger, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t seq = first; seq <= last; ++seq) {
    std::string line = c.Line();
    REQUIRE_FALSE(line.empty());
    auto push = bj::parse(line).as_object();
    REQUIRE(push.at("push") == "event");
    const auto& event = push.at("event").as_object();
    REQUIRE(event.at("seq").as_int64() == static_cast<std::int64_t>(seq));
    CHECK(event.at("hash").as_string() == ToHex(ledger.Get(seq)->hash));
  }
}

bj::object AppendRequest(const std::string& command_id, const std::string& carrier) {
  bj::object request = Amendment(command_id, carrier);
  request["op"] = "append";
  request["id"] = command_id;
  return request;
}

bj::object BatchRequest(const std::string& prefix, int n, const std::string& carrier) {
  bj::array events;
  for (int i = 0; i < n; ++i) events.push_back(Amendment(prefix + std::to_string(i), carrier));
  return {{"id", prefix}, {"op", "append_batch"}, {"events", std::move(events)}};
}

TEST_CASE("subscribe: the backlog then live events, in order, no gaps, no duplicates",
          "[server][subscribe]") {
  Served s;
  Client sub(s.server->port()), admin(s.server->port());
  REQUIRE(ErrorCode(sub.Hello(s.exporter)) == "ok");
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  auto subscribed = sub.Call({{"id", 1}, {"op", "subscribe"}, {"from_seq", 3}});
  REQUIRE(ErrorCode(subscribed) == "ok");
  CHECK(subscribed.at("result").at("from_seq") == 3);
  CHECK(subscribed.at("result").at("head_seq") == head);
  RequirePushes(sub, *s.ledger, 3, head);
  // Live: single appends and a batch from another connection, pushed as they become durable.
  for (int i = 0; i < 5; ++i) {
    REQUIRE(ErrorCode(admin.Call(AppendRequest("live-" + std::to_string(i), s.carrier))) == "ok");
  }
  REQUIRE(ErrorCode(admin.Call(BatchRequest("live-batch-", 20, s.carrier))) == "ok");
  RequirePushes(sub, *s.ledger, head + 1, head + 25);
  REQUIRE(s.ledger->head().seq == head + 25);
  CHECK(admin.Call({{"id", "s"}, {"op", "stats"}}).at("result").at("subscriptions") == 1);
  // Unsubscribe: answered with where it stopped, and no push comes after the answer.
  auto unsubscribed = sub.Call({{"id", 2}, {"op", "unsubscribe"}});
  REQUIRE(ErrorCode(unsubscribed) == "ok");
  CHECK(unsubscribed.at("result").at("next_seq") == head + 26);
  REQUIRE(ErrorCode(admin.Call(AppendRequest("after", s.carrier))) == "ok");
  auto stats = sub.Call({{"id", 3}, {"op", "stats"}});
  CHECK(stats.at("id") == 3);
  CHECK(stats.at("result").at("subscriptions") == 0);
  CHECK(stats.at("result").at("events") == head + 26);
}

TEST_CASE("subscribe: requests on a subscribed connection are answered between pushes",
          "[server][subscribe]") {
  Served s;
  Client sub(s.server->port());
  REQUIRE(ErrorCode(sub.Hello(s.auditor)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  sub.Send(R"({"id":1,"op":"subscribe","from_seq":1})"
           "\n"
           R"({"id":2,"op":"get","seq":2})"
           "\n"
           R"({"id":3,"op":"subscribe"})"
           "\n");
  std::uint64_t pushed = 0;
  std::vector<std::int64_t> answered;
  while (pushed < head || answered.size() < 3) {
    std::string line = sub.Line();
    REQUIRE_FALSE(line.empty());
    auto message = bj::parse(line).as_object();
    if (message.contains("push")) {
      REQUIRE(message.at("event").at("seq").as_int64() == static_cast<std::int64_t>(++pushed));
    } else {
      answered.push_back(message.at("id").as_int64());
      if (answered.back() == 1) CHECK(pushed == 0);  // the answer comes before the first push
      if (answered.back() == 2) CHECK(message.at("result").at("event").at("seq") == 2);
      if (answered.back() == 3) CHECK(ErrorCode(message) == "bad_request");  // one at a time
    }
  }
  CHECK(answered == std::vector<std::int64_t>{1, 2, 3});
  CHECK(pushed == head);
}

TEST_CASE("subscribe: bad arguments and an unsubscribe without a subscription are refused",
          "[server][subscribe]") {
  Served s;
  Client c(s.server->port());
  REQUIRE(ErrorCode(c.Hello(s.exporter)) == "ok");
  CHECK(ErrorCode(c.Call({{"id", 1}, {"op", "subscribe"}, {"from_seq", 0}})) == "bad_request");
  CHECK(ErrorCode(c.Call({{"id", 2}, {"op", "subscribe"}, {"from_seq", "1"}})) == "bad_request");
  CHECK(ErrorCode(c.Call({{"id", 3}, {"op", "unsubscribe"}})) == "bad_request");
  CHECK(ErrorCode(c.Call({{"id", 4}, {"op", "stats"}})) == "ok");
}

TEST_CASE("subscribe: a live subscriber that falls too far behind is told and disconnected",
          "[server][subscribe]") {
  ServerOptions options;
  options.max_subscriber_lag = 10;
  Served s(options);
  Client sub(s.server->port()), admin(s.server->port());
  REQUIRE(ErrorCode(sub.Hello(s.exporter)) == "ok");
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  REQUIRE(ErrorCode(sub.Call({{"id", 1}, {"op", "subscribe"}, {"from_seq", head + 1}})) == "ok");
  // 50 events at once: the caught-up subscriber is suddenly 50 behind.
  REQUIRE(ErrorCode(admin.Call(BatchRequest("burst-", 50, s.carrier))) == "ok");
  auto told = bj::parse(sub.Line()).as_object();
  CHECK(told.at("push") == "error");
  CHECK(told.at("error").at("code") == "overloaded");
  CHECK(told.at("error").at("details").at("next_seq") == head + 1);
  CHECK(sub.Line().empty());  // disconnected
  CHECK(ErrorCode(admin.Call({{"id", 2}, {"op", "stats"}})) == "ok");
}

TEST_CASE("subscribe: a subscriber that does not read stalls neither the writer nor others",
          "[server][subscribe]") {
  Served s;
  Client sub(s.server->port()), admin(s.server->port()), auditor(s.server->port());
  // A 16 KiB window: the backlog (about 700 KB) cannot all be in flight, so the server's pushes
  // wait for the reader.
  sub.socket().set_option(boost::asio::socket_base::receive_buffer_size(16384));
  REQUIRE(ErrorCode(sub.Hello(s.exporter)) == "ok");
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  REQUIRE(ErrorCode(auditor.Hello(s.auditor)) == "ok");
  std::uint64_t head = s.ledger->head().seq;
  REQUIRE(ErrorCode(sub.Call({{"id", 1}, {"op", "subscribe"}, {"from_seq", 1}})) == "ok");
  // The subscriber reads nothing while 1,000 events are appended and others are served.
  for (int i = 0; i < 2; ++i) {
    REQUIRE(ErrorCode(admin.Call(BatchRequest("b" + std::to_string(i) + "-", 500, s.carrier))) ==
            "ok");
    CHECK(ErrorCode(auditor.Call({{"id", i}, {"op", "query"}, {"view", "carriers"}})) == "ok");
  }
  REQUIRE(s.ledger->head().seq == head + 1000);
  // It then gets every event, none lost, none twice.
  RequirePushes(sub, *s.ledger, 1, head + 1000);
}

}  // namespace
}  // namespace hatchery::server
