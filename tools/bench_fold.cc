// bench_fold: how fast the policy domain folds events into all six projections, how much memory
// that takes, and what validation (schemas and invariants) costs durable appends.
//
//   bench_fold [--carriers N] [--runs R] [--producers P] [--append-events N] [--dir DIR]
//
// 1. Generates the demo history (src/demo/history.h) for N carriers (88,000 ≈ 1,000,000 events:
//    registrations, accreditations, evaluations, filings, reports, payouts, corrections).
// 2. Renders it as the ledger stores it (canonical records with ids, times and chained hashes),
//    folds the records R times into a fresh fact base on one thread and derives every projection
//    (fold = read each record in place, decode and add its fact + derive all carriers'
//    entitlements, payouts, flags, indicators, scores); then renders the six views and their
//    digests once. Beside it, the part of a fold from stored records that no fold can skip: every
//    record scanned once (json::Tape, the canonical check), nothing read from it; with the
//    derivation it bounds the fold's rate from above.
// 3. Appends the acts of the first carriers (about --append-events of them) from P producers
//    through Ledger::AppendAsync, once with the policy domain's checks and once without, each on a
//    fresh store on the same disk.
//
// Figures are medians over R runs. Last line (fold_state_mb: the fact base and projections, as
// jemalloc counts the live heap, -1 without it; peak_rss_mb: the whole program, input included):
//   events=<n> fold_events_per_s=<n> fold_state_mb=<n> peak_rss_mb=<n> checked_appends_per_s=<n>
//   unchecked_appends_per_s=<n>
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "bench_drive.h"
#include "bench_util.h"
#include "demo/history.h"
#include "domain/checks/policy_rules.h"
#include "domain/fold/ruleset.h"
#include "domain/views/projections.h"
#include "hatchery/json_tape.h"
#include "hatchery/time.h"

