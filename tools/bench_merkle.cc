// bench_merkle: the Merkle tree of a store of N events (AUDIT.md §2): proof generation from the
// stored tree and verification latency, and what maintaining the tree costs appends.
//
//   bench_merkle [--leaves N] [--proofs K] [--runs R] [--append-events N] [--producers P]
//                [--dir DIR] [--store DIR]
//
// 1. Builds a store of N events (appended in batches of 1,000 from one thread), or with --store
//    uses the one there (building it first if there is none), to measure proofs repeatedly.
// 2. Reopens it read-only (RocksDB's caches cold; the OS page cache is as the build left it) and
//    times K inclusion proofs of random events in the tree of all N, K consistency proofs from a
//    random size to N, and K roots of random past sizes; then verifies every proof, timed.
// 3. Appends through the ledger from P producers (the tree is always maintained), and writes the
//    ledger's durable pattern bare — with and without the tree's entry and hashing — to show
//    what the tree adds to the write path. R runs each, medians.
//
// Last line:
//   leaves=<n> inclusion_p50_us=<n> consistency_p50_us=<n> append_overhead_pct=<n>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <random>

#include "bench_drive.h"
#include "bench_raw.h"
#include "bench_util.h"
#include "hatchery/ledger.h"
#include "hatchery/merkle.h"

namespace hatchery::bench {
namespace {

struct Latencies {
  std::vector<double> us;
  void Time(const std::function<void()>& op) {
    auto start = Clock::now();
    op();
    us.push_back(MicrosSince(start));
  }
  double P(double p) { return Percentile(us, p); }
};

template <typename T>
T Require(StatusOr<T> value, const char* what) {
  if (!value.ok()) throw std::runtime_error(std::string(what) + ": " + value.status().ToString());
  return std::move(value).value();
}

void BuildStore(const std::string& path, int leaves) {
  if (!Ledger::Create(path).ok()) throw std::runtime_error("cannot create " + path);
  auto ledger = Require(Ledger::Open(path), "open");
  auto start = Clock::now();
  constexpr int kBatch = 1000;
  for (int i = 0; i < leaves; i += kBatch) {
    std::vector<AppendCommand> batch;
    for (int k = i; k < std::min(leaves, i + kBatch); ++k) batch.push_back(BenchCommand(k % 64, k));
    for (auto& r : ledger->Append(kBenchActor, std::move(batch))) {
      if (!r.ok()) throw std::runtime_error(r.status().ToString());
    }
  }
  std::printf("# built a store of %d events in %.1f s (%.0f appends/s in batches of %d)\n", leaves,
              MicrosSince(start) / 1e6, leaves / (MicrosSince(start) / 1e6), kBatch);
}

struct ProofFigures {
  double inclusion_p50, inclusion_p99, consistency_p50, consistency_p99, root_p50, root_p99,
      verify_inclusion_p50, verify_consistency_p50;
};

ProofFigures MeasureProofs(const std::string& path, int proofs) {
  LedgerOptions options;
  options.read_only = true;
  auto ledger = Require(Ledger::Open(path, options), "open");
  std::uint64_t n = ledger->head().seq;
  std::mt19937_64 random(6962);
  Latencies inclusion, consistency, roots, verify_inclusion, verify_consistency;
  Hash root = Require(ledger->MerkleRoot(n), "root");
  std::vector<std::pair<std::uint64_t, std::vector<Hash>>> inclusion_proofs, consistency_proofs;
  for (int i = 0; i < proofs; ++i) {
    std::uint64_t seq = 1 + random() % n, first = 1 + random() % n, size = 1 + random() % n;
    inclusion.Time([&] {
      inclusion_proofs.emplace_back(seq, Require(ledger->InclusionProof(seq, n), "inclusion"));
    });
    consistency.Time([&] {
      consistency_proofs.emplace_back(first,
                                      Require(ledger->ConsistencyProof(first, n), "consistency"));
    });
    roots.Time([&] { Require(ledger->MerkleRoot(size), "past root"); });
  }
  for (const auto& [seq, path_hashes] : inclusion_proofs) {
    Hash leaf = merkle::LeafHash(AsBytes(Require(ledger->Get(seq), "get").hash));
    verify_inclusion.Time([&] {
      if (!merkle::VerifyInclusion(seq - 1, n, leaf, path_hashes, root).ok())
        throw std::runtime_error("an inclusion proof does not verify");
    });
  }
  for (const auto& [first, proof] : consistency_proofs) {
    Hash first_root = Require(ledger->MerkleRoot(first), "root");
    verify_consistency.Time([&] {
      if (!merkle::VerifyConsistency(first, n, first_root, root, proof).ok())
        throw std::runtime_error("a consistency proof does not verify");
    });
  }
  return {inclusion.P(50), inclusion.P(99), consistency.P(50),      consistency.P(99),
          roots.P(50),     roots.P(99),     verify_inclusion.P(50), verify_consistency.P(50)};
}

double LedgerAppends(const std::string& parent, int producers, int events) {
  ScratchDir dir(parent);
  std::string path = dir.path() + "/store";
  if (!Ledger::Create(path).ok()) throw std::runtime_error("cannot create " + path);
  auto ledger = Require(Ledger::Open(path), "open");
  auto figures =
      DriveAsync(*ledger, std::vector<int>(producers, events / producers), [](int p, int i) {
        return std::pair{kBenchActor, BenchCommand(p, i)};
      });
  return figures.per_s;
}

}  // namespace
}  // namespace hatchery::bench

