// bench_export: what bundle.sqlite costs an export, on a store made by `hatchery demo`.
//
//   hatchery demo --carriers 88000 --data STORE     # 976,758 events, once
//   bench_export --store STORE [--runs R] [--dir DIR]
//
// Each run, on the store read-only:
// 1. The whole export (exporting::WriteBundle, as `hatchery export --data STORE` makes it): wall
//    time, its phases, the bundle's bytes and bundle.sqlite's.
// 2. bundle.sqlite alone, on one thread, from the same facts: the events table (every record read
//    and scanned), the view tables (every view's rows), then the meta table, indexes and views
//    with the file closed and synced — the work the export spreads over its two threads.
// 3. Baselines, the same run: SQLite's raw write of the same records, one table of (seq, line),
//    no index (the least any database of the events costs); and events.jsonl's own write.
// 4. verify-export's check of the file (database::DatabaseChecker): SQLite's integrity check and
//    the schema, then every row compared.
//
// Medians of R runs. Last line:
//   events=<n> export_s=<n> database_mb=<n> database_alone_s=<n> raw_sqlite_s=<n> check_s=<n>
//   rss_mb=<n>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <map>

#include "bench_drive.h"
#include "bench_util.h"
#include "export/bundle.h"
#include "export/database/database.h"
#include "export/source.h"
#include "hatchery/files.h"
#include "read/ops.h"

