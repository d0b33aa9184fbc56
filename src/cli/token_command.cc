// token: who may connect to `hatchery serve` — add (prints a fresh token once), list, revoke
// (server/token_store.h).
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/store.h"
#include "cli/table.h"
#include "server/token_store.h"

namespace hatchery::cli {
namespace {

struct TokenArgs {
  std::string file, actor, role, id;
};

int Add(const TokenArgs& args) {
  auto store = server::TokenStore::Load(args.file);
  if (!store.ok()) return Fail(store.status());
  auto token = store->Add(Actor{args.actor, args.role});
  if (!token.ok()) return Fail(token.status());
  if (Status saved = store->Save(); !saved.ok()) return Fail(saved);
  std::cout << *token << "\n";
  std::cerr << "hatchery: the token above is for " << args.actor << " (" << args.role
            << "); it is shown this once and only its SHA-256 is kept in " << args.file << "\n";
  return 0;
}

int List(const TokenArgs& args) {
  auto store = server::TokenStore::Load(args.file);
  if (!store.ok()) return Fail(store.status());
  Table table({"id", "actor", "role", "added at"});
  for (const auto& e : store->entries()) {
    table.AddRow({e.Id(), e.actor.id, e.actor.role, e.added_at});
  }
  table.Print(std::cout);
  std::printf("%zu tokens\n", store->entries().size());
  return 0;
}

int Revoke(const TokenArgs& args) {
  auto store = server::TokenStore::Load(args.file);
  if (!store.ok()) return Fail(store.status());
  auto removed = store->Revoke(args.id, args.actor);
  if (!removed.ok()) return Fail(removed.status());
  if (Status saved = store->Save(); !saved.ok()) return Fail(saved);
  std::printf(
      "revoked %zu token(s); a running server sees the change within seconds (or at once on "
      "SIGHUP) and closes their connections\n",
      *removed);
  return 0;
}

}  // namespace

void AddTokenCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TokenArgs>();
  auto* token = app.add_subcommand("token", "who may connect to the server: add, list, revoke");
  token->require_subcommand(1);
  auto* add = token->add_subcommand("add", "a fresh random token, printed once");
  add->add_option("--tokens", args->file, "the tokens file")->required();
  add->add_option("--actor", args->actor, "the actor id the token stands for")->required();
  add->add_option("--role", args->role, "admin, auditor or exporter")
      ->required()
      ->check(CLI::IsMember({"admin", "auditor", "exporter"}));
  add->callback([args, exit_code] { *exit_code = Add(*args); });
  auto* list = token->add_subcommand("list", "the tokens' ids, actors and roles (never a token)");
  list->add_option("--tokens", args->file, "the tokens file")->required();
  list->callback([args, exit_code] { *exit_code = List(*args); });
  auto* revoke = token->add_subcommand("revoke", "remove a token, or every token of an actor");
  revoke->add_option("--tokens", args->file, "the tokens file")->required();
  auto* id = revoke->add_option("--id", args->id, "the token's id (at least 6 digits)");
  revoke->add_option("--actor", args->actor, "every token of this actor")->excludes(id);
  revoke->callback([args, exit_code] {
    if (args->id.empty() && args->actor.empty()) {
      *exit_code = Fail(Status(Code::kBadRequest, "token revoke wants --id or --actor"));
      return;
    }
    *exit_code = Revoke(*args);
  });
}

}  // namespace hatchery::cli
