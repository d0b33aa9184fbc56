// replay: every projection rebuilt as of a point on both time axes — from event 1, or from the
// newest snapshot with --from-snapshot — checking every hash and link on the way and the state the
// kept signed checkpoints carry; with --check, both paths compared at many points.

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/point.h"
#include "cli/progress.h"
#include "cli/remote.h"
#include "cli/store.h"
#include "cli/table.h"
#include "replay/check.h"
#include "replay/replay.h"

namespace hatchery::cli {
namespace {

namespace bj = boost::json;

struct ReplayArgs {
  std::string dir, format = "table";
  PointArgs point;
  bool from_snapshot = false, check = false;
  std::size_t points = 16;
  std::uint64_t seed = 1;
};

std::string Describe(const replay::Point& point, std::uint64_t seq) {
  std::string text = "seq " + std::to_string(seq);
  if (point.effective_on) text += ", effective on " + domain::FormatDate(*point.effective_on);
  return text;
}

// --check: the given point (or the head) and --points random ones, on both paths.
int RunCheck(const Ledger& ledger, const ReplayArgs& args, const replay::Point& point) {
  auto points = replay::RandomPoints(ledger, args.points, args.seed);
  if (!points.ok()) return Fail(points.status());
  points->insert(points->begin(), point);
  auto checks = replay::CheckPaths(ledger, *points, TerminalProgress("replaying"));
  if (!checks.ok()) return Fail(checks.status());
  bool all_match =
      std::all_of(checks->begin(), checks->end(), [](const auto& c) { return c.matches; });
  if (args.format == "json") {
    bj::array out;
    for (const auto& c : *checks) {
      out.push_back(
          {{"as_of_seq", c.seq},
           {"effective_on",
            c.point.effective_on ? bj::value(domain::FormatDate(*c.point.effective_on)) : nullptr},
           {"snapshot_seq", c.snapshot_seq},
           {"matches", c.matches},
           {"difference", c.difference}});
    }
    std::cout << bj::serialize(bj::object{{"points", std::move(out)}, {"all_match", all_match}})
              << "\n";
    return all_match ? 0 : 1;
  }
  Table table({"point", "fast path started at", "result"});
  for (const auto& c : *checks) {
    table.AddRow({Describe(c.point, c.seq),
                  c.snapshot_seq ? "snapshot " + std::to_string(c.snapshot_seq) : "event 1",
                  c.matches ? "same digests" : "DIFFERENT: " + c.difference});
  }
  table.Print(std::cout);
  std::printf("%zu points: %s\n", checks->size(),
              all_match
                  ? "the snapshot path and the path from event 1 agree everywhere"
                  : "the paths DISAGREE (delete the snapshots: hatchery snapshot --drop-all)");
  return all_match ? 0 : 1;
}

int RunReplay(const ReplayArgs& args) {
  auto parsed = ToPoint(args.point, "--to-time");
  if (!parsed.ok()) return Fail(parsed.status());
  const replay::Point& point = *parsed;
  auto ledger = OpenReadOnly(args.dir);
  if (!ledger.ok()) return Fail(ledger.status());
  if (args.check) return RunCheck(**ledger, args, point);
  auto result = replay::Replay(
      **ledger, point, args.from_snapshot ? replay::Path::kFromSnapshot : replay::Path::kFromStart,
      TerminalProgress("replaying"));
  if (!result.ok()) return Fail(result.status());
  const replay::Folded& folded = result->folded;
  for (const std::string& skipped : folded.skipped)
    std::cerr << "hatchery: skipped " << skipped << "\n";
  bool all_match = std::all_of(result->checkpoints.begin(), result->checkpoints.end(),
                               [](const auto& c) { return c.matches; });
  std::uint64_t folded_events = result->seq - folded.snapshot_seq;
  double rate = result->seconds > 0 ? static_cast<double>(folded_events) / result->seconds : 0;
  if (args.format == "json") {
    bj::array views, checkpoints;
    for (const auto& v : result->views) {
      views.push_back({{"view", v.view}, {"rows", v.rows}, {"digest", ToHex(v.digest)}});
    }
    for (const auto& c : result->checkpoints) {
      checkpoints.push_back({{"tree_size", c.size},
                             {"matches", c.matches},
                             {"compared", c.compared},
                             {"difference", c.difference}});
    }
    bj::object out{
        {"as_of_seq", result->seq},
        {"recorded_at", folded.recorded_at},
        {"snapshot_seq", folded.snapshot_seq},
        {"events_folded", folded_events},
        {"effective_on", point.effective_on ? bj::value(args.point.effective_on) : nullptr},
        {"views", std::move(views)},
        {"checkpoints", std::move(checkpoints)},
        {"seconds", result->seconds},
        {"events_per_s", rate}};
    if ((*ledger)->simulated_clock()) out["clock"] = "simulated";
    std::cout << bj::serialize(out) << "\n";
    return all_match ? 0 : 1;
  }
  if ((*ledger)->simulated_clock()) std::cout << DemoStoreLine({{"clock", "simulated"}});
  Table table({"view", "rows", "state digest"});
  for (const auto& v : result->views)
    table.AddRow({v.view, std::to_string(v.rows), ToHex(v.digest)});
  table.Print(std::cout);
  std::string start = folded.snapshot_seq
                          ? "from the snapshot after event " + std::to_string(folded.snapshot_seq)
                          : "from event 1";
  std::printf(
      "replayed %llu events %s, every hash and link checked: as of seq %llu (%s)%s;"
      " %.2f s, %.0f events/s\n",
      static_cast<unsigned long long>(folded_events), start.c_str(),
      static_cast<unsigned long long>(result->seq),
      folded.recorded_at.empty() ? "no events" : ("recorded " + folded.recorded_at).c_str(),
      point.effective_on ? (", effective on " + args.point.effective_on).c_str() : "",
      result->seconds, rate);
  for (const auto& c : result->checkpoints) {
    std::printf("checkpoint at tree size %llu: %s\n", static_cast<unsigned long long>(c.size),
                !c.compared ? ("not compared: " + c.difference).c_str()
                : c.matches ? "the signed state is the rebuilt state"
                            : ("MISMATCH: " + c.difference).c_str());
  }
  return all_match ? 0 : 1;
}

}  // namespace

void AddReplayCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReplayArgs>();
  auto* replay = app.add_subcommand(
      "replay",
      "rebuild every projection as of a point, checking every hash and link, and compare the "
      "state each kept signed checkpoint carries (read-only)");
  AddDataOption(replay, &args->dir);
  AddPointOptions(replay, &args->point, "--to-seq", "--to-time");
  auto* fast = replay->add_flag("--from-snapshot", args->from_snapshot,
                                "start from the newest snapshot at or before the point instead "
                                "of event 1 (the fast path)");
  replay
      ->add_flag("--check", args->check,
                 "compare the fast path with the path from event 1 at the point and at "
                 "--points random ones")
      ->excludes(fast);
  replay->add_option("--points", args->points, "random points for --check (default 16)");
  replay->add_option("--seed", args->seed, "seed of the random points (default 1)");
  replay->add_option("--format", args->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  replay->callback([args, exit_code] { *exit_code = RunReplay(*args); });
}

}  // namespace hatchery::cli
