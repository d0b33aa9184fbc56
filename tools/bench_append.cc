// bench_append: durable appends per second and latency from P concurrent producers, against
// RocksDB's own synced put rate on the same disk with the same concurrency.
//
//   bench_append [--dir DIR] [--producers 1,16,64] [--events N] [--runs R] [--skip-threads]
//
// Producers are measured two ways:
//   async   — P logical producers (as connections of the server are), each with exactly one
//             append in flight through Ledger::AppendAsync, driven by two threads;
//   threads — P OS threads, each blocking in Ledger::Append.
// The baseline is P threads doing RocksDB synced Puts of a value of the same size.
//
// Every figure is the median over R runs, each on a fresh store. The last line is
// machine-readable (async producers):
//   producers=<P> appends_per_s=<n> p50_us=<n> p99_us=<n> raw_sync_puts_per_s=<n>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <CLI/CLI.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "bench_drive.h"
#include "bench_raw.h"
#include "bench_util.h"
#include "hatchery/ledger.h"

namespace hatchery::bench {
namespace {

// Runs `op(producer, i)` `events` times split over `producers` blocking threads; `label` names
// the run in the RSS line.
RunFigures DriveThreads(int producers, int events, const std::function<void(int, int)>& op,
                        const char* label) {
  Progress progress(events);
  std::vector<std::vector<double>> latencies(producers);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  int per_producer = events / producers;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      ReserveTouched(latencies[p], per_producer);
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < per_producer; ++i) {
        auto start = Clock::now();
        op(p, i);
        latencies[p].push_back(MicrosSince(start));
        progress.Completed();
      }
    });
  }
  auto start = Clock::now();
  go = true;
  for (auto& t : threads) t.join();
  double seconds = MicrosSince(start) / 1e6;
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return progress.Finish(all, seconds, label);
}

struct LedgerRun {
  RunFigures figures;
  std::size_t event_bytes;
};

LedgerRun RunLedger(const std::string& parent, int producers, int events, bool async) {
  ScratchDir dir(parent);
  std::string path = dir.path() + "/store";
  if (!Ledger::Create(path).ok()) throw std::runtime_error("cannot create a store in " + path);
  auto ledger = std::move(Ledger::Open(path)).value();
  auto append = [&](int p, int i) {
    auto results = ledger->Append(kBenchActor, {BenchCommand(p, i)});
    if (!results[0].ok()) throw std::runtime_error(results[0].status().ToString());
  };
  auto make = [](int p, int i) { return std::pair{kBenchActor, BenchCommand(p, i)}; };
  RunFigures figures =
      async ? DriveAsync(*ledger, std::vector<int>(producers, events / producers), make)
            : DriveThreads(producers, events, append, "threads");
  return {figures, CanonicalForm(std::move(ledger->Get(1)).value(), true).size()};
}

// Baseline: P threads each doing synced Puts of one value (RocksDB's own group commit).
RunFigures RunRaw(const std::string& parent, int producers, int events, std::size_t value_bytes) {
  ScratchDir dir(parent);
  auto db = OpenRaw(dir.path() + "/raw");
  rocksdb::WriteOptions sync;
  sync.sync = true;
  std::string value(value_bytes, 'v');
  RunFigures figures = DriveThreads(
      producers, events,
      [&](int p, int i) {
        std::string key = std::to_string(p) + "-" + std::to_string(i);
        if (!db->Put(sync, key, value).ok()) throw std::runtime_error("raw put");
      },
      "raw");
  db->Close().PermitUncheckedError();
  return figures;
}

std::vector<int> ParseList(const std::string& text) {
  std::vector<int> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    out.push_back(std::stoi(text.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Medians over runs of each figure.
struct Medians {
  std::vector<double> per_s, p50, p99, growth;
  void Add(const RunFigures& f) {
    per_s.push_back(f.per_s);
    p50.push_back(f.p50_us);
    p99.push_back(f.p99_us);
    growth.push_back(f.rss_growth_mb);
  }
};

}  // namespace
}  // namespace hatchery::bench

int main(int argc, char** argv) {
  using namespace hatchery::bench;
  CLI::App app{"Durable append throughput and latency, with RocksDB's raw synced put as baseline"};
  std::string dir = "bench-data", producers_text = "1,16,64";
  int events = 64000, runs = 3;
  bool skip_threads = false;
  app.add_option("--dir", dir, "scratch parent directory (on the disk to measure)");
  app.add_option("--producers", producers_text, "comma-separated producer counts");
  app.add_option("--events", events, "appends per run")->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "runs per configuration (figures are medians)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--skip-threads", skip_threads, "measure async producers and the baseline only");
  CLI11_PARSE(app, argc, argv);

  std::string last_line;
  try {
    for (int producers : ParseList(producers_text)) {
      Medians async, threads, raw;
      std::vector<double> raw_groups;
      std::size_t event_bytes = 0;
      for (int r = 0; r < runs; ++r) {
        LedgerRun a = RunLedger(dir, producers, events, true);
        event_bytes = a.event_bytes;
        async.Add(a.figures);
        if (!skip_threads) threads.Add(RunLedger(dir, producers, events, false).figures);
        raw.Add(RunRaw(dir, producers, events, event_bytes));
        raw_groups.push_back(RunRawGroups(dir, producers, events, event_bytes, true));
      }
      std::printf(
          "# producers=%d events=%d runs=%d event_bytes=%zu\n"
          "#   async   %8.0f appends/s  p50 %6.0f us  p99 %6.0f us  rss %+5.1f MiB over 2nd half\n"
          "#   threads %8.0f appends/s  p50 %6.0f us  p99 %6.0f us  rss %+5.1f MiB over 2nd half\n"
          "#   raw     %8.0f puts/s     p50 %6.0f us  p99 %6.0f us\n"
          "#   raw ledger-pattern groups of %d events (4 keys and the tree), one writer thread: "
          "%.0f events/s (write-pattern ceiling)\n"
          "#   p50 ratio async/raw %.2f, threads/raw %.2f; rss %.0f MiB, peak %.0f MiB\n",
          producers, events, runs, event_bytes, Median(async.per_s), Median(async.p50),
          Median(async.p99), Median(async.growth), Median(threads.per_s), Median(threads.p50),
          Median(threads.p99), Median(threads.growth), Median(raw.per_s), Median(raw.p50),
          Median(raw.p99), producers, Median(raw_groups), Median(async.p50) / Median(raw.p50),
          Median(threads.p50) / Median(raw.p50), RssMb(), PeakRssMb());
      char line[256];
      std::snprintf(line, sizeof line,
                    "producers=%d appends_per_s=%.0f p50_us=%.0f p99_us=%.0f "
                    "raw_sync_puts_per_s=%.0f",
                    producers, Median(async.per_s), Median(async.p50), Median(async.p99),
                    Median(raw.per_s));
      last_line = line;
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_append: %s\n", e.what());
    return 1;
  }
  std::printf("%s\n", last_line.c_str());
  return 0;
}
