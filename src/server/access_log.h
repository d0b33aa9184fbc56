// Who tried to get in: every authentication a server decides — a `hello` taken or refused, a
// connection refused before it could say one — with its time, the client's address and, for a
// presented token, the token's id (the first 12 hex digits of its SHA-256, as `hatchery token list`
// names tokens: a revoked token that is tried again is recognised; the token itself is never kept).
// The `logins` op (docs/server.md "Who logged in") answers from it.
//
// The newest `keep` entries are held in memory. With a file (`hatchery serve --access-log FILE`),
// every entry is also appended to it as one JSON line, and the file's newest entries are loaded at
// start, so the answers reach back beyond a restart. The file is an operational log, not the
// ledger: it is not hash-chained, and lines a crash cut off or that do not parse are skipped on
// load (with a warning; a cut-off last line is ended before anything is appended). A failed write
// is logged and the entry kept in memory. The write is one small append under the log's lock, on
// the thread that decided the login. The file is rotated at kMaxFileBytes (FILE.1 keeps the one
// before), so refused connections cannot fill the disk.
//
// Thread-safe.
#ifndef HATCHERY_SERVER_ACCESS_LOG_H_
#define HATCHERY_SERVER_ACCESS_LOG_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "hatchery/status.h"

namespace hatchery::server {

struct Login {
  std::int64_t at_us = 0;  // when it was decided (Unix microseconds, the server's clock)
  std::string address;     // the client's IP address
  std::uint64_t connection = 0;
  std::string outcome;      // "ok", "failed" (a hello refused) or "refused" (no hello allowed)
  std::string actor, role;  // the token's, when "ok"
  std::string token_id;     // of the presented token, when one was presented
  std::string reason;       // why not, when not "ok"

  // A hello taken, a hello refused, a connection turned away: each now (NowMicros).
  static Login Taken(std::string address, std::uint64_t connection, std::string actor,
                     std::string role, std::string token_id);
  static Login Failed(std::string address, std::uint64_t connection, std::string token_id,
                      std::string reason);
  static Login Refused(std::string address, std::string reason);

  boost::json::object ToJson() const;
  static StatusOr<Login> FromJson(const boost::json::value& json);
};

class AccessLog {
 public:
  static constexpr std::size_t kKeep = 10'000;
  // Beyond this size the file is renamed FILE.1 and a new one begun (at most twice this on disk).
  static constexpr std::uint64_t kMaxFileBytes = 64ull << 20;

  // An access log that appends to `path` (created with mode 0600 if missing) after loading its
  // newest `keep` entries; with an empty path, one in memory only. Errors: kUnavailable when the
  // file cannot be read or opened for appending.
  static StatusOr<std::unique_ptr<AccessLog>> Open(const std::string& path,
                                                   std::size_t keep = kKeep);
  ~AccessLog();

  void Record(Login login);

  // The `logins` op: the kept entries, newest first, that match `args` — `failed` (true: all but
  // "ok"), `actor`, `address`, `from_time` and `to_time` (RFC 3339 UTC, inclusive), `limit` (at
  // most 1,000, default 100). {"logins", "matched", "kept", "kept_since", "since_start":
  // {"ok", "failed", "refused"}, "file"}. Errors: kBadRequest naming the argument.
  StatusOr<boost::json::object> Answer(const boost::json::object& args) const;

 private:
  AccessLog(std::string path, int fd, std::size_t keep)
      : path_(std::move(path)), fd_(fd), keep_(keep) {}

  // Appends `line` whole (short writes and EINTR retried), or logs why not. Under mu_.
  void WriteLine(const std::string& line);
  // Rotates the file once it holds kMaxFileBytes. Under mu_.
  void RotateIfFull();

  const std::string path_;
  int fd_;                     // mu_; -1: memory only
  std::uint64_t written_ = 0;  // mu_: the file's size
  const std::size_t keep_;
  mutable std::mutex mu_;
  std::deque<Login> kept_;                           // mu_, oldest first
  std::uint64_t ok_ = 0, failed_ = 0, refused_ = 0;  // mu_, since start
};

}  // namespace hatchery::server

#endif  // HATCHERY_SERVER_ACCESS_LOG_H_
