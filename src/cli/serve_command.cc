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
#include "cli/serving.h"
#include "cli/store.h"
#include "hatchery/key_files.h"
#include "server/server.h"

namespace hatchery::cli {
namespace {

struct ServeArgs {
  std::string dir, signing_key;
  ServingArgs serving;
  std::int64_t checkpoint_every_s = 60;
};

int RunServe(ServeArgs args) {
  if (Status resolved = ResolveServing(&args.serving); !resolved.ok()) return Fail(resolved);
  server::ServerOptions& options = args.serving.options;
  options.checkpoint_every = std::chrono::seconds(args.checkpoint_every_s);
  if (!args.signing_key.empty()) {
    auto key = ReadSigningKeyFile(args.signing_key);
    if (!key.ok()) return Fail(key.status());
    options.signing_key = *key;
  } else {  // the store's own key, beside it (cli/store.h)
    auto key = StoreKey(args.dir);
    if (!key.ok()) return Fail(key.status());
    options.signing_key = *key;
    if (!*key) {
      std::printf(
          "hatchery: warning: no signing key (%s.key): no checkpoint is signed, so the "
          "tail of the log is not tamper-evident; create one with hatchery keygen --out "
          "%s\n",
          StoreKeyPrefix(args.dir).c_str(), StoreKeyPrefix(args.dir).c_str());
    }
  }
  auto tokens = LoadServingTokens(args.serving.tokens);
  if (!tokens.ok()) return Fail(tokens.status());
  // The stop signals are taken by sigwait below, in this thread only.
  const sigset_t signals = BlockStopSignals();

  auto store = OpenForAppend(args.dir, Writer::kServer);
  if (!store.ok()) return Fail(store.status());
  auto server = server::Server::Start(*store->ledger, std::move(tokens).value(), options);
  if (!server.ok()) return Fail(server.status());
  std::printf(
      "hatchery: serving %s on %s:%u%s (%llu events); stop with SIGTERM or Ctrl-C, "
      "reload the tokens with SIGHUP\n",
      args.dir.c_str(), options.host.c_str(), (*server)->port(),
      options.tls_cert_file.empty() ? "" : " with TLS",
      static_cast<unsigned long long>(store->ledger->head().seq));
  if (options.http) {
    std::printf("hatchery: web console on %s://%s:%u/\n",
                options.tls_cert_file.empty() ? "http" : "https", options.http_host.c_str(),
                (*server)->http_port());
  }
  std::fflush(stdout);
  int signal = WaitForStop(signals, server->get());
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
  AddServingOptions(cmd, &args->serving, "--listen");
  cmd->get_option("--tokens")->required();
  cmd->add_option("--signing-key", args->signing_key,
                  "an Ed25519 key (hatchery keygen) to sign checkpoints with, on demand, on a "
                  "timer, every --checkpoint-events events and at the end (default: the store's "
                  "own, DIR.key)");
  cmd->add_option("--checkpoint-every", args->checkpoint_every_s,
                  "sign a checkpoint of the head every S seconds when it has moved (default 60)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--checkpoint-events", args->serving.options.checkpoint_events,
                  "and whenever N events were added since the last one signed (default 1000)")
      ->check(CLI::PositiveNumber);
  cmd->callback([args, exit_code] { *exit_code = RunServe(*args); });
}

}  // namespace hatchery::cli
