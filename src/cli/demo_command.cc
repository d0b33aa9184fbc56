// demo: a new store with a realistic, deterministic Tongliao history (src/demo/history.h).
#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/store.h"
#include "demo/history.h"

namespace hatchery::cli {
namespace {

int RunDemo(const std::string& dir, int carriers) {
  std::vector<demo::Act> acts = demo::GenerateHistory({carriers, demo::HistoryOptions{}.seed});
  if (Status created = Ledger::Create(dir); !created.ok()) return Fail(created);
  auto store = OpenForAppend(dir, Writer::kLocal);
  if (!store.ok()) return Fail(store.status());
  if (Status keyed = CreateStoreKey(dir, store->ledger->origin()); !keyed.ok()) return Fail(keyed);
  Status recorded = demo::Record(*store->ledger, acts, TerminalProgress("recording"));
  if (!recorded.ok()) return Fail(recorded);
  FinishWrites(*store);
  std::cout << "created a demo store in " << dir << ": " << acts.size() << " events, " << carriers
            << " carriers, 2019-2026\n"
            << "try: hatchery query --data " << dir << " entitlements\n";
  return 0;
}

}  // namespace

void AddDemoCommand(CLI::App& app, int* exit_code) {
  auto dir = std::make_shared<std::string>();
  auto carriers = std::make_shared<int>(40);
  auto* demo = app.add_subcommand(
      "demo",
      "create a store holding a realistic, deterministic history of Tongliao's carriers "
      "(registrations, accreditations, evaluations, filings, reports, payouts, corrections)");
  demo->add_option("--data", *dir, "the new store's directory")->required();
  demo->add_option("--carriers", *carriers, "how many carriers (default 40)")
      ->check(CLI::Range(2, 1'000'000));
  demo->callback([dir, carriers, exit_code] { *exit_code = RunDemo(*dir, *carriers); });
}

}  // namespace hatchery::cli
