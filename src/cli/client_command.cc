// client: request lines from stdin to a running server (after a hello with the token), the
// response lines to stdout — the protocol by hand, or a script's way in.
#include <boost/json/serialize.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"

namespace hatchery::cli {
namespace {

int RunClient(const RemoteArgs& args) {
  auto connection = Connect(args);
  if (!connection.ok()) return Fail(connection.status());
  std::cerr << boost::json::serialize((*connection)->hello()) << "\n";
  for (std::string line; std::getline(std::cin, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto response = (*connection)->Exchange(line);
    if (!response.ok()) return Fail(response.status());
    std::cout << *response << "\n";
  }
  return 0;
}

}  // namespace

void AddClientCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RemoteArgs>();
  auto* cmd = app.add_subcommand(
      "client", "send request lines from stdin to a server (after hello) and print the responses");
  AddRemoteOptions(cmd, args.get())->required();
  cmd->callback([args, exit_code] { *exit_code = RunClient(*args); });
}

}  // namespace hatchery::cli