int main(int argc, char** argv) {
  using namespace hatchery;
  using namespace hatchery::bench;
  CLI::App app{"Merkle proofs from the stored tree, and the tree's cost on appends"};
  int leaves = 1'000'000, proofs = 1000, runs = 3, append_events = 32000, producers = 64;
  std::string dir = "bench-data", store_dir;
  app.add_option("--leaves", leaves, "events in the store (its tree's leaves)")
      ->check(CLI::PositiveNumber);
  app.add_option("--proofs", proofs, "proofs of each kind to time")->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "runs of the append measurements (figures are medians)")
      ->check(CLI::PositiveNumber);
  app.add_option("--append-events", append_events, "appends per append run")
      ->check(CLI::PositiveNumber);
  app.add_option("--producers", producers, "concurrent producers of the ledger append runs")
      ->check(CLI::PositiveNumber);
  app.add_option("--dir", dir, "scratch parent directory (on the disk to measure)");
  app.add_option("--store", store_dir, "a store to keep between runs (built if missing)");
  CLI11_PARSE(app, argc, argv);

  try {
    ProofFigures f;
    if (!store_dir.empty()) {
      if (!std::filesystem::exists(store_dir)) BuildStore(store_dir, leaves);
      f = MeasureProofs(store_dir, proofs);
    } else {
      ScratchDir store(dir);
      std::string path = store.path() + "/store";
      BuildStore(path, leaves);
      f = MeasureProofs(path, proofs);
    }
    std::printf(
        "# proofs in the tree of %d leaves, %d of each, from a fresh read-only open:\n"
        "#   inclusion   p50 %6.1f us  p99 %6.1f us   (verify p50 %.1f us)\n"
        "#   consistency p50 %6.1f us  p99 %6.1f us   (verify p50 %.1f us)\n"
        "#   past root   p50 %6.1f us  p99 %6.1f us\n",
        leaves, proofs, f.inclusion_p50, f.inclusion_p99, f.verify_inclusion_p50, f.consistency_p50,
        f.consistency_p99, f.verify_consistency_p50, f.root_p50, f.root_p99);

    std::vector<double> ledger_rates, with_tree, without_tree;
    for (int r = 0; r < runs; ++r) {
      ledger_rates.push_back(LedgerAppends(dir, producers, append_events));
      // Alternating which goes first, so that neither always follows the ledger run's
      // background work.
      for (bool tree : {r % 2 == 0, r % 2 != 0}) {
        (tree ? with_tree : without_tree)
            .push_back(RunRawGroups(dir, producers, append_events, 512, tree));
      }
    }
    double overhead = (1 - Median(with_tree) / Median(without_tree)) * 100;
    std::printf(
        "# appends, %d events per run, medians of %d runs:\n"
        "#   ledger, %d async producers (tree maintained): %.0f appends/s\n"
        "#   bare write pattern, synced groups of %d: %.0f events/s with the tree's entry and "
        "hashing, %.0f without: the tree costs %.1f %%\n"
        "# rss %.0f MiB, peak %.0f MiB\n",
        append_events, runs, producers, Median(ledger_rates), producers, Median(with_tree),
        Median(without_tree), overhead, RssMb(), PeakRssMb());
    std::printf(
        "leaves=%d inclusion_p50_us=%.1f consistency_p50_us=%.1f append_overhead_pct=%.1f\n",
        leaves, f.inclusion_p50, f.consistency_p50, overhead);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_merkle: %s\n", e.what());
    return 1;
  }
  return 0;
}
