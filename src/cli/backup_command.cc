// backup, restore: verified backups of a store (hatchery/backup.h, docs/operations.md).
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "cli/table.h"
#include "domain/checks/policy_rules.h"
#include "hatchery/backup.h"
#include "hatchery/checkpoint.h"
#include "hatchery/key_files.h"
#include "hatchery/time.h"

namespace hatchery::cli {
namespace {

struct BackupArgs {
  std::string dir, to;
  RemoteArgs remote;
  std::uint32_t keep = 0, id = 0;
  bool list = false, verify = false;
  std::vector<std::string> pubkeys;
};

// "checkpoint of N events", or "no signed checkpoint".
std::string CheckpointOf(const BackupInfo& b) {
  if (b.checkpoint.empty()) return "no signed checkpoint";
  auto checkpoint = CheckpointOfNote(b.checkpoint);
  return checkpoint.ok() ? "signed checkpoint of " + std::to_string(checkpoint->size) + " events"
                         : "an unreadable checkpoint";
}

std::string Describe(const BackupInfo& b) {
  return "backup " + std::to_string(b.id) + ": events 1–" + std::to_string(b.head.seq) +
         ", head hash " + ToHex(b.head.hash) + ", root " + ToHex(b.root) + ", " + CheckpointOf(b) +
         "; " + std::to_string(b.files) + " files, " + std::to_string(b.bytes) + " bytes";
}

// What a restored or verified backup is checked with: the domain's check of each event, and the
// keys the operator trusts.
StatusOr<VerifyOptions> CheckOptions(const BackupArgs& args) {
  VerifyOptions options;
  options.validate_event = [](const Event& event) { return domain::ValidateRecorded(event); };
  for (const std::string& file : args.pubkeys) {
    ASSIGN_OR_RETURN(note::VerifierKey key, ReadVerifierKeyFile(file));
    options.trusted_keys.push_back(std::move(key));
  }
  return options;
}

int Create(const BackupArgs& args) {
  if (args.remote.given()) {  // the server backs itself up, into its --backups directory
    auto connection = Connect(args.remote);
    if (!connection.ok()) return Fail(connection.status());
    boost::json::object request;
    if (args.keep != 0) request["keep"] = args.keep;
    auto answer = (*connection)->Call("backup", std::move(request));
    if (!answer.ok()) return Fail(answer.status());
    std::cout << boost::json::serialize(*answer) << "\n";
    return 0;
  }
  auto ledger = Ledger::Open(args.dir);
  if (!ledger.ok()) return Fail(ledger.status());
  auto backup = CreateBackup(**ledger, args.to, args.keep);
  if (!backup.ok()) return Fail(backup.status());
  std::cout << Describe(*backup) << "\n";
  return 0;
}

int List(const BackupArgs& args) {
  auto backups = ListBackups(args.to);
  if (!backups.ok()) return Fail(backups.status());
  Table table({"id", "created", "events", "head hash", "root", "checkpoint", "files", "bytes"});
  for (const BackupInfo& b : *backups) {
    auto checkpoint = CheckpointOfNote(b.checkpoint);
    table.AddRow({std::to_string(b.id), FormatTimestamp(b.created * 1'000'000).substr(0, 19) + "Z",
                  std::to_string(b.head.seq), ToHex(b.head.hash), ToHex(b.root),
                  checkpoint.ok() ? std::to_string(checkpoint->size) : "-", std::to_string(b.files),
                  std::to_string(b.bytes)});
  }
  table.Print(std::cout);
  return 0;
}

int Verify(const BackupArgs& args) {
  auto options = CheckOptions(args);
  if (!options.ok()) return Fail(options.status());
  auto checked = VerifyBackup(args.to, args.id, *options);
  if (!checked.ok()) {
    if (checked.status().code() != Code::kCorruption) return Fail(checked.status());
    std::cout << "FAILED: " << checked.status().message() << "\n";
    return 1;
  }
  std::cout << "ok: " << Describe(*checked)
            << "; every file reads back with its checksum, and its store verifies"
            << (args.pubkeys.empty() ? "" : ", each checkpoint signed by a trusted key") << "\n";
  return 0;
}

int Restore(const BackupArgs& args) {
  auto options = CheckOptions(args);
  if (!options.ok()) return Fail(options.status());
  auto restored = RestoreBackup(args.to, args.id, args.dir, *options);
  if (!restored.ok()) return Fail(restored.status());
  std::cout << "restored " << Describe(*restored) << " into " << args.dir << "; verified\n";
  return 0;
}

void AddPubkeyOption(CLI::App* cmd, BackupArgs* args) {
  cmd->add_option("--pubkey", args->pubkeys,
                  "a verifier key file the operator trusts (repeatable): every checkpoint in the "
                  "backup must then be signed by one of them");
}

}  // namespace

void AddBackupCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BackupArgs>();
  auto* backup = app.add_subcommand(
      "backup",
      "back up a store (incremental, checksummed, with its head, Merkle root and newest signed "
      "checkpoint), --list the backups or --verify one");
  auto* data = backup->add_option("--data", args->dir, "the store to back up (not while served)");
  auto* connect = AddRemoteOptions(backup, &args->remote);
  connect->description(
      "the server to back up while it serves (an admin token): into its --backups directory");
  connect->excludes(data);
  auto* to = backup->add_option("--to", args->to, "the backup directory")->excludes(connect);
  backup->add_option("--keep", args->keep, "then keep only the newest N backups");
  auto* list = backup->add_flag("--list", args->list, "list the backups")->needs(to);
  auto* verify = backup
                     ->add_flag("--verify", args->verify,
                                "re-read every file of a backup against its checksum, restore it "
                                "into a temporary directory and verify the store there")
                     ->excludes(list)
                     ->needs(to);
  backup->add_option("--backup-id", args->id, "with --verify: which backup (default: the newest)")
      ->needs(verify);
  AddPubkeyOption(backup, args.get());
  backup->callback([args, exit_code] {
    if (!args->list && !args->verify && args->dir.empty() && !args->remote.given()) {
      *exit_code = Fail(Status(Code::kBadRequest,
                               "backup needs --data DIR --to BACKUPDIR, --connect HOST:PORT, "
                               "--list or --verify"));
      return;
    }
    if (!args->list && !args->verify && !args->remote.given() && args->to.empty()) {
      *exit_code = Fail(Status(Code::kBadRequest, "backup --data needs --to BACKUPDIR"));
      return;
    }
    *exit_code = args->list ? List(*args) : args->verify ? Verify(*args) : Create(*args);
  });

  auto restore_args = std::make_shared<BackupArgs>();
  auto* restore = app.add_subcommand(
      "restore",
      "restore a backup into a new directory, then verify the whole store, its root and its "
      "signed checkpoint against the backup's record; a store that fails is removed");
  restore->add_option("--from", restore_args->to, "the backup directory")->required();
  restore->add_option("--backup-id", restore_args->id, "which backup (default: the newest)");
  restore->add_option("--data", restore_args->dir, "the new store's directory")->required();
  AddPubkeyOption(restore, restore_args.get());
  restore->callback([restore_args, exit_code] { *exit_code = Restore(*restore_args); });
}

}  // namespace hatchery::cli
