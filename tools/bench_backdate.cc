// bench_backdate: what the one-timeline rule (EVENTS.md "One timeline") costs a back-dated append
// against a current-dated one, on a large store.
//
//   bench_backdate [--carriers N] [--samples S] [--runs R] [--dir DIR]
//
// 1. Records the demo history (src/demo/history.h) for N carriers (88,000 ≈ 1,000,000 events)
//    into a fresh store through the ledger with the policy domain's checks, in batches of 1,000
//    acts (as `hatchery demo` does), and opens it again, so that the writer starts cold.
// 2. For S carriers taken evenly across the store, appends profile amendments one at a time, each
//    its own durable commit: one current-dated to bring the carrier's walk into the writer's
//    memory (not timed), then one current-dated (dated today: judged at one place, the end of the
//    carrier's timeline) and one back-dated (dated the day after the carrier's registration: the
//    carrier is walked again with the act in place, and each later fact judged anew), both timed.
// 3. Prints p50 and p99 of each kind, medians over R runs of the timed appends (one store).
//
// Last line:
//   events=<n> current_p50_us=<n> backdated_p50_us=<n> backdated_over_current=<x>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>

#include "bench_util.h"
#include "demo/history.h"
#include "domain/checks/policy_rules.h"
#include "domain/fold/facts.h"
#include "hatchery/ledger.h"
#include "hatchery/time.h"

namespace hatchery::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Carrier {
  std::string id;
  std::string registered_on;
};

// `samples` carriers spread evenly over those of `acts`, with their registration dates.
std::vector<Carrier> Sample(const std::vector<demo::Act>& acts, int samples) {
  std::vector<Carrier> all;
  for (const auto& a : acts) {
    if (a.command.type == "CarrierRegistered") {
      all.push_back(
          {std::string(domain::CarrierOfStream(a.command.stream)), a.command.effective_date});
    }
  }
  std::vector<Carrier> out;
  std::size_t step = std::max<std::size_t>(1, all.size() / static_cast<std::size_t>(samples));
  for (std::size_t i = 0; i < all.size() && out.size() < static_cast<std::size_t>(samples);
       i += step) {
    out.push_back(all[i]);
  }
  return out;
}

// The microseconds one durable amendment of `carrier` dated `date` takes.
double Amend(Ledger& ledger, const std::string& carrier, const std::string& date, int n) {
  AppendCommand c;
  c.command_id = "bench-amend-" + std::to_string(n);
  c.stream = "carrier/" + carrier;
  c.type = "CarrierProfileAmended";
  c.effective_date = date;
  c.data = {{"carrier_id", carrier}, {"changes", {{"area_m2", 1000 + n}}}};
  auto start = Clock::now();
  auto results = ledger.Append(Actor{"clerk.bench", "admin"}, {std::move(c)});
  double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  if (!results[0].ok()) throw std::runtime_error(results[0].status().ToString());
  return us;
}

}  // namespace
}  // namespace hatchery::bench

int main(int argc, char** argv) {
  using namespace hatchery;
  using namespace hatchery::bench;
  CLI::App app{"The cost of a back-dated append against a current-dated one, on a large store"};
  int carriers = 88000, samples = 300, runs = 3;
  std::string dir = "bench-data";
  app.add_option("--carriers", carriers, "demo carriers (88,000 ≈ 1,000,000 events)")
      ->check(CLI::Range(2, 1'000'000));
  app.add_option("--samples", samples, "carriers amended per run")->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "runs (figures are medians)")->check(CLI::PositiveNumber);
  app.add_option("--dir", dir, "scratch parent directory (on the disk to measure)");
  CLI11_PARSE(app, argc, argv);
  try {
    ScratchDir scratch(dir);
    std::string path = scratch.path() + "/store";
    auto acts = demo::GenerateHistory({carriers, demo::HistoryOptions{}.seed});
    auto start = Clock::now();
    if (!Ledger::Create(path).ok()) throw std::runtime_error("cannot create " + path);
    {
      auto ledger =
          std::move(Ledger::Open(path, {std::make_shared<domain::PolicyRules>()})).value();
      if (Status s = demo::Record(*ledger, acts); !s.ok()) throw std::runtime_error(s.ToString());
    }
    double record_s = std::chrono::duration<double>(Clock::now() - start).count();
    auto ledger = std::move(Ledger::Open(path, {std::make_shared<domain::PolicyRules>()})).value();
    std::uint64_t events = ledger->head().seq;
    std::printf("# %llu events of %d carriers recorded with checks in %.1f s (%.0f/s)\n",
                static_cast<unsigned long long>(events), carriers, record_s, events / record_s);
    std::string today = FormatTimestamp(NowMicros()).substr(0, 10);
    std::vector<double> current_p50, current_p99, back_p50, back_p99;
    int n = 0;
    for (int r = 0; r < runs; ++r) {
      std::vector<double> current, back;
      for (const Carrier& c : Sample(acts, samples)) {
        Amend(*ledger, c.id, today, n++);  // brings the carrier's walk into memory
        current.push_back(Amend(*ledger, c.id, today, n++));
        auto day_after = domain::NextDay(*domain::ParseDate(c.registered_on));
        back.push_back(Amend(*ledger, c.id, domain::FormatDate(day_after), n++));
      }
      current_p50.push_back(Percentile(current, 50));
      current_p99.push_back(Percentile(current, 99));
      back_p50.push_back(Percentile(back, 50));
      back_p99.push_back(Percentile(back, 99));
    }
    double current = Median(current_p50), back = Median(back_p50);
    std::printf("#   current-dated amendments: p50 %.0f us  p99 %.0f us\n", current,
                Median(current_p99));
    std::printf("#   back-dated amendments:    p50 %.0f us  p99 %.0f us\n", back, Median(back_p99));
    std::printf(
        "events=%llu current_p50_us=%.0f backdated_p50_us=%.0f backdated_over_current=%.2f\n",
        static_cast<unsigned long long>(events), current, back, back / current);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_backdate: %s\n", e.what());
    return 1;
  }
  return 0;
}
