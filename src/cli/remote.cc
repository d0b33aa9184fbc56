#include "cli/remote.h"

namespace hatchery::cli {

CLI::Option* AddRemoteOptions(CLI::App* cmd, RemoteArgs* args) {
  auto* connect = cmd->add_option("--connect", args->connect, "HOST:PORT of `hatchery serve`");
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

StatusOr<std::unique_ptr<client::Connection>> Connect(const RemoteArgs& args) {
  return client::Connection::Open({args.connect, args.token, args.tls_ca});
}

}  // namespace hatchery::cli
