// serve: the TCP API (server/server.h) on a store, until SIGTERM or SIGINT; then it stops
// accepting, lets in-flight requests finish, signs a final checkpoint (with the store's key), keeps
// a snapshot if one is due and closes the store. SIGHUP reloads the tokens file (as does a change
// to it): the connections of revoked tokens are closed.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/key_files.h"
#include "server/server.h"

namespace hatchery::cli {
namespace {

struct ServeArgs {
  std::string dir, listen = "127.0.0.1:7411", tokens, signing_key;
  server::ServerOptions options;
  double idle_timeout_s = 300, hello_timeout_s = 5;
  std::int64_t checkpoint_every_s = 60;
  std::string log_level = "info";
};

int RunServe(ServeArgs args) {
  std::size_t colon = args.listen.rfind(':');
  if (colon == std::string::npos) {
    return Fail(Status(Code::kBadRequest, "--listen wants HOST:PORT, e.g. 127.0.0.1:7411"));
  }
  args.options.host = args.listen.substr(0, colon);
  try {
    int port = std::stoi(args.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    args.options.port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    return Fail(Status(Code::kBadRequest, "--listen wants HOST:PORT with a port 0-65535"));
  }
  args.options.idle_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(args.idle_timeout_s * 1000));
  args.options.hello_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(args.hello_timeout_s * 1000));
  args.options.checkpoint_every = std::chrono::seconds(args.checkpoint_every_s);
  if (!args.signing_key.empty()) {
    auto key = ReadSigningKeyFile(args.signing_key);
    if (!key.ok()) return Fail(key.status());
    args.options.signing_key = *key;
  } else {  // the store's own key, beside it (cli/store.h)
    auto key = StoreKey(args.dir);
    if (!key.ok()) return Fail(key.status());
    args.options.signing_key = *key;
    if (!*key) {
      std::printf(
          "hatchery: warning: no signing key (%s.key): no checkpoint is signed, so the "
          "tail of the log is not tamper-evident; create one with hatchery keygen --out "
          "%s\n",
          StoreKeyPrefix(args.dir).c_str(), StoreKeyPrefix(args.dir).c_str());
    }
  }
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  auto tokens = server::TokenStore::Load(args.tokens);
  if (!tokens.ok()) return Fail(tokens.status());
  if (tokens->entries().empty()) {
    return Fail(Status(Code::kBadRequest, "no tokens in " + args.tokens +
                                              " (add one: hatchery token add --tokens " +
                                              args.tokens + " --actor ID --role admin)"));
  }
  // The stop signals are taken by sigwait below, in this thread only: every thread started from
  // here inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto store = OpenForAppend(args.dir, Writer::kServer);
  if (!store.ok()) return Fail(store.status());
  auto server = server::Server::Start(*store->ledger, std::move(tokens).value(), args.options);
  if (!server.ok()) return Fail(server.status());
  std::printf(
      "hatchery: serving %s on %s:%u%s (%llu events); stop with SIGTERM or Ctrl-C, "
      "reload the tokens with SIGHUP\n",
      args.dir.c_str(), args.options.host.c_str(), (*server)->port(),
      args.options.tls_cert_file.empty() ? "" : " with TLS",
      static_cast<unsigned long long>(store->ledger->head().seq));
  std::fflush(stdout);
  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
    (void)(*server)->ReloadTokens();  // logged; a file that does not load leaves the tokens
  }
  std::printf("hatchery: stopping (signal %d): finishing in-flight requests\n", signal);
  (*server)->Stop();
  (*server)->Wait();
  server->reset();
  FinishWrites(*store);
  std::printf("hatchery: stopped; %llu events\n",
              static_cast<unsigned long long>(store->ledger->head().seq));
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "the TCP API of PROTOCOL.md on a store");
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--listen", args->listen, "HOST:PORT (default 127.0.0.1:7411; port 0: any)");
  cmd->add_option("--tokens", args->tokens, "the tokens file (hatchery token add)")->required();
  cmd->add_option("--idle-timeout", args->idle_timeout_s,
                  "seconds a connection may take to send a whole request line (default 300)");
  cmd->add_option("--max-connections", args->options.max_connections, "default 1024");
  cmd->add_option("--hello-timeout", args->hello_timeout_s,
                  "seconds a new connection has for its TLS handshake and hello (default 5)");
  cmd->add_option("--max-unauthenticated", args->options.max_unauthenticated,
                  "connections that have not said hello yet, in all (default 128)");
  cmd->add_option("--max-unauthenticated-per-address",
                  args->options.max_unauthenticated_per_address,
                  "the same from one address (default 32)");
  cmd->add_option("--network-threads", args->options.network_threads,
                  "threads that run the connections (default: half the cores, at least 1)");
  cmd->add_option("--max-frame-bytes", args->options.max_frame_bytes,
                  "longest request line (default 1 MiB)");
  cmd->add_option("--signing-key", args->signing_key,
                  "an Ed25519 key (hatchery keygen) to sign checkpoints with, on demand, on a "
                  "timer, every --checkpoint-events events and at the end (default: the store's "
                  "own, DIR.key)");
  cmd->add_option("--checkpoint-every", args->checkpoint_every_s,
                  "sign a checkpoint of the head every S seconds when it has moved (default 60)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--checkpoint-events", args->options.checkpoint_events,
                  "and whenever N events were added since the last one signed (default 1000)")
      ->check(CLI::PositiveNumber);
  auto* cert = cmd->add_option("--tls-cert", args->options.tls_cert_file,
                               "serve TLS with this PEM certificate chain")
                   ->check(CLI::ExistingFile);
  auto* tls_key =
      cmd->add_option("--tls-key", args->options.tls_key_file, "the PEM private key of --tls-cert")
          ->check(CLI::ExistingFile);
  cert->needs(tls_key);
  tls_key->needs(cert);
  cmd->add_option("--log-level", args->log_level,
                  "info (a line per connection) or debug (a line per request)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  cmd->callback([args, exit_code] { *exit_code = RunServe(*args); });
}

}  // namespace hatchery::cli
