// client: request lines from stdin to a running server (after a hello with the token), the
// response lines to stdout — the protocol by hand, or a script's way in.
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/store.h"

namespace hatchery::cli {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

struct ClientArgs {
  std::string connect, token;
};

int RunClient(const ClientArgs& args) {
  std::size_t colon = args.connect.rfind(':');
  if (colon == std::string::npos) {
    return Fail(Status(Code::kBadRequest, "--connect wants HOST:PORT, e.g. 127.0.0.1:7411"));
  }
  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints =
      resolver.resolve(args.connect.substr(0, colon), args.connect.substr(colon + 1), ec);
  if (!ec) asio::connect(socket, endpoints, ec);
  if (ec)
    return Fail(
        Status(Code::kUnavailable, "cannot connect to " + args.connect + ": " + ec.message()));
  std::string buffer;
  auto exchange = [&](const std::string& line) -> std::optional<std::string> {
    asio::write(socket, asio::buffer(line + "\n"), ec);
    if (ec) return std::nullopt;
    std::size_t n = asio::read_until(socket, asio::dynamic_buffer(buffer), '\n', ec);
    if (ec) return std::nullopt;
    std::string response = buffer.substr(0, n - 1);
    buffer.erase(0, n);
    return response;
  };
  boost::json::object hello{{"id", "hello"}, {"op", "hello"}, {"token", args.token}};
  auto greeting = exchange(boost::json::serialize(hello));
  if (!greeting) return Fail(Status(Code::kUnavailable, "the server closed the connection"));
  std::cerr << *greeting << "\n";
  if (greeting->find("\"ok\":true") == std::string::npos) return 1;
  for (std::string line; std::getline(std::cin, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto response = exchange(line);
    if (!response) return Fail(Status(Code::kUnavailable, "the server closed the connection"));
    std::cout << *response << "\n";
  }
  return 0;
}

}  // namespace

void AddClientCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ClientArgs>();
  auto* cmd = app.add_subcommand(
      "client", "send request lines from stdin to a server (after hello) and print the responses");
  cmd->add_option("--connect", args->connect, "HOST:PORT of `hatchery serve`")->required();
  cmd->add_option("--token", args->token, "the token (hatchery token add)")->required();
  cmd->callback([args, exit_code] { *exit_code = RunClient(*args); });
}

}  // namespace hatchery::cli
