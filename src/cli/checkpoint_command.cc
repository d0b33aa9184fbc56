// checkpoint: the checkpoint of the log as it is now, with the state digest of every view; signed
// and kept with --sign (AUDIT.md §3), here with a key file or by a server with its own.
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/key_files.h"
#include "replay/checkpoint_state.h"
#include "replay/replay.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct CheckpointArgs {
  std::string dir, key_file;
  bool sign = false, latest = false;
  RemoteArgs remote;
};

// From a server: with --sign, one the server signs with its key now; otherwise the latest it keeps
// signed, or the unsigned one of its head when none is kept.
int RunRemoteCheckpoint(const CheckpointArgs& args) {
  if (!args.key_file.empty()) {
    return Fail(Status(Code::kBadRequest, "--key is for --data: a server signs with its own key"));
  }
  auto connection = Connect(args.remote);
  if (!connection.ok()) return Fail(connection.status());
  bj::object request;
  if (args.sign) request["sign"] = true;
  auto result = (*connection)->Call("checkpoint", std::move(request));
  if (!result.ok()) return Fail(result.status());
  if (args.latest && result->at("signed") != true) {
    return Fail(Status(Code::kNotFound, "no signed checkpoint is kept yet"));
  }
  std::cout << std::string_view(result->at("note").as_string());
  return 0;
}

int RunCheckpoint(const CheckpointArgs& args) {
  if (args.remote.given()) return RunRemoteCheckpoint(args);
  if (args.sign && args.key_file.empty()) {
    return Fail(Status(Code::kBadRequest, "--sign with --data needs --key (hatchery keygen)"));
  }
  std::optional<note::SigningKey> key;
  if (args.sign) {
    auto read = ReadSigningKeyFile(args.key_file);
    if (!read.ok()) return Fail(read.status());
    key = *read;
  }
  LedgerOptions options;
  options.read_only = !args.sign;
  auto ledger = Ledger::Open(args.dir, options);
  if (!ledger.ok()) return Fail(ledger.status());
  if (args.latest) {
    auto kept = (*ledger)->Checkpoints();
    if (!kept.ok()) return Fail(kept.status());
    if (kept->empty()) return Fail(Status(Code::kNotFound, "no signed checkpoint is kept yet"));
    std::cout << kept->back();
    return 0;
  }
  auto folded = replay::Fold(**ledger, (*ledger)->head().seq, replay::Path::kFromSnapshot);
  if (!folded.ok()) return Fail(folded.status());
  auto note = key ? replay::SignAndKeep(**ledger, *folded->facts, *key)
                  : replay::StateCheckpoint(**ledger, *folded->facts);
  if (!note.ok()) return Fail(note.status());
  std::cout << *note;
  return 0;
}

}  // namespace

void AddCheckpointCommand(CLI::App& app, int* exit_code) {
  auto* checkpoint = app.add_subcommand(
      "checkpoint",
      "the checkpoint of the log as it is now (AUDIT.md §3), with the digest of every "
      "projection; --sign signs it and keeps it in the store");
  auto cp_args = std::make_shared<CheckpointArgs>();
  AddDataOrRemoteOptions(checkpoint, &cp_args->dir, &cp_args->remote);
  auto* sign = checkpoint->add_flag(
      "--sign", cp_args->sign,
      "sign it and keep it in the store (with --connect: the server signs, for an admin)");
  checkpoint->add_option("--key", cp_args->key_file, "the private key file (from keygen)")
      ->needs(sign);
  checkpoint->add_flag("--latest", cp_args->latest, "print the latest kept signed checkpoint")
      ->excludes(sign);
  checkpoint->callback([=] { *exit_code = RunCheckpoint(*cp_args); });
}

}  // namespace hatchery::cli
