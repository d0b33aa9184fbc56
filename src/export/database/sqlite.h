// SQLite for the bundle's database (bundle.sqlite): a connection and its prepared statements, with
// SQLite's errors as Status (kUnavailable for the file system's, kCorruption for a file that is no
// sound database, kInternal for the rest). Only what the bundle needs: one writer that creates a
// file in one transaction, and readers that open a file as immutable (no lock, no journal: the
// bytes on disk are all that is read) with SQLite's defences against a hostile file on.
//
// Thread-compatible: one thread uses a connection and its statements at a time.
#ifndef HATCHERY_EXPORT_DATABASE_SQLITE_H_
#define HATCHERY_EXPORT_DATABASE_SQLITE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "hatchery/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hatchery::exporting::sqlite {

// A value of a cell: NULL, an integer or a text (UTF-8). A text is a view: what it points at must
// outlive the call it is given to.
using Value = std::variant<std::monostate, std::int64_t, std::string_view>;

// "NULL", "42", "'text'": a value as SQL would write it, for messages.
std::string Describe(const Value& value);

class Statement;

class Connection {
 public:
  // A new database file at `path`, set up to be written once, in order: no journal, no syncing
  // by SQLite (the caller syncs the closed file), an exclusive lock. Errors: kAlreadyExists for a
  // path that exists (left as it is); SQLite's.
  static StatusOr<Connection> Create(const std::string& path);
  // An existing file, read-only and immutable, with SQLite's defensive settings (no writable
  // schema, untrusted schema functions refused, cell sizes checked, no memory mapping).
  static StatusOr<Connection> OpenReadOnly(const std::string& path);
  // A private in-memory database (to read back a schema as SQLite stores it).
  static StatusOr<Connection> InMemory();

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection();

  // Runs `sql` (one or more statements, no results).
  Status Exec(std::string_view sql);
  StatusOr<Statement> Prepare(std::string_view sql);
  // Closes the connection, reporting what closing finds (the file written out). Idempotent.
  Status Close();

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  Status Error(int rc, std::string_view doing) const;
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;

  friend class Statement;
};

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  ~Statement();

  // Binds parameter `index` (1-based) to `value`; a text is not copied: it must stay valid until
  // the statement is stepped.
  Status Bind(int index, const Value& value);
  // Steps: true when a row is ready, false when done. Errors name the statement.
  StatusOr<bool> Step();
  // Resets to run again with new bindings.
  Status Reset();

  int columns() const;
  // Column `i` (0-based) of the current row; its text stays valid until the next Step or Reset.
  // nullopt for a REAL or a BLOB, which no cell of the bundle is.
  std::optional<Value> Column(int i) const;
  std::string_view ColumnName(int i) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  Status Error(int rc) const;
  sqlite3* db_;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::string sql_;

  friend class Connection;
};

}  // namespace hatchery::exporting::sqlite

#endif  // HATCHERY_EXPORT_DATABASE_SQLITE_H_
