// A compliance export (AUDIT.md §5): a folder that proves its own numbers — the events of a range
// as canonical JSON lines, the projections as of the export point as CSV, both again as one SQLite
// database (export/database/database.h), the range's Merkle proof
// against the root of the export point, a manifest of every file's size and SHA-256, and the
// checkpoint of the export point that binds the manifest, signed (export/format.h).
//
// The bundle is written into a temporary sibling folder, each file synced, and renamed into place
// last, so a crash never leaves a half bundle under the final name. The same store and options
// give byte-identical files.
//
// Thread safety: reads its source only (a read-only ledger beside a writer is fine).
#ifndef HATCHERY_EXPORT_BUNDLE_H_
#define HATCHERY_EXPORT_BUNDLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "export/source.h"
#include "hatchery/note.h"
#include "replay/replay.h"

namespace hatchery::exporting {

struct ExportOptions {
  // The export point: the events it knows (as_of.seq or recorded_at; default: the head) and the
  // business date its projections are effective on.
  replay::Point as_of;
  // The events in events.jsonl: from_seq..to_seq (to_seq 0: the export point's seq).
  std::uint64_t from_seq = 1, to_seq = 0;
  // The yearly assessment's export: only that year's indicators and assessment files, and the
  // report of that year (the projections stay as of the export point: a year's assessment is made
  // after its annual reports are in, early the next year).
  std::optional<int> year;
  // Who issues the report (e.g. "通辽市科学技术局 · 2026-04-01"), kept in the manifest and shown in
  // the report's header; "" for none.
  std::string issuer;
  // Signs checkpoint.txt, and with it the manifest (export/format.h). Without a key the bundle is
  // unsigned: verifiers accept it only when told to (--allow-unsigned).
  std::optional<note::SigningKey> key;
  // Called with the events written of the range now and then, for a progress line.
  replay::ProgressFn progress;
};

struct ExportSummary {
  std::uint64_t tree_size = 0, from_seq = 0, to_seq = 0;
  bool signed_checkpoint = false;
  std::vector<std::string> files;  // as in the manifest, by name
  std::uint64_t bytes = 0;
  // Where the time went: (phase, seconds) in order — finding the point (for a server, reading to
  // it), the fold (events.jsonl and the database's events written meanwhile), the projection, the
  // CSVs (the database's view tables meanwhile), the report and every file written and synced, the
  // database's meta, indexes and views, and the manifest with the rename.
  std::vector<std::pair<std::string, double>> seconds;
};

// Writes the bundle of `source` to `out_dir`, which must not exist. Errors: kAlreadyExists,
// kBadRequest (a range outside the export point), the source's and the file system's
// (kUnavailable).
StatusOr<ExportSummary> WriteBundle(Source& source, const ExportOptions& options,
                                    const std::string& out_dir);

}  // namespace hatchery::exporting

#endif  // HATCHERY_EXPORT_BUNDLE_H_
