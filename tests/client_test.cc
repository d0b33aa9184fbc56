// `hatchery client` against a real server: a subscription's pushes are printed as they come and
// never taken for answers; every request gets its own answer, in order; an open subscription goes
// on printing live events after stdin ends, until the server closes the connection.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;

// The client's output split into answers (lines with an "id") and pushes (lines with "push");
// anything else (the hello on stderr, notes) is left out.
struct ClientOutput {
  std::vector<bj::object> answers, pushes;
  explicit ClientOutput(const std::string& out) {
    for (const std::string& line : testing::Lines(out)) {
      boost::system::error_code ec;
      bj::value v = bj::parse(line, ec);
      if (ec || !v.is_object()) continue;
      if (v.as_object().contains("push")) pushes.push_back(v.as_object());
      if (v.as_object().contains("id")) answers.push_back(v.as_object());
    }
  }
};

std::string Connect(const Served& s, const std::string& token) {
  return "client --connect 127.0.0.1:" + std::to_string(s.server->port()) + " --token " + token;
}

TEST_CASE("client: pushes are printed as they come, and each request gets its own answer",
          "[server][cli]") {
  Served s;
  const std::uint64_t head = s.ledger->head().seq;
  auto ran = RunHatchery(Connect(s, s.auditor),
                         "{\"id\":1,\"op\":\"subscribe\",\"from_seq\":1}\n"
                         "{\"id\":2,\"op\":\"get\",\"seq\":3}\n"
                         "{\"id\":3,\"op\":\"stats\"}\n"
                         "{\"id\":4,\"op\":\"unsubscribe\"}\n");
  INFO(ran.out);
  CHECK(ran.exit_code == 0);
  ClientOutput out(ran.out);
  REQUIRE(out.answers.size() == 4);
  for (std::size_t i = 0; i < out.answers.size(); ++i) {
    CHECK(out.answers[i].at("id") == static_cast<std::int64_t>(i + 1));
    CHECK(ErrorCode(out.answers[i]) == "ok");
  }
  CHECK(out.answers[1].at("result").at("event").at("seq") == 3);
  // The backlog, each event once and in order (the subscription may end before all of it came).
  REQUIRE_FALSE(out.pushes.empty());
  REQUIRE(out.pushes.size() <= head);
  for (std::size_t i = 0; i < out.pushes.size(); ++i) {
    CHECK(out.pushes[i].at("event").at("seq") == static_cast<std::int64_t>(i + 1));
  }
}

TEST_CASE("client: an open subscription prints live events until the server closes",
          "[server][cli]") {
  Served s;
  const std::uint64_t head = s.ledger->head().seq;
  int input[2];
  REQUIRE(::pipe(input) == 0);
  const std::string command = std::string(HATCHERY_BINARY) + " " + Connect(s, s.auditor);
  testing::Child client = testing::ForkWithPipe([&](int write_fd) {
    ::close(input[1]);
    ::dup2(input[0], STDIN_FILENO);
    ::dup2(write_fd, STDOUT_FILENO);
    ::dup2(write_fd, STDERR_FILENO);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  });
  ::close(input[0]);
  const std::string subscribe =
      "{\"id\":1,\"op\":\"subscribe\",\"from_seq\":" + std::to_string(head + 1) + "}\n";
  REQUIRE(::write(input[1], subscribe.data(), subscribe.size()) ==
          static_cast<ssize_t>(subscribe.size()));
  ::close(input[1]);  // stdin ends; the subscription stays open
  std::string out;
  REQUIRE(testing::ReadUntil(client.read_fd, &out, "\"id\":1,\"ok\":true"));

  Client admin(s.server->port());
  REQUIRE(ErrorCode(admin.Hello(s.admin)) == "ok");
  bj::object append = Amendment("live-1", s.carrier);
  append["op"] = "append";
  append["id"] = 1;
  REQUIRE(ErrorCode(admin.Call(append)) == "ok");
  REQUIRE(testing::ReadUntil(client.read_fd, &out, "live-1"));

  s.server->Stop();
  s.server->Wait();
  REQUIRE(testing::ReadUntil(client.read_fd, &out));
  int status = 0;
  ::waitpid(client.pid, &status, 0);
  ::close(client.read_fd);
  INFO(out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  ClientOutput lines(out);
  REQUIRE(lines.answers.size() == 1);
  REQUIRE(lines.pushes.size() == 1);
  CHECK(lines.pushes[0].at("event").at("seq") == static_cast<std::int64_t>(head + 1));
  CHECK(lines.pushes[0].at("event").at("command_id") == "live-1");
}

}  // namespace
}  // namespace hatchery::server
