// A write that RocksDB cannot complete (here: the file-size limit, RLIMIT_FSIZE, standing in for a
// full disk) must leave the ledger read-only: the failed appends answer `unavailable`, later ones
// too, reads go on, and nothing half-written is visible after reopening.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "hatchery/ledger.h"
#include "test_util.h"

namespace hatchery {
namespace {

using testing::kAdmin;
using testing::MakeCommand;
using testing::TempDir;

constexpr rlim_t kFileSizeLimit = 256 * 1024;

// Child exit codes.
enum : int { kChildOk = 0, kNoFailure = 10, kWrongCode = 11, kNotReadOnly = 12, kReadsBroken = 13 };

[[noreturn]] void ChildAppendUntilRefused(const std::string& path, int fd) {
  signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG instead of killing us
  auto ledger = std::move(Ledger::Open(path)).value();
  rlimit limit{kFileSizeLimit, kFileSizeLimit};
  setrlimit(RLIMIT_FSIZE, &limit);
  for (int i = 0;; ++i) {
    auto command = MakeCommand("big-" + std::to_string(i));
    command.data["padding"] = std::string(4000, 'p');
    auto results = ledger->Append(kAdmin, {command});
    if (results[0].ok()) {
      testing::WriteAck(fd, *results[0]);
      if (i > 10000) _exit(kNoFailure);
      continue;
    }
    if (results[0].status().code() != Code::kUnavailable) _exit(kWrongCode);
    auto again = ledger->Append(kAdmin, {MakeCommand("after-failure")});
    if (again[0].status().code() != Code::kUnavailable || !ledger->read_only()) _exit(kNotReadOnly);
    if (!ledger->Get(1).ok()) _exit(kReadsBroken);
    _exit(kChildOk);
  }
}

TEST_CASE("a failed write makes the ledger read-only and loses nothing acknowledged",
          "[ledger][fault]") {
  TempDir dir;
  std::string path = dir.Sub("s");
  REQUIRE(Ledger::Create(path).ok());
  testing::Child child = testing::ForkWithPipe([&](int fd) { ChildAppendUntilRefused(path, fd); });
  std::string acks;
  testing::ReadUntil(child.read_fd, &acks);
  close(child.read_fd);
  int status = 0;
  REQUIRE(waitpid(child.pid, &status, 0) == child.pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == kChildOk);

  testing::Acks acknowledged;
  CHECK(testing::ParseAcks(acks, &acknowledged) > 1);
  auto ledger = testing::RequireAcknowledgedIntact(path, acknowledged);
  // Reopened without the limit, the store takes appends again, chained onto what survived.
  std::uint64_t survived = ledger->head().seq;
  CHECK(survived >= acknowledged.rbegin()->first);
  CHECK(testing::AppendOk(*ledger, MakeCommand("after-reopen")).seq == survived + 1);
}

}  // namespace
}  // namespace hatchery

namespace hatchery {
namespace {

// The attack: `serve` and `append` on a full disk aborted on a RocksDB assertion (exit 134). Now
// the room is looked at before RocksDB opens: a clear error naming the store, exit 2.
TEST_CASE("a full disk at start is a clear error, not an abort", "[cli]") {
  testing::TempDir dir;
  std::string data = dir.Sub("s"), tokens = dir.Sub("tokens");
  REQUIRE(testing::RunHatchery("demo --carriers 2 --data " + data).exit_code == 0);
  REQUIRE(testing::RunHatchery("token add --tokens " + tokens + " --actor a.b --role admin")
              .exit_code == 0);
  // One kilobyte per file, and a write past it an error rather than a signal.
  const std::string full = std::string("ulimit -f 1; trap '' XFSZ; exec ") + HATCHERY_BINARY;
  for (const std::string& args :
       {" serve --listen 127.0.0.1:0 --tokens " + tokens + " --data " + data,
        " append --data " + data + " -", " init --data " + dir.Sub("new")}) {
    auto run = testing::Run("sh -c \"" + full + args + "\"", "{}\n");
    INFO(args << ": " << run.out);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.out, Catch::Contains("no room to write the store at") &&
                            Catch::Contains("File too large"));
  }
  CHECK(testing::RunHatchery("verify --data " + data).exit_code == 0);  // untouched
}

}  // namespace
}  // namespace hatchery
