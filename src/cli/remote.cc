#include "cli/remote.h"

#include "cli/store.h"
#include "read/ops.h"

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

CLI::Option* AddDataOption(CLI::App* cmd, std::string* dir) {
  return cmd->add_option("--data", *dir, "the store's directory")->required();
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

StatusOr<std::unique_ptr<ReadTarget>> ReadTarget::Open(const std::string& dir,
                                                       const RemoteArgs& remote) {
  auto target = std::make_unique<ReadTarget>();
  if (remote.given()) {
    ASSIGN_OR_RETURN(target->connection_, Connect(remote));
  } else {
    ASSIGN_OR_RETURN(target->ledger_, OpenReadOnly(dir));
  }
  return target;
}

StatusOr<boost::json::object> ReadTarget::Call(std::string_view op,
                                               const boost::json::object& args) {
  if (connection_) return connection_->Call(op, args);
  return read::Here(*ledger_, op, args);
}

StatusOr<boost::json::object> ReadTarget::Ask(const std::string& dir, const RemoteArgs& remote,
                                              std::string_view op,
                                              const StatusOr<boost::json::object>& request) {
  RETURN_IF_ERROR(request);
  ASSIGN_OR_RETURN(auto target, Open(dir, remote));
  return target->Call(op, *request);
}

}  // namespace hatchery::cli