namespace hatchery::bench {
namespace {

namespace fs = std::filesystem;
using exporting::database::DatabaseChecker;
using exporting::database::DatabaseWriter;

double SecondsSince(Clock::time_point start) { return MicrosSince(start) / 1e6; }

template <typename T>
T Must(StatusOr<T> value) {
  if (!value.ok()) throw std::runtime_error(value.status().ToString());
  return std::move(value).value();
}
void Must(const Status& status) {
  if (!status.ok()) throw std::runtime_error(status.ToString());
}

// The figures of one run, by name.
using Figures = std::map<std::string, double>;

Figures RunOnce(const Ledger& ledger, const std::string& dir) {
  Figures f;
  auto source = exporting::LedgerSource(ledger);
  const std::string out = dir + "/bundle";
  auto start = Clock::now();
  exporting::ExportSummary summary = Must(exporting::WriteBundle(*source, {}, out));
  f["export_s"] = SecondsSince(start);
  for (const auto& [phase, seconds] : summary.seconds) f["export: " + phase] = seconds;
  f["bundle_mb"] = static_cast<double>(summary.bytes) / 1e6;
  f["database_mb"] = static_cast<double>(fs::file_size(out + "/bundle.sqlite")) / 1e6;
  const std::uint64_t size = summary.tree_size;

  // The view tables' rows made and dropped: what of the view tables is not SQLite's.
  struct Dropped final : exporting::database::RowSink {
    Status Add(std::size_t, std::span<const exporting::sqlite::Value>) override {
      return Status::Ok();
    }
  };
  // bundle.sqlite alone, on this thread.
  auto facts = Must(source->Facts(size));
  domain::Projection projection = read::ProjectionAt(*facts, size, std::nullopt);
  exporting::ExportPoint point{source->origin(), size, Must(source->Root(size)), {}, {}, ""};
  {
    Dropped dropped;
    auto made = Clock::now();
    Must(exporting::database::AddProjection(projection, std::nullopt, dropped));
    f["view rows made, not written"] = SecondsSince(made);
  }
  start = Clock::now();
  auto writer = Must(DatabaseWriter::Create(dir + "/alone.sqlite"));
  exporting::database::EventRows rows;
  Must(source->ForEachRecord(
      1, size, [&](std::uint64_t, std::string_view line) { return rows.Add(line, *writer); }));
  f["alone: events table"] = SecondsSince(start);
  auto lap = Clock::now();
  Must(exporting::database::AddProjection(projection, std::nullopt, *writer));
  f["alone: view tables"] = SecondsSince(lap);
  lap = Clock::now();
  Must(exporting::database::AddMeta(point, 1, size, domain::StateLines(projection), "bench",
                                    *writer));
  Must(writer->Finish());
  f["alone: indexes, views, sync"] = SecondsSince(lap);
  f["database_alone_s"] = SecondsSince(start);

  // Baselines: SQLite's raw write of the records, and events.jsonl's.
  start = Clock::now();
  {
    auto raw = Must(exporting::sqlite::Connection::Create(dir + "/raw.sqlite"));
    Must(raw.Exec("BEGIN; CREATE TABLE events (seq INTEGER PRIMARY KEY, line TEXT)"));
    auto insert = Must(raw.Prepare("INSERT INTO events VALUES (?, ?)"));
    Must(source->ForEachRecord(1, size, [&](std::uint64_t seq, std::string_view line) {
      RETURN_IF_ERROR(insert.Bind(1, static_cast<std::int64_t>(seq)));
      RETURN_IF_ERROR(insert.Bind(2, line));
      RETURN_IF_ERROR(insert.Step().status());
      return insert.Reset();
    }));
    insert = Must(raw.Prepare("COMMIT"));
    Must(insert.Step().status());
  }
  Must(files::SyncFile(dir + "/raw.sqlite"));
  f["raw_sqlite_s"] = SecondsSince(start);
  start = Clock::now();
  {
    auto jsonl = Must(files::NewFileWriter::Create(dir + "/events.jsonl"));
    Must(source->ForEachRecord(1, size, [&](std::uint64_t, std::string_view line) {
      RETURN_IF_ERROR(jsonl.Append(line));
      return jsonl.Append("\n");
    }));
    Must(jsonl.Close());
  }
  f["events.jsonl alone"] = SecondsSince(start);

  // verify-export's check of the file.
  start = Clock::now();
  auto checker = Must(DatabaseChecker::Open(out + "/bundle.sqlite"));
  f["check: integrity and schema"] = SecondsSince(start);
  lap = Clock::now();
  exporting::database::EventRows check_rows;
  Must(source->ForEachRecord(1, size, [&](std::uint64_t, std::string_view line) {
    return check_rows.Add(line, *checker);
  }));
  Must(exporting::database::AddProjection(projection, std::nullopt, *checker));
  auto differences = Must(checker->Finish(
      {exporting::database::Source::kEvents, exporting::database::Source::kProjection}));
  if (!differences.empty()) throw std::runtime_error(differences.front());
  f["check: every row"] = SecondsSince(lap);
  f["check_s"] = SecondsSince(start);
  f["events"] = static_cast<double>(size);
  for (const char* name : {"alone.sqlite", "raw.sqlite", "events.jsonl"})
    fs::remove(dir + "/" + name);
  fs::remove_all(out);
  return f;
}

int Main(int argc, char** argv) {
  CLI::App app{"What bundle.sqlite costs an export"};
  std::string store, dir = "bench-data";
  int runs = 3;
  app.add_option("--store", store, "a store made by `hatchery demo`")->required();
  app.add_option("--runs", runs, "runs (medians are printed)");
  app.add_option("--dir", dir, "where the scratch bundles go");
  CLI11_PARSE(app, argc, argv);
  fs::create_directories(dir);
  ScratchDir scratch(dir);
  LedgerOptions read_only;
  read_only.read_only = true;
  auto ledger = Must(Ledger::Open(store, read_only));
  std::map<std::string, std::vector<double>> all;
  for (int r = 0; r < runs; ++r) {
    for (const auto& [name, value] : RunOnce(*ledger, scratch.path())) all[name].push_back(value);
    std::printf("# run %d: export %.2f s, database alone %.2f s\n", r + 1, all["export_s"].back(),
                all["database_alone_s"].back());
  }
  std::map<std::string, double> median;
  for (const auto& [name, values] : all) {
    median[name] = Median(values);
    if (name.find(':') != std::string::npos || name.find(' ') != std::string::npos) {
      std::printf("%-34s %9.2f s\n", name.c_str(), median[name]);
    }
  }
  std::printf(
      "events=%.0f export_s=%.2f bundle_mb=%.0f database_mb=%.0f database_alone_s=%.2f "
      "raw_sqlite_s=%.2f check_s=%.2f rss_mb=%.0f\n",
      median["events"], median["export_s"], median["bundle_mb"], median["database_mb"],
      median["database_alone_s"], median["raw_sqlite_s"], median["check_s"], PeakRssMb());
  return 0;
}

}  // namespace
}  // namespace hatchery::bench

int main(int argc, char** argv) {
  try {
    return hatchery::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_export: %s\n", e.what());
    return 1;
  }
}
