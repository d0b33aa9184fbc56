// A real server for the server tests: a demo store opened for appending, a token for each role,
// `hatchery serve`'s Server on a free loopback port, and a blocking line client.
#ifndef HATCHERY_TESTS_SERVER_FIXTURE_H_
#define HATCHERY_TESTS_SERVER_FIXTURE_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <memory>
#include <string>

#include "domain/checks/policy_rules.h"
#include "server/server.h"
#include "test_util.h"

namespace hatchery::server {

struct Served {
  testing::TempDir dir;
  std::shared_ptr<domain::PolicyRules> rules = std::make_shared<domain::PolicyRules>();
  std::unique_ptr<Ledger> ledger;
  std::string admin, auditor, exporter;  // tokens
  std::string carrier;                   // a registered carrier of the demo
  std::unique_ptr<Server> server;

  // Whether the store keeps the checkpoint its demo signed at the end (as every demo does), or
  // none, as a store from before checkpoints were signed by default.
  enum class Kept { kDemoCheckpoint, kNoCheckpoint };
  // A demo of `carriers` carriers; `options.port` is replaced by a free one.
  explicit Served(ServerOptions options = {}, int carriers = 4, Kept kept = Kept::kDemoCheckpoint);
};

// A blocking client of one connection.
class Client {
 public:
  explicit Client(std::uint16_t port);
  void Send(const std::string& text);
  // The next line from the server, or "" when the server closed the connection.
  std::string Line();
  // Sends `request` and returns the next line parsed; requires one.
  boost::json::object Call(const boost::json::object& request);
  boost::json::object Hello(const std::string& token);
  boost::asio::ip::tcp::socket& socket() { return socket_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string buffer_;
};

// "ok", or the error code of a response.
std::string ErrorCode(const boost::json::object& response);

// A valid CarrierProfileAmended envelope for `carrier` (area 12,345 m²).
boost::json::object Amendment(const std::string& command_id, const std::string& carrier);

}  // namespace hatchery::server

#endif  // HATCHERY_TESTS_SERVER_FIXTURE_H_
