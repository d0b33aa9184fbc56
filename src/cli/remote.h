// How a command reaches a running server instead of a data directory: `--connect HOST:PORT
// --token T [--tls-ca F]` (PROTOCOL.md), shared by `client` and the data commands.
#ifndef HATCHERY_CLI_REMOTE_H_
#define HATCHERY_CLI_REMOTE_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "client/connection.h"
#include "hatchery/ledger.h"

namespace hatchery::cli {

struct RemoteArgs {
  std::string connect, token, tls_ca;
  bool given() const { return !connect.empty(); }
};

// Adds --connect, --token (needed with --connect) and --tls-ca; returns the --connect option.
CLI::Option* AddRemoteOptions(CLI::App* cmd, RemoteArgs* args);

// Adds --data DIR, required, to a command that works on a data directory only.
CLI::Option* AddDataOption(CLI::App* cmd, std::string* dir);

// Adds --data DIR and the remote options to a data command: exactly one of --data and --connect.
void AddDataOrRemoteOptions(CLI::App* cmd, std::string* dir, RemoteArgs* remote);

// Connects and says hello.
StatusOr<std::unique_ptr<client::Connection>> Connect(const RemoteArgs& args);

// Where a read command's answers come from: the server of --connect, or the store of --data asked
// the very same read ops (read/ops.h) here, so a command prints the same bytes either way.
class ReadTarget {
 public:
  // Connects (and says hello), or opens the store read-only.
  static StatusOr<std::unique_ptr<ReadTarget>> Open(const std::string& dir,
                                                    const RemoteArgs& remote);
  // The read op's result, or its error.
  StatusOr<boost::json::object> Call(std::string_view op, const boost::json::object& args);
  // One read op asked of the target of --data or --connect: Open, then Call. Errors: `request`'s,
  // Open's, Call's.
  static StatusOr<boost::json::object> Ask(const std::string& dir, const RemoteArgs& remote,
                                           std::string_view op,
                                           const StatusOr<boost::json::object>& request);

 private:
  std::unique_ptr<client::Connection> connection_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_REMOTE_H_
