// demo: a new store with a realistic, deterministic Tongliao history (src/demo/history.h).
#include <iostream>

#include "cli/commands.h"
#include "cli/store.h"
#include "demo/history.h"

namespace hatchery::cli {
namespace {

constexpr std::size_t kBatch = 1000;  // acts per Ledger::Append call

int RunDemo(const std::string& dir, int carriers) {
  std::vector<demo::Act> acts = demo::GenerateHistory({carriers, demo::HistoryOptions{}.seed});
  if (Status created = Ledger::Create(dir); !created.ok()) return Fail(created);
  auto store = OpenForAppend(dir);
  if (!store.ok()) return Fail(store.status());
  // Consecutive acts of the same recorder go in one batch.
  for (std::size_t start = 0; start < acts.size();) {
    std::size_t end = start;
    std::vector<AppendCommand> batch;
    while (end < acts.size() && batch.size() < kBatch &&
           acts[end].actor.id == acts[start].actor.id) {
      batch.push_back(acts[end++].command);
    }
    auto results = store->ledger->Append(acts[start].actor, std::move(batch));
    for (std::size_t k = 0; k < results.size(); ++k) {
      if (!results[k].ok()) {
        return Fail(
            Status(Code::kInternal, "demo act " + acts[start + k].command.command_id + " (" +
                                        acts[start + k].command.type +
                                        ") was refused: " + results[k].status().ToString()));
      }
    }
    start = end;
  }
  KeepSnapshotIfDue(*store);
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
