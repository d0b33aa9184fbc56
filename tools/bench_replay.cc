// bench_replay: the replay engine on a generated store of about 1,000,000 events.
//
//   bench_replay [--carriers N] [--runs R] [--queries Q] [--store DIR] [--dir DIR]
//
// 1. Builds a store of the demo history (src/demo/history.h) for N carriers (88,000 ≈ 1,000,000
//    events) through Ledger::Append, or reuses the one at --store (built there if missing).
// 2. Baseline: RocksDB's own sequential read of the `events` column family (every record read
//    and touched, nothing decoded): the ceiling for any replay.
// 3. The trust-nothing rebuild (replay::Replay from event 1): read, parse, re-render and re-hash
//    every event, check the chain, fold, derive all six views and hash them. Events/s, median of R.
//    Beside it, the part of a rebuild that no rebuild can skip: every record read, scanned,
//    hashed and linked on the replay's own pipeline, nothing decoded or folded (`check`); with
//    the derivation and the views' digests, which can only start once every fact is in, it bounds
//    the rebuild's rate from above.
// 4. A snapshot at the head: its size, the time to take it, and the fast path from it.
// 5. As-of queries at Q random points (seq uniform; every other one also cut at the effective
//    date of an earlier event): one random carrier's entitlements as of the point, answered from
//    the fact base at the head (what a server holds; it answers every earlier point exactly).
//    Whole-projection as-of at a few points is reported beside them.
//
// Last line:
//   events=<n> rebuild_events_per_s=<n> asof_p50_ms=<n> asof_p99_ms=<n> readseq_per_s=<n>
//   rss_mb=<n>
#include <rocksdb/db.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <random>

#include "bench_drive.h"
#include "bench_util.h"
#include "demo/history.h"
#include "domain/views/projections.h"
#include "replay/replay.h"
#include "replay/snapshot.h"

namespace hatchery::bench {
namespace {

constexpr std::size_t kBatch = 1000;  // acts per Append, as `hatchery demo` records them

void BuildStore(const std::string& path, int carriers) {
  auto start = Clock::now();
  std::vector<demo::Act> acts = demo::GenerateHistory({carriers, demo::HistoryOptions{}.seed});
  if (!Ledger::Create(path).ok()) throw std::runtime_error("cannot create " + path);
  auto ledger = std::move(Ledger::Open(path)).value();
  for (std::size_t first = 0; first < acts.size();) {
    std::vector<AppendCommand> batch;
    std::size_t end = first;
    while (end < acts.size() && batch.size() < kBatch &&
           acts[end].actor.id == acts[first].actor.id) {
      batch.push_back(acts[end++].command);
    }
    for (const auto& r : ledger->Append(acts[first].actor, std::move(batch))) {
      if (!r.ok()) throw std::runtime_error(r.status().ToString());
    }
    first = end;
  }
  std::printf("# built %s: %zu events for %d carriers in %.1f s\n", path.c_str(), acts.size(),
              carriers, MicrosSince(start) / 1e6);
}

// RocksDB alone: every record of `events`, in key order.
double ReadSeqPerS(const std::string& path) {
  std::vector<std::string> names;
  rocksdb::DBOptions options;
  if (!rocksdb::DB::ListColumnFamilies(options, path, &names).ok())
    throw std::runtime_error("cannot list column families");
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(options, path, families, &handles, &raw).ok())
    throw std::runtime_error("cannot open " + path);
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* events = nullptr;
  for (auto* h : handles) {
    if (h->GetName() == "events") events = h;
  }
  auto start = Clock::now();
  std::uint64_t n = 0, bytes = 0, touched = 0;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), events));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++n;
    bytes += it->value().size();
    touched += static_cast<unsigned char>(it->value()[it->value().size() / 2]);
  }
  double seconds = MicrosSince(start) / 1e6;
  it.reset();
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  std::printf("#   readseq: %llu records, %.0f MB in %.2f s (checksum %llu)\n",
              static_cast<unsigned long long>(n), static_cast<double>(bytes) / 1e6, seconds,
              static_cast<unsigned long long>(touched % 1000));
  return static_cast<double>(n) / seconds;
}