namespace hatchery::bench {
namespace {

struct FoldFigures {
  double apply_s = 0, project_s = 0, scan_s = 0;
  double state_mb = -1;  // the fact base and projections (first run only; -1: not measured)
};

// The events as the ledger stores them: canonical records, each with an event id, a recording
// time and its hash, chained. (The demo's events carry only what their commands said.)
std::vector<std::string> StoredRecords(std::vector<Event> events) {
  std::vector<std::string> records;
  records.reserve(events.size());
  std::map<std::string, std::uint64_t> versions;
  Hash previous{};
  constexpr std::int64_t kStart = 1'795'000'000'000'000;  // 2026-11-18, in Unix microseconds
  for (Event& e : events) {
    char id[40];
    std::snprintf(id, sizeof id, "01a2206e-0e13-7000-8000-%012llx",
                  static_cast<unsigned long long>(e.seq));
    e.event_id = id;
    e.stream_version = ++versions[e.stream];
    e.recorded_at = FormatTimestamp(kStart + static_cast<std::int64_t>(e.seq) * 10);
    e.prev_hash = previous;
    e.hash = previous = ComputeEventHash(e);
    records.push_back(CanonicalForm(e, true));
    e = Event();  // the decoded form is not kept
  }
  return records;
}

// Folds the stored `records` on this thread — each read in place (FactBase::ApplyRecord) — and
// derives every projection; with `render` (the first run) also renders the views and prints the
// memory of the fact base and of the projections (the live heap each adds: the process's resident
// set also holds the generated input, and reuses the generator's freed memory). The records' hashes
// are not checked: that is the replay's work (tools/bench_replay), not the fold's.
FoldFigures Fold(const std::vector<std::string>& records, bool render) {
  json::Tape tape;
  auto start = Clock::now();
  for (const std::string& record : records) {
    if (Status s = tape.Scan(record); !s.ok()) throw std::runtime_error(s.ToString());
  }
  double scan_s = MicrosSince(start) / 1e6;
  double heap_before = LiveHeapMb();
  start = Clock::now();
  domain::FactBase facts;
  for (const std::string& record : records) {
    if (Status s = facts.ApplyRecord(record, &tape); !s.ok())
      throw std::runtime_error(s.ToString());
  }
  FoldFigures f;
  f.apply_s = MicrosSince(start) / 1e6;
  f.scan_s = scan_s;
  double heap_facts = LiveHeapMb();
  start = Clock::now();
  // One slice: the derivation on this thread too (Project would use every core).
  auto projection = domain::Project(facts, domain::MakeCut(facts, std::nullopt, std::nullopt),
                                    std::numeric_limits<std::size_t>::max());
  f.project_s = MicrosSince(start) / 1e6;
  if (render) {
    double heap_projected = LiveHeapMb();
    if (heap_before >= 0) {
      f.state_mb = heap_projected - heap_before;
      std::printf(
          "# memory of the fold (live heap): fact base %.0f MiB + all projections %.0f MiB = "
          "%.0f MiB\n",
          heap_facts - heap_before, heap_projected - heap_facts, f.state_mb);
    }
    start = Clock::now();
    std::size_t rows = 0;
    for (const domain::ViewState& state : domain::ViewStates(projection)) {
      rows += state.rows;
      std::printf("#   view %-12s %8zu rows  digest %s\n", state.view.c_str(), state.rows,
                  ToHex(state.digest).substr(0, 16).c_str());
    }
    std::printf("#   rendering %zu rows as JSON and hashing them: %.2f s\n", rows,
                MicrosSince(start) / 1e6);
  }
  return f;
}

// The acts of whole carriers, in recording order, from the first on, until about `target` acts;
// without retractions (they name a global seq, which concurrent producers do not preserve).
std::vector<demo::Act> AppendWorkload(const std::vector<demo::Act>& acts, std::size_t target) {
  std::map<std::string, std::size_t> per_stream;
  for (const auto& a : acts) per_stream[a.command.stream]++;
  std::set<std::string> chosen;
  std::size_t total = 0;
  for (const auto& a : acts) {
    const std::string& s = a.command.stream;
    if (s == "policy" || chosen.contains(s) || total >= target) continue;
    chosen.insert(s);
    total += per_stream[s];
  }
  std::vector<demo::Act> out;
  for (const auto& a : acts) {
    if (chosen.contains(a.command.stream) && a.command.type != "EventRetracted") out.push_back(a);
  }
  return out;
}

double RunAppends(const std::string& parent, const std::vector<demo::Act>& acts, int producers,
                  bool checked) {
  ScratchDir dir(parent);
  std::string path = dir.path() + "/store";
  if (!Ledger::Create(path).ok()) throw std::runtime_error("cannot create " + path);
  LedgerOptions options;
  if (checked) options.rules = std::make_shared<domain::PolicyRules>();
  auto ledger = std::move(Ledger::Open(path, options)).value();
  auto genesis = demo::GenerateHistory({2, 1}).front();  // the ruleset activation
  if (!ledger->Append(genesis.actor, {genesis.command})[0].ok())
    throw std::runtime_error("genesis");
  // Each carrier's acts stay in order on one producer.
  std::vector<std::vector<const demo::Act*>> queues(producers);
  std::map<std::string, int> producer_of;
  for (const auto& a : acts) {
    auto [it, added] = producer_of.emplace(a.command.stream, producer_of.size() % producers);
    queues[it->second].push_back(&a);
  }
  std::vector<int> counts;
  counts.reserve(queues.size());
  for (const auto& q : queues) counts.push_back(static_cast<int>(q.size()));
  auto figures = DriveAsync(*ledger, counts, [&](int p, int i) {
    return std::pair{queues[p][i]->actor, queues[p][i]->command};
  });
  std::printf("#   %s appends: %.0f/s  p50 %.0f us  p99 %.0f us\n",
              checked ? "checked  " : "unchecked", figures.per_s, figures.p50_us, figures.p99_us);
  return figures.per_s;
}

}  // namespace
}  // namespace hatchery::bench

