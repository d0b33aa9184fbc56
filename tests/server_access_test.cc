// Live access control: a revoked or demoted token loses its open connections at once, whether the
// server learns of it by SIGHUP or by seeing the tokens file change; new connections with it are
// refused; SIGHUP never stops the server. (The attack: revoking a token did nothing to a running
// server, and the SIGHUP that `token revoke` advised killed it.)
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <thread>

#include "hatchery/files.h"
#include "server_fixture.h"

namespace hatchery::server {
namespace {

using testing::RunHatchery;

// A fresh token for `actor` with `role`, added to the file at `path`.
std::string AddToken(const std::string& path, const std::string& actor, const std::string& role) {
  auto added = RunHatchery("token add --tokens " + path + " --actor " + actor + " --role " + role);
  REQUIRE(added.exit_code == 0);
  return added.out.substr(0, added.out.find('\n'));
}

// Waits up to five seconds for the server to close `c` (a read that ends).
bool ClosedSoon(Client& c) {
  c.socket().non_blocking(false);
  timeval five{5, 0};
  ::setsockopt(c.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  return c.Line().empty();
}

TEST_CASE("access: SIGHUP reloads the tokens — a revoked token's connections close", "[server]") {
  testing::TempDir dir;
  std::string data = dir.Sub("s"), tokens = dir.Sub("tokens");
  REQUIRE(RunHatchery("demo --carriers 2 --data " + data).exit_code == 0);
  std::string clerk = AddToken(tokens, "clerk.zhang", "admin");
  std::string auditor = AddToken(tokens, "audit.wu", "auditor");
  testing::ServeProcess serve = testing::StartServe(data, tokens);
  auto port = static_cast<std::uint16_t>(std::stoi(serve.port));
  Client revoked(port), kept(port);
  REQUIRE(ErrorCode(revoked.Hello(clerk)) == "ok");
  REQUIRE(ErrorCode(kept.Hello(auditor)) == "ok");

  REQUIRE(RunHatchery("token revoke --tokens " + tokens + " --actor clerk.zhang").exit_code == 0);
  ::kill(serve.child.pid, SIGHUP);
  CHECK(ClosedSoon(revoked));
  Client again(port);
  CHECK(ErrorCode(again.Hello(clerk)) == "unauthenticated");
  // The server lives on, and the others' connections with it.
  CHECK(ErrorCode(kept.Call({{"id", 1}, {"op", "get"}, {"seq", 1}})) == "ok");
  ::kill(serve.child.pid, SIGHUP);  // again, with nothing changed
  CHECK(ErrorCode(kept.Call({{"id", 2}, {"op", "get"}, {"seq", 1}})) == "ok");

  int status = testing::StopServe(serve);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("access: a changed tokens file is reloaded without a signal", "[server]") {
  ServerOptions options;
  options.tokens_poll = std::chrono::milliseconds(50);
  Served s(options);
  {
    auto file = std::move(TokenStore::Load(s.dir.Sub("tokens"))).value();
    REQUIRE(file.entries().empty());  // the fixture's tokens were never saved: write them now
  }
  std::string path = s.dir.Sub("tokens");
  std::string clerk = AddToken(path, "clerk.zhang", "admin");
  std::string wu = AddToken(path, "audit.wu", "auditor");
  // The server picks the file up once it appears.
  bool in_force = false;
  for (int i = 0; i < 100 && !in_force; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Client probe(s.server->port());
    in_force = ErrorCode(probe.Hello(clerk)) == "ok";
  }
  REQUIRE(in_force);
  Client demoted(s.server->port()), other(s.server->port());
  REQUIRE(ErrorCode(demoted.Hello(clerk)) == "ok");
  REQUIRE(ErrorCode(other.Hello(wu)) == "ok");
  // The same token, now standing for an auditor: its admin connection must not go on.
  {
    std::string text = *files::Read(path);
    std::size_t at = text.find("\"role\":\"admin\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 14, "\"role\":\"auditor\"");
    REQUIRE(files::Replace(path, text).ok());
  }
  CHECK(ClosedSoon(demoted));
  CHECK(ErrorCode(other.Call({{"id", 1}, {"op", "get"}, {"seq", 1}})) == "ok");
  Client as_auditor(s.server->port());
  auto hello = as_auditor.Hello(clerk);
  REQUIRE(ErrorCode(hello) == "ok");
  CHECK(hello.at("result").at("role") == "auditor");
  // A file that does not load leaves the tokens in force.
  REQUIRE(files::Replace(path, "not a token entry\n").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(ErrorCode(other.Call({{"id", 2}, {"op", "get"}, {"seq", 1}})) == "ok");
  Client still(s.server->port());
  CHECK(ErrorCode(still.Hello(wu)) == "ok");
}

}  // namespace
}  // namespace hatchery::server
