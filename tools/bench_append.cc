// bench_append: durable appends per second and latency from P concurrent producers, against
// RocksDB's own synced put rate on the same disk with the same concurrency.
//
//   bench_append [--dir DIR] [--producers 1,16,64] [--events N] [--runs R]
//
// Every figure is the median over R runs, each on a fresh store. The last line is
// machine-readable: producers=<P> appends_per_s=<n> p50_us=<n> p99_us=<n> raw_sync_puts_per_s=<n>
#include <rocksdb/db.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include "bench_util.h"
#include "hatchery/ledger.h"

namespace hatchery::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct RunFigures {
  double per_s;
  double p50_us;
  double p99_us;
  double rss_growth_mb = 0;  // resident set size at the end less at half-way
};

// Runs `op(producer, i)` `events` times split over `producers` threads; times each call.
// `rss_mid_mb`, if given, receives the resident set size when half the events are done.
RunFigures Drive(int producers, int events, const std::function<void(int, int)>& op,
                 double* rss_mid_mb = nullptr) {
  std::atomic<int> done{0};
  std::vector<std::vector<double>> latencies(producers);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  int per_producer = events / producers;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      latencies[p].reserve(per_producer);
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < per_producer; ++i) {
        auto start = Clock::now();
        op(p, i);
        if (++done == events / 2 && rss_mid_mb != nullptr) *rss_mid_mb = RssMb();
        latencies[p].push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      }
    });
  }
  auto start = Clock::now();
  go = true;
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  double p50 = Percentile(all, 50), p99 = Percentile(all, 99);
  return {per_producer * producers / seconds, p50, p99};
}

AppendCommand MakeCommand(int producer, int i) {
  AppendCommand c;
  c.command_id = "bench-" + std::to_string(producer) + "-" + std::to_string(i);
  c.stream = "carrier/bench-" + std::to_string(producer % 40);
  c.type = "AnnualReportSubmitted";
  c.effective_date = "2025-03-20";
  c.data = {{"carrier_id", "bench-" + std::to_string(producer % 40)},
            {"year", 2024},
            {"metrics", {{"incubated_firms", 41}, {"graduated_firms", 6}}}};  // ~512-byte event
  return c;
}

RunFigures RunLedger(const std::string& parent, int producers, int events,
                     std::size_t* event_bytes) {
  ScratchDir dir(parent);
  std::string path = dir.path() + "/store";
  if (!Ledger::Create(path).ok()) throw std::runtime_error("cannot create a store in " + path);
  auto ledger = std::move(Ledger::Open(path)).value();
  Actor actor{"bench", "admin"};
  double rss_mid = 0;
  RunFigures figures = Drive(
      producers, events,
      [&](int p, int i) {
        auto results = ledger->Append(actor, {MakeCommand(p, i)});
        if (!results[0].ok()) throw std::runtime_error(results[0].status().ToString());
      },
      &rss_mid);
  figures.rss_growth_mb = RssMb() - rss_mid;
  *event_bytes = CanonicalForm(std::move(ledger->Get(1)).value(), true).size();
  return figures;
}

RunFigures RunRaw(const std::string& parent, int producers, int events, std::size_t value_bytes) {
  ScratchDir dir(parent);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.path() + "/raw", &raw).ok())
    throw std::runtime_error("raw open");
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  std::string value(value_bytes, 'v');
  RunFigures figures = Drive(producers, events, [&](int p, int i) {
    std::string key = std::to_string(p) + "-" + std::to_string(i);
    if (!db->Put(sync, key, value).ok()) throw std::runtime_error("raw put");
  });
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

}  // namespace
}  // namespace hatchery::bench

int main(int argc, char** argv) {
  using namespace hatchery::bench;
  CLI::App app{"Durable append throughput and latency, with RocksDB's raw synced put as baseline"};
  std::string dir = "bench-data", producers_text = "1,16,64";
  int events = 64000, runs = 3;
  app.add_option("--dir", dir, "scratch parent directory (on the disk to measure)");
  app.add_option("--producers", producers_text, "comma-separated producer counts");
  app.add_option("--events", events, "appends per run")->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "runs per configuration (figures are medians)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  std::string last_line;
  try {
    for (int producers : ParseList(producers_text)) {
      std::vector<double> rate, p50, p99, raw_rate, raw_p50, growth;
      std::size_t event_bytes = 0;
      for (int r = 0; r < runs; ++r) {
        RunFigures ledger = RunLedger(dir, producers, events, &event_bytes);
        RunFigures raw = RunRaw(dir, producers, events, event_bytes);
        rate.push_back(ledger.per_s);
        p50.push_back(ledger.p50_us);
        p99.push_back(ledger.p99_us);
        growth.push_back(ledger.rss_growth_mb);
        raw_rate.push_back(raw.per_s);
        raw_p50.push_back(raw.p50_us);
      }
      std::printf(
          "# producers=%d events=%d runs=%d event_bytes=%zu: ledger %.0f appends/s "
          "(p50 %.0f us, p99 %.0f us); raw synced put %.0f/s (p50 %.0f us); "
          "p50 ratio %.2f; rss %.0f MiB (%+.1f MiB over the second half), peak %.0f MiB\n",
          producers, events, runs, event_bytes, Median(rate), Median(p50), Median(p99),
          Median(raw_rate), Median(raw_p50), Median(p50) / Median(raw_p50), RssMb(), Median(growth), PeakRssMb());
      char line[256];
      std::snprintf(
          line, sizeof line,
          "producers=%d appends_per_s=%.0f p50_us=%.0f p99_us=%.0f raw_sync_puts_per_s=%.0f",
          producers, Median(rate), Median(p50), Median(p99), Median(raw_rate));
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
