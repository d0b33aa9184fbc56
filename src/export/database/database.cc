#include "export/database/database.h"

#include <fstream>

#include "hatchery/files.h"

namespace hatchery::exporting::database {
namespace {

using sqlite::Value;

std::string Pragmas() {
  return "PRAGMA application_id = " + std::to_string(kApplicationId) +
         "; PRAGMA user_version = " + std::to_string(kSchemaVersion);
}

// What gives a table's rows, for findings: "the events give" ("... do not give").
std::string Gives(const Table& table, bool gives = true) {
  switch (table.source) {
    case Source::kEvents: return gives ? "events.jsonl gives" : "events.jsonl does not give";
    case Source::kMeta:
      return gives ? "manifest.json and checkpoint.txt give"
                   : "manifest.json and checkpoint.txt do not give";
    case Source::kProjection: break;
  }
  return gives ? "the events give" : "the events do not give";
}

// "row 3 (payout_id 'pay-1')": a row by its position and first cell (nullopt: a REAL or BLOB).
std::string RowName(const Table& table, std::int64_t row, const std::optional<Value>& first) {
  return "row " + std::to_string(row) + " (" + table.columns[0].name + " " +
         (first ? sqlite::Describe(*first) : std::string("a REAL or BLOB")) + ")";
}

// The schema as SQLite keeps it: every table, index and view (name, table, statement), sorted.
StatusOr<std::vector<std::string>> SchemaOf(sqlite::Connection& db) {
  ASSIGN_OR_RETURN(sqlite::Statement select,
                   db.Prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema "
                              "ORDER BY type, name"));
  std::vector<std::string> entries;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    std::string entry;
    for (int i = 0; i < 4; ++i) {
      std::optional<Value> v = select.Column(i);
      entry += (i == 0 ? "" : " ") + (v ? sqlite::Describe(*v) : std::string("(not text)"));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

// The one integer a pragma answers.
StatusOr<std::int64_t> PragmaValue(sqlite::Connection& db, std::string_view pragma) {
  ASSIGN_OR_RETURN(sqlite::Statement select, db.Prepare("PRAGMA " + std::string(pragma)));
  ASSIGN_OR_RETURN(bool row, select.Step());
  std::optional<Value> v = row ? select.Column(0) : std::nullopt;
  if (!v || !std::holds_alternative<std::int64_t>(*v)) return std::int64_t{-1};
  return std::get<std::int64_t>(*v);
}

// A row must have a cell for every column of its table: what every sink checks first.
Status CheckWidth(std::size_t table, std::span<const Value> cells) {
  if (table < Tables().size() && cells.size() == Tables()[table].columns.size()) {
    return Status::Ok();
  }
  return Status(Code::kInternal, "bundle.sqlite: a row of " + std::to_string(cells.size()) +
                                     " cells for table " + std::to_string(table));
}

Status Finding(std::string text) {
  return Status(Code::kCorruption, std::string(kDatabaseFile) + " " + text);
}

}  // namespace

StatusOr<std::unique_ptr<DatabaseWriter>> DatabaseWriter::Create(const std::string& path) {
  ASSIGN_OR_RETURN(sqlite::Connection db, sqlite::Connection::Create(path));
  RETURN_IF_ERROR(db.Exec(Pragmas()));
  RETURN_IF_ERROR(db.Exec("BEGIN"));
  for (const std::string& sql : CreateTables()) RETURN_IF_ERROR(db.Exec(sql));
  std::unique_ptr<DatabaseWriter> writer(new DatabaseWriter(path, std::move(db)));
  for (const Table& table : Tables()) {
    std::string sql = "INSERT INTO " + table.name + " VALUES (";
    for (std::size_t i = 0; i < table.columns.size(); ++i) sql += i == 0 ? "?" : ", ?";
    ASSIGN_OR_RETURN(sqlite::Statement insert, writer->db_.Prepare(sql + ")"));
    writer->inserts_.push_back(std::move(insert));
  }
  return writer;
}

Status DatabaseWriter::Add(std::size_t table, std::span<const Value> cells) {
  RETURN_IF_ERROR(CheckWidth(table, cells));
  sqlite::Statement& insert = inserts_[table];
  for (std::size_t i = 0; i < cells.size(); ++i) {
    RETURN_IF_ERROR(insert.Bind(static_cast<int>(i + 1), cells[i]));
  }
  RETURN_IF_ERROR(insert.Step().status());
  return insert.Reset();
}

Status DatabaseWriter::Finish() {
  inserts_.clear();
  for (const std::string& sql : CreateIndexesAndViews()) RETURN_IF_ERROR(db_.Exec(sql));
  RETURN_IF_ERROR(db_.Exec("COMMIT"));
  RETURN_IF_ERROR(db_.Close());
  return files::SyncFile(path_);
}

StatusOr<std::unique_ptr<DatabaseChecker>> DatabaseChecker::Open(const std::string& path) {
  ASSIGN_OR_RETURN(sqlite::Connection db, sqlite::Connection::OpenReadOnly(path));
  {
    // Every page, and every index against its table: a query answered from an index must see
    // the rows compared below.
    auto check = db.Prepare("PRAGMA integrity_check(1)");
    StatusOr<bool> row = check.ok() ? check->Step() : check.status();
    if (!row.ok()) return Finding("is not a sound SQLite database: " + row.status().message());
    std::optional<Value> verdict = *row ? check->Column(0) : std::nullopt;
    if (!verdict || *verdict != Value(std::string_view("ok"))) {
      return Finding("fails SQLite's integrity check: " +
                     (verdict ? sqlite::Describe(*verdict) : std::string("no answer")));
    }
  }
  // Bytes 18 and 19 of the header, the file format's write and read versions: 1 (a rollback
  // journal), as written. 2 would send other readers to a write-ahead log beside the file, which
  // this immutable open does not read: they would see other rows than the ones checked here.
  std::string header(20, '\0');
  std::ifstream(path, std::ios::binary).read(header.data(), 20);
  if (header[18] != 1 || header[19] != 1) {
    return Finding("is not in rollback-journal mode (header bytes 18-19 are " +
                   std::to_string(static_cast<unsigned char>(header[18])) + ", " +
                   std::to_string(static_cast<unsigned char>(header[19])) +
                   "; 1, 1 as export writes it): other readers would read a log beside it");
  }
  // UTF-8, as written: the same values in UTF-16 compare and sort otherwise in SQL. No free
  // pages, as written: nothing hidden for a recovery tool to bring back.
  {
    ASSIGN_OR_RETURN(sqlite::Statement encoding, db.Prepare("PRAGMA encoding"));
    ASSIGN_OR_RETURN(bool row, encoding.Step());
    std::optional<Value> name = row ? encoding.Column(0) : std::nullopt;
    if (!name || *name != Value(std::string_view("UTF-8"))) {
      return Finding("is not encoded in UTF-8 (PRAGMA encoding: " +
                     (name ? sqlite::Describe(*name) : std::string("no answer")) +
                     "): its texts would compare and sort otherwise in SQL");
    }
  }
  ASSIGN_OR_RETURN(std::int64_t free_pages, PragmaValue(db, "freelist_count"));
  if (free_pages != 0) {
    return Finding("has " + std::to_string(free_pages) + " free pages where export leaves none");
  }
  ASSIGN_OR_RETURN(std::int64_t application_id, PragmaValue(db, "application_id"));
  ASSIGN_OR_RETURN(std::int64_t version, PragmaValue(db, "user_version"));
  if (application_id != kApplicationId || version != kSchemaVersion) {
    return Finding("is not a Hatchery bundle database of schema version " +
                   std::to_string(kSchemaVersion) + " (application_id " +
                   std::to_string(application_id) + ", user_version " + std::to_string(version) +
                   ")");
  }
  ASSIGN_OR_RETURN(sqlite::Connection reference, sqlite::Connection::InMemory());
  for (const std::string& sql : CreateTables()) RETURN_IF_ERROR(reference.Exec(sql));
  for (const std::string& sql : CreateIndexesAndViews()) RETURN_IF_ERROR(reference.Exec(sql));
  ASSIGN_OR_RETURN(std::vector<std::string> want, SchemaOf(reference));
  ASSIGN_OR_RETURN(std::vector<std::string> have, SchemaOf(db));
  for (std::size_t i = 0; i < std::max(want.size(), have.size()); ++i) {
    if (i < want.size() && i < have.size() && want[i] == have[i]) continue;
    std::string what = i >= have.size()   ? "lacks " + want[i]
                       : i >= want.size() ? "has " + have[i] + " that export does not make"
                                          : "has " + have[i] + " where export makes " + want[i];
    return Finding("has another schema than export makes: it " + what);
  }
  std::unique_ptr<DatabaseChecker> checker(new DatabaseChecker(std::move(db)));
  checker->cursors_.resize(Tables().size());
  return checker;
}

StatusOr<bool> DatabaseChecker::Next(std::size_t table) {
  Cursor& cursor = cursors_[table];
  if (!cursor.select) {
    std::string columns;
    for (const Column& c : Tables()[table].columns) {
      columns += (columns.empty() ? "" : ", ") + c.name;
    }
    ASSIGN_OR_RETURN(cursor.select, db_.Prepare("SELECT " + columns + " FROM " +
                                                Tables()[table].name + " ORDER BY rowid"));
  }
  return cursor.select->Step();
}

Status DatabaseChecker::Add(std::size_t table, std::span<const Value> cells) {
  RETURN_IF_ERROR(CheckWidth(table, cells));
  Cursor& cursor = cursors_[table];
  if (cursor.broken) return Status::Ok();
  const Table& spec = Tables()[table];
  std::int64_t row = ++cursor.rows;
  ASSIGN_OR_RETURN(bool there, Next(table));
  std::string where = std::string(kDatabaseFile) + " table " + spec.name + " ";
  if (!there) {
    cursor.broken = true;
    differences_.push_back(where + "lacks " + RowName(spec, row, cells[0]) + " that " +
                           Gives(spec));
    return Status::Ok();
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::optional<Value> have = cursor.select->Column(static_cast<int>(i));
    if (have && *have == cells[i]) continue;
    cursor.broken = true;
    differences_.push_back(where + RowName(spec, row, cells[0]) + ", column " +
                           spec.columns[i].name + ": the bundle says " +
                           (have ? sqlite::Describe(*have) : std::string("a REAL or BLOB")) +
                           " where " + Gives(spec) + " " + sqlite::Describe(cells[i]));
    break;
  }
  return Status::Ok();
}

StatusOr<std::vector<std::string>> DatabaseChecker::Finish(const std::set<Source>& sources) {
  for (std::size_t table = 0; table < Tables().size(); ++table) {
    const Table& spec = Tables()[table];
    if (!sources.contains(spec.source) || cursors_[table].broken) continue;
    ASSIGN_OR_RETURN(bool more, Next(table));
    if (more) {
      differences_.push_back(
          std::string(kDatabaseFile) + " table " + spec.name + " has " +
          RowName(spec, cursors_[table].rows + 1, cursors_[table].select->Column(0)) + " that " +
          Gives(spec, false));
    }
  }
  cursors_.clear();
  return std::move(differences_);
}

}  // namespace hatchery::exporting::database
