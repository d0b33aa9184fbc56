#include <catch2/catch.hpp>
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
  REQUIRE(Ledger::Create(dir.Sub("s")).ok());
  auto ledger = std::move(Ledger::Open(dir.Sub("s"))).value();
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
  auto report = VerifyStore(dir.Sub("s"));
  REQUIRE(report.ok());
  INFO(report->problem);
  CHECK(report->ok());
  CHECK(report->events_checked == kThreads * kPerThread);
}

TEST_CASE("racing retries of one command record it once", "[ledger][concurrency]") {
  TempDir dir;
  REQUIRE(Ledger::Create(dir.Sub("s")).ok());
  auto ledger = std::move(Ledger::Open(dir.Sub("s"))).value();
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
