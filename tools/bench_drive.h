// Driving a ledger from many producers, for the benchmark programs: run figures (rate, latency
// percentiles, resident-set growth), progress with RSS sampled at each quarter, and the async
// driver (P logical producers, one append in flight each, as the server's connections are).
#ifndef HATCHERY_TOOLS_BENCH_DRIVE_H_
#define HATCHERY_TOOLS_BENCH_DRIVE_H_

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <utility>
#include <vector>

#include "hatchery/ledger.h"

namespace hatchery::bench {

using Clock = std::chrono::steady_clock;
double MicrosSince(Clock::time_point start);

struct RunFigures {
  double per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
  double rss_growth_mb = 0;  // resident set size at the end less at half-way
};

// Tracks progress of one run: counts completions, samples RSS at each quarter.
class Progress {
 public:
  explicit Progress(int events) : events_(events) {}
  // Called by whichever thread completes an append.
  void Completed();
  int done() const { return done_.load(); }
  // Called once every append is complete; `label` names the run in the RSS line it prints.
  RunFigures Finish(std::vector<double>& latencies_us, double seconds, const char* label);

 private:
  int events_;
  std::atomic<int> done_{0};
  std::array<std::atomic<double>, 4> rss_quarters_mb_{};
};

// Reserves room for `n` samples and touches it, so that filling it later does not show up as
// resident-set growth of the thing measured.
void ReserveTouched(std::vector<double>& samples, std::size_t n);

// The synthetic append of the ledger benchmarks: the `i`-th annual report of `producer` (~512
// bytes as recorded), on one of 40 carrier streams; appended as kBenchActor.
AppendCommand BenchCommand(int producer, int i);
inline const Actor kBenchActor{"bench", "admin"};

// The `index`-th append of `producer`: who appends, and what.
using MakeAppend = std::function<std::pair<Actor, AppendCommand>(int producer, int index)>;

// counts[p] appends of each producer p, each with one Ledger::AppendAsync in flight, driven by
// two threads. Throws if an append fails.
RunFigures DriveAsync(Ledger& ledger, const std::vector<int>& counts, const MakeAppend& make);

}  // namespace hatchery::bench

#endif  // HATCHERY_TOOLS_BENCH_DRIVE_H_
