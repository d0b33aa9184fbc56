#include "export/database/sqlite.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hatchery::exporting::sqlite {
namespace {

// The code of SQLite's result code `rc`: the file system's, a damaged file's, or ours.
Code CodeOf(int rc) {
  switch (rc & 0xff) {
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM: return Code::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Code::kCorruption;
    default: return Code::kInternal;
  }
}

}  // namespace

std::string Describe(const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return "NULL";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  std::string text = "'";
  for (char c : std::get<std::string_view>(value))
    text += c == '\'' ? std::string("''") : std::string(1, c);
  return text + "'";
}

void Connection::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Connection::~Connection() = default;
Statement::~Statement() = default;

StatusOr<Connection> Connection::Create(const std::string& path) {
  // Made here, empty, so that an existing file is never opened as the new one.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(errno == EEXIST ? Code::kAlreadyExists : Code::kUnavailable,
                  "cannot create " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE, nullptr);
  Connection connection(db);
  if (rc != SQLITE_OK) return connection.Error(rc, "creating " + path);
  // Written once, in order, inside a folder that is renamed into place only when complete: a crash
  // leaves nothing to recover, so no journal; the caller syncs the closed file.
  RETURN_IF_ERROR(connection.Exec(
      "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
      "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -262144; PRAGMA encoding = 'UTF-8'"));
  return connection;
}

StatusOr<Connection> Connection::OpenReadOnly(const std::string& path) {
  sqlite3* db = nullptr;
  // immutable=1: the file is read as it is on disk, with no lock taken and no journal looked for
  // (a leftover journal beside it is not "recovered" into what is read).
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  uri += "?immutable=1";
  int rc = sqlite3_open_v2(uri.c_str(), &db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE, nullptr);
  Connection connection(db);
  if (rc != SQLITE_OK) return connection.Error(rc, "opening " + path);
  // sqlite.org/security.html, "untrusted database files".
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  RETURN_IF_ERROR(connection.Exec("PRAGMA cell_size_check = ON; PRAGMA mmap_size = 0"));
  return connection;
}

StatusOr<Connection> Connection::InMemory() {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, nullptr);
  Connection connection(db);
  if (rc != SQLITE_OK) return connection.Error(rc, "opening an in-memory database");
  return connection;
}

Status Connection::Error(int rc, std::string_view doing) const {
  std::string message = "SQLite, " + std::string(doing) + ": ";
  message += db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  return Status(CodeOf(rc), message);
}

Status Connection::Exec(std::string_view sql) {
  int rc = sqlite3_exec(db_.get(), std::string(sql).c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, std::string(sql.substr(0, 80)));
  return Status::Ok();
}

StatusOr<Statement> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  Statement statement(db_.get(), stmt, std::string(sql));
  if (rc != SQLITE_OK) return Error(rc, "preparing " + std::string(sql.substr(0, 80)));
  return statement;
}

Status Connection::Close() {
  if (!db_) return Status::Ok();
  int rc = sqlite3_close(db_.get());
  if (rc != SQLITE_OK) return Error(rc, "closing");
  db_.release();
  return Status::Ok();
}

Status Statement::Error(int rc) const {
  return Status(CodeOf(rc), "SQLite, " + sql_.substr(0, 80) + ": " + sqlite3_errmsg(db_));
}

Status Statement::Bind(int index, const Value& value) {
  int rc;
  if (std::holds_alternative<std::monostate>(value)) {
    rc = sqlite3_bind_null(stmt_.get(), index);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    rc = sqlite3_bind_int64(stmt_.get(), index, *i);
  } else {
    std::string_view text = std::get<std::string_view>(value);
    rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_STATIC,
                             SQLITE_UTF8);
  }
  return rc == SQLITE_OK ? Status::Ok() : Error(rc);
}

StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(rc);
}

Status Statement::Reset() {
  int rc = sqlite3_reset(stmt_.get());
  return rc == SQLITE_OK ? Status::Ok() : Error(rc);
}

int Statement::columns() const { return sqlite3_column_count(stmt_.get()); }

std::optional<Value> Statement::Column(int i) const {
  switch (sqlite3_column_type(stmt_.get(), i)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(stmt_.get(), i));
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), i));
      int size = sqlite3_column_bytes(stmt_.get(), i);
      return std::string_view(text ? text : "", static_cast<std::size_t>(size));
    }
    default: return std::nullopt;
  }
}

std::string_view Statement::ColumnName(int i) const {
  const char* name = sqlite3_column_name(stmt_.get(), i);
  return name ? name : "";
}

}  // namespace hatchery::exporting::sqlite
