#include "cli/remote.h"

namespace hatchery::cli {
namespace {

// --connect in `home`, --token and --tls-ca in `cmd`.
CLI::Option* AddRemoteOptionsTo(CLI::App* cmd, CLI::App* home, RemoteArgs* args) {
  auto* connect = home->add_option("--connect", args->connect, "HOST:PORT of `hatchery serve`");
  auto* token = cmd->add_option("--token", args->token, "the token (hatchery token add)");
  auto* ca = cmd->add_option("--tls-ca", args->tls_ca,
                             "connect with TLS, trusting the server certificate's issuer in this "
                             "PEM file")
                 ->check(CLI::ExistingFile);
  connect->needs(token);
  token->needs(connect);
  ca->needs(connect);
  return connect;
}

}  // namespace

CLI::Option* AddRemoteOptions(CLI::App* cmd, RemoteArgs* args) {
  return AddRemoteOptionsTo(cmd, cmd, args);
}

void AddDataOrRemoteOptions(CLI::App* cmd, std::string* dir, RemoteArgs* remote) {
  auto* where = cmd->add_option_group("store", "a data directory, or a running server");
  where->add_option("--data", *dir, "the store's directory");
  AddRemoteOptionsTo(cmd, where, remote);
  where->require_option(1);
}

StatusOr<std::unique_ptr<client::Connection>> Connect(const RemoteArgs& args) {
  return client::Connection::Open({args.connect, args.token, args.tls_ca});
}

}  // namespace hatchery::cli
