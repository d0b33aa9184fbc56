// TLS against a real server: `hatchery client --tls-ca` speaks the same protocol inside TLS; a
// plaintext client, or a client that does not trust the server's certificate, gets no session,
// and the server goes on serving; files that do not load stop the start with their names.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "server_fixture.h"

namespace hatchery::server {
namespace {

namespace bj = boost::json;
using testing::RunHatchery;

const std::string kTlsDir = HATCHERY_TEST_TLS_DIR;

ServerOptions WithTls() {
  ServerOptions options;
  options.tls_cert_file = kTlsDir + "/server.crt";
  options.tls_key_file = kTlsDir + "/server.key";
  return options;
}

std::string ClientCommand(const Served& s, const std::string& ca) {
  return "client --connect 127.0.0.1:" + std::to_string(s.server->port()) + " --token " +
         s.auditor + " --tls-ca " + ca;
}

TEST_CASE("tls: the client speaks the protocol inside TLS", "[server][tls]") {
  Served s(WithTls());
  auto answered = RunHatchery(ClientCommand(s, kTlsDir + "/server.crt"),
                              "{\"id\":1,\"op\":\"stats\"}\n{\"id\":2,\"op\":\"get\",\"seq\":1}\n");
  CHECK(answered.exit_code == 0);
  CHECK_THAT(answered.out, Catch::Contains("\"actor\":\"audit.wu\"") &&
                               Catch::Contains("{\"id\":1,\"ok\":true") &&
                               Catch::Contains("{\"id\":2,\"ok\":true"));
}

TEST_CASE("tls: plaintext and untrusting clients get no session — others are served",
          "[server][tls]") {
  Served s(WithTls());
  Client plain(s.server->port());
  plain.Send(bj::serialize(bj::object{{"id", 0}, {"op", "hello"}, {"token", s.admin}}) + "\n");
  CHECK(plain.Line().empty());  // no handshake, no session
  auto untrusting = RunHatchery(ClientCommand(s, kTlsDir + "/other-ca.crt"), "");
  CHECK(untrusting.exit_code == 2);
  CHECK_THAT(untrusting.out, Catch::Contains("no TLS handshake"));
  auto trusting = RunHatchery(ClientCommand(s, kTlsDir + "/server.crt"), "{\"op\":\"stats\"}\n");
  CHECK(trusting.exit_code == 0);
}

TEST_CASE("tls: a certificate or key that does not load stops the start", "[server][tls]") {
  testing::TempDir dir;
  REQUIRE(RunHatchery("demo --carriers 4 --data " + dir.Sub("s")).exit_code == 0);
  auto ledger = std::move(Ledger::Open(dir.Sub("s"))).value();
  ServerOptions options = WithTls();
  options.port = 0;
  options.tls_key_file = kTlsDir + "/missing.key";
  auto started = Server::Start(*ledger, std::move(TokenStore::Load(dir.Sub("t"))).value(), options);
  REQUIRE_FALSE(started.ok());
  CHECK(started.status().code() == Code::kBadRequest);
  CHECK_THAT(started.status().message(), Catch::Contains("missing.key"));
}

}  // namespace
}  // namespace hatchery::server
