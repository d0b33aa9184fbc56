#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "hatchery/ledger.h"
#include "hatchery/verify.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::kAdmin;
using testing::MakeCommand;
using testing::TempDir;

TEST_CASE("concurrent appenders get distinct gapless seqs and a valid chain",
          "[ledger][concurrency]") {
  TempDir dir;
  auto ledger = testing::NewLedger(dir);
  constexpr int kThreads = 8, kPerThread = 150;
  std::vector<std::vector<AppendResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Each thread owns a stream, and also writes to one shared stream.
        std::string stream = i % 3 == 0 ? "carrier/shared" : "carrier/t" + std::to_string(t);
        auto r = ledger->Append(
            kAdmin, {MakeCommand("t" + std::to_string(t) + "-" + std::to_string(i), stream)});
        if (r[0].ok()) results[t].push_back(*r[0]);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(results[t].size() == kPerThread);
    std::uint64_t last_seq = 0;
    for (const auto& r : results[t]) {
      CHECK(r.seq > last_seq);  // a caller's own appends stay in its order
      last_seq = r.seq;
      seqs.insert(r.seq);
    }
  }
  CHECK(seqs.size() == kThreads * kPerThread);
  CHECK(*seqs.rbegin() == kThreads * kPerThread);
  CHECK(ledger->head().seq == kThreads * kPerThread);
  ledger.reset();
  auto report = VerifyStore(dir.Sub("store"));
  REQUIRE(report.ok());
  INFO(report->problem);
  CHECK(report->ok());
  CHECK(report->events_checked == kThreads * kPerThread);
}

TEST_CASE("racing retries of one command record it once", "[ledger][concurrency]") {
  TempDir dir;
  auto ledger = testing::NewLedger(dir);
  constexpr int kThreads = 8;
  std::vector<std::optional<AppendResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = ledger->Append(kAdmin, {MakeCommand("same")});
      if (r[0].ok()) results[t] = *r[0];
    });
  }
  for (auto& th : threads) th.join();
  int originals = 0;
  for (const auto& r : results) {
    REQUIRE(r.has_value());
    CHECK(r->seq == 1);
    originals += r->duplicate ? 0 : 1;
  }
  CHECK(originals == 1);
  CHECK(ledger->head().seq == 1);
}

}  // namespace
}  // namespace hatchery

namespace hatchery {
namespace {

using testing::kAdmin;
using testing::MakeCommand;
using testing::TempDir;

TEST_CASE("AppendAsync answers every request once, and callbacks may append again",
          "[ledger][concurrency]") {
  TempDir dir;
  auto ledger = testing::NewLedger(dir);
  constexpr int kChains = 16, kPerChain = 20;
  std::mutex mu;
  std::condition_variable all_done;
  int answered = 0;
  std::set<std::uint64_t> seqs;
  // Each chain appends its next command from the callback of the previous one.
  std::function<void(int, int)> next = [&](int chain, int i) {
    ledger->AppendAsync(kAdmin,
                        {MakeCommand("a" + std::to_string(chain) + "-" + std::to_string(i))},
                        AppendMode::kEach, [&, chain, i](std::vector<StatusOr<AppendResult>> r) {
                          if (i + 1 < kPerChain) next(chain, i + 1);
                          std::lock_guard lock(mu);  // notify under the lock: the waiter
                          ++answered;                // may return as soon as it sees the count
                          if (r.size() == 1 && r[0].ok()) seqs.insert(r[0]->seq);
                          all_done.notify_one();
                        });
  };
  for (int c = 0; c < kChains; ++c) next(c, 0);
  std::unique_lock lock(mu);
  REQUIRE(all_done.wait_for(lock, std::chrono::seconds(60),
                            [&] { return answered == kChains * kPerChain; }));
  CHECK(seqs.size() == kChains * kPerChain);
  CHECK(*seqs.rbegin() == kChains * kPerChain);
}

TEST_CASE("AppendAsync with only invalid commands answers on the calling thread",
          "[ledger][concurrency]") {
  TempDir dir;
  auto ledger = testing::NewLedger(dir);
  auto bad = MakeCommand("c-1");
  bad.stream = "nowhere";
  std::thread::id answered_on;
  std::vector<StatusOr<AppendResult>> results;
  ledger->AppendAsync(kAdmin, {bad}, AppendMode::kEach, [&](std::vector<StatusOr<AppendResult>> r) {
    answered_on = std::this_thread::get_id();
    results = std::move(r);
  });
  CHECK(answered_on == std::this_thread::get_id());
  REQUIRE(results.size() == 1);
  CHECK(results[0].status().code() == Code::kBadRequest);
}

TEST_CASE("closing the ledger answers everything already queued", "[ledger][concurrency]") {
  TempDir dir;
  std::atomic<int> ok{0};
  {
    auto ledger = testing::NewLedger(dir);
    for (int i = 0; i < 200; ++i) {
      ledger->AppendAsync(kAdmin, {MakeCommand("q-" + std::to_string(i))}, AppendMode::kEach,
                          [&](std::vector<StatusOr<AppendResult>> r) { ok += r[0].ok() ? 1 : 0; });
    }
  }  // destroyed with requests still queued
  CHECK(ok == 200);
  CHECK(OpenLedger(dir)->head().seq == 200);
}

}  // namespace
}  // namespace hatchery
