// Helpers shared by the tests: a temporary directory, raw RocksDB access for tampering, and
// envelope builders.
#ifndef HATCHERY_TESTS_TEST_UTIL_H_
#define HATCHERY_TESTS_TEST_UTIL_H_

#include <rocksdb/db.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hatchery/event.h"
#include "hatchery/ledger.h"

namespace hatchery::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The store's RocksDB opened directly, bypassing Hatchery: what someone with the database files
// can do. Column families by name ("events", "streams", ...).
class RawStore {
 public:
  explicit RawStore(const std::string& dir);
  ~RawStore();
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(const std::string& name);
  std::string Get(const std::string& cf_name, const std::string& key);
  void Put(const std::string& cf_name, const std::string& key, const std::string& value);
  void Delete(const std::string& cf_name, const std::string& key);
  // Deletes every key of a column family (e.g. every kept checkpoint).
  void DeleteAll(const std::string& cf_name);

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::vector<std::string> names_;
};

inline const Actor kAdmin{"clerk.zhang", "admin"};

// A new store in `dir`/store, opened; requires success.
std::unique_ptr<Ledger> NewLedger(const TempDir& dir, LedgerOptions options = {});
// Opens the store NewLedger created in `dir`.
std::unique_ptr<Ledger> OpenLedger(const TempDir& dir, LedgerOptions options = {});

// A valid command on `stream` with a small data object.
AppendCommand MakeCommand(const std::string& command_id,
                          const std::string& stream = "carrier/tl-inc-001",
                          const std::string& type = "CarrierProfileAmended");

// Appends one command and requires success.
AppendResult AppendOk(Ledger& ledger, AppendCommand command, const Actor& actor = kAdmin);

// A child process running `body(write_fd)` (which must end with _exit) and the parent's end of a
// pipe from it.
struct Child {
  pid_t pid;
  int read_fd;
};
Child ForkWithPipe(const std::function<void(int write_fd)>& body);
// Reads from `fd` until `stop_at` appears in what was read (or end of file); returns false at end
// of file without it. An empty `stop_at` reads to end of file.
bool ReadUntil(int fd, std::string* into, const std::string& stop_at = "");

// `hatchery serve --data data --tokens tokens` started as a child process on a free loopback port,
// once it says it is serving; `out` holds what it printed so far (its stdout and stderr are the
// pipe).
// A `file_size_limit` (RLIMIT_FSIZE, with SIGXFSZ ignored) makes its writes fail beyond that many
// bytes per file, as on a full disk.
struct ServeProcess {
  Child child;
  std::string port;
  std::string out;
};
ServeProcess StartServe(const std::string& data, const std::string& tokens,
                        std::uint64_t file_size_limit = 0);
// `hatchery <args>` (serve, or follow --serve) started the same way, once it prints "stop with";
// `port` is the last loopback port named before that.
ServeProcess StartHatchery(const std::vector<std::string>& args, std::uint64_t file_size_limit = 0);
// Stops it with SIGTERM: the rest of its output is read into serve.out, the process waited for.
// Returns its wait status.
int StopServe(ServeProcess& serve);

// Acknowledgements from a child process that appends: one "seq hash" line per acknowledged event,
// written to a pipe; the parent collects them and checks them against the store afterwards.
using Acks = std::map<std::uint64_t, std::string>;    // seq -> hash hex
void WriteAck(int fd, const AppendResult& result);    // child side; _exit(2) if the pipe fails
int ParseAcks(const std::string& lines, Acks* acks);  // returns the number of lines added
// Requires the store at `path` to verify and to hold every acknowledged event with its hash;
// returns it opened.
std::unique_ptr<Ledger> RequireAcknowledgedIntact(const std::string& path, const Acks& acks);

// The whole content of the file at `path`; requires it to be readable.
std::string Slurp(const std::string& path);

// `text` split at its newlines (a last line without one included).
std::vector<std::string> Lines(const std::string& text);

// Runs `command` (a shell command line), feeding `input` on stdin; its stdout and stderr together.
struct RunResult {
  int exit_code;
  std::string out;
};
RunResult Run(const std::string& command, const std::string& input = "");
// Runs the hatchery binary with `args` (shell words).
RunResult RunHatchery(const std::string& args, const std::string& input = "");

}  // namespace hatchery::testing

#endif  // HATCHERY_TESTS_TEST_UTIL_H_
