// The subcommands of the `hatchery` command line. Each Add* function registers its subcommands on
// `app`; a subcommand's callback stores its process exit code in `*exit_code` (0 ok, 1 a finding
// or a rejected input, 2 an error that stopped the command).
#ifndef HATCHERY_CLI_COMMANDS_H_
#define HATCHERY_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace hatchery::cli {

// init, append, read, verify: the ledger.
void AddInitCommand(CLI::App& app, int* exit_code);
void AddAppendCommand(CLI::App& app, int* exit_code);
void AddReadCommand(CLI::App& app, int* exit_code);
void AddVerifyCommand(CLI::App& app, int* exit_code);
// query.
void AddQueryCommand(CLI::App& app, int* exit_code);
// demo.
void AddDemoCommand(CLI::App& app, int* exit_code);
// merkle, keygen, checkpoint, proof, verify-proof: tamper evidence (AUDIT.md §2–§3).
void AddMerkleCommand(CLI::App& app, int* exit_code);
void AddKeygenCommand(CLI::App& app, int* exit_code);
void AddCheckpointCommand(CLI::App& app, int* exit_code);
void AddProofCommand(CLI::App& app, int* exit_code);
void AddVerifyProofCommand(CLI::App& app, int* exit_code);
// replay.
void AddReplayCommand(CLI::App& app, int* exit_code);
// explain, diff.
void AddExplainCommand(CLI::App& app, int* exit_code);
void AddDiffCommand(CLI::App& app, int* exit_code);
void AddDueCommand(CLI::App& app, int* exit_code);
void AddHistoryCommand(CLI::App& app, int* exit_code);
void AddImportCommand(CLI::App& app, int* exit_code);
// token, serve, client, logins.
void AddTokenCommand(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);
void AddClientCommand(CLI::App& app, int* exit_code);
void AddLoginsCommand(CLI::App& app, int* exit_code);
// export, verify-export.
void AddExportCommand(CLI::App& app, int* exit_code);
void AddVerifyExportCommand(CLI::App& app, int* exit_code);
void AddWitnessCommand(CLI::App& app, int* exit_code);
void AddCheckpointsCommand(CLI::App& app, int* exit_code);
// snapshot, writes: upkeep.
void AddSnapshotCommand(CLI::App& app, int* exit_code);
void AddWritesCommand(CLI::App& app, int* exit_code);
// backup, restore.
void AddBackupCommands(CLI::App& app, int* exit_code);
void AddFollowCommand(CLI::App& app, int* exit_code);
void AddPromoteCommand(CLI::App& app, int* exit_code);

}  // namespace hatchery::cli

#endif  // HATCHERY_CLI_COMMANDS_H_
