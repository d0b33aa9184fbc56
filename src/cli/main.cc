// hatchery: the command line of the Hatchery record system.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/store.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Hatchery: the audit-grade record of Tongliao's incubator subsidy policy "
      "(通创办发〔2023〕2号).\nEvery official act is an immutable, hash-chained event."};
  app.require_subcommand(1);
  int exit_code = 0;
  hatchery::cli::AddInitCommand(app, &exit_code);
  hatchery::cli::AddAppendCommand(app, &exit_code);
  hatchery::cli::AddReadCommand(app, &exit_code);
  hatchery::cli::AddVerifyCommand(app, &exit_code);
  hatchery::cli::AddQueryCommand(app, &exit_code);
  hatchery::cli::AddDemoCommand(app, &exit_code);
  hatchery::cli::AddMerkleCommand(app, &exit_code);
  hatchery::cli::AddKeygenCommand(app, &exit_code);
  hatchery::cli::AddCheckpointCommand(app, &exit_code);
  hatchery::cli::AddProofCommand(app, &exit_code);
  hatchery::cli::AddVerifyProofCommand(app, &exit_code);
  hatchery::cli::AddReplayCommand(app, &exit_code);
  hatchery::cli::AddSnapshotCommand(app, &exit_code);
  hatchery::cli::AddWritesCommand(app, &exit_code);
  hatchery::cli::AddBackupCommands(app, &exit_code);
  hatchery::cli::AddFollowCommand(app, &exit_code);
  hatchery::cli::AddPromoteCommand(app, &exit_code);
  hatchery::cli::AddExplainCommand(app, &exit_code);
  hatchery::cli::AddDiffCommand(app, &exit_code);
  hatchery::cli::AddDueCommand(app, &exit_code);
  hatchery::cli::AddHistoryCommand(app, &exit_code);
  hatchery::cli::AddImportCommand(app, &exit_code);
  hatchery::cli::AddTokenCommand(app, &exit_code);
  hatchery::cli::AddServeCommand(app, &exit_code);
  hatchery::cli::AddClientCommand(app, &exit_code);
  hatchery::cli::AddLoginsCommand(app, &exit_code);
  hatchery::cli::AddExportCommand(app, &exit_code);
  hatchery::cli::AddVerifyExportCommand(app, &exit_code);
  hatchery::cli::AddWitnessCommand(app, &exit_code);
  hatchery::cli::AddCheckpointsCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version print and succeed; a command line that cannot be read is, as every
    // command that could not run, exit code 2 (CLI11's own codes are 100 and more).
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {  // e.g. a sum beyond ±2^53 (domain/fold/sums.h)
    return hatchery::cli::Fail(hatchery::Status(hatchery::Code::kInternal, e.what()));
  }
  return exit_code;
}
