// snapshot: keep a snapshot of the fold state now (on demand), list the kept ones, or delete them
// all (replay/snapshot.h; they are a cache, so deleting them changes no answer).
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "cli/table.h"
#include "replay/snapshot.h"

namespace hatchery::cli {
namespace {

struct SnapshotArgs {
  std::string dir;
  bool list = false, drop_all = false;
};

int TakeNow(const std::string& dir) {
  auto store = OpenForAppend(dir, Writer::kUpkeep);
  if (!store.ok()) return Fail(store.status());
  auto header = replay::TakeSnapshot(*store->ledger, store->rules->facts());
  if (!header.ok()) return Fail(header.status());
  Table table({"view", "rows", "state digest"});
  for (const auto& v : header->views) {
    table.AddRow({v.view, std::to_string(v.rows), ToHex(v.digest)});
  }
  table.Print(std::cout);
  std::printf("kept a snapshot after event %llu\n", static_cast<unsigned long long>(header->seq));
  return 0;
}

int List(const std::string& dir) {
  auto ledger = OpenReadOnly(dir);
  if (!ledger.ok()) return Fail(ledger.status());
  auto seqs = (*ledger)->SnapshotSeqs();
  if (!seqs.ok()) return Fail(seqs.status());
  Table table({"after event", "bytes", "state"});
  for (std::uint64_t seq : *seqs) {
    auto bytes = (*ledger)->GetSnapshot(seq);
    if (!bytes.ok()) return Fail(bytes.status());
    auto decoded = replay::DecodeSnapshot(*bytes);
    table.AddRow({std::to_string(seq), std::to_string(bytes->size()),
                  decoded.ok() ? "readable" : "UNUSABLE: " + decoded.status().message()});
  }
  table.Print(std::cout);
  std::printf("%zu snapshots\n", seqs->size());
  return 0;
}

int DropAll(const std::string& dir) {
  auto ledger = Ledger::Open(dir);
  if (!ledger.ok()) return Fail(ledger.status());
  auto seqs = (*ledger)->SnapshotSeqs();
  if (!seqs.ok()) return Fail(seqs.status());
  for (std::uint64_t seq : *seqs) {
    if (Status s = (*ledger)->DeleteSnapshot(seq); !s.ok()) return Fail(s);
  }
  std::printf("deleted %zu snapshots; replays now start from event 1 until the next one\n",
              seqs->size());
  return 0;
}

}  // namespace

void AddSnapshotCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SnapshotArgs>();
  auto* cmd = app.add_subcommand(
      "snapshot",
      "keep a snapshot of the fold state at the head now (replays and queries start from the "
      "newest one at or before their point); --list or --drop-all them");
  AddDataOption(cmd, &args->dir);
  auto* list = cmd->add_flag("--list", args->list, "list the kept snapshots (read-only)");
  cmd->add_flag("--drop-all", args->drop_all, "delete every snapshot (a cache: no answer changes)")
      ->excludes(list);
  cmd->callback([args, exit_code] {
    *exit_code = args->list       ? List(args->dir)
                 : args->drop_all ? DropAll(args->dir)
                                  : TakeNow(args->dir);
  });
}

}  // namespace hatchery::cli
