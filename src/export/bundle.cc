#include "export/bundle.h"

#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>

#include "domain/views/cut.h"
#include "domain/views/projections.h"
#include "export/database/database.h"
#include "export/format.h"
#include "export/projection_files.h"
#include "hatchery/checkpoint.h"
#include "hatchery/files.h"
#include "hatchery/json.h"
#include "hatchery/merkle.h"
#include "hatchery/version.h"
#include "read/ops.h"

namespace hatchery::exporting {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

// Seconds since the last lap, entered under `phase`.
class Laps {
 public:
  explicit Laps(ExportSummary* summary) : summary_(summary) {}
  void Lap(std::string phase) {
    auto now = std::chrono::steady_clock::now();
    summary_->seconds.emplace_back(std::move(phase),
                                   std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  ExportSummary* summary_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// A written file's manifest entry.
using Written = files::Digest;
using Manifest = std::map<std::string, Written>;

// events.jsonl, streamed into `path`: the range's events as their stored canonical JSON lines;
// and their rows of bundle.sqlite's events table, from the same pass.
StatusOr<Written> WriteEvents(Source& source, std::uint64_t from, std::uint64_t to,
                              const std::string& path, database::RowSink& database,
                              const replay::ProgressFn& progress) {
  ASSIGN_OR_RETURN(files::NewFileWriter file, files::NewFileWriter::Create(path));
  Sha256Stream sha;
  Written written;
  database::EventRows rows;
  RETURN_IF_ERROR(source.ForEachRecord(from, to, [&](std::uint64_t seq, std::string_view json) {
    RETURN_IF_ERROR(rows.Add(json, database));
    RETURN_IF_ERROR(file.Append(json));
    RETURN_IF_ERROR(file.Append("\n"));
    sha.Update(json);
    sha.Update("\n");
    written.size += json.size() + 1;
    if (progress && (seq % 50'000 == 0 || seq == to)) progress(seq - from + 1, to - from + 1);
    return Status::Ok();
  }));
  RETURN_IF_ERROR(file.Close());
  written.sha256 = sha.Final();
  return written;
}

// proof.json: the export point's size and root, and the subtrees beside the range.
StatusOr<std::string> ProofJson(Source& source, std::uint64_t from, std::uint64_t to,
                                std::uint64_t size, const Hash& root) {
  ASSIGN_OR_RETURN(auto ranges, merkle::RangeProofRanges({from - 1, to}, size));
  ASSIGN_OR_RETURN(auto hashes, source.RangeProof(from, to, size));
  bj::array subtrees;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    subtrees.push_back(
        {{"from_seq", ranges[i].begin + 1}, {"to_seq", ranges[i].end}, {"hash", ToHex(hashes[i])}});
  }
  bj::object proof{{"tree_size", size},
                   {"root", ToHex(root)},
                   {"from_seq", from},
                   {"to_seq", to},
                   {"subtrees", std::move(subtrees)}};
  return json::Canonicalize(proof) + "\n";
}

// checkpoint.txt: the checkpoint of the export point with `state_lines` (those of the projection
// of the export point with no business-date cut) and the manifest line binding `manifest_json`,
// signed with `key` if given.
StatusOr<std::string> CheckpointText(const ExportPoint& at, std::vector<std::string> state_lines,
                                     std::string_view manifest_json,
                                     const std::optional<note::SigningKey>& key) {
  state_lines.push_back(std::string(kManifestLinePrefix) + ToHex(Sha256(manifest_json)));
  std::string text =
      FormatCheckpoint(Checkpoint{at.origin, at.tree_size, at.root, std::move(state_lines)});
  if (!key) return text;
  return note::Sign(text, *key);
}

std::string ManifestJson(const Manifest& written, std::uint64_t from, std::uint64_t to,
                         const ExportPoint& at) {
  bj::array entries;
  for (const auto& [name, file] : written) {
    entries.push_back({{"name", name}, {"size", file.size}, {"sha256", ToHex(file.sha256)}});
  }
  bj::object manifest{
      {"format", kBundleFormat},
      {"software", kSoftwareVersion},
      {"origin", at.origin},
      {"range", {{"from_seq", from}, {"to_seq", to}}},
      {"as_of",
       {{"seq", at.tree_size},
        {"effective_on",
         at.effective_on ? bj::value(domain::FormatDate(*at.effective_on)) : nullptr}}},
      {"year", at.year ? bj::value(*at.year) : nullptr},
      {"issuer", at.issuer.empty() ? bj::value(nullptr) : bj::value(at.issuer)},
      {"files", std::move(entries)}};
  return json::Canonicalize(manifest) + "\n";
}

// The bundle's folder while it is written: removed unless committed (renamed into place).
class PartialFolder {
 public:
  static StatusOr<std::unique_ptr<PartialFolder>> Create(const std::string& out_dir) {
    std::string temp = out_dir + ".partial";
    std::error_code ec;
    fs::remove_all(temp, ec);  // what a crashed export left
    if (::mkdir(temp.c_str(), 0755) != 0) {
      return Status(Code::kUnavailable, "cannot create the folder " + temp);
    }
    return std::unique_ptr<PartialFolder>(new PartialFolder(temp, out_dir));
  }
  ~PartialFolder() {
    std::error_code ec;
    if (!committed_) fs::remove_all(temp_, ec);
  }
  std::string Path(const std::string& name) const { return temp_ + "/" + name; }

  // Writes a file from memory and enters it in *manifest.
  Status Add(const std::string& name, const std::string& content, Manifest* manifest) const {
    RETURN_IF_ERROR(files::WriteNew(Path(name), content));
    (*manifest)[name] = Written{content.size(), Sha256(content)};
    return Status::Ok();
  }

  // Syncs the folder and renames it to the bundle's name.
  Status Commit() {
    RETURN_IF_ERROR(files::SyncDir(temp_));
    if (::rename(temp_.c_str(), out_dir_.c_str()) != 0) {
      return Status(Code::kUnavailable, "cannot rename " + temp_ + " to " + out_dir_);
    }
    committed_ = true;
    return files::SyncDir(fs::absolute(out_dir_).parent_path().string());
  }

 private:
  PartialFolder(std::string temp, std::string out_dir)
      : temp_(std::move(temp)), out_dir_(std::move(out_dir)) {}
  std::string temp_, out_dir_;
  bool committed_ = false;
};

// A yearly export of a year the projection has no indicators for (one after the export point's
// today, or before every registration) would be files without rows: refused, naming the years
// there are.
Status CheckYearKnown(const domain::Projection& projection, int year) {
  int first = 0, last = 0;
  for (const domain::IndicatorRow& row : projection.indicators) {
    if (row.year == year) return Status::Ok();
    first = first == 0 ? row.year : std::min(first, row.year);
    last = std::max(last, row.year);
  }
  return Status(
      Code::kBadRequest,
      "--year " + std::to_string(year) + ": the export point has no indicators of " +
          std::to_string(year) +
          (first == 0 ? std::string(" (no carrier is registered)")
                      : " (it has " + std::to_string(first) + " to " + std::to_string(last) + ")") +
          "; nothing written",
      bj::object{{"field", "year"}});
}

}  // namespace

StatusOr<ExportSummary> WriteBundle(Source& source, const ExportOptions& options,
                                    const std::string& out_dir) {
  std::error_code ec;
  if (fs::exists(out_dir, ec)) {
    return Status(Code::kAlreadyExists,
                  out_dir + " exists; an export never overwrites: name a new folder with --out");
  }
  ExportSummary summary;
  Laps laps(&summary);
  const replay::Point& point = options.as_of;
  ASSIGN_OR_RETURN(std::uint64_t size, source.PointSeq(point));
  laps.Lap("point");
  std::uint64_t from = options.from_seq, to = options.to_seq == 0 ? size : options.to_seq;
  if (size == 0 || from < 1 || from > to || to > size) {
    return Status(Code::kBadRequest,
                  "the range " + std::to_string(from) + ".." + std::to_string(to) +
                      " is not within the export point's " + std::to_string(size) + " events",
                  bj::object{{"field", "from_seq"}});
  }
  ASSIGN_OR_RETURN(auto folder, PartialFolder::Create(out_dir));
  // events.jsonl and bundle.sqlite's events are written on a thread of their own while the events
  // are folded and projected here; then, on that thread, the database's view tables while the
  // CSVs are made.
  std::string events_path = folder->Path("events.jsonl");
  std::string database_path = folder->Path(std::string(database::kDatabaseFile));
  ASSIGN_OR_RETURN(auto database, database::DatabaseWriter::Create(database_path));
  auto events = std::async(std::launch::async, [&] {
    return WriteEvents(source, from, to, events_path, *database, options.progress);
  });
  ASSIGN_OR_RETURN(std::unique_ptr<domain::FactBase> facts, source.Facts(size));
  laps.Lap("fold");
  domain::Projection projection = read::ProjectionAt(*facts, size, point.effective_on);
  laps.Lap("projection");
  if (options.year) RETURN_IF_ERROR(CheckYearKnown(projection, *options.year));
  ExportPoint at{source.origin(), size, {}, point.effective_on, options.year, options.issuer};
  ASSIGN_OR_RETURN(at.root, source.Root(size));
  auto tables = std::async(std::launch::async, [&]() -> StatusOr<Written> {
    ASSIGN_OR_RETURN(Written written, events.get());
    RETURN_IF_ERROR(database::AddProjection(projection, options.year, *database));
    return written;
  });
  ASSIGN_OR_RETURN(Derived derived, ProjectionFiles(projection, at));
  laps.Lap("csv");
  ASSIGN_OR_RETURN(std::string proof, ProofJson(source, from, to, size, at.root));
  summary.tree_size = size;
  summary.from_seq = from;
  summary.to_seq = to;
  std::vector<std::string> state_lines =
      point.effective_on ? domain::StateLines(read::ProjectionAt(*facts, size, std::nullopt))
                         : std::move(derived.state_lines);
  // The report is made from the CSVs while they are written.
  const Files& csvs = derived.files;
  auto report =
      std::async(std::launch::async, [&] { return ReportFile(*facts, projection, at, csvs); });
  Manifest manifest;
  for (const auto& [name, content] : csvs) RETURN_IF_ERROR(folder->Add(name, content, &manifest));
  RETURN_IF_ERROR(folder->Add("proof.json", proof, &manifest));
  if (std::optional<std::string> html = report.get()) {
    RETURN_IF_ERROR(folder->Add("report.html", *html, &manifest));
  }
  ASSIGN_OR_RETURN(manifest["events.jsonl"], tables.get());
  laps.Lap("report, files, events");
  RETURN_IF_ERROR(database::AddMeta(at, from, to, state_lines, kSoftwareVersion, *database));
  RETURN_IF_ERROR(database->Finish());
  ASSIGN_OR_RETURN(manifest[std::string(database::kDatabaseFile)], files::DigestOf(database_path));
  laps.Lap("database");
  // The manifest lists every file but itself and checkpoint.txt, whose signed note binds the
  // manifest's digest.
  std::string manifest_json = ManifestJson(manifest, from, to, at);
  RETURN_IF_ERROR(folder->Add("manifest.json", manifest_json, &manifest));
  ASSIGN_OR_RETURN(std::string checkpoint,
                   CheckpointText(at, std::move(state_lines), manifest_json, options.key));
  RETURN_IF_ERROR(folder->Add("checkpoint.txt", checkpoint, &manifest));
  summary.signed_checkpoint = options.key.has_value();
  for (const auto& [name, file] : manifest) {
    summary.files.push_back(name);
    summary.bytes += file.size;
  }
  RETURN_IF_ERROR(folder->Commit());
  laps.Lap("manifest");
  return summary;
}

}  // namespace hatchery::exporting
