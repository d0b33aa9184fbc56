// replay: every projection rebuilt from event 1 as of a point on both time axes, checking every
// hash and link on the way and the state the kept signed checkpoints carry.
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/store.h"
#include "cli/table.h"
#include "replay/replay.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct ReplayArgs {
  std::string dir, format = "table";
  PointArgs point;
};

// A progress line on stderr when it is a terminal (rate and time left); nothing when piped.
replay::ProgressFn TerminalProgress() {
  if (!::isatty(STDERR_FILENO)) return {};
  auto start = std::chrono::steady_clock::now();
  return [start](std::uint64_t done, std::uint64_t total) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
    std::fprintf(stderr, "\r  replaying %llu / %llu events  %.0f events/s  %.0f s left   ",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 rate, left);
    if (done == total) std::fprintf(stderr, "\r%72s\r", "");
  };
}

int RunReplay(const ReplayArgs& args) {
  auto parsed = ToPoint(args.point, "--to-time");
  if (!parsed.ok()) return Fail(parsed.status());
  const replay::Point& point = *parsed;
  LedgerOptions options;
  options.read_only = true;
  auto ledger = Ledger::Open(args.dir, options);
  if (!ledger.ok()) return Fail(ledger.status());
  auto result = replay::ReplayFromStart(**ledger, point, TerminalProgress());
  if (!result.ok()) return Fail(result.status());
  bool all_match = std::all_of(result->checkpoints.begin(), result->checkpoints.end(),
                               [](const auto& c) { return c.matches; });
  double rate = result->seconds > 0 ? static_cast<double>(result->seq) / result->seconds : 0;
  if (args.format == "json") {
    bj::array views, checkpoints;
    for (const auto& v : result->views) {
      views.push_back({{"view", v.view}, {"rows", v.rows}, {"digest", ToHex(v.digest)}});
    }
    for (const auto& c : result->checkpoints) {
      checkpoints.push_back(
          {{"tree_size", c.size}, {"matches", c.matches}, {"difference", c.difference}});
    }
    bj::object out{
        {"as_of_seq", result->seq},
        {"recorded_at", result->recorded_at},
        {"effective_on", point.effective_on ? bj::value(args.point.effective_on) : nullptr},
        {"views", std::move(views)},
        {"checkpoints", std::move(checkpoints)},
        {"seconds", result->seconds},
        {"events_per_s", rate}};
    std::cout << bj::serialize(out) << "\n";
    return all_match ? 0 : 1;
  }
  Table table({"view", "rows", "state digest"});
  for (const auto& v : result->views)
    table.AddRow({v.view, std::to_string(v.rows), ToHex(v.digest)});
  table.Print(std::cout);
  std::printf(
      "replayed %llu events from event 1, every hash and link checked: as of seq %llu (%s)%s;"
      " %.2f s, %.0f events/s\n",
      static_cast<unsigned long long>(result->seq), static_cast<unsigned long long>(result->seq),
      result->recorded_at.empty() ? "no events" : ("recorded " + result->recorded_at).c_str(),
      point.effective_on ? (", effective on " + args.point.effective_on).c_str() : "",
      result->seconds, rate);
  for (const auto& c : result->checkpoints) {
    std::printf("checkpoint at tree size %llu: %s\n", static_cast<unsigned long long>(c.size),
                c.matches ? "the signed state is the rebuilt state"
                          : ("MISMATCH: " + c.difference).c_str());
  }
  return all_match ? 0 : 1;
}

}  // namespace

void AddReplayCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReplayArgs>();
  auto* replay = app.add_subcommand(
      "replay",
      "rebuild every projection from event 1 as of a point, checking every hash and link, and "
      "compare the state each kept signed checkpoint carries (read-only)");
  replay->add_option("--data", args->dir, "the store's directory")->required();
  AddPointOptions(replay, &args->point, "--to-seq", "--to-time");
  replay->add_option("--format", args->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  replay->callback([args, exit_code] { *exit_code = RunReplay(*args); });
}

}  // namespace hatchery::cli
