// What `serve` and `follow --serve` share: the server's network options on the command line, its
// tokens file, and running until a stop signal.
#ifndef HATCHERY_CLI_SERVING_H_
#define HATCHERY_CLI_SERVING_H_

#include <CLI/CLI.hpp>
#include <csignal>
#include <string>

#include "server/server.h"
#include "server/token_store.h"

namespace hatchery::cli {

struct ServingArgs {
  std::string listen = "127.0.0.1:7411", tokens;
  std::string http;  // the web console's HOST:PORT; empty: none
  server::ServerOptions options;
  double idle_timeout_s = 300, hello_timeout_s = 5;
  std::string log_level = "info";
};

// Adds the address option (named `listen_flag`: serve's --listen, follow's --serve), --tokens,
// the connection limits, timeouts, TLS, --backups and the log level. Returns the address option.
CLI::Option* AddServingOptions(CLI::App* cmd, ServingArgs* args, const std::string& listen_flag);

// Completes args->options from the flags: the address, the timeouts; sets the log level.
// Errors: kBadRequest naming the flag.
Status ResolveServing(ServingArgs* args);

// The tokens file; one without tokens is refused, saying how to add one.
StatusOr<server::TokenStore> LoadServingTokens(const std::string& path);

// Blocks SIGINT, SIGTERM and SIGHUP in this thread and in every thread it starts after, so that
// WaitForStop alone takes them.
sigset_t BlockStopSignals();

// Waits for SIGINT or SIGTERM (returned), reloading `server`'s tokens on each SIGHUP.
int WaitForStop(const sigset_t& signals, server::Server* server);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_SERVING_H_
