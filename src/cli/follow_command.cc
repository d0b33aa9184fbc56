// follow: a read replica (replica/follower.h, docs/operations.md "A read replica") — keeps a
// checked copy of a primary's log in its own store and, with --serve, answers the read ops from it
// (writes are refused, naming the primary). Runs until SIGTERM or SIGINT (exit 0) or a fork
// (exit 1: the copy is kept as it was, and nothing is served from it any more).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/serving.h"
#include "cli/store.h"
#include "hatchery/key_files.h"
#include "replica/follower.h"

namespace hatchery::cli {
namespace {

struct FollowArgs {
  std::string dir, primary_key;
  RemoteArgs primary;
  ServingArgs serving;
  bool serve = false;
};

int RunFollow(FollowArgs args) {
  replica::FollowOptions options;
  options.primary = {args.primary.connect, args.primary.token, args.primary.tls_ca};
  auto key = ReadVerifierKeyFile(args.primary_key);
  if (!key.ok()) return Fail(key.status());
  options.primary_key = *key;
  std::optional<server::TokenStore> tokens;
  if (args.serve) {
    if (Status resolved = ResolveServing(&args.serving); !resolved.ok()) return Fail(resolved);
    auto loaded = LoadServingTokens(args.serving.tokens);
    if (!loaded.ok()) return Fail(loaded.status());
    tokens = std::move(loaded).value();
  }
  const sigset_t signals = BlockStopSignals();  // taken by the waiter thread below
  auto ledger = replica::Follower::OpenReplica(args.dir, options);
  if (!ledger.ok()) return Fail(ledger.status());

  std::unique_ptr<server::Server> server;
  std::unique_ptr<replica::Follower> follower;
  if (args.serve) {
    // The follower exists before the server serves; `stats` asks it how far behind it is.
    args.serving.options.replica_status = [&follower] { return follower->Describe(); };
    options.on_kept = [&server] { server->Replicated(); };
  }
  follower = std::make_unique<replica::Follower>(**ledger, options);
  if (args.serve) {
    auto started = server::Server::Start(**ledger, std::move(*tokens), args.serving.options);
    if (!started.ok()) return Fail(started.status());
    server = std::move(started).value();
  }
  const std::string serving = server ? ", serving the read ops on " + args.serving.options.host +
                                           ":" + std::to_string(server->port())
                                     : "";
  std::printf("hatchery: %s follows %s from event %llu%s; stop with SIGTERM or Ctrl-C\n",
              args.dir.c_str(), args.primary.connect.c_str(),
              static_cast<unsigned long long>((*ledger)->head().seq + 1), serving.c_str());
  std::fflush(stdout);

  std::thread waiter([&] {
    WaitForStop(signals, server.get());
    follower->Stop();
  });
  Status followed = follower->Run();
  if (!followed.ok()) pthread_kill(waiter.native_handle(), SIGTERM);  // end the waiter
  waiter.join();
  if (server) {
    server->Stop();
    server->Wait();
    server.reset();
  }
  const auto head = (*ledger)->head().seq;
  if (!followed.ok()) {
    std::printf("hatchery: FAILED: %s (the replica holds events 1–%llu)\n",
                followed.message().c_str(), static_cast<unsigned long long>(head));
    return followed.code() == Code::kCorruption ? 1 : Fail(followed);
  }
  std::printf("hatchery: stopped following; %llu events\n", static_cast<unsigned long long>(head));
  return 0;
}

}  // namespace

void AddFollowCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<FollowArgs>();
  auto* cmd = app.add_subcommand(
      "follow",
      "a read replica: keep a checked copy of a primary's log (every hash, link, root and signed "
      "checkpoint) and, with --serve, answer the read ops from it; stops on a fork");
  AddDataOption(cmd, &args->dir);
  AddRemoteOptions(cmd, &args->primary)
      ->description("the primary, HOST:PORT (a token whose role may subscribe)")
      ->required();
  cmd->add_option("--primary-key", args->primary_key,
                  "the primary's verifier key file (DIR.pub, or its --signing-key's .pub): every "
                  "checkpoint it keeps must be signed by it")
      ->required();
  auto* serve = AddServingOptions(cmd, &args->serving, "--serve");
  auto* tokens = cmd->get_option("--tokens");
  serve->needs(tokens);
  tokens->needs(serve);
  cmd->callback([args, exit_code, serve] {
    args->serve = serve->count() > 0;
    *exit_code = RunFollow(*args);
  });
}

}  // namespace hatchery::cli
