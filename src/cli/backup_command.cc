// backup, restore: verified backups of a store (hatchery/backup.h, docs/operations.md).
#include <iostream>

#include "cli/commands.h"
#include "cli/store.h"
#include "cli/table.h"
#include "hatchery/backup.h"

namespace hatchery::cli {
namespace {

struct BackupArgs {
  std::string dir, to;
  std::uint32_t keep = 0, id = 0;
  bool list = false, verify = false;
};

std::string Describe(const BackupInfo& b) {
  return "backup " + std::to_string(b.id) + ": events 1–" + std::to_string(b.head.seq) +
         ", head hash " + ToHex(b.head.hash) + ", root " + ToHex(b.root) + "; " +
         std::to_string(b.files) + " files, " + std::to_string(b.bytes) + " bytes";
}

int Create(const BackupArgs& args) {
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
  Table table({"id", "created (Unix s)", "events", "head hash", "root", "files", "bytes"});
  for (const BackupInfo& b : *backups) {
    table.AddRow({std::to_string(b.id), std::to_string(b.created), std::to_string(b.head.seq),
                  ToHex(b.head.hash), ToHex(b.root), std::to_string(b.files),
                  std::to_string(b.bytes)});
  }
  table.Print(std::cout);
  return 0;
}

int Verify(const BackupArgs& args) {
  if (Status checked = VerifyBackupFiles(args.to, args.id); !checked.ok()) {
    std::cout << "FAILED: " << checked.message() << "\n";
    return 1;
  }
  std::cout << "ok: every file of backup "
            << (args.id == 0 ? "(the newest)" : std::to_string(args.id))
            << " reads back with its checksum\n";
  return 0;
}

}  // namespace

void AddBackupCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BackupArgs>();
  auto* backup = app.add_subcommand(
      "backup",
      "back up a store (incremental, checksummed, with its head and Merkle root), --list the "
      "backups or --verify one");
  backup->add_option("--data", args->dir, "the store to back up (not while it is served)");
  backup->add_option("--to", args->to, "the backup directory")->required();
  backup->add_option("--keep", args->keep, "then keep only the newest N backups");
  auto* list = backup->add_flag("--list", args->list, "list the backups");
  auto* verify = backup
                     ->add_flag("--verify", args->verify,
                                "re-read every file of a backup and check its checksum")
                     ->excludes(list);
  backup->add_option("--backup-id", args->id, "with --verify: which backup (default: the newest)")
      ->needs(verify);
  backup->callback([args, exit_code] {
    if (!args->list && !args->verify && args->dir.empty()) {
      *exit_code = Fail(Status(Code::kBadRequest, "backup needs --data DIR, --list or --verify"));
      return;
    }
    *exit_code = args->list ? List(*args) : args->verify ? Verify(*args) : Create(*args);
  });

  auto restore_args = std::make_shared<BackupArgs>();
  auto* restore = app.add_subcommand(
      "restore",
      "restore a backup into a new directory, then verify the whole store and its root against "
      "the backup's record; a store that fails is removed");
  restore->add_option("--from", restore_args->to, "the backup directory")->required();
  restore->add_option("--backup-id", restore_args->id, "which backup (default: the newest)");
  restore->add_option("--data", restore_args->dir, "the new store's directory")->required();
  restore->callback([restore_args, exit_code] {
    auto restored = RestoreBackup(restore_args->to, restore_args->id, restore_args->dir);
    if (!restored.ok()) {
      *exit_code = Fail(restored.status());
      return;
    }
    std::cout << "restored " << Describe(*restored) << " into " << restore_args->dir
              << "; verified\n";
    *exit_code = 0;
  });
}

}  // namespace hatchery::cli
