// checkpoints: the kept signed checkpoints of more than --since events, by size — the
// `checkpoints` read op, asked of the store here or of a server — as JSON lines
// {"size", "note"}: what an auditor or a witness follows the log by.
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/json.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct CheckpointsArgs {
  std::string dir;
  std::uint64_t since = 0;
  RemoteArgs remote;
};

int RunCheckpoints(const CheckpointsArgs& args) {
  auto answer =
      ReadTarget::Ask(args.dir, args.remote, "checkpoints", bj::object{{"since", args.since}});
  if (!answer.ok()) return Fail(answer.status());
  for (const bj::value& entry : answer->at("checkpoints").as_array()) {
    std::cout << json::Canonicalize(entry) << "\n";
  }
  return 0;
}

}  // namespace

void AddCheckpointsCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CheckpointsArgs>();
  auto* cmd = app.add_subcommand(
      "checkpoints", "the kept signed checkpoints, by size, as JSON lines {\"size\", \"note\"}");
  AddDataOrRemoteOptions(cmd, &args->dir, &args->remote);
  cmd->add_option("--since", args->since, "only those of more events (default 0: all)");
  cmd->callback([args, exit_code] { *exit_code = RunCheckpoints(*args); });
}

}  // namespace hatchery::cli
