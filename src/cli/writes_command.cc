// writes: whether the store takes local writes (the command line appending to its files) or only
// its server's; shows the setting, or sets it (docs/ledger.md "Who writes").
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"

namespace hatchery::cli {
namespace {

struct WritesArgs {
  std::string dir;
  bool server_only = false, allow_local = false;
};

void Print(const std::optional<std::uint64_t>& since) {
  if (since) {
    std::cout << "server only: every event after " << *since
              << " comes through `hatchery serve`, recorded for a token\n";
  } else {
    std::cout << "local writes allowed: `hatchery append --data` records events for the actor it "
                 "claims, beside the OS user that runs it\n";
  }
}

// Shows the setting (read-only, beside a server too), or changes it first (with the writer lock;
// a setting is no event: nothing is folded).
int Run(const WritesArgs& args) {
  const bool change = args.server_only || args.allow_local;
  auto ledger = change ? Ledger::Open(args.dir) : OpenReadOnly(args.dir);
  if (!ledger.ok()) return Fail(ledger.status());
  if (change) {
    if (Status set = (*ledger)->SetServerOnly(args.server_only); !set.ok()) return Fail(set);
  }
  auto since = (*ledger)->ServerOnlySince();
  if (!since.ok()) return Fail(since.status());
  Print(*since);
  return 0;
}

}  // namespace

void AddWritesCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<WritesArgs>();
  auto* cmd = app.add_subcommand(
      "writes",
      "show whether the store takes local writes, or only its server's (--server-only); "
      "`verify` reports the setting and every local write");
  AddDataOption(cmd, &args->dir);
  auto* only = cmd->add_flag("--server-only", args->server_only,
                             "refuse local writes from now on (needs the store not in use)");
  cmd->add_flag("--allow-local", args->allow_local, "take local writes again")->excludes(only);
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace hatchery::cli
