// init: a new store whose first event activates the ruleset, its signing key beside it
// (cli/store.h), and a signed checkpoint of that first event.
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "domain/checks/policy_rules.h"
#include "domain/fold/ruleset.h"
#include "hatchery/json.h"
#include "hatchery/ledger.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

// Creates a store and records its genesis: the activation of the ruleset in `ruleset_file`, or of
// the built-in TCB-2023-2 if empty.
int RunInit(const std::string& dir, const std::string& ruleset_file, const std::string& deployment,
            const std::string& actor_id, bool server_only) {
  bj::object ruleset = domain::DefaultRulesetData();
  if (!ruleset_file.empty()) {
    std::ifstream in(ruleset_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in) return Fail(Status(Code::kNotFound, "cannot read " + ruleset_file));
    auto parsed = json::ParseStrict(text);
    if (!parsed.ok()) return Fail(parsed.status());
    if (!parsed->is_object())
      return Fail(Status(Code::kBadRequest, "the ruleset is not an object"));
    ruleset = std::move(parsed->as_object());
  }
  const Actor actor = LocalActor(actor_id);
  if (Status valid = ValidateActor(actor); !valid.ok()) return Fail(valid);
  AppendCommand command = domain::RulesetCommand(std::move(ruleset));
  // Checked before anything is created, so a bad ruleset leaves no store behind.
  if (auto valid = domain::PolicyRules().Validate(command); !valid.ok()) {
    return Fail(valid.status());
  }
  if (Status created = Ledger::Create(dir, deployment); !created.ok()) return Fail(created);
  auto store = OpenForAppend(dir, Writer::kLocal);
  if (!store.ok()) return Fail(store.status());
  if (Status keyed = CreateStoreKey(dir, store->ledger->origin()); !keyed.ok()) return Fail(keyed);
  std::string ruleset_id = command.command_id.substr(command.command_id.find('/') + 1);
  auto genesis = store->ledger->Append(actor, {std::move(command)});
  if (!genesis[0].ok()) return Fail(genesis[0].status());
  FinishWrites(*store);
  std::cout << "created a store in " << dir << "; event " << genesis[0]->seq
            << " activates ruleset " << ruleset_id << "\n";
  if (server_only) {
    if (Status set = store->ledger->SetServerOnly(true); !set.ok()) return Fail(set);
    std::cout << "it takes every later event through its server only (hatchery writes)\n";
  }
  return 0;
}

}  // namespace

void AddInitCommand(CLI::App& app, int* exit_code) {
  auto* init = app.add_subcommand(
      "init", "create a store in a new or empty directory; its first event activates the ruleset");
  struct InitArgs {
    std::string dir, ruleset, deployment{Ledger::kDefaultDeployment};
    std::string actor_id{"local.admin"};
    bool server_only = false;
  };
  auto init_args = std::make_shared<InitArgs>();
  AddDataOption(init, &init_args->dir);
  init->add_option("--ruleset", init_args->ruleset,
                   "PolicyRulesetActivated data as a JSON file (default: the built-in TCB-2023-2, "
                   "schemas/policy/tcb-2023-2.json)");
  init->add_option("--actor", init_args->actor_id,
                   "who records the genesis (default local.admin), beside the OS user running "
                   "this command");
  init->add_flag("--server-only", init_args->server_only,
                 "refuse local writes after the genesis: every later act comes through `hatchery "
                 "serve`, recorded for a token (see `hatchery writes`)");
  init->add_option("--deployment", init_args->deployment,
                   "the deployment's name: checkpoints carry the origin "
                   "tongliao.hatchery/<deployment> (default main)");
  init->callback([init_args, exit_code] {
    *exit_code = RunInit(init_args->dir, init_args->ruleset, init_args->deployment,
                         init_args->actor_id, init_args->server_only);
  });
}

}  // namespace hatchery::cli
