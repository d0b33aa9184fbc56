// promote: turns a read replica into a primary (Ledger::Promote, docs/operations.md "Failover"),
// only when the operator confirms the primary it followed is fenced, recording that decision as
// a LedgerPromoted event.
#include <iostream>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "hatchery/time.h"

namespace hatchery::cli {
namespace {

struct PromoteArgs {
  std::string dir, fenced, actor, document_ref, note;
};

// Today in China Standard Time (UTC+8), the business date of EVENTS.md.
std::string TodayInChina() {
  constexpr std::int64_t kEightHours = 8LL * 3600 * 1'000'000;
  return FormatTimestamp(NowMicros() + kEightHours).substr(0, 10);
}

int RunPromote(const PromoteArgs& args) {
  auto store = OpenForAppend(args.dir, Writer::kPromote);
  if (!store.ok()) return Fail(store.status());
  Ledger& ledger = *store->ledger;
  auto marked = ledger.ReplicaOf();  // Promote refuses a store not marked a replica
  if (!marked.ok()) return Fail(marked.status());
  const std::string primary = marked->value_or("");
  const std::uint64_t head = ledger.head().seq;
  AppendCommand decision;
  decision.command_id = "promote-" + std::to_string(head + 1);
  decision.stream = "policy";
  decision.type = "LedgerPromoted";
  decision.data = boost::json::object{{"former_primary", primary},
                                      {"fenced", args.fenced},
                                      {"replicated_through_seq", static_cast<std::int64_t>(head)}};
  decision.effective_date = TodayInChina();
  decision.document_ref = args.document_ref;
  if (!args.note.empty()) decision.note = args.note;
  auto recorded = ledger.Promote(LocalActor(args.actor), std::move(decision));
  if (!recorded.ok()) return Fail(recorded.status());
  std::cout << "promoted: " << args.dir << " is a primary from event " << recorded->seq
            << " (LedgerPromoted, hash " << ToHex(recorded->hash) << "); it followed " << primary
            << " through event " << head << "\n"
            << "serve it with hatchery serve --data " << args.dir
            << "; give it the signing key auditors trust (" << StoreKeyPrefix(args.dir)
            << ".key) so its checkpoints are signed, and point replicas and clients at it\n";
  FinishWrites(*store);
  return 0;
}

}  // namespace

void AddPromoteCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<PromoteArgs>();
  auto* cmd = app.add_subcommand(
      "promote",
      "make a read replica the primary, once its primary is fenced (stopped, powered off or cut "
      "off, so that it takes no more writes); records the decision as an event");
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--primary-fenced", args->fenced,
                  "confirms the former primary takes no more writes, saying how (e.g. \"powered "
                  "off; its address withdrawn\"): without it nothing is promoted")
      ->required();
  cmd->add_option("--actor", args->actor, "who decides (an admin's actor id)")->required();
  cmd->add_option("--document-ref", args->document_ref,
                  "the decision's reference (文号 or change ticket)")
      ->required();
  cmd->add_option("--note", args->note, "free text recorded with the decision");
  cmd->callback([args, exit_code] { *exit_code = RunPromote(*args); });
}

}  // namespace hatchery::cli
