#include "cli/store.h"

#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <vector>

#include "hatchery/checkpoint.h"
#include "hatchery/key_files.h"
#include "replay/checkpoint_state.h"
#include "replay/snapshot.h"

namespace hatchery::cli {

namespace {

// What to do about an error whose message cannot know it (the server that answered it does not
// know how its client was started); "" when the message says it or there is nothing to add.
std::string WhatToDo(const Status& status) {
  const std::string& message = status.message();
  switch (status.code()) {
    case Code::kUnauthenticated:
      return "check --token: a server's admin issues tokens (hatchery token add) and lists them "
             "(hatchery token list); a revoked token no longer works";
    case Code::kForbidden:
      return message.starts_with("role ")
                 ? "use the token of a role that may (docs/server.md, \"Tokens and roles\")"
                 : "";
    case Code::kUnavailable:
      return message.find("cannot connect") != std::string::npos
                 ? "is `hatchery serve` running there, and is the address right?"
                 : "";
    case Code::kCorruption:
      return "the store does not check out: `hatchery verify --data DIR` names the first bad "
             "event; docs/operations.md says how to restore from a backup";
    case Code::kInternal: return "this is a fault of Hatchery itself: please report it";
    default: return "";
  }
}

}  // namespace

int Fail(const Status& status) {
  std::cerr << "hatchery: " << status.ToString() << "\n";
  if (std::string what = WhatToDo(status); !what.empty()) std::cerr << "  " << what << "\n";
  return 2;
}

StatusOr<std::unique_ptr<Ledger>> OpenReadOnly(const std::string& dir) {
  LedgerOptions options;
  options.read_only = true;
  return Ledger::Open(dir, options);
}

StatusOr<WritableStore> OpenForAppend(const std::string& dir, Writer writer) {
  WritableStore store{std::make_shared<domain::PolicyRules>(), nullptr};
  LedgerOptions options{.rules = store.rules,
                        .local_writer = writer == Writer::kLocal || writer == Writer::kPromote,
                        .replica = writer == Writer::kPromote};
  ASSIGN_OR_RETURN(store.ledger, Ledger::Open(dir, options));
  RETURN_IF_ERROR(store.rules->health());
  return store;
}

Actor LocalActor(const std::string& id) {
  const uid_t uid = getuid();
  std::string name = "uid-" + std::to_string(uid);
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      IsValidOsUser(found->pw_name)) {
    name = found->pw_name;
  }
  return Actor{id, "admin", std::move(name)};
}

std::string StoreKeyPrefix(const std::string& dir) {
  std::string prefix = dir;
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  return prefix;
}

Status CreateStoreKey(const std::string& dir, const std::string& origin) {
  const std::string prefix = StoreKeyPrefix(dir);
  if (std::filesystem::exists(prefix + ".key")) return Status::Ok();
  ASSIGN_OR_RETURN(note::SigningKey key, note::GenerateKey(origin));
  RETURN_IF_ERROR(WriteKeyFiles(prefix, key));
  std::cout << "signing key: " << prefix << ".key (mode 0600; keep it safe, it signs this store's "
            << "checkpoints); auditors check them with " << prefix << ".pub\n";
  return Status::Ok();
}

StatusOr<std::optional<note::SigningKey>> StoreKey(const std::string& dir) {
  const std::string path = StoreKeyPrefix(dir) + ".key";
  if (!std::filesystem::exists(path)) return std::optional<note::SigningKey>();
  ASSIGN_OR_RETURN(note::SigningKey key, ReadSigningKeyFile(path));
  return std::optional<note::SigningKey>(std::move(key));
}

void FinishWrites(WritableStore& store) {
  auto taken = replay::SnapshotIfDue(*store.ledger, store.rules->facts());
  if (!taken.ok()) {
    std::cerr << "hatchery: note: no snapshot kept (" << taken.status().ToString()
              << "); replays start further back\n";
  }
  auto signed_note = [&]() -> StatusOr<bool> {
    ASSIGN_OR_RETURN(auto key, StoreKey(store.ledger->dir()));
    const std::uint64_t head = store.ledger->head().seq;
    if (!key || head == 0) return false;
    ASSIGN_OR_RETURN(auto kept, store.ledger->Checkpoints());
    if (!kept.empty()) {
      auto newest = CheckpointOfNote(kept.back());
      if (newest.ok() && newest->size >= head) return false;
    }
    RETURN_IF_ERROR(replay::SignAndKeep(*store.ledger, store.rules->facts(), *key).status());
    return true;
  }();
  if (!signed_note.ok()) {
    std::cerr << "hatchery: warning: no checkpoint signed (" << signed_note.status().ToString()
              << "); the events stand, but only a signed checkpoint makes the tail "
              << "tamper-evident\n";
  }
}

}  // namespace hatchery::cli