// Every record of `ledger` checked as a rebuild checks it — read, scanned, hashed, linked on the
// replay's pipeline — and nothing decoded or folded. Records/s.
double CheckPerS(const Ledger& ledger) {
  auto start = Clock::now();
  double cpu = CpuSeconds();
  EventChain chain;
  replay::RecordPipeline check(
      nullptr, [&](replay::CheckedRecord& record) { return replay::CheckLink(record, &chain); });
  std::uint64_t to = ledger.head().seq;
  Status s = ledger.ForEachRecord(
      1, to, [&](std::uint64_t, std::string_view record) { return check.Add(record); });
  if (s.ok()) s = check.Finish();
  if (!s.ok()) throw std::runtime_error(s.ToString());
  double seconds = MicrosSince(start) / 1e6;
  std::printf("#   check (read, scan, hash, link; nothing folded): %.2f s, %.2f CPU-s\n", seconds,
              CpuSeconds() - cpu);
  return static_cast<double>(to) / seconds;
}

}  // namespace
}  // namespace hatchery::bench

int main(int argc, char** argv) {
  using namespace hatchery;
  using namespace hatchery::bench;
  CLI::App app{"Replay: trust-nothing rebuild, snapshots and as-of queries on a large store"};
  int carriers = 88000, runs = 3, queries = 1000;
  std::string store, dir = "bench-data";
  app.add_option("--carriers", carriers, "carriers in the generated history (88,000 ≈ 1M events)")
      ->check(CLI::Range(2, 10'000'000));
  app.add_option("--runs", runs, "rebuild runs (figures are medians)")->check(CLI::PositiveNumber);
  app.add_option("--queries", queries, "as-of queries")->check(CLI::PositiveNumber);
  app.add_option("--store", store, "reuse (or build) the store here instead of a scratch one");
  app.add_option("--dir", dir, "scratch parent directory (on the disk to measure)");
  CLI11_PARSE(app, argc, argv);

  try {
    std::unique_ptr<ScratchDir> scratch;
    if (store.empty()) {
      scratch = std::make_unique<ScratchDir>(dir);
      store = scratch->path() + "/store";
    }
    if (!std::filesystem::exists(store + "/CURRENT")) BuildStore(store, carriers);

    std::vector<double> readseq, check, rebuild;
    for (int r = 0; r < runs; ++r) readseq.push_back(ReadSeqPerS(store));

    LedgerOptions read_only;
    read_only.read_only = true;
    std::uint64_t events = 0;
    std::unique_ptr<domain::FactBase> at_head;
    {
      auto ledger = std::move(Ledger::Open(store, read_only)).value();
      events = ledger->head().seq;
      for (int r = 0; r < runs; ++r) check.push_back(CheckPerS(*ledger));
      for (int r = 0; r < runs; ++r) {
        auto result = replay::Replay(*ledger, {}, replay::Path::kFromStart);
        if (!result.ok()) throw std::runtime_error(result.status().ToString());
        rebuild.push_back(static_cast<double>(events) / result->seconds);
        std::printf("#   rebuild from event 1: %.2f s, %.0f events/s; rss %.0f MiB\n",
                    result->seconds, rebuild.back(), RssMb());
        if (r + 1 == runs) at_head = std::move(result->folded.facts);
      }
    }
    std::printf(
        "# peak resident set so far (readseq, check, rebuilds; no snapshot, no queries yet): %.0f "
        "MiB\n",
        PeakRssMb());
    std::printf(
        "# readseq %.0f events/s, check %.0f events/s, rebuild %.0f events/s (median of %d): "
        "%.0f%% of readseq\n",
        Median(readseq), Median(check), Median(rebuild), runs,
        100 * Median(rebuild) / Median(readseq));

    {
      // Where a rebuild's time goes after the fold: deriving every view, rendering and hashing.
      auto start = Clock::now();
      auto projection =
          domain::Project(*at_head, domain::MakeCut(*at_head, std::nullopt, std::nullopt));
      double derive_s = MicrosSince(start) / 1e6;
      start = Clock::now();
      auto states = domain::ViewStates(projection);
      std::size_t rows = 0;
      for (const auto& v : states) rows += v.rows;
      double render_s = MicrosSince(start) / 1e6;
      std::printf("# of a rebuild: derive every view %.2f s; render and hash %zu rows %.2f s\n",
                  derive_s, rows, render_s);
      double floor_s = static_cast<double>(events) / Median(check) + derive_s + render_s;
      std::printf(
          "# bound: check + derive + render and hash = %.2f s, so a rebuild with these parts runs "
          "at most %.0f events/s however cheap its decoding and folding\n",
          floor_s, static_cast<double>(events) / floor_s);
    }
    {
      auto ledger = std::move(Ledger::Open(store)).value();
      auto start = Clock::now();
      auto header = replay::TakeSnapshot(*ledger, *at_head);
      if (!header.ok()) throw std::runtime_error(header.status().ToString());
      double take_s = MicrosSince(start) / 1e6;
      std::size_t bytes = ledger->GetSnapshot(header->seq)->size();
      start = Clock::now();
      auto fast = replay::Replay(*ledger, {}, replay::Path::kFromSnapshot);
      if (!fast.ok()) throw std::runtime_error(fast.status().ToString());
      std::printf(
          "# snapshot at %llu: %.0f MB, taken in %.2f s (with the six view digests); fast path to "
          "the head from it %.2f s\n",
          static_cast<unsigned long long>(header->seq), static_cast<double>(bytes) / 1e6, take_s,
          MicrosSince(start) / 1e6);
      auto kept = ledger->SnapshotSeqs();
      if (!kept.ok()) throw std::runtime_error(kept.status().ToString());
      for (std::uint64_t seq : *kept) (void)ledger->DeleteSnapshot(seq);
    }

    // As-of queries on the fact base at the head.
    std::vector<const std::string*> carrier_ids;
    for (const auto& [id, index] : at_head->carrier_index()) carrier_ids.push_back(&id);
    std::mt19937_64 random(11);
    std::uniform_int_distribution<std::uint64_t> seqs(1, events);
    std::vector<double> asof_ms;
    std::size_t rows = 0;
    for (int q = 0; q < queries; ++q) {
      std::uint64_t seq = seqs(random);
      std::optional<domain::Date> on;
      if (q % 2 == 1) on = at_head->LatestEffective(1 + random() % seq);
      const std::string& carrier = *carrier_ids[random() % carrier_ids.size()];
      auto start = Clock::now();
      domain::Cut cut = domain::MakeCut(*at_head, seq, on);
      auto projection = domain::ProjectCarrier(*at_head, cut, carrier);
      rows += domain::ViewRows(projection, "entitlements")->size();
      asof_ms.push_back(MicrosSince(start) / 1e3);
    }
    double p50 = Percentile(asof_ms, 50), p99 = Percentile(asof_ms, 99);
    std::printf(
        "# as-of (one carrier's entitlements): %d queries, %zu rows; p50 %.3f ms, p99 %.3f ms\n",
        queries, rows, p50, p99);
    std::vector<double> full_ms;
    for (int q = 0; q < 5; ++q) {
      auto start = Clock::now();
      auto projection =
          domain::Project(*at_head, domain::MakeCut(*at_head, seqs(random), std::nullopt));
      (void)domain::ViewRows(projection, "entitlements");
      full_ms.push_back(MicrosSince(start) / 1e3);
    }
    std::printf("# as-of (every view of every carrier, 5 points): median %.0f ms\n",
                Median(full_ms));

    std::printf(
        "events=%llu rebuild_events_per_s=%.0f asof_p50_ms=%.3f asof_p99_ms=%.3f "
        "readseq_per_s=%.0f rss_mb=%.0f\n",
        static_cast<unsigned long long>(events), Median(rebuild), p50, p99, Median(readseq),
        PeakRssMb());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_replay: %s\n", e.what());
    return 2;
  }
  return 0;
}