int main(int argc, char** argv) {
  using namespace hatchery;
  using namespace hatchery::bench;
  CLI::App app{"Fold rate of all projections, memory, and the cost of validation on appends"};
  int carriers = 88000, runs = 3, producers = 64, append_events = 20000;
  std::string dir = "bench-data";
  app.add_option("--carriers", carriers, "carriers in the generated history (88,000 ≈ 1M events)")
      ->check(CLI::Range(2, 10'000'000));
  app.add_option("--runs", runs, "runs (figures are medians)")->check(CLI::PositiveNumber);
  app.add_option("--producers", producers, "concurrent producers for the append runs")
      ->check(CLI::PositiveNumber);
  app.add_option("--append-events", append_events, "appends per append run (0: skip)");
  app.add_option("--dir", dir, "scratch parent directory (on the disk to measure)");
  CLI11_PARSE(app, argc, argv);

  try {
    auto start = Clock::now();
    std::vector<demo::Act> acts = demo::GenerateHistory({carriers, demo::HistoryOptions{}.seed});
    std::vector<Event> events = demo::AsEvents(acts);
    std::map<std::string, int> mix;
    for (const auto& e : events) mix[e.type]++;
    const std::size_t n = events.size();
    std::vector<std::string> records = StoredRecords(std::move(events));
    std::printf("# generated %zu events for %d carriers in %.1f s; rss %.0f MiB\n", n, carriers,
                MicrosSince(start) / 1e6, RssMb());
    // The append runs need only the first carriers' acts; the rest is freed before folding.
    auto workload = AppendWorkload(acts, static_cast<std::size_t>(std::max(append_events, 0)));
    std::vector<demo::Act>().swap(acts);
    malloc_trim(0);
    for (const auto& [type, count] : mix) std::printf("#   %-24s %8d\n", type.c_str(), count);

    double before = RssMb();
    std::vector<double> rates, apply, project, scan;
    double state_mb = -1;
    for (int r = 0; r < runs; ++r) {
      FoldFigures f = Fold(records, r == 0);
      if (r == 0) state_mb = f.state_mb;
      apply.push_back(f.apply_s);
      project.push_back(f.project_s);
      scan.push_back(f.scan_s);
      rates.push_back(static_cast<double>(n) / (f.apply_s + f.project_s));
    }
    double peak = PeakRssMb();
    std::printf(
        "# fold: %.0f events/s (apply %.2f s + derive all projections %.2f s), one thread\n"
        "# memory: rss %.0f MiB before folding (the generated events, held as stored records), "
        "peak %.0f MiB (with the rendered views)\n",
        Median(rates), Median(apply), Median(project), before, peak);
    double bound_s = Median(scan) + Median(project);
    std::printf(
        "# bound: scanning the records alone %.2f s + derive %.2f s = %.2f s, so a fold with "
        "these parts runs at most %.0f events/s on one thread however cheap its decoding and "
        "adding\n",
        Median(scan), Median(project), bound_s, static_cast<double>(n) / bound_s);

    double checked = 0, unchecked = 0;
    if (append_events > 0) {
      std::printf("# appends: %zu acts of whole carriers, %d producers\n", workload.size(),
                  producers);
      std::vector<double> with, without;
      for (int r = 0; r < runs; ++r) {
        with.push_back(RunAppends(dir, workload, producers, true));
        without.push_back(RunAppends(dir, workload, producers, false));
      }
      checked = Median(with);
      unchecked = Median(without);
      std::printf("# appends with checks / without: %.2f\n", checked / unchecked);
    }
    std::printf(
        "events=%zu fold_events_per_s=%.0f fold_state_mb=%.0f peak_rss_mb=%.0f "
        "checked_appends_per_s=%.0f unchecked_appends_per_s=%.0f\n",
        n, Median(rates), state_mb, peak, checked, unchecked);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_fold: %s\n", e.what());
    return 1;
  }
  return 0;
}
