#include "server_fixture.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <memory>

namespace hatchery::server {

namespace asio = boost::asio;
namespace bj = boost::json;
namespace fs = std::filesystem;
using asio::ip::tcp;

namespace {

// Writes a demo store of `carriers` carriers at `store` (and its key beside it). The demo runs once
// a process for each number of carriers and is copied after that: a test that serves many fresh
// stores pays for one demo.
void MakeDemo(int carriers, const std::string& store) {
  static std::map<int, std::unique_ptr<testing::TempDir>> made;
  std::unique_ptr<testing::TempDir>& demo = made[carriers];
  if (!demo) {
    auto dir = std::make_unique<testing::TempDir>();
    REQUIRE(testing::RunHatchery("demo --carriers " + std::to_string(carriers) + " --data " +
                                 dir->Sub("s"))
                .exit_code == 0);
    demo = std::move(dir);
  }
  fs::copy(demo->Sub("s"), store, fs::copy_options::recursive);
  for (const char* key : {".key", ".pub"}) fs::copy_file(demo->Sub("s") + key, store + key);
}

}  // namespace

Served::Served(ServerOptions options, int carriers, Kept kept) {
  MakeDemo(carriers, dir.Sub("s"));
  if (kept == Kept::kNoCheckpoint) testing::RawStore(dir.Sub("s")).DeleteAll("checkpoints");
  ledger = std::move(Ledger::Open(dir.Sub("s"), LedgerOptions{rules})).value();
  carrier = rules->facts().carrier_index().begin()->first;
  auto tokens = std::move(TokenStore::Load(dir.Sub("tokens"))).value();
  admin = *tokens.Add(Actor{"clerk.zhang", "admin"});
  auditor = *tokens.Add(Actor{"audit.wu", "auditor"});
  exporter = *tokens.Add(Actor{"export.job", "exporter"});
  options.port = 0;
  auto started = Server::Start(*ledger, std::move(tokens), options);
  REQUIRE(started.ok());
  server = std::move(started).value();
}

Client::Client(std::uint16_t port) : socket_(io_) {
  socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

void Client::Send(const std::string& text) { asio::write(socket_, asio::buffer(text)); }

std::string Client::Line() {
  boost::system::error_code ec;
  std::size_t n = asio::read_until(socket_, asio::dynamic_buffer(buffer_), '\n', ec);
  if (ec) return "";
  std::string line = buffer_.substr(0, n - 1);
  buffer_.erase(0, n);
  return line;
}

bj::object Client::Call(const bj::object& request) {
  Send(bj::serialize(request) + "\n");
  std::string line = Line();
  REQUIRE_FALSE(line.empty());
  return bj::parse(line).as_object();
}

bj::object Client::Hello(const std::string& token) {
  return Call({{"id", 0}, {"op", "hello"}, {"token", token}});
}

std::string ErrorCode(const bj::object& response) {
  if (response.at("ok").as_bool()) return "ok";
  return std::string(response.at("error").at("code").as_string());
}

bj::object Amendment(const std::string& command_id, const std::string& carrier) {
  return {{"command_id", command_id},
          {"stream", "carrier/" + carrier},
          {"type", "CarrierProfileAmended"},
          {"effective_date", "2026-07-01"},
          {"data", {{"carrier_id", carrier}, {"changes", {{"area_m2", 12345}}}}}};
}

}  // namespace hatchery::server
