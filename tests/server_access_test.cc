// Live access control: a revoked or demoted token loses its open connections at once, whether the
// server learns of it by SIGHUP or by seeing the tokens file change; new connections with it are
// refused; SIGHUP never stops the server. (The attack: revoking a token did nothing to a running
// server, and the SIGHUP that `token revoke` advised killed it.)
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <set>
#include <thread>

#include "hatchery/files.h"
#include "server/access_log.h"
#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;

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

// Who logged in, and who was refused (the issue: "who did what … failed logins" had no answer but
// the server's own log). A revoked token tried again is named by the id `token list` gave it, and
// with --access-log the answers reach back beyond a restart.
TEST_CASE("access: logins — taken, failed and refused, kept across a restart", "[server]") {
  testing::TempDir dir;
  std::string data = dir.Sub("s"), tokens = dir.Sub("tokens"), log = dir.Sub("access.jsonl");
  REQUIRE(RunHatchery("demo --carriers 2 --data " + data).exit_code == 0);
  std::string clerk = AddToken(tokens, "clerk.zhang", "admin");
  std::string auditor = AddToken(tokens, "audit.wu", "auditor");
  std::string gone = AddToken(tokens, "clerk.li", "admin");
  auto listed = RunHatchery("token list --tokens " + tokens);
  std::size_t li = listed.out.find("clerk.li");
  REQUIRE(li != std::string::npos);
  std::string gone_id = listed.out.substr(listed.out.rfind('\n', li) + 1, 12);
  REQUIRE(RunHatchery("token revoke --tokens " + tokens + " --actor clerk.li").exit_code == 0);

  auto serve_args = std::vector<std::string>{
      "serve",       "--data",      data,    "--tokens",     tokens, "--listen",
      "127.0.0.1:0", "--log-level", "error", "--access-log", log};
  testing::ServeProcess serve = testing::StartHatchery(serve_args);
  auto port = static_cast<std::uint16_t>(std::stoi(serve.port));
  {
    Client ok(port), revoked(port), anonymous(port);
    REQUIRE(ErrorCode(ok.Hello(clerk)) == "ok");
    CHECK(ErrorCode(revoked.Hello(gone)) == "unauthenticated");
    CHECK(ErrorCode(anonymous.Call({{"id", 1}, {"op", "get"}, {"seq", 1}})) == "unauthenticated");
  }
  Client audit(port);
  REQUIRE(ErrorCode(audit.Hello(auditor)) == "ok");
  auto failed = audit.Call({{"id", 2}, {"op", "logins"}, {"failed", true}});
  REQUIRE(ErrorCode(failed) == "ok");
  const bj::array& rows = failed.at("result").at("logins").as_array();
  REQUIRE(rows.size() == 2);
  std::set<std::string> reasons, ids;
  for (const bj::value& row : rows) {
    CHECK(row.at("outcome") == "failed");
    CHECK(row.at("address") == "127.0.0.1");
    reasons.insert(std::string(row.at("reason").as_string()));
    if (row.as_object().contains("token_id"))
      ids.insert(std::string(row.at("token_id").as_string()));
  }
  CHECK(reasons ==
        std::set<std::string>{"unknown token", "the first request must be hello with a token"});
  CHECK(ids == std::set<std::string>{gone_id});  // the revoked token, recognised
  CHECK(failed.at("result").at("since_start").at("failed") == 2);
  CHECK(failed.at("result").at("since_start").at("ok") == 2);
  // Filters: by actor (the successful ones carry it), by time, and a bad argument named.
  auto zhang = audit.Call({{"id", 3}, {"op", "logins"}, {"actor", "clerk.zhang"}});
  REQUIRE(zhang.at("result").at("logins").as_array().size() == 1);
  CHECK(zhang.at("result").at("logins").at(0).at("token_id").as_string().size() == 12);
  auto later = audit.Call({{"id", 4}, {"op", "logins"}, {"from_time", "2999-01-01T00:00:00Z"}});
  CHECK(later.at("result").at("matched") == 0);
  auto bad = audit.Call({{"id", 5}, {"op", "logins"}, {"limit", 5000}});
  CHECK(ErrorCode(bad) == "bad_request");
  CHECK(bad.at("error").at("details").at("field") == "limit");
  audit.socket().close();
  REQUIRE(testing::StopServe(serve) == 0);

  // After a restart: the earlier logins are still there, the counts since the start are new.
  serve = testing::StartHatchery(serve_args);
  auto cli =
      RunHatchery("logins --connect 127.0.0.1:" + serve.port + " --token " + auditor + " --failed");
  CHECK(cli.exit_code == 0);
  CHECK_THAT(cli.out, Catch::Contains("unknown token"));
  CHECK_THAT(cli.out, Catch::Contains(gone_id));
  CHECK_THAT(cli.out, Catch::Contains("2 shown of 2 matching"));
  CHECK_THAT(cli.out, Catch::Contains("1 ok, 0 failed, 0 refused"));  // its own hello
  CHECK_THAT(cli.out, Catch::Contains("from its access log"));
  auto json = RunHatchery("logins --connect 127.0.0.1:" + serve.port + " --token " + auditor +
                          " --format json");
  REQUIRE(json.exit_code == 0);
  auto answer = bj::parse(json.out).as_object();
  CHECK(answer.at("kept") == 6);  // before: zhang, wu, 2 failed; after: wu twice; newest first
  CHECK(answer.at("logins").at(0).at("actor") == "audit.wu");
  // A token the server does not know: the command says where tokens come from.
  auto unknown = RunHatchery("logins --connect 127.0.0.1:" + serve.port + " --token " + gone);
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.out, Catch::Contains("hatchery token add"));
  REQUIRE(testing::StopServe(serve) == 0);
}

// The file is an operational log: a line a crash cut off is skipped, the newest `keep` are kept.
TEST_CASE("access: the access log skips cut-off lines and keeps the newest", "[server]") {
  testing::TempDir dir;
  std::string path = dir.Sub("access.jsonl");
  {
    auto log = std::move(AccessLog::Open(path, 3)).value();
    for (int i = 1; i <= 5; ++i) {
      Login login = Login::Failed("10.0.0." + std::to_string(i), static_cast<std::uint64_t>(i), "",
                                  "unknown token");
      login.at_us = i * 1'000'000LL;
      log->Record(std::move(login));
    }
  }
  REQUIRE(files::Replace(path, *files::Read(path) + "{\"at\":\"1970-01-01T00:00:0").ok());
  auto log = std::move(AccessLog::Open(path, 3)).value();
  auto answer = std::move(log->Answer({})).value();
  CHECK(answer.at("kept") == 3);
  CHECK(answer.at("kept_since") == "1970-01-01T00:00:03.000000Z");
  CHECK(answer.at("logins").at(0).at("address") == "10.0.0.5");
  auto from = std::move(log->Answer({{"address", "10.0.0.4"}})).value();
  CHECK(from.at("matched") == 1);
  CHECK(log->Answer({{"failed", "yes"}}).status().code() == Code::kBadRequest);
  // The cut-off line was ended: an entry recorded now is a line of its own, there after a restart.
  log->Record(Login::Refused("10.0.0.9", "too many connections waiting to authenticate"));
  log.reset();
  auto again = std::move(AccessLog::Open(path, 3)).value();
  CHECK(std::move(again->Answer({})).value().at("logins").at(0).at("address") == "10.0.0.9");
}

}  // namespace
}  // namespace hatchery::server
