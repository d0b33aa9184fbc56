#include "bench_drive.h"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "bench_util.h"

namespace hatchery::bench {
namespace {

constexpr int kAsyncDriverThreads = 2;

}  // namespace

AppendCommand BenchCommand(int producer, int i) {
  AppendCommand c;
  c.command_id = "bench-" + std::to_string(producer) + "-" + std::to_string(i);
  c.stream = "carrier/bench-" + std::to_string(producer % 40);
  c.type = "AnnualReportSubmitted";
  c.effective_date = "2025-03-20";
  c.data = {{"carrier_id", "bench-" + std::to_string(producer % 40)},
            {"year", 2024},
            {"metrics", {{"incubated_firms", 41}, {"graduated_firms", 6}}}};
  return c;
}

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

void Progress::Completed() {
  int done = ++done_;
  for (int q = 1; q <= 3; ++q) {
    if (done == events_ / 4 * q) rss_quarters_mb_[q - 1] = RssMb();
  }
}

RunFigures Progress::Finish(std::vector<double>& latencies_us, double seconds, const char* label) {
  rss_quarters_mb_[3] = RssMb();
  std::printf("#   %s run: rss at 25/50/75/100 %% of %d appends: %.0f / %.0f / %.0f / %.0f MiB\n",
              label, events_, rss_quarters_mb_[0].load(), rss_quarters_mb_[1].load(),
              rss_quarters_mb_[2].load(), rss_quarters_mb_[3].load());
  return {events_ / seconds, Percentile(latencies_us, 50), Percentile(latencies_us, 99),
          rss_quarters_mb_[3] - rss_quarters_mb_[1]};
}

void ReserveTouched(std::vector<double>& samples, std::size_t n) {
  samples.assign(n, 0);
  samples.clear();
}

RunFigures DriveAsync(Ledger& ledger, const std::vector<int>& counts, const MakeAppend& make) {
  int producers = static_cast<int>(counts.size());
  int events = std::accumulate(counts.begin(), counts.end(), 0);
  Progress progress(events);
  std::mutex mu;
  std::condition_variable ready_cv;
  std::deque<int> ready;  // producers whose previous append was acknowledged; guarded by mu
  for (int p = 0; p < producers; ++p) ready.push_back(p);
  std::vector<int> issued(producers, 0);  // per producer; touched by one driver at a time
  std::vector<Clock::time_point> sent(producers);
  std::vector<double> latencies;  // appended to on the writer thread only
  ReserveTouched(latencies, events);
  std::atomic<bool> failed{false};
  std::string failure;  // written once, before `failed` is set

  auto driver = [&] {
    std::unique_lock lock(mu);
    while (progress.done() < events && !failed) {
      ready_cv.wait(lock, [&] { return !ready.empty() || progress.done() >= events || failed; });
      if (ready.empty()) continue;
      int p = ready.front();
      ready.pop_front();
      lock.unlock();
      if (issued[p] < counts[p]) {
        auto [actor, command] = make(p, issued[p]++);
        sent[p] = Clock::now();
        ledger.AppendAsync(actor, {std::move(command)}, AppendMode::kEach,
                           [&, p](std::vector<StatusOr<AppendResult>> results) {
                             latencies.push_back(MicrosSince(sent[p]));
                             // Completed under the lock: a driver that sees the last
                             // completion returns, and `mu` goes with its scope.
                             std::lock_guard guard(mu);
                             if (!results[0].ok() && !failed) {
                               failure = results[0].status().ToString();
                               failed = true;
                             }
                             progress.Completed();
                             ready.push_back(p);
                             ready_cv.notify_one();
                           });
      }
      lock.lock();
    }
    ready_cv.notify_all();
  };
  auto start = Clock::now();
  std::vector<std::thread> drivers;
  for (int d = 0; d < kAsyncDriverThreads; ++d) drivers.emplace_back(driver);
  for (auto& t : drivers) t.join();
  double seconds = MicrosSince(start) / 1e6;
  if (failed) throw std::runtime_error("an append failed: " + failure);
  return progress.Finish(latencies, seconds, "async");
}

}  // namespace hatchery::bench
