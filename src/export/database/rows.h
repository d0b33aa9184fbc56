// The rows of bundle.sqlite's tables (schema.h), made from what the bundle's other files are made
// of: the events table from events.jsonl's lines, the view tables from the projection at the
// export point (the rows its CSVs hold), the meta table from the bundle's point. The export writes
// them (database.h, DatabaseWriter) and verify-export compares a bundle's file with them
// (DatabaseChecker), so the two cannot drift apart.
//
// Thread-compatible; pure but for the sink.
#ifndef HATCHERY_EXPORT_DATABASE_ROWS_H_
#define HATCHERY_EXPORT_DATABASE_ROWS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/views/projections.h"
#include "export/database/sqlite.h"
#include "export/projection_files.h"
#include "hatchery/json_tape.h"

namespace hatchery::exporting::database {

// Where the rows go, table by table, each table's in order.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // A row of Tables()[table], its cells in column order (one per column: kInternal otherwise).
  virtual Status Add(std::size_t table, std::span<const sqlite::Value> cells) = 0;
};

// The events table's rows, one per line of events.jsonl.
class EventRows {
 public:
  // The row of `line` (an event's stored canonical JSON with `hash`, without its newline).
  // Errors: kBadRequest for a line that is not a canonical event; the sink's.
  Status Add(std::string_view line, RowSink& sink);

 private:
  json::Tape tape_;
};

// The rows of every table of a view, from the projection's rows in order (of a yearly view, only
// `year`'s if given: what the bundle's CSVs hold). Errors: kInternal for a row member that is not a
// column's type (an array or object where a value should be); the sink's.
Status AddProjection(const domain::Projection& projection, std::optional<int> year, RowSink& sink);

// The meta table: the bundle's format, the software that made it (the manifest's `software`), its
// point (origin, tree size, root, effective date), range, year and issuer, and its checkpoint's
// text without the manifest line (the checkpoint that binds bundle.sqlite, through the manifest,
// cannot be in it) — `state_lines` being the checkpoint's.
Status AddMeta(const ExportPoint& point, std::uint64_t from_seq, std::uint64_t to_seq,
               const std::vector<std::string>& state_lines, std::string_view software,
               RowSink& sink);

}  // namespace hatchery::exporting::database

#endif  // HATCHERY_EXPORT_DATABASE_ROWS_H_
