// bundle.sqlite written and checked (docs/export.md, "The database"). The writer makes the file
// from the rows of rows.h in one pass: the tables first, each row inserted in its table's order,
// then the indexes and views; the same rows in the same order give the same bytes (with the same
// SQLite). The checker reads a bundle's file as immutable and untrusted: SQLite's integrity check
// (every index agrees with its table), the application id and schema version, the schema itself
// (every table, index and view exactly as the writer makes them: a view redefined to hide a row
// is caught), and then every row of every table compared — by value and type — with the rows
// the bundle's events give.
//
// Thread-compatible.
#ifndef HATCHERY_EXPORT_DATABASE_DATABASE_H_
#define HATCHERY_EXPORT_DATABASE_DATABASE_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "export/database/rows.h"
#include "export/database/schema.h"
#include "export/database/sqlite.h"

namespace hatchery::exporting::database {

// The name of the database in a bundle.
inline constexpr std::string_view kDatabaseFile = "bundle.sqlite";

class DatabaseWriter final : public RowSink {
 public:
  // A new file at `path` (which must not exist) with the tables, filled until Finish. Errors:
  // SQLite's (sqlite.h).
  static StatusOr<std::unique_ptr<DatabaseWriter>> Create(const std::string& path);

  Status Add(std::size_t table, std::span<const sqlite::Value> cells) override;
  // Builds the indexes, makes the views, closes and syncs the file. Once.
  Status Finish();

 private:
  DatabaseWriter(std::string path, sqlite::Connection db)
      : path_(std::move(path)), db_(std::move(db)) {}
  std::string path_;
  sqlite::Connection db_;
  std::vector<sqlite::Statement> inserts_;  // by table
};

class DatabaseChecker final : public RowSink {
 public:
  // Opens the bundle's file at `path` and checks what does not need the rows: SQLite's integrity
  // check, the application id, the schema version and the schema. Errors (each a finding for the
  // report, naming bundle.sqlite): kCorruption for a file that fails them, SQLite's otherwise.
  static StatusOr<std::unique_ptr<DatabaseChecker>> Open(const std::string& path);

  // Compares the row with the file's next row of that table. A difference is kept (the first of
  // each table; that table is not compared further), not returned: errors are reading errors.
  Status Add(std::size_t table, std::span<const sqlite::Value> cells) override;
  // The differences: those kept, and every table of `sources` with rows beyond those given.
  StatusOr<std::vector<std::string>> Finish(const std::set<Source>& sources);

 private:
  explicit DatabaseChecker(sqlite::Connection db) : db_(std::move(db)) {}
  struct Cursor {
    std::optional<sqlite::Statement> select;  // the table's rows in rowid order, once begun
    std::int64_t rows = 0;                    // compared so far
    bool broken = false;                      // a difference found
  };
  StatusOr<bool> Next(std::size_t table);  // steps the table's cursor: a row?
  sqlite::Connection db_;
  std::vector<Cursor> cursors_;  // by table
  std::vector<std::string> differences_;
};

}  // namespace hatchery::exporting::database

#endif  // HATCHERY_EXPORT_DATABASE_DATABASE_H_
